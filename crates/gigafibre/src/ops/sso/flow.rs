//! The two legs of a sign-on: off to the provider (`/ops/sso/start`) and
//! back (`/ops/sso/callback`), where the answer is checked before any
//! session exists.

use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;

use super::attempt;
use super::identity::{self, Expected};
use super::provider::Discovery;
use super::refusal::{Refusal, refused};
use crate::auth::rate_limit::{self, Limit, Verdict};
use crate::auth::secret::new_token;
use crate::auth::session::{self, Owner};
use crate::i18n::Lang;
use crate::web::{AppState, ClientAddress, PageError, RequestLang};

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// Only a page of the ops app, written with characters that need no
/// escaping: a crafted `next` cannot send anyone to another site.
fn ops_path(next: Option<&str>) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/-_.?=&%".contains(c);
    next.filter(|n| (*n == "/ops" || n.starts_with("/ops/") || n.starts_with("/ops?")) && !n.contains("//"))
        .filter(|n| n.chars().all(safe) && !n.starts_with("/ops/sso"))
        .map(str::to_owned)
        .unwrap_or_else(|| "/ops".into())
}

/// Trips to the provider started from one network address per window: a
/// whole office signing in at nine, not a script.
pub const STARTS_PER_IP: Limit = Limit { max: 60, window: Duration::minutes(15) };

/// `GET /ops/sso/start`: a new attempt, and the browser off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Extension(discovery): Extension<Discovery>,
    RequestLang(lang): RequestLang,
    ClientAddress(ip): ClientAddress,
    Query(query): Query<StartQuery>,
) -> Result<Response, PageError> {
    let authorization = match discovery.authorization(&state.config).await {
        Ok(authorization) => authorization,
        Err(refusal) => return Ok(refused(lang, &refusal, None)),
    };
    let browser = new_token();
    let next = ops_path(query.next.as_deref());
    let now = state.clock.now();
    let db_error = |e| PageError::database(lang, e);
    // Each start writes a row: one network address cannot write them without end.
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let bucket = format!("staff-sso-ip:{}", ip.as_deref().unwrap_or("unknown"));
    rate_limit::lock(&txn, &bucket).await.map_err(db_error)?;
    if let Verdict::RetryAfter(seconds) =
        rate_limit::check(&txn, &bucket, STARTS_PER_IP, now).await.map_err(db_error)?
    {
        txn.rollback().await.map_err(db_error)?;
        let mut response = refused(lang, &Refusal::TooManyStarts, None);
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        return Ok(response);
    }
    rate_limit::hit(&txn, &bucket, now).await.map_err(db_error)?;
    attempt::create(&txn, &authorization, &browser, &next, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    let mut response = Redirect::to(authorization.url.as_str()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    if let Some(cookie) = attempt::browser_cookie(&state.config, Some(&browser)) {
        headers.append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: the issuer of this answer, when the provider says.
    iss: Option<String>,
}

/// `GET /ops/sso/callback`: the provider's answer. The attempt is spent
/// first, so a replayed answer is refused whatever follows.
pub async fn callback(
    State(state): State<AppState>,
    Extension(discovery): Extension<Discovery>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let clear = attempt::browser_cookie(&state.config, None);
    match signed_in(&state, &discovery, lang, &headers, query).await? {
        Ok(mut response) => {
            if let Some(clear) = clear {
                response.headers_mut().append(header::SET_COOKIE, clear);
            }
            Ok(response)
        }
        // An answer that named no attempt of this browser leaves its own
        // attempt (perhaps in another tab) alone.
        Err(refusal @ (Refusal::Incomplete | Refusal::UnknownState | Refusal::OtherBrowser)) => {
            Ok(refused(lang, &refusal, None))
        }
        Err(refusal) => Ok(refused(lang, &refusal, clear)),
    }
}

async fn signed_in(
    state: &AppState,
    discovery: &Discovery,
    lang: Lang,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<Result<Response, Refusal>, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let browser = attempt::browser_token(&state.config, headers);
    let Some(state_param) = query.state.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(Err(query.error.map_or(Refusal::Incomplete, |error| Refusal::ProviderError(plain(&error)))));
    };
    let spent = attempt::spend(&state.db, state_param, browser.as_deref(), now).await.map_err(db_error)?;
    let attempt = match spent {
        Ok(attempt) => attempt,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(error) = query.error {
        return Ok(Err(Refusal::ProviderError(plain(&error))));
    }
    let Some(settings) = state.config.oidc.client() else { return Ok(Err(Refusal::NotConfigured)) };
    if let Some(iss) = query.iss.as_deref().filter(|iss| *iss != settings.issuer) {
        return Ok(Err(Refusal::WrongIssuer(format!("the answer names {}", plain(iss)))));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else { return Ok(Err(Refusal::Incomplete)) };
    let raw = match discovery.exchange(&state.config, code, &attempt.pkce_verifier).await {
        Ok(raw) => raw,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let expected = Expected {
        issuer: settings.issuer,
        client_id: settings.client_id,
        nonce: &attempt.nonce,
        groups_claim: &state.config.oidc.groups_claim,
    };
    let mut verified = Err(Refusal::UnknownKey);
    // A key the cached set does not hold may be a new one: fetch the keys
    // again (at most once a minute) before refusing.
    for fresh in [false, true] {
        let metadata = match discovery.metadata(&state.config, fresh).await {
            Ok(metadata) => metadata,
            Err(refusal) => return Ok(Err(refusal)),
        };
        verified = identity::verify(&raw, metadata.jwks(), &expected, now);
        if !matches!(verified, Err(Refusal::UnknownKey)) {
            break;
        }
    }
    let identity = match verified {
        Ok(identity) => identity,
        Err(refusal) => return Ok(Err(refusal)),
    };

    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let member = match super::admit::admit(&txn, &identity, &state.config.oidc, lang, now).await.map_err(db_error)? {
        Ok(member) => member,
        Err(refusal) => {
            // Keeps what a refusal writes on purpose: a withdrawn member's
            // sessions ended, and why.
            txn.commit().await.map_err(db_error)?;
            return Ok(Err(refusal));
        }
    };
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let new = session::start(&txn, Owner::Staff(member.id), now, user_agent).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    tracing::info!(staff_id = member.id, role = %member.role, "staff signed in by single sign-on");
    Ok(Ok(session::redirect_with_cookie(&state.config, &attempt.return_to, Some(&new.cookie_value))))
}

/// What the query string said, fit for one log line: no control
/// characters, not too long.
fn plain(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::{ops_path, plain};

    #[test]
    fn words_from_the_query_string_cannot_forge_log_lines() {
        assert_eq!(plain("access_denied\nERROR forged line"), "access_deniedERROR forged line");
        assert_eq!(plain(&"x".repeat(500)).len(), 120);
    }

    #[test]
    fn next_stays_in_the_ops_app() {
        assert_eq!(ops_path(Some("/ops/clients?q=roy")), "/ops/clients?q=roy");
        assert_eq!(ops_path(Some("/ops")), "/ops");
        assert_eq!(ops_path(Some("/opsx")), "/ops");
        assert_eq!(ops_path(Some("//evil.example/ops")), "/ops");
        assert_eq!(ops_path(Some("https://evil.example/ops")), "/ops");
        assert_eq!(ops_path(Some("/ops/\r\nSet-Cookie: x=1")), "/ops");
        assert_eq!(ops_path(Some("/ops/sso/start")), "/ops", "no loop back to the provider");
        assert_eq!(ops_path(None), "/ops");
    }
}
