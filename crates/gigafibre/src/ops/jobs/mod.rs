//! Ops job pages: one job with its history, equipment and ticket, the
//! actions on it (complete, could not complete, cancel), and creating a job
//! from a ticket.
//!
//! Reading is open to every member of staff (`Staff<AnyRole>`); changing a
//! job takes `Staff<Dispatch>` (dispatchers and admins). The rules and
//! writes are the dispatch feature's ([`crate::dispatch`]).

mod actions;
mod detail;
mod new;
pub(crate) mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/jobs/new", get(new::form).post(new::create))
        .route("/ops/jobs/{id}", get(detail::page))
        .route("/ops/jobs/{id}/cancel", post(actions::cancel))
        .route("/ops/jobs/{id}/not-completed", post(actions::not_completed))
        .route("/ops/jobs/{id}/complete", post(actions::complete))
}
