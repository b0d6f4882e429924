//! The sign-in pages: ask for a link, open it, confirm, or type the code.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::current::CurrentCustomer;
use super::identifier::{Hint, Identifier};
use super::links::{self, Refusal, Requested};
use crate::auth::session;
use crate::i18n::Messages;
use crate::web::link_page::{self, Area, no_store};
use crate::web::{AppState, ClientAddress, PageError, RequestLang};

#[derive(Template)]
#[template(path = "portal/templates/sign_in.html")]
struct SignInPage {
    m: Messages,
    current_path: String,
    next: String,
    typed: String,
    /// The catalogue key of a message to show above the form, if any.
    notice: Option<&'static str>,
    /// Where the link went, once one was asked for.
    sent_to: Option<String>,
    retry_after_minutes: Option<i64>,
    error: Option<&'static str>,
    /// The identifier of a device whose label was scanned: the page offers
    /// to send a link to its subscriber, never naming them.
    device: Option<String>,
}

impl SignInPage {
    fn new(m: Messages, next: String) -> SignInPage {
        SignInPage {
            m,
            current_path: "/portal/sign-in".into(),
            next,
            typed: String::new(),
            notice: None,
            sent_to: None,
            retry_after_minutes: None,
            error: None,
            device: None,
        }
    }

    fn respond(self, status: StatusCode) -> Result<Response, PageError> {
        let lang = self.m.lang;
        let html = self.render().map_err(|e| PageError::internal(lang, e))?;
        Ok((status, no_store(), Html(html)).into_response())
    }
}

/// The page this browser was going to when it asked for a link, kept for
/// the day the link lives so that opening it comes back there.
const NEXT_COOKIE: &str = "gigafibre_next";

fn remember_next(config: &crate::config::Config, next: &str) -> HeaderValue {
    let secure = if config.public_url.scheme() == "https" { "; Secure" } else { "" };
    let cookie = format!("{NEXT_COOKIE}={next}; Path=/portal; Max-Age=86400; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("gigafibre_next=; Max-Age=0"))
}

fn remembered_next(headers: &HeaderMap) -> Option<String> {
    let prefix = format!("{NEXT_COOKIE}=");
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&prefix).map(str::to_owned))
}

/// Only a page of the portal: never another site.
/// Only characters that need no escaping in a header or a cookie are kept,
/// so a crafted `next` can neither redirect away nor add cookie attributes.
fn portal_path(next: Option<&str>) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/-_.?=&%".contains(c);
    next.filter(|n| n.starts_with("/portal") && !n.contains("//") && n.chars().all(safe))
        .map(str::to_owned)
        .unwrap_or_else(|| "/portal".into())
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    expired: Option<String>,
    device: Option<String>,
}

pub async fn page(RequestLang(lang): RequestLang, Query(query): Query<SignInQuery>) -> Result<Response, PageError> {
    let mut page = SignInPage::new(Messages::new(lang), portal_path(query.next.as_deref()));
    if query.expired.is_some() {
        page.notice = Some("portal.session_expired");
    }
    let device = query.device.map(|serial| format!("{}{serial}", super::identifier::DEVICE_PREFIX));
    page.device = device.filter(|typed| Identifier::parse(typed).is_some());
    page.respond(StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LinkRequest {
    identifier: String,
    next: Option<String>,
}

/// `POST /portal/request-link`, as JSON (`{"identifier": "…"}`) or from the
/// sign-in form. Known or not, the answer is the same.
pub async fn request_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    ClientAddress(ip): ClientAddress,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed: Option<LinkRequest> =
        if json_body { serde_json::from_slice(&body).ok() } else { serde_urlencoded::from_bytes(&body).ok() };
    let typed = parsed.as_ref().map(|p| p.identifier.trim().to_owned()).unwrap_or_default();
    let next = portal_path(parsed.as_ref().and_then(|p| p.next.as_deref()));
    if !crate::web::same_origin(&state.config, &headers) {
        return Err(PageError::forbidden(lang));
    }
    let Some(identifier) = Identifier::parse(&typed) else {
        if json_body {
            let body = json!({"status": "invalid", "message": crate::i18n::text(lang, "portal.identifier_invalid")});
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, no_store(), Json(body)).into_response());
        }
        let mut page = SignInPage::new(Messages::new(lang), next);
        page.typed = typed;
        page.error = Some("portal.identifier_invalid");
        return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
    };
    let outcome = links::request(&state.db, &identifier, lang, ip, state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    let m = Messages::new(lang);
    match outcome {
        Requested::Accepted(hint) => {
            let sent_to = describe(&m, &hint);
            if json_body {
                return Ok(
                    (StatusCode::OK, no_store(), Json(json!({"status": "sent", "hint": sent_to}))).into_response()
                );
            }
            let remember = remember_next(&state.config, &next);
            let mut page = SignInPage::new(m, next);
            page.typed = typed;
            page.sent_to = Some(sent_to);
            let mut response = page.respond(StatusCode::OK)?;
            response.headers_mut().append(header::SET_COOKIE, remember);
            Ok(response)
        }
        Requested::RateLimited { retry_after_seconds } => {
            let retry_after = HeaderValue::from(retry_after_seconds);
            let mut response = if json_body {
                let body = json!({"status": "rate_limited", "retry_after": retry_after_seconds});
                (StatusCode::TOO_MANY_REQUESTS, no_store(), Json(body)).into_response()
            } else {
                let mut page = SignInPage::new(m, next);
                page.typed = typed;
                page.retry_after_minutes = Some((retry_after_seconds + 59) / 60);
                page.respond(StatusCode::TOO_MANY_REQUESTS)?
            };
            response.headers_mut().insert(header::RETRY_AFTER, retry_after);
            Ok(response)
        }
    }
}

fn describe(m: &Messages, hint: &Hint) -> String {
    match hint {
        Hint::Email(redacted) | Hint::Phone(redacted) => redacted.clone(),
        Hint::OnFile => m.t("portal.hint_on_file").to_owned(),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
    next: Option<String>,
}

/// What the link opens: a page whose button signs in. Opening it changes
/// nothing, so a mail scanner that follows links spends no token and gets
/// no session.
pub async fn open_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let token = query.token.unwrap_or_default();
    let next = portal_path(query.next.or_else(|| remembered_next(&headers)).as_deref());
    let check =
        links::peek_token(&state.db, &token, state.clock.now()).await.map_err(|e| PageError::database(lang, e))?;
    if let Err(refusal) = check {
        return refused(lang, next, refusal);
    }
    link_page::render(lang, Area::Portal, token, Some(next))
}

fn refused(lang: crate::i18n::Lang, next: String, refusal: Refusal) -> Result<Response, PageError> {
    let mut page = SignInPage::new(Messages::new(lang), next);
    page.error = Some(refusal.message_key());
    page.respond(StatusCode::BAD_REQUEST)
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
    next: Option<String>,
}

/// The person's click: spends the token and starts a session.
pub async fn confirm_link(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, PageError> {
    let next = portal_path(form.next.as_deref());
    if !crate::web::same_origin(&state.config, &headers) {
        return refused(lang, next, Refusal::Unknown);
    }
    let now = state.clock.now();
    match links::spend_token(&state.db, &form.token, now).await.map_err(|e| PageError::database(lang, e))? {
        Ok(customer_id) => signed_in(&state, lang, &headers, customer_id, &next).await,
        Err(refusal) => refused(lang, next, refusal),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    identifier: String,
    code: String,
    next: Option<String>,
}

/// The 6-digit code from the same message, typed on any device.
pub async fn confirm_code(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    axum::Form(form): axum::Form<CodeForm>,
) -> Result<Response, PageError> {
    let next = portal_path(form.next.as_deref());
    let Some(identifier) =
        Identifier::parse(&form.identifier).filter(|_| crate::web::same_origin(&state.config, &headers))
    else {
        return refused(lang, next, Refusal::Unknown);
    };
    let now = state.clock.now();
    let spent =
        links::spend_code(&state.db, &identifier, &form.code, now).await.map_err(|e| PageError::database(lang, e))?;
    match spent {
        Ok(customer_id) => signed_in(&state, lang, &headers, customer_id, &next).await,
        Err(refusal) => {
            // An identifier with no live link answers exactly like a wrong
            // code, so that this form cannot tell which accounts exist.
            let refusal = if refusal == Refusal::Unknown { Refusal::WrongCode } else { refusal };
            let mut page = SignInPage::new(Messages::new(lang), next);
            page.typed = form.identifier.trim().to_owned();
            page.error = Some(refusal.message_key());
            if refusal == Refusal::WrongCode {
                page.sent_to = Some(describe(&page.m, &identifier.hint()));
            }
            page.respond(StatusCode::BAD_REQUEST)
        }
    }
}

async fn signed_in(
    state: &AppState,
    lang: crate::i18n::Lang,
    headers: &HeaderMap,
    customer_id: i64,
    next: &str,
) -> Result<Response, PageError> {
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let new = session::start_customer(&state.db, customer_id, state.clock.now(), user_agent)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    Ok(session::redirect_with_cookie(&state.config, next, Some(&new.cookie_value)))
}

#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
}

/// Ends the session on the server and goes back to the sign-in page.
pub async fn sign_out(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    customer: CurrentCustomer,
    axum::Form(form): axum::Form<SignOutForm>,
) -> Result<Response, PageError> {
    if form.csrf != customer.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    session::end(&state.db, &customer.cookie_value).await.map_err(|e| PageError::database(lang, e))?;
    Ok(back_to_sign_in(&state))
}

/// Ends every session of the customer, on every device, and revokes every
/// outstanding link: what to do after losing a phone.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    customer: CurrentCustomer,
    axum::Form(form): axum::Form<SignOutForm>,
) -> Result<Response, PageError> {
    if form.csrf != customer.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let db_error = |e| PageError::database(lang, e);
    let txn = sea_orm::TransactionTrait::begin(&state.db).await.map_err(db_error)?;
    session::end_all_for_customer(&txn, customer.customer_id).await.map_err(db_error)?;
    links::revoke_links_of(&txn, customer.customer_id, state.clock.now()).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(back_to_sign_in(&state))
}

/// Clears the session cookie and goes to the sign-in page.
fn back_to_sign_in(state: &AppState) -> Response {
    session::redirect_with_cookie(&state.config, "/portal/sign-in", None)
}

/// Bookmarks from the old system.
pub async fn old_address() -> Redirect {
    Redirect::permanent("/portal/sign-in")
}

#[cfg(test)]
mod tests {
    use super::portal_path;

    #[test]
    fn next_stays_on_the_portal_and_cannot_carry_header_tricks() {
        assert_eq!(portal_path(Some("/portal/invoices?page=2")), "/portal/invoices?page=2");
        assert_eq!(portal_path(Some("//evil.example")), "/portal");
        assert_eq!(portal_path(Some("/portal; Path=/; Max-Age=99999999")), "/portal", "no cookie attributes");
        assert_eq!(portal_path(Some("/portal\r\nSet-Cookie: x=1")), "/portal", "no header injection");
        assert_eq!(portal_path(Some("/portal\t/x")), "/portal");
        assert_eq!(portal_path(Some("https://evil.example/portal")), "/portal");
        assert_eq!(portal_path(None), "/portal");
    }
}
