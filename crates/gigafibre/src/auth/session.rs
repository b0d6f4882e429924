//! Server-side sessions: the cookie holds a random id, the `sessions` table
//! holds its hash, who it belongs to, its CSRF token and when it ends.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::session;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::secret::{hash, new_token};
use crate::config::Config;

/// How long a customer stays signed in on one device.
pub const CUSTOMER_SESSION_DAYS: i64 = 30;

/// A session just created: the cookie value is shown once, to the browser.
pub struct NewSession {
    pub cookie_value: String,
    pub csrf_token: String,
}

/// Whose session it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Customer(i64),
    Staff(i64),
    /// A member of staff looking at the portal as a customer (read-only,
    /// logged, one hour).
    Impersonation {
        customer_id: i64,
        staff_id: i64,
    },
    /// A technician in the tech app, opened by a link bound to a day or a job.
    Technician(i64),
}

/// How long a member of staff stays signed in: one working day.
pub const STAFF_SESSION_HOURS: i64 = 12;

/// How long a look at the portal as a customer lasts at most.
pub const IMPERSONATION_HOURS: i64 = 1;

/// Starts a customer session. Always a new id: an id planted before sign-in
/// is never promoted (session fixation).
pub async fn start_customer<C: ConnectionTrait>(
    conn: &C,
    customer_id: i64,
    now: DateTime<Utc>,
    user_agent: Option<String>,
) -> Result<NewSession, DbErr> {
    start(conn, Owner::Customer(customer_id), now, user_agent).await
}

/// Starts a session for anyone; a new random id every time.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    owner: Owner,
    now: DateTime<Utc>,
    user_agent: Option<String>,
) -> Result<NewSession, DbErr> {
    let lifetime = match owner {
        Owner::Customer(_) => Duration::days(CUSTOMER_SESSION_DAYS),
        Owner::Staff(_) => Duration::hours(STAFF_SESSION_HOURS),
        Owner::Impersonation { .. } => Duration::hours(IMPERSONATION_HOURS),
        Owner::Technician(_) => Duration::hours(TECHNICIAN_SESSION_HOURS),
    };
    start_until(conn, owner, now + lifetime, now, user_agent).await
}

/// The longest a technician's session lasts (it ends sooner with its day).
pub const TECHNICIAN_SESSION_HOURS: i64 = 12;

/// Starts a session that ends at `until`; a new random id every time.
pub async fn start_until<C: ConnectionTrait>(
    conn: &C,
    owner: Owner,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
    user_agent: Option<String>,
) -> Result<NewSession, DbErr> {
    insert(conn, owner, now, Ends { at: until, resumes_staff_until: None }, user_agent).await
}

/// Starts a look at the portal by a member of staff whose own session ends
/// at `staff_session_ends`: it lasts an hour at most, never longer than the
/// staff session, which it hands back when it ends.
pub async fn start_impersonation<C: ConnectionTrait>(
    conn: &C,
    customer_id: i64,
    staff_id: i64,
    staff_session_ends: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<NewSession, DbErr> {
    let owner = Owner::Impersonation { customer_id, staff_id };
    let at = (now + Duration::hours(IMPERSONATION_HOURS)).min(staff_session_ends);
    let ends = Ends { at, resumes_staff_until: Some(staff_session_ends) };
    insert(conn, owner, now, ends, Some("impersonation".into())).await
}

/// A staff session that ends when an earlier one would have: the session an
/// impersonation hands back.
pub async fn resume_staff<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<NewSession, DbErr> {
    insert(conn, Owner::Staff(staff_id), now, Ends { at: until, resumes_staff_until: None }, None).await
}

/// When a session ends, and what it hands back then.
struct Ends {
    at: DateTime<Utc>,
    resumes_staff_until: Option<DateTime<Utc>>,
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    owner: Owner,
    now: DateTime<Utc>,
    ends: Ends,
    user_agent: Option<String>,
) -> Result<NewSession, DbErr> {
    let cookie_value = new_token();
    let csrf_token = new_token();
    let (kind, customer_id, staff_id, technician_id) = match owner {
        Owner::Customer(id) => ("customer", Some(id), None, None),
        Owner::Staff(id) => ("staff", None, Some(id), None),
        Owner::Impersonation { customer_id, staff_id } => ("customer", Some(customer_id), Some(staff_id), None),
        Owner::Technician(id) => ("technician", None, None, Some(id)),
    };
    let row = session::ActiveModel {
        id_hash: Set(hash(&cookie_value)),
        kind: Set(kind.into()),
        customer_id: Set(customer_id),
        staff_id: Set(staff_id),
        technician_id: Set(technician_id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(ends.at),
        ip: Set(None),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(250).collect())),
        resumes_staff_until: Set(ends.resumes_staff_until),
    };
    session::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(NewSession { cookie_value, csrf_token })
}

/// The live session a cookie names, if any.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    cookie_value: &str,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find_by_id(hash(cookie_value)).filter(session::Column::ExpiresAt.gt(now)).one(conn).await
}

/// Ends one session on the server.
pub async fn end<C: ConnectionTrait>(conn: &C, cookie_value: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(hash(cookie_value)).exec(conn).await.map(|_| ())
}

/// Ends every session of a customer (sign out everywhere, staff revocation).
pub async fn end_all_for_customer<C: ConnectionTrait>(conn: &C, customer_id: i64) -> Result<(), DbErr> {
    session::Entity::delete_many().filter(session::Column::CustomerId.eq(customer_id)).exec(conn).await.map(|_| ())
}

/// The cookie's name: `__Host-` (which browsers only accept with `Secure`,
/// no `Domain` and `Path=/`) whenever the system is served over HTTPS.
pub fn cookie_name(config: &Config) -> &'static str {
    if config.public_url.scheme() == "https" { "__Host-gigafibre" } else { "gigafibre_session" }
}

/// `Set-Cookie` for a session; `None` clears it.
pub fn set_cookie(config: &Config, value: Option<&str>) -> String {
    let secure = if config.public_url.scheme() == "https" { "; Secure" } else { "" };
    let name = cookie_name(config);
    match value {
        Some(value) => format!(
            "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            CUSTOMER_SESSION_DAYS * 24 * 3600
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// A redirect to `to` that sets the session cookie to `value`, or clears it
/// with `None`: how every sign-in and sign-out ends.
pub fn redirect_with_cookie(config: &Config, to: &str, value: Option<&str>) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&set_cookie(config, value)) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

/// The session id the request's cookies carry. Only the cookie counts: an
/// id in a URL is never read.
pub fn cookie_value(config: &Config, headers: &HeaderMap) -> Option<String> {
    let prefix = format!("{}=", cookie_name(config));
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&prefix).map(str::to_owned))
        .filter(|value| !value.is_empty())
}
