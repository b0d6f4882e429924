//! The OpenAPI 3.1 document of `/api/v1`, kept by hand beside this file
//! (`openapi.json`) and served as it is. A test compares it with the
//! routes the code registers, both ways, so that it cannot drift.

use axum::http::header;
use axum::response::IntoResponse;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`.
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=300")], DOCUMENT)
}
