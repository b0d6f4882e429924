//! The tech app as an installable web app: its manifest and its service
//! worker, scoped to the app's pages, which keeps the shell and today's page so that
//! `/j` opens without signal.

use axum::http::header;
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use crate::i18n::text;
use crate::web::RequestLang;

/// `GET /j/manifest.webmanifest`.
pub async fn manifest(RequestLang(lang): RequestLang) -> Response {
    let body = json!({
        "name": text(lang, "tech.app.name"),
        "short_name": text(lang, "tech.app.short_name"),
        "lang": lang.code(),
        "start_url": "/j",
        "scope": "/j",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f8fa",
        "theme_color": "#0b5cad",
        "icons": [
            { "src": "/static/tech-icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" },
        ],
    });
    ([(header::CONTENT_TYPE, "application/manifest+json")], Json(body)).into_response()
}

/// `GET /j/sw.js`: always fetched fresh, so a new version takes over. Its
/// scope is `/j` (the app's pages, `/j` itself included, which the
/// default `/j/` would leave out), allowed by `Service-Worker-Allowed`.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("service-worker-allowed"), "/j"),
        ],
        include_str!("sw.js"),
    )
        .into_response()
}
