//! RFC 9457 problem details: the one error shape of the JSON API, with a
//! title and detail in the caller's language. A 500 names an id, never a
//! cause; the log has the cause under that id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::i18n::{Lang, text};

/// A refused or failed API request.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// A short stable name for the kind of problem, the end of its `type` URI.
    pub kind: &'static str,
    pub title: String,
    pub detail: Option<String>,
}

impl Problem {
    /// A problem whose title and detail are catalogue keys.
    pub fn new(lang: Lang, status: StatusCode, kind: &'static str, detail_key: &str) -> Problem {
        let title = status.canonical_reason().unwrap_or("Error").to_owned();
        Problem { status, kind, title, detail: Some(text(lang, detail_key).to_owned()) }
    }

    pub fn with_detail(mut self, detail: String) -> Problem {
        self.detail = Some(detail);
        self
    }

    pub fn unauthorized(lang: Lang) -> Problem {
        Problem::new(lang, StatusCode::UNAUTHORIZED, "sign-in-required", "api.problem.sign_in")
    }

    pub fn forbidden(lang: Lang) -> Problem {
        Problem::new(lang, StatusCode::FORBIDDEN, "forbidden", "api.problem.forbidden")
    }

    pub fn not_found(lang: Lang) -> Problem {
        Problem::new(lang, StatusCode::NOT_FOUND, "not-found", "api.problem.not_found")
    }

    pub fn unreadable(lang: Lang) -> Problem {
        Problem::new(lang, StatusCode::BAD_REQUEST, "unreadable-body", "api.problem.unreadable")
    }

    /// Something broke on our side: logged under an id the caller can quote.
    pub fn internal(lang: Lang, cause: impl std::fmt::Display) -> Problem {
        let id = crate::web::error_id();
        tracing::error!(error_id = %id, %cause, "API request failed");
        let detail = text(lang, "api.problem.internal").replace("{id}", &id);
        let status = StatusCode::INTERNAL_SERVER_ERROR;
        Problem { status, kind: "internal", title: "Internal Server Error".into(), detail: Some(detail) }
    }

    pub fn database(lang: Lang, cause: sea_orm::DbErr) -> Problem {
        let unreachable = matches!(cause, sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_));
        let mut problem = Problem::internal(lang, cause);
        if unreachable {
            problem.status = StatusCode::SERVICE_UNAVAILABLE;
            problem.title = "Service Unavailable".into();
        }
        problem
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": format!("/api/v1/problems/{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut response = (self.status, body.to_string()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_in_the_callers_language_and_says_what_it_is() {
        let problem = Problem::not_found(Lang::En);
        assert_eq!(problem.status, StatusCode::NOT_FOUND);
        assert_eq!(problem.title, "Not Found");
        let response = problem.into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/problem+json");
    }
}
