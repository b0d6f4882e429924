//! What every write to one job under `/api/v1` shares: who calls, the
//! request's `Idempotency-Key`, the job locked, and the first answer kept
//! under the key so that a replay gets it back and changes nothing.
//!
//! A caller is a member of staff whose role manages jobs, or a technician
//! whose link reaches the job. The key header, which a form on another site
//! cannot send, and the same-origin check are what stop cross-site requests.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gigafibre_db::entities::{dispatch_job, staff};
use sea_orm::{ConnectionTrait, DbErr};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api::technician;
use super::error::JobError;
use super::store::{self, Locked};
use crate::api::Problem;
use crate::api::idempotency::{self, Prior, Stored};
use crate::audit::Actor;
use crate::i18n::Lang;
use crate::ops::roles::{Dispatch, Refused, Staff};
use crate::tech::current::CurrentTechnician;
use crate::tech::links::Scope;
use crate::tech::scope;
use crate::web::{AppState, same_origin};

/// Who calls the API.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Staff whose role manages jobs: every job.
    Staff(staff::Model),
    /// A technician: the jobs of their link's scope that are still theirs.
    Technician { id: i64, name: String, scope: Scope },
}

impl Caller {
    /// A member of staff, or why they may not call.
    pub fn staff(lang: Lang, staff: Result<Staff<Dispatch>, Refused>) -> Result<Caller, Problem> {
        match staff {
            Ok(staff) => Ok(Caller::Staff(staff.member)),
            Err(Refused::SignIn { .. }) => Err(Problem::unauthorized(lang)),
            Err(Refused::Forbidden(_)) => Err(Problem::forbidden(lang)),
        }
    }

    pub fn technician(current: &CurrentTechnician) -> Caller {
        Caller::Technician { id: current.id(), name: current.technician.name.clone(), scope: current.scope() }
    }

    pub fn actor(&self) -> Actor {
        match self {
            Caller::Staff(member) => Actor { kind: "staff", id: Some(member.id), label: member.email.clone() },
            Caller::Technician { id, name, .. } => Actor { kind: "technician", id: Some(*id), label: name.clone() },
        }
    }

    /// Whose idempotency keys these are: keys never cross callers.
    pub fn key_scope(&self) -> String {
        match self {
            Caller::Staff(member) => format!("staff:{}", member.id),
            Caller::Technician { id, .. } => format!("technician:{id}"),
        }
    }

    /// Whether the caller may write to the job: staff always; a technician
    /// while it is theirs in their link (a job taken from them is a conflict
    /// that says when, any other is not found).
    pub async fn reach<C: ConnectionTrait>(&self, conn: &C, job: &dispatch_job::Model) -> Result<(), JobError> {
        match self {
            Caller::Staff(_) => Ok(()),
            Caller::Technician { id, scope, .. } => technician::reach(conn, *id, *scope, job).await,
        }
    }

    /// Whether the caller may see the job.
    pub async fn reaches<C: ConnectionTrait>(&self, conn: &C, job: &dispatch_job::Model) -> Result<bool, DbErr> {
        match self {
            Caller::Staff(_) => Ok(true),
            Caller::Technician { id, scope, .. } => Ok(scope::job(conn, *id, *scope, job.id).await?.is_some()),
        }
    }
}

/// A technician's session first, else a member of staff who manages jobs.
impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Ok(current) = CurrentTechnician::from_request_parts(parts, state).await {
            return Ok(Caller::technician(&current));
        }
        let lang = crate::web::language::lang_of(parts);
        Caller::staff(lang, Staff::<Dispatch>::from_request_parts(parts, state).await)
    }
}

/// A write the endpoints can act on: who, which job, which key.
pub struct Call {
    pub lang: Lang,
    pub caller: Caller,
    pub key: String,
    pub fingerprint: String,
    pub job_id: i64,
}

impl Call {
    /// Checks what every write needs: our origin, a key, a job id.
    pub fn new(
        lang: Lang,
        state: &AppState,
        caller: Caller,
        headers: &HeaderMap,
        (method, path): (&Method, &str),
        raw_id: &str,
        body: &[u8],
    ) -> Result<Call, Problem> {
        if !same_origin(&state.config, headers) {
            return Err(Problem::forbidden(lang));
        }
        let key = idempotency::key_of(lang, headers)?;
        let job_id = raw_id.parse::<i64>().map_err(|_| Problem::not_found(lang))?;
        let fingerprint = idempotency::fingerprint(method.as_str(), path, body);
        Ok(Call { lang, caller, key, fingerprint, job_id })
    }

    /// The same for a JSON write, with its body read as `T`.
    pub fn with_json<T: DeserializeOwned>(
        lang: Lang,
        state: &AppState,
        caller: Caller,
        headers: &HeaderMap,
        method_and_path: (&Method, &str),
        raw_id: &str,
        body: &[u8],
    ) -> Result<(Call, T), Problem> {
        let call = Call::new(lang, state, caller, headers, method_and_path, raw_id, body)?;
        require_json(lang, headers)?;
        let parsed = serde_json::from_slice(body).map_err(|_| Problem::unreadable(lang))?;
        Ok((call, parsed))
    }

    pub fn actor(&self) -> Actor {
        self.caller.actor()
    }
}

/// Refuses a body that does not say it is JSON.
fn require_json(lang: Lang, headers: &HeaderMap) -> Result<(), Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        Ok(())
    } else {
        Err(Problem::new(lang, StatusCode::UNSUPPORTED_MEDIA_TYPE, "json-required", "api.problem.json"))
    }
}

impl JobError {
    /// The problem this refusal answers.
    pub fn problem(self, lang: Lang) -> Problem {
        match self {
            JobError::Database(cause) => Problem::database(lang, cause),
            refused => {
                let title = refused.status().canonical_reason().unwrap_or("Error").to_owned();
                Problem { status: refused.status(), kind: refused.kind(), title, detail: Some(refused.message(lang)) }
            }
        }
    }
}

/// Ends the transaction without a change and answers `answer`.
async fn give_up<T>(locked: Locked, lang: Lang, answer: Result<T, Problem>) -> Result<T, Problem> {
    locked.txn.rollback().await.map_err(|e| Problem::database(lang, e))?;
    answer
}

/// Locks the job, answers a replay from its key, or does `work` once and
/// keeps its answer (with `status`) under the key, in the work's transaction.
/// A job the caller may not reach is refused as [`Caller::reach`] says.
pub async fn once(
    state: &AppState,
    call: &Call,
    status: StatusCode,
    work: impl AsyncFnOnce(&Locked) -> Result<Value, Problem>,
) -> Result<Response, Problem> {
    let lang = call.lang;
    let db_problem = |e| Problem::database(lang, e);
    let locked = store::lock(&state.db, call.job_id).await.map_err(db_problem)?.ok_or(Problem::not_found(lang))?;
    if let Err(refused) = call.caller.reach(&locked.txn, &locked.job).await {
        return give_up(locked, lang, Err(refused.problem(lang))).await;
    }
    let scope = call.caller.key_scope();
    match idempotency::look_up(&locked.txn, &scope, &call.key, &call.fingerprint).await {
        Ok(Prior::New) => {}
        Ok(Prior::Replay(stored)) => return give_up(locked, lang, Ok(idempotency::replay(stored))).await,
        Ok(Prior::Reused) => return give_up(locked, lang, Err(idempotency::reused(lang))).await,
        Err(error) => return give_up(locked, lang, Err(db_problem(error))).await,
    }
    let answer = match work(&locked).await {
        Ok(answer) => answer,
        Err(refused) => return give_up(locked, lang, Err(refused)).await,
    };
    let stored = Stored { status, body: answer.to_string() };
    let now = state.clock.now();
    if let Err(error) = idempotency::remember(&locked.txn, &scope, &call.key, &call.fingerprint, &stored, now).await {
        // The same key, taken meanwhile by a request about another job.
        let taken = matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)));
        return give_up(locked, lang, Err(if taken { idempotency::reused(lang) } else { db_problem(error) })).await;
    }
    locked.txn.commit().await.map_err(db_problem)?;
    Ok((status, [(header::CONTENT_TYPE, "application/json")], stored.body).into_response())
}
