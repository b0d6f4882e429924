//! Whether a form came from one of our own pages.

use axum::http::{HeaderMap, header};

use crate::config::Config;

/// A form posted from another site is refused (login CSRF): the browser's
/// `Origin`, when it sends one, must be ours.
pub fn same_origin(config: &Config, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let ours = config.public_url.origin().ascii_serialization();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin == ours || origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
}
