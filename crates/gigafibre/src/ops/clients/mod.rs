//! The clients section: the list, one customer's page with in-place edits,
//! and creating customers and service locations.

mod access;
mod create;
pub(crate) mod detail;
mod edit;
mod fields;
mod list;
mod location;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/clients", get(list::page))
        .route("/ops/clients/new", get(create::new_form).post(create::create))
        .route("/ops/clients/{id}", get(detail::page))
        .route("/ops/clients/{id}/fields/{field}", get(edit::show).post(edit::save))
        .route("/ops/clients/{id}/fields/{field}/edit", get(edit::edit))
        .route("/ops/clients/{id}/locations/new", get(create::new_location_form).post(create::create_location))
        .route("/ops/clients/{id}/sign-out-everywhere", post(access::sign_out_everywhere))
}
