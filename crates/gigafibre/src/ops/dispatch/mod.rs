//! `/ops/dispatch`: the dispatch board and map. One row per technician on a
//! time axis (or a week), the jobs waiting beside it, drag and drop (or a
//! per-job form) to place, move or unassign a job, a change feed so that
//! two dispatchers see each other's moves, and "Plan this day".
//! Dispatchers and admins only (`Staff<Dispatch>`).
//!
//! - `view`: how a day reads on the board and the map (pure);
//! - `board`: the day and week pages, and the change feed;
//! - `week`: the week's grid;
//! - `drop`: placing, moving, unassigning and pinning a job;
//! - `plan`: "Plan this day" and accepting its proposal.

mod board;
mod drop;
mod plan;
mod view;
mod week;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/dispatch", get(board::page))
        .route("/ops/dispatch/changes", get(board::changes))
        .route("/ops/dispatch/jobs/{id}/place", get(drop::form).post(drop::place))
        .route("/ops/dispatch/jobs/{id}/lock", post(drop::lock))
        .route("/ops/dispatch/plan", post(plan::plan))
        .route("/ops/dispatch/proposals/{id}/accept", post(plan::accept))
}
