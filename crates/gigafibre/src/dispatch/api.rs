//! The JSON endpoints the technician app's offline queue calls:
//! `POST /api/v1/jobs/{id}/status` and `POST /api/v1/jobs/{id}/completion`.
//!
//! Each needs an `Idempotency-Key` header (a replay answers what the first
//! request got and changes nothing) and answers errors as
//! `application/problem+json`. They are open to staff sessions whose role
//! manages jobs; the header, which a form on another site cannot send, is
//! what stops cross-site requests.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::completion::{self, Completion};
use super::error::JobError;
use super::store::{self, Locked};
use super::transitions::{self, Request};
use crate::api::Problem;
use crate::api::idempotency::{self, Prior, Stored};
use crate::audit::Actor;
use crate::i18n::Lang;
use crate::ops::roles::{Dispatch, Refused, Staff};
use crate::web::{AppState, RequestLang, same_origin};

/// A status change as the app sends it.
#[derive(Deserialize)]
struct StatusBody {
    /// `scheduled`, `unscheduled`, `en_route`, `on_site`, `cancelled` or `not_completed`.
    status: String,
    technician_id: Option<i64>,
    scheduled_start: Option<DateTime<Utc>>,
    #[serde(default)]
    reason: String,
    version: Option<i32>,
}

impl StatusBody {
    fn request(self) -> Result<Request, JobError> {
        Ok(match self.status.as_str() {
            "scheduled" => Request::Schedule {
                technician_id: self.technician_id.ok_or(JobError::UnknownTechnician)?,
                start: self.scheduled_start.ok_or(JobError::StartMissing)?,
            },
            "unscheduled" => Request::Unschedule,
            "en_route" => Request::EnRoute,
            "on_site" => Request::OnSite,
            "cancelled" => Request::Cancel { reason: self.reason },
            "not_completed" => Request::NotCompleted { reason: self.reason },
            other => return Err(JobError::UnknownStatus(other.to_owned())),
        })
    }
}

/// A request the endpoints can act on: who, which job, which key.
struct Call {
    lang: Lang,
    actor: Actor,
    scope: String,
    key: String,
    fingerprint: String,
    job_id: i64,
}

fn call(
    lang: Lang,
    state: &AppState,
    staff: Result<Staff<Dispatch>, Refused>,
    headers: &HeaderMap,
    path: &str,
    raw_id: &str,
    body: &Bytes,
) -> Result<Call, Problem> {
    let staff = staff.map_err(|refused| match refused {
        Refused::SignIn { .. } => Problem::unauthorized(lang),
        Refused::Forbidden(_) => Problem::forbidden(lang),
    })?;
    if !same_origin(&state.config, headers) {
        return Err(Problem::forbidden(lang));
    }
    let key = idempotency::key_of(lang, headers)?;
    let job_id = raw_id.parse::<i64>().map_err(|_| Problem::not_found(lang))?;
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_body {
        return Err(Problem::new(lang, StatusCode::UNSUPPORTED_MEDIA_TYPE, "json-required", "api.problem.json"));
    }
    Ok(Call {
        lang,
        actor: Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() },
        scope: format!("staff:{}", staff.member.id),
        key,
        fingerprint: idempotency::fingerprint("POST", path, body),
        job_id,
    })
}

fn problem_of(lang: Lang, error: JobError) -> Problem {
    match error {
        JobError::Database(cause) => Problem::database(lang, cause),
        refused => {
            let title = refused.status().canonical_reason().unwrap_or("Error").to_owned();
            Problem { status: refused.status(), kind: refused.kind(), title, detail: Some(refused.message(lang)) }
        }
    }
}

/// Locks the job, answers a replay from its key, or does `work` once and
/// keeps its answer under the key, in the work's transaction.
async fn once(
    state: &AppState,
    call: &Call,
    work: impl AsyncFnOnce(&Locked) -> Result<Value, JobError>,
) -> Result<Response, Problem> {
    let lang = call.lang;
    let db_problem = |e| Problem::database(lang, e);
    let locked = store::lock(&state.db, call.job_id).await.map_err(db_problem)?.ok_or(Problem::not_found(lang))?;
    let prior = idempotency::look_up(&locked.txn, &call.scope, &call.key, &call.fingerprint).await;
    let prior = match prior {
        Ok(prior) => prior,
        Err(error) => {
            locked.txn.rollback().await.map_err(db_problem)?;
            return Err(db_problem(error));
        }
    };
    match prior {
        Prior::Replay(stored) => {
            locked.txn.rollback().await.map_err(db_problem)?;
            return Ok(idempotency::replay(stored));
        }
        Prior::Reused => {
            locked.txn.rollback().await.map_err(db_problem)?;
            return Err(idempotency::reused(lang));
        }
        Prior::New => {}
    }
    let answer = match work(&locked).await {
        Ok(answer) => answer,
        Err(error) => {
            locked.txn.rollback().await.map_err(db_problem)?;
            return Err(problem_of(lang, error));
        }
    };
    let stored = Stored { status: StatusCode::OK, body: answer.to_string() };
    let now = state.clock.now();
    let kept = idempotency::remember(&locked.txn, &call.scope, &call.key, &call.fingerprint, &stored, now).await;
    if let Err(error) = kept {
        // The same key, taken meanwhile by a request about another job.
        let taken = matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)));
        locked.txn.rollback().await.map_err(db_problem)?;
        return Err(if taken { idempotency::reused(lang) } else { db_problem(error) });
    }
    locked.txn.commit().await.map_err(db_problem)?;
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], stored.body).into_response())
}

pub async fn status(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff<Dispatch>, Refused>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/status");
    let call = call(lang, &state, staff, &headers, &path, &id, &body)?;
    let parsed: StatusBody = serde_json::from_slice(&body).map_err(|_| Problem::unreadable(lang))?;
    let version = parsed.version;
    let request = parsed.request().map_err(|e| problem_of(lang, e))?;
    let now = state.clock.now();
    once(&state, &call, async |locked| {
        let saved = transitions::apply(locked, request, version, &call.actor, now).await?;
        Ok(json!({
            "job_id": saved.id,
            "status": saved.status,
            "version": saved.version,
            "technician_id": saved.technician_id,
            "scheduled_start": saved.scheduled_start,
            "scheduled_end": saved.scheduled_end,
        }))
    })
    .await
}

pub async fn completion(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff<Dispatch>, Refused>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/completion");
    let call = call(lang, &state, staff, &headers, &path, &id, &body)?;
    let parsed: Completion = serde_json::from_slice(&body).map_err(|_| Problem::unreadable(lang))?;
    let now = state.clock.now();
    once(&state, &call, async |locked| {
        let done = completion::complete(locked, parsed, lang, &call.actor, now).await?;
        serde_json::to_value(done).map_err(|e| JobError::Database(sea_orm::DbErr::Custom(e.to_string())))
    })
    .await
}
