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

mod call;
mod technician;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use self::call::{Call, Caller, once, problem_of};
use super::completion::{self, Completion};
use super::error::JobError;
use super::status::Status;
use super::transitions::{self, Request};
use crate::api::Problem;
use crate::ops::roles::{Dispatch, Refused, Staff};
use crate::tech::current::{CurrentTechnician, NotSignedIn};
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

/// The moves a technician makes themselves; the others are dispatch's.
fn technicians_move(request: &Request) -> bool {
    matches!(request, Request::EnRoute | Request::OnSite | Request::NotCompleted { .. })
}

pub async fn status(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: Result<CurrentTechnician, NotSignedIn>,
    staff: Result<Staff<Dispatch>, Refused>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let caller = Caller::of(lang, technician, staff)?;
    let path = format!("/api/v1/jobs/{id}/status");
    let call = Call::new(lang, &state, caller, &headers, (&path, &id), &body)?;
    let parsed: StatusBody = serde_json::from_slice(&body).map_err(|_| Problem::unreadable(lang))?;
    let version = parsed.version;
    let request = parsed.request().map_err(|e| problem_of(lang, e))?;
    if call.is_technician() && !technicians_move(&request) {
        return Err(problem_of(lang, JobError::StaffOnly));
    }
    let now = state.clock.now();
    once(&state, &call, async |locked| {
        call.may_move(locked, request.target()).await?;
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
    technician: Result<CurrentTechnician, NotSignedIn>,
    staff: Result<Staff<Dispatch>, Refused>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let caller = Caller::of(lang, technician, staff)?;
    let path = format!("/api/v1/jobs/{id}/completion");
    let call = Call::new(lang, &state, caller, &headers, (&path, &id), &body)?;
    let parsed: Completion = serde_json::from_slice(&body).map_err(|_| Problem::unreadable(lang))?;
    let now = state.clock.now();
    once(&state, &call, async |locked| {
        call.may_move(locked, Status::Done).await?;
        let done = completion::complete(locked, parsed, call.lang, &call.actor, now).await?;
        serde_json::to_value(done).map_err(|e| JobError::Database(sea_orm::DbErr::Custom(e.to_string())))
    })
    .await
}
