//! The billing section of the ops app (billing staff and admins): the
//! billing runs, each with its counts, totals and errors.

mod runs;

use axum::Router;
use axum::routing::get;

use crate::web::AppState;

/// Where the list of billing runs lives.
pub const RUNS_PATH: &str = "/ops/facturation/runs";

pub fn routes() -> Router<AppState> {
    Router::new().route(RUNS_PATH, get(runs::page))
}
