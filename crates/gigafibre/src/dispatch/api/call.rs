//! What every job endpoint does around its work: who calls (a member of
//! staff who manages jobs, or a signed-in technician), the checks that stop
//! cross-site requests, the idempotency key, and one transaction that holds
//! the job, the key and the work.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::technician;
use crate::api::Problem;
use crate::api::idempotency::{self, Prior, Stored};
use crate::audit::Actor;
use crate::dispatch::error::JobError;
use crate::dispatch::status::Status;
use crate::dispatch::store::{self, Locked};
use crate::i18n::Lang;
use crate::ops::roles::{Dispatch, Refused, Staff};
use crate::tech::current::{CurrentTechnician, NotSignedIn};
use crate::web::{AppState, same_origin};

/// Who may call: staff who manage jobs, or a technician within their link.
pub enum Caller {
    Staff(Staff<Dispatch>),
    Technician(Box<CurrentTechnician>),
}

impl Caller {
    /// The technician's session if there is one, else the staff member's.
    pub fn of(
        lang: Lang,
        technician: Result<CurrentTechnician, NotSignedIn>,
        staff: Result<Staff<Dispatch>, Refused>,
    ) -> Result<Caller, Problem> {
        if let Ok(technician) = technician {
            return Ok(Caller::Technician(Box::new(technician)));
        }
        staff.map(Caller::Staff).map_err(|refused| match refused {
            Refused::SignIn { .. } => Problem::unauthorized(lang),
            Refused::Forbidden(_) => Problem::forbidden(lang),
        })
    }
}

/// A request the endpoints can act on: who, which job, which key.
pub struct Call {
    pub lang: Lang,
    pub actor: Actor,
    pub caller: Caller,
    scope: String,
    key: String,
    fingerprint: String,
    job_id: i64,
}

impl Call {
    pub fn new(
        lang: Lang,
        state: &AppState,
        caller: Caller,
        headers: &HeaderMap,
        (path, raw_id): (&str, &str),
        body: &Bytes,
    ) -> Result<Call, Problem> {
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
        let (actor, scope) = match &caller {
            Caller::Staff(staff) => (
                Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() },
                format!("staff:{}", staff.member.id),
            ),
            Caller::Technician(technician) => (
                Actor { kind: "technician", id: Some(technician.id()), label: technician.technician.name.clone() },
                format!("technician:{}", technician.id()),
            ),
        };
        let fingerprint = idempotency::fingerprint("POST", path, body);
        Ok(Call { lang, actor, caller, scope, key, fingerprint, job_id })
    }

    pub fn is_technician(&self) -> bool {
        matches!(self.caller, Caller::Technician(_))
    }

    /// A technician moves only their own jobs of the link, along their
    /// visit; staff are checked by the move itself.
    pub async fn may_move(&self, locked: &Locked, to: Status) -> Result<(), JobError> {
        match &self.caller {
            Caller::Staff(_) => Ok(()),
            Caller::Technician(t) => technician::check(&locked.txn, t.id(), t.scope(), &locked.job, to).await,
        }
    }
}

pub fn problem_of(lang: Lang, error: JobError) -> Problem {
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
pub async fn once(
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
