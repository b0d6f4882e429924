//! Which language to answer in: the `lang` cookie set by the switch in the
//! top bar, else the browser's `Accept-Language`, else French.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::i18n::{Lang, from_accept_language};

const COOKIE: &str = "lang";

/// The reader's language, as an extractor.
#[derive(Clone, Copy, Debug)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(lang_of(parts)))
    }
}

pub fn lang_of(parts: &Parts) -> Lang {
    let from_cookie = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("lang=").and_then(Lang::from_code));
    from_cookie
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(from_accept_language)
        })
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Remembers the chosen language and goes back to the page the reader was
/// on. Only a local path is followed, so the link cannot send anyone away.
pub async fn switch(Path(code): Path<String>, Query(query): Query<Next>) -> Response {
    let destination = query.next.filter(|next| is_local_path(next)).unwrap_or_else(|| "/".to_owned());
    let Some(lang) = Lang::from_code(&code) else {
        return Redirect::to(&destination).into_response();
    };
    let cookie = format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.code());
    let mut response = Redirect::to(&destination).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// A path on this site: it starts with one `/`, and holds no backslash, no
/// scheme and no control character or space (browsers drop tabs and line
/// breaks from a URL, which would turn `/\t/evil` into `//evil`).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.contains("://")
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/ops/clients?page=2"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("evil"));
        assert!(!is_local_path("/\t/evil.example"), "a tab is dropped by browsers");
        assert!(!is_local_path("/\n/evil.example"));
    }
}
