//! Error pages. A person never sees a cause or a stack trace: a 500 shows an
//! id they can quote to support, and the log holds the cause under that id.

use std::any::Any;

use askama::Template;
use axum::extract::{OriginalUri, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use rand::RngExt;

use super::RequestLang;
use crate::i18n::{Lang, Messages};

#[derive(Template)]
#[template(path = "web/templates/error.html")]
struct ErrorPage {
    m: Messages,
    current_path: String,
    title_key: &'static str,
    body_key: &'static str,
    error_id: Option<String>,
    /// Where "back home" leads: the home of the part of the site the reader is in.
    home: &'static str,
}

tokio::task_local! {
    /// The home of the part of the site the request is in, for error pages.
    static HOME: &'static str;
}

/// The ops app's pages lead back to the ops app, the portal's to the portal.
fn home_of(path: &str) -> &'static str {
    let under = |area: &str| path == area || path.starts_with(&format!("{area}/"));
    if under("/ops") {
        "/ops"
    } else if under("/portal") {
        "/portal"
    } else if under("/j") {
        "/j"
    } else {
        "/"
    }
}

/// An error a page handler returns; it renders itself in the reader's language.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    lang: Lang,
    error_id: Option<String>,
    /// The title and text, when not the usual ones for the status.
    words: Option<(&'static str, &'static str)>,
}

/// A short id to tie what a person reports to a line in the log.
pub fn error_id() -> String {
    format!("{:08x}", rand::rng().random::<u32>())
}

impl PageError {
    pub fn internal(lang: Lang, cause: impl std::fmt::Display) -> PageError {
        let id = error_id();
        tracing::error!(error_id = %id, %cause, "request failed");
        PageError { status: StatusCode::INTERNAL_SERVER_ERROR, lang, error_id: Some(id), words: None }
    }

    /// The database failed: unreachable gives a 503 that says to retry.
    pub fn database(lang: Lang, cause: sea_orm::DbErr) -> PageError {
        let unreachable = matches!(cause, sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_));
        let mut error = PageError::internal(lang, cause);
        if unreachable {
            error.status = StatusCode::SERVICE_UNAVAILABLE;
        }
        error
    }

    /// A state-changing request without a valid CSRF token.
    pub fn forbidden(lang: Lang) -> PageError {
        PageError { status: StatusCode::FORBIDDEN, lang, error_id: None, words: None }
    }

    /// Signed in, with a role that does not reach this page: reloading
    /// would not help, so the page says so.
    pub fn not_allowed(lang: Lang) -> PageError {
        let words = Some(("error.not_allowed.title", "error.not_allowed.body"));
        PageError { status: StatusCode::FORBIDDEN, lang, error_id: None, words }
    }

    /// Staff looking at the portal as a customer tried to change something.
    pub fn read_only(lang: Lang) -> PageError {
        let words = Some(("error.read_only.title", "error.read_only.body"));
        PageError { status: StatusCode::FORBIDDEN, lang, error_id: None, words }
    }

    pub fn not_found(lang: Lang) -> PageError {
        PageError { status: StatusCode::NOT_FOUND, lang, error_id: None, words: None }
    }

    /// A request the server could not read (a number that is not one, a
    /// form field missing), with the status the reader got.
    pub fn unreadable(lang: Lang, status: StatusCode) -> PageError {
        let words = Some(("error.unreadable.title", "error.unreadable.body"));
        PageError { status, lang, error_id: None, words }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (title_key, body_key) = self.words.unwrap_or(match self.status {
            StatusCode::NOT_FOUND => ("error.not_found.title", "error.not_found.body"),
            StatusCode::FORBIDDEN => ("error.forbidden.title", "error.forbidden.body"),
            StatusCode::SERVICE_UNAVAILABLE => ("error.unavailable.title", "error.unavailable.body"),
            _ => ("error.internal.title", "error.internal.body"),
        });
        let page = ErrorPage {
            m: Messages::new(self.lang),
            current_path: "/".to_owned(),
            title_key,
            body_key,
            error_id: self.error_id.filter(|_| self.status == StatusCode::INTERNAL_SERVER_ERROR),
            home: HOME.try_with(|home| *home).unwrap_or("/"),
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => self.status.into_response(),
        }
    }
}

/// axum answers a path, query or form it cannot read with a line of English
/// plain text; pages answer it as an error page in the reader's language
/// instead. The JSON API and the payment provider's webhooks keep theirs.
/// Every error page of the request leads back to the home of its part of
/// the site.
pub async fn explain_rejections(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let lang = super::language::lang_of(&parts);
    let page = !["/api/", "/webhook/"].iter().any(|prefix| parts.uri.path().starts_with(prefix));
    let home = home_of(parts.uri.path());
    HOME.scope(home, explained(Request::from_parts(parts, body), next, lang, page)).await
}

async fn explained(request: Request, next: Next, lang: Lang, page: bool) -> Response {
    let response = next.run(request).await;
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/plain"));
    if page && plain_text && response.status().is_client_error() {
        return PageError::unreadable(lang, response.status()).into_response();
    }
    response
}

pub async fn not_found(RequestLang(lang): RequestLang, OriginalUri(_uri): OriginalUri) -> PageError {
    PageError::not_found(lang)
}

/// A handler that panicked: log it under an id, show the generic page.
pub fn panic_page(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    PageError::internal(Lang::default(), detail).into_response()
}
