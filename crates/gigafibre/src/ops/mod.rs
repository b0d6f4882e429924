//! The ops app (`/ops`) for agents, dispatchers, billing and admins. For
//! now: staff accounts, sign-in by one-time link, roles checked by type.

pub mod roles;
pub mod staff;

mod impersonation;
mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops", get(pages::home))
        .route("/ops/sign-in", get(pages::sign_in))
        .route("/ops/auth", get(pages::open_link).post(pages::confirm_link))
        .route("/ops/sign-out", post(pages::sign_out))
        .route("/ops/impersonate", post(impersonation::start))
        .route(crate::portal::IMPERSONATION_END, post(impersonation::end))
}
