//! Sign-on attempts, kept in the database (any instance may receive the
//! callback): created when a browser leaves for the provider, spent once
//! when it comes back, within 10 minutes, in the same browser.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::staff_sso_attempt::{self, ActiveModel, Column, Entity};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};

use super::provider::Authorization;
use super::refusal::Refusal;
use crate::auth::secret::hash;
use crate::config::Config;

/// An attempt is good for as long as an out-of-band link (ASVS 6.5.5).
pub const ATTEMPT_LIFETIME: Duration = Duration::minutes(10);

/// Stores a new attempt bound to `browser_token` (the cookie's value).
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    authorization: &Authorization,
    browser_token: &str,
    return_to: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Old attempts are of no use to anyone: forget them as new ones come.
    Entity::delete_many().filter(Column::CreatedAt.lt(now - Duration::days(1))).exec(conn).await?;
    let row = ActiveModel {
        id: NotSet,
        state_hash: Set(hash(&authorization.state)),
        browser_hash: Set(hash(browser_token)),
        nonce: Set(authorization.nonce.clone()),
        pkce_verifier: Set(authorization.pkce_verifier.clone()),
        return_to: Set(return_to.to_owned()),
        created_at: Set(now),
        used_at: Set(None),
    };
    Entity::insert(row).exec_without_returning(conn).await.map(|_| ())
}

/// Spends the attempt `state` names, once, ever; or says why not.
pub async fn spend<C: ConnectionTrait>(
    conn: &C,
    state: &str,
    browser_token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<staff_sso_attempt::Model, Refusal>, DbErr> {
    let Some(attempt) = Entity::find().filter(Column::StateHash.eq(hash(state))).one(conn).await? else {
        return Ok(Err(Refusal::UnknownState));
    };
    if browser_token.is_none_or(|token| hash(token) != attempt.browser_hash) {
        return Ok(Err(Refusal::OtherBrowser));
    }
    if attempt.used_at.is_some() {
        return Ok(Err(Refusal::Replayed));
    }
    if attempt.created_at + ATTEMPT_LIFETIME < now {
        return Ok(Err(Refusal::Expired));
    }
    // One conditional update: of two callbacks at once, one wins.
    let spent = Entity::update_many()
        .col_expr(Column::UsedAt, now.into())
        .filter(Column::Id.eq(attempt.id))
        .filter(Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if spent.rows_affected != 1 {
        return Ok(Err(Refusal::Replayed));
    }
    Ok(Ok(attempt))
}

/// The cookie that binds an attempt to the browser that started it (login
/// CSRF): sent back on the provider's top-level redirect (`SameSite=Lax`),
/// readable by no script, gone after 10 minutes.
fn cookie_name(config: &Config) -> &'static str {
    if config.public_url.scheme() == "https" { "__Host-gigafibre_sso" } else { "gigafibre_sso" }
}

pub fn browser_cookie(config: &Config, value: Option<&str>) -> Option<HeaderValue> {
    let secure = if config.public_url.scheme() == "https" { "; Secure" } else { "" };
    let name = cookie_name(config);
    let cookie = match value {
        Some(value) => format!(
            "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            ATTEMPT_LIFETIME.num_seconds()
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&cookie).ok()
}

pub fn browser_token(config: &Config, headers: &HeaderMap) -> Option<String> {
    let prefix = format!("{}=", cookie_name(config));
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&prefix).map(str::to_owned))
        .filter(|value| !value.is_empty())
}
