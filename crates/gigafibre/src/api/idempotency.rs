//! Idempotency keys: a client that may send a request twice (a phone's
//! offline queue replays what it could not confirm) names it with an
//! `Idempotency-Key` header. The first request with a key does the work and
//! keeps its answer under the key, in the same transaction as the work; a
//! replay gets that answer back and changes nothing; the same key with a
//! different request is refused.
//!
//! Keys belong to a scope (the caller: `staff:12`), so one caller can never
//! read another's answers. Only answers that changed something are kept: a
//! refused request changed nothing and may simply run again.
//!
//! Use: begin the write transaction, lock what the request changes, then
//! [`look_up`] (after the lock, so that a concurrent twin waits for the
//! first to commit and then finds its answer), do the work, [`remember`],
//! commit.

use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use gigafibre_db::entities::idempotency_key::{self, Column, Entity};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::Problem;
use crate::i18n::Lang;

/// The request header that carries the key.
pub const HEADER: &str = "idempotency-key";

/// The longest key accepted (a UUID is 36).
const MAX_KEY: usize = 255;

/// The key a request carries: required, 1 to 255 visible ASCII characters.
pub fn key_of(lang: Lang, headers: &HeaderMap) -> Result<String, Problem> {
    let raw = headers.get(HEADER).and_then(|value| value.to_str().ok()).map(str::trim).unwrap_or_default();
    let valid = !raw.is_empty() && raw.len() <= MAX_KEY && raw.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(raw.to_owned())
    } else {
        Err(Problem::new(lang, StatusCode::BAD_REQUEST, "idempotency-key-required", "api.problem.key_required"))
    }
}

/// What identifies a request: its method, path and body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b" ");
    hash.update(path.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

/// An answer kept under a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub status: StatusCode,
    /// The JSON body.
    pub body: String,
}

/// What a key says about a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prior {
    /// Never seen: do the work.
    New,
    /// The same request again: answer this, do nothing.
    Replay(Stored),
    /// The key was used for another request: refuse.
    Reused,
}

pub async fn look_up<C: ConnectionTrait>(conn: &C, scope: &str, key: &str, fingerprint: &str) -> Result<Prior, DbErr> {
    let found = Entity::find().filter(Column::Scope.eq(scope)).filter(Column::Key.eq(key)).one(conn).await?;
    Ok(match found {
        None => Prior::New,
        Some(row) if row.fingerprint != fingerprint => Prior::Reused,
        Some(row) => Prior::Replay(Stored {
            status: StatusCode::from_u16(row.status_code as u16).unwrap_or(StatusCode::OK),
            body: row.response,
        }),
    })
}

/// Keeps the answer of the work just done, in the work's transaction.
pub async fn remember<C: ConnectionTrait>(
    conn: &C,
    scope: &str,
    key: &str,
    fingerprint: &str,
    answer: &Stored,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = idempotency_key::ActiveModel {
        id: NotSet,
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        status_code: Set(answer.status.as_u16() as i16),
        response: Set(answer.body.clone()),
        created_at: Set(now),
    };
    Entity::insert(row).exec_without_returning(conn).await.map(|_| ())
}

/// The refusal of a key already used for another request.
pub fn reused(lang: Lang) -> Problem {
    Problem::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "idempotency-key-reused", "api.problem.key_reused")
}

/// The answer kept under a key, as the first request got it.
pub fn replay(stored: Stored) -> axum::response::Response {
    use axum::response::IntoResponse;
    let replayed = axum::http::HeaderName::from_static("idempotent-replayed");
    let headers = [(axum::http::header::CONTENT_TYPE, "application/json"), (replayed, "true")];
    (stored.status, headers, stored.body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_request_has_the_same_fingerprint_and_any_change_another() {
        let first = fingerprint("POST", "/api/v1/jobs/4/completion", br#"{"note":"done"}"#);
        assert_eq!(first, fingerprint("POST", "/api/v1/jobs/4/completion", br#"{"note":"done"}"#));
        assert_ne!(first, fingerprint("POST", "/api/v1/jobs/5/completion", br#"{"note":"done"}"#));
        assert_ne!(first, fingerprint("POST", "/api/v1/jobs/4/completion", br#"{"note":"fixed"}"#));
    }

    #[test]
    fn a_key_is_required_and_must_be_plain() {
        let mut headers = HeaderMap::new();
        assert!(key_of(Lang::Fr, &headers).is_err());
        headers.insert(HEADER, "9b1f0a52-6c1e-4d7e-9a55-0f3c2a7d1e11".parse().unwrap());
        assert_eq!(key_of(Lang::Fr, &headers).unwrap(), "9b1f0a52-6c1e-4d7e-9a55-0f3c2a7d1e11");
        headers.insert(HEADER, "two words".parse().unwrap());
        assert!(key_of(Lang::Fr, &headers).is_err());
        headers.insert(HEADER, "k".repeat(256).parse().unwrap());
        assert!(key_of(Lang::Fr, &headers).is_err());
    }
}
