//! The JSON endpoints the technician app's offline queue calls:
//! `POST /api/v1/jobs/{id}/status` and `POST /api/v1/jobs/{id}/completion`.
//!
//! Each needs an `Idempotency-Key` header (a replay answers what the first
//! request got and changes nothing) and answers errors as
//! `application/problem+json`. They are open to staff sessions whose role
//! manages jobs, and to technician sessions for the jobs of their link and
//! the moves of their visit (en route, on site, done, could not complete);
//! the header, which a form on another site cannot send, and the `Origin`
//! check are what stop cross-site requests.

pub(super) mod technician;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use gigafibre_db::entities::{dispatch_job, skill};
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::json;

use super::completion::{self, Completion};
use super::error::JobError;
use super::job_api::{Call, Caller, once};
use super::onsite::signature;
use super::planning::explain;
use super::planning::place::{self, Outcome, Target};
use super::status::Status;
use super::store::Locked;
use super::transitions::{self, Request};
use crate::api::Problem;
use crate::web::{AppState, RequestLang};

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

/// What a status change asks for: a place on the board (staff only,
/// under the board's rules), or a move of a booked job.
enum Move {
    Place(Target),
    Status(Request),
}

impl StatusBody {
    fn into_move(self) -> Result<Move, JobError> {
        Ok(match self.status.as_str() {
            "scheduled" => Move::Place(Target::Technician {
                id: self.technician_id.ok_or(JobError::UnknownTechnician)?,
                start: self.scheduled_start.ok_or(JobError::StartMissing)?,
            }),
            "unscheduled" => Move::Place(Target::Unassigned),
            "en_route" => Move::Status(Request::EnRoute),
            "on_site" => Move::Status(Request::OnSite),
            "cancelled" => Move::Status(Request::Cancel { reason: self.reason }),
            "not_completed" => Move::Status(Request::NotCompleted { reason: self.reason }),
            other => return Err(JobError::UnknownStatus(other.to_owned())),
        })
    }
}

/// The moves a technician makes themselves; the others are dispatch's.
fn technicians_move(asked: &Move) -> bool {
    matches!(asked, Move::Status(Request::EnRoute | Request::OnSite | Request::NotCompleted { .. }))
}

/// Puts the locked job where the board's rules allow, in its transaction.
async fn place(
    locked: &Locked,
    call: &Call,
    version: Option<i32>,
    target: Target,
    now: DateTime<Utc>,
) -> Result<dispatch_job::Model, JobError> {
    let conn = &locked.txn;
    match place::place_in(conn, &call.actor(), locked.job.id, version, target, now).await? {
        Outcome::Saved(_) => {
            let saved = dispatch_job::Entity::find_by_id(locked.job.id).one(conn).await?;
            saved.ok_or(JobError::NotFound)
        }
        Outcome::Stale => Err(JobError::Stale),
        Outcome::NotFound => Err(JobError::UnknownTechnician),
        Outcome::Refused(refusal) => {
            let skills = skill::Entity::find().all(conn).await?;
            Err(JobError::Placement(explain(call.lang, refusal, &skills)))
        }
    }
}

/// Refuses a move a technician may not make themselves.
fn technician_may(call: &Call, asked: &Move, job: &dispatch_job::Model) -> Result<(), JobError> {
    if !matches!(call.caller, Caller::Technician { .. }) {
        return Ok(());
    }
    match asked {
        Move::Status(request) if technicians_move(asked) => technician::may_move(job, request.target()),
        _ => Err(JobError::StaffOnly),
    }
}

pub async fn status(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/status");
    let (call, parsed): (Call, StatusBody) =
        Call::with_json(lang, &state, caller, &headers, (&Method::POST, &path), &id, &body)?;
    let version = parsed.version;
    let asked = parsed.into_move().map_err(|e| e.problem(lang))?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::OK, async |locked| {
        technician_may(&call, &asked, &locked.job).map_err(|e| e.problem(lang))?;
        let saved = match asked {
            Move::Place(target) => place(locked, &call, version, target, now).await,
            Move::Status(request) => transitions::apply(locked, request, version, &call.actor(), now).await,
        };
        let saved = saved.map_err(|e| e.problem(lang))?;
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
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/completion");
    let (call, parsed): (Call, Completion) =
        Call::with_json(lang, &state, caller, &headers, (&Method::POST, &path), &id, &body)?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::OK, async |locked| {
        if matches!(call.caller, Caller::Technician { .. }) {
            technician::may_move(&locked.job, Status::Done).map_err(|e| e.problem(lang))?;
        }
        transitions::check(&locked.job, Status::Done, parsed.version).map_err(|e| e.problem(lang))?;
        signature::required_is_recorded(&locked.txn, &locked.job).await.map_err(|e| e.problem(lang))?;
        let done = completion::complete(locked, parsed, lang, &call.actor(), now).await.map_err(|e| e.problem(lang))?;
        serde_json::to_value(done).map_err(|e| Problem::internal(lang, e))
    })
    .await
}
