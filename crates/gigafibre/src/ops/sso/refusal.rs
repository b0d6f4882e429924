//! Why a single sign-on did not open a session, and the page that says so
//! in the reader's language. The cause goes to the log, never to the page.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::{Lang, Messages};
use crate::web::PageError;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("single sign-on is not configured")]
    NotConfigured,
    #[error("the identity provider cannot be reached: {0}")]
    Unavailable(String),
    #[error("too many sign-on starts from one network address")]
    TooManyStarts,
    #[error("the provider answered with an error: {0}")]
    ProviderError(String),
    #[error("the callback carries no code or no state")]
    Incomplete,
    #[error("the state names no attempt")]
    UnknownState,
    #[error("the attempt was started in another browser")]
    OtherBrowser,
    #[error("the attempt is older than 10 minutes")]
    Expired,
    #[error("the attempt was already spent (replayed callback)")]
    Replayed,
    #[error("wrong issuer: {0}")]
    WrongIssuer(String),
    #[error("the provider refused the code: {0}")]
    CodeRefused(String),
    #[error("the ID token names a key the provider does not list")]
    UnknownKey,
    #[error("the ID token's signature is not valid: {0}")]
    BadSignature(String),
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
    #[error("the ID token carries no verified e-mail address")]
    NoVerifiedEmail,
    #[error("neither a mapped group nor an active staff row")]
    NotStaff,
    #[error("the staff row is deactivated")]
    Deactivated,
    #[error("the provider's groups gave the role and give none any more")]
    LeftGroups,
    #[error("the staff member with this address is bound to another account at the provider")]
    OtherAccount,
    #[error("a technician asked for the ops app")]
    Technician,
}

impl Refusal {
    /// The page's title and message.
    fn message_keys(&self) -> (&'static str, &'static str) {
        let refused = "ops.sso.refused.title";
        match self {
            Refusal::NotConfigured => ("ops.sso.unavailable.title", "ops.sso.not_configured"),
            Refusal::Unavailable(_) => ("ops.sso.unavailable.title", "ops.sso.unavailable"),
            Refusal::TooManyStarts => ("ops.sso.unavailable.title", "ops.sso.too_many_starts"),
            Refusal::ProviderError(_) => (refused, "ops.sso.provider_error"),
            Refusal::Incomplete | Refusal::UnknownState => (refused, "ops.sso.bad_state"),
            Refusal::OtherBrowser => (refused, "ops.sso.other_browser"),
            Refusal::Expired => (refused, "ops.sso.expired"),
            Refusal::Replayed => (refused, "ops.sso.replayed"),
            Refusal::WrongIssuer(_) => (refused, "ops.sso.wrong_issuer"),
            Refusal::CodeRefused(_) => (refused, "ops.sso.code_refused"),
            Refusal::UnknownKey | Refusal::BadSignature(_) | Refusal::InvalidToken(_) => {
                (refused, "ops.sso.invalid_token")
            }
            Refusal::NoVerifiedEmail => (refused, "ops.sso.no_email"),
            Refusal::NotStaff => ("ops.sso.not_staff.title", "ops.sso.not_staff"),
            Refusal::Deactivated => ("ops.sso.not_staff.title", "ops.sso.deactivated"),
            Refusal::LeftGroups => ("ops.sso.not_staff.title", "ops.sso.left_groups"),
            Refusal::OtherAccount => (refused, "ops.sso.other_account"),
            Refusal::Technician => ("ops.sso.technician.title", "ops.sso.technician"),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Refusal::NotConfigured => StatusCode::NOT_FOUND,
            Refusal::Unavailable(_) => StatusCode::BAD_GATEWAY,
            Refusal::TooManyStarts => StatusCode::TOO_MANY_REQUESTS,
            Refusal::NotStaff
            | Refusal::Deactivated
            | Refusal::Technician
            | Refusal::LeftGroups
            | Refusal::OtherAccount => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

#[derive(Template)]
#[template(path = "ops/sso/templates/refused.html")]
struct RefusedPage {
    m: Messages,
    current_path: String,
    title_key: &'static str,
    body_key: &'static str,
    technician: bool,
}

/// Logs the refusal with its cause and answers the page; `clear_cookie`
/// also ends the browser's attempt cookie.
pub fn refused(lang: Lang, refusal: &Refusal, clear_cookie: Option<HeaderValue>) -> Response {
    tracing::warn!(reason = %refusal, "staff single sign-on refused");
    let (title_key, body_key) = refusal.message_keys();
    let page = RefusedPage {
        m: Messages::new(lang),
        current_path: "/ops/sign-in".into(),
        title_key,
        body_key,
        technician: matches!(refusal, Refusal::Technician),
    };
    let mut response = match page.render() {
        Ok(html) => (refusal.status(), [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(error) => PageError::internal(lang, error).into_response(),
    };
    if let Some(cookie) = clear_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
