//! The signed-in technician, as an extractor: a handler that takes
//! `CurrentTechnician` is reachable only with a live technician session
//! whose link was not revoked, and everything it shows is limited to the
//! link's scope (a day's jobs, or one job).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gigafibre_db::entities::{technician, technician_link};
use sea_orm::EntityTrait;

use super::links::{self, Scope};
use crate::auth::session;
use crate::web::AppState;

#[derive(Debug, Clone)]
pub struct CurrentTechnician {
    pub technician: technician::Model,
    pub link: technician_link::Model,
    pub csrf_token: String,
    pub cookie_value: String,
}

impl CurrentTechnician {
    pub fn scope(&self) -> Scope {
        Scope::of(&self.link)
    }

    pub fn id(&self) -> i64 {
        self.technician.id
    }

    /// Refuses a form that does not carry this session's token.
    pub fn check_csrf(&self, posted: &str, lang: crate::i18n::Lang) -> Result<(), crate::web::PageError> {
        if posted == self.csrf_token { Ok(()) } else { Err(crate::web::PageError::forbidden(lang)) }
    }
}

/// No technician session: a page goes to the page that explains how to
/// open one; an htmx or script call gets 401.
#[derive(Debug)]
pub struct NotSignedIn {
    partial: bool,
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        if self.partial {
            return (StatusCode::UNAUTHORIZED, [(header::CACHE_CONTROL, "no-store")], "sign-in required")
                .into_response();
        }
        Redirect::to("/j/sign-in").into_response()
    }
}

impl FromRequestParts<AppState> for CurrentTechnician {
    type Rejection = NotSignedIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let refused = NotSignedIn { partial: parts.headers.contains_key("hx-request") };
        let Some(cookie_value) = session::cookie_value(&state.config, &parts.headers) else { return Err(refused) };
        let row = session::find(&state.db, &cookie_value, state.clock.now()).await.ok().flatten();
        let Some(row) = row.filter(|r| r.kind == "technician") else { return Err(refused) };
        let Some(technician_id) = row.technician_id else { return Err(refused) };
        let link = links::of_session(&state.db, &cookie_value).await.ok().flatten();
        let Some(link) = link.filter(|l| l.technician_id == technician_id) else { return Err(refused) };
        let found = technician::Entity::find_by_id(technician_id).one(&state.db).await.ok().flatten();
        let Some(technician) = found.filter(|t| t.active) else { return Err(refused) };
        Ok(CurrentTechnician { technician, link, csrf_token: row.csrf_token, cookie_value })
    }
}
