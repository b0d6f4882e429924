//! Opening a link: the GET shows a button and changes nothing (mail and
//! SMS scanners follow links); the person's POST spends the link and opens
//! a session that ends with the link's day. Sign-out ends it on the server.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::current::CurrentTechnician;
use super::day::end_of_day;
use super::links::{self, Refusal, Scope};
use crate::auth::session::{self, Owner};
use crate::i18n::{Lang, Messages};
use crate::web::link_page::{self, Area, no_store};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "tech/templates/sign_in.html")]
struct SignInPage {
    m: Messages,
    current_path: String,
    error: Option<&'static str>,
}

fn sign_in_page(lang: Lang, error: Option<&'static str>, status: StatusCode) -> Result<Response, PageError> {
    let page = SignInPage { m: Messages::new(lang), current_path: "/j/sign-in".into(), error };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, no_store(), Html(html)).into_response())
}

/// `GET /j/sign-in`: how to get into the app (a link from dispatch).
pub async fn page(RequestLang(lang): RequestLang) -> Result<Response, PageError> {
    sign_in_page(lang, None, StatusCode::OK)
}

fn refused(lang: Lang, refusal: Refusal) -> Result<Response, PageError> {
    sign_in_page(lang, Some(refusal.message_key()), StatusCode::BAD_REQUEST)
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /j/auth?token=…`: a page whose button signs in.
pub async fn open_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = query.token.unwrap_or_default();
    let check = links::peek(&state.db, &token, state.clock.now()).await.map_err(|e| PageError::database(lang, e))?;
    if let Err(refusal) = check {
        return refused(lang, refusal);
    }
    link_page::render(lang, Area::Tech, token, None)
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
}

/// `POST /j/auth`: the person's click spends the link and opens a session.
pub async fn confirm_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, PageError> {
    if !crate::web::same_origin(&state.config, &headers) {
        return refused(lang, Refusal::Unknown);
    }
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    // Spent and turned into a session together: a failure wastes no link.
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let link = match links::spend(&txn, &form.token, now).await.map_err(db_error)? {
        Ok(link) => link,
        Err(refusal) => return refused(lang, refusal),
    };
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // The session ends with the link's day.
    let until = end_of_day(link.day);
    let new = session::start_until(&txn, Owner::Technician(link.technician_id), until, now, user_agent)
        .await
        .map_err(db_error)?;
    links::bind_session(&txn, link.id, &new.cookie_value).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    let to = match Scope::of(&link) {
        Scope::Job(id) => format!("/j/job/{id}"),
        Scope::Day(_) => "/j".to_owned(),
    };
    Ok(session::redirect_with_cookie(&state.config, &to, Some(&new.cookie_value)))
}

#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
}

/// `POST /j/sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
    axum::Form(form): axum::Form<SignOutForm>,
) -> Result<Response, PageError> {
    technician.check_csrf(&form.csrf, lang)?;
    session::end(&state.db, &technician.cookie_value).await.map_err(|e| PageError::database(lang, e))?;
    Ok(session::redirect_with_cookie(&state.config, "/j/sign-in", None))
}
