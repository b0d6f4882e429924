//! What every JSON endpoint under `/api/v1` shares: errors as RFC 9457
//! `application/problem+json`, and idempotency keys that let a client (the
//! technician app's offline queue) send the same request again safely; and
//! the OpenAPI document that describes every endpoint.

pub mod idempotency;
pub mod openapi;
pub mod problem;

use axum::Router;
use axum::routing::get;

pub use problem::Problem;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi::document))
}
