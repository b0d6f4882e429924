//! The ops app (`/ops`) for agents, dispatchers, billing and admins. Each
//! part lives in its own folder with its routes, templates and messages.

pub mod roles;
pub mod staff;

mod billing;
pub(crate) mod clients;
pub(crate) mod dashboard;
mod dispatch;
pub(crate) mod frame;
mod impersonation;
mod invoices;
pub(crate) mod jobs;
mod pages;
mod pay_links;
pub(crate) mod receivables;
pub(crate) mod records;
pub(crate) mod search;
pub mod sso;
pub(crate) mod team;
pub(crate) mod tickets;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops", get(dashboard::page))
        .route("/ops/search", get(search::results))
        .route("/ops/sign-in", get(pages::sign_in))
        .route("/ops/auth", get(pages::open_link).post(pages::confirm_link))
        .route("/ops/sign-out", post(pages::sign_out))
        .route("/ops/impersonate", post(impersonation::start))
        .route(crate::portal::IMPERSONATION_END, post(impersonation::end))
        .merge(billing::routes())
        .merge(clients::routes())
        .merge(tickets::routes())
        .merge(jobs::routes())
        .merge(team::routes())
        .merge(dispatch::routes())
        .merge(records::routes())
        .merge(receivables::routes())
        .merge(invoices::routes())
        .merge(pay_links::routes())
        .merge(sso::routes())
}
