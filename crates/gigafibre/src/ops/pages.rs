//! The ops app's sign-in page (single sign-on when a provider is set up, a
//! link by e-mail otherwise), the one-time link it leads to, and sign-out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::roles::{AnyRole, Staff};
use super::staff;
use crate::auth::session::{self, Owner};
use crate::config::Config;
use crate::i18n::{Lang, Messages};
use crate::web::link_page::{self, Area, no_store};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "ops/templates/sign_in.html")]
struct SignInPage {
    m: Messages,
    current_path: String,
    /// The identity provider's name, when single sign-on is set up.
    sso_name: Option<String>,
    /// Whether the form that e-mails a link is offered.
    email_links: bool,
    view: SignInView,
}

/// What the sign-in page shows besides its forms.
#[derive(Default)]
pub(crate) struct SignInView {
    pub error: Option<&'static str>,
    /// The address typed in the e-mail form, kept when the page comes back.
    pub typed: String,
    /// A link was asked for (whether or not anyone has that address).
    pub sent: bool,
    pub retry_after_minutes: Option<i64>,
}

pub(crate) fn sign_in_page(
    config: &Config,
    lang: Lang,
    view: SignInView,
    status: StatusCode,
) -> Result<Response, PageError> {
    let sso_name = config.oidc.display_name();
    let email_links = config.oidc.email_links_offered();
    let page = SignInPage { m: Messages::new(lang), current_path: "/ops/sign-in".into(), sso_name, email_links, view };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, no_store(), Html(html)).into_response())
}

fn refused_link(config: &Config, lang: Lang) -> Result<Response, PageError> {
    let view = SignInView { error: Some("ops.link_refused"), ..SignInView::default() };
    sign_in_page(config, lang, view, StatusCode::BAD_REQUEST)
}

pub async fn sign_in(State(state): State<AppState>, RequestLang(lang): RequestLang) -> Result<Response, PageError> {
    sign_in_page(&state.config, lang, SignInView::default(), StatusCode::OK)
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// What the link opens: a button, so that nothing is spent by a mere visit.
pub async fn open_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = query.token.unwrap_or_default();
    let live =
        staff::link_is_live(&state.db, &token, state.clock.now()).await.map_err(|e| PageError::database(lang, e))?;
    if !live {
        return refused_link(&state.config, lang);
    }
    link_page::render(lang, Area::Ops, token, None)
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
}

pub async fn confirm_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    headers: axum::http::HeaderMap,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, PageError> {
    if !crate::web::same_origin(&state.config, &headers) {
        return Err(PageError::forbidden(lang));
    }
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    // Spent and turned into a session together: a failure wastes no link.
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let Some(staff_id) = staff::spend_link(&txn, &form.token, now).await.map_err(db_error)? else {
        return refused_link(&state.config, lang);
    };
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let new = session::start(&txn, Owner::Staff(staff_id), now, user_agent).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(session::redirect_with_cookie(&state.config, "/ops", Some(&new.cookie_value)))
}

#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    axum::Form(form): axum::Form<SignOutForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    session::end(&state.db, &staff.cookie_value).await.map_err(|e| PageError::database(lang, e))?;
    Ok(session::redirect_with_cookie(&state.config, "/ops/sign-in", None))
}
