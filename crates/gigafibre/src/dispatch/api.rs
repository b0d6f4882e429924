//! The JSON endpoints the technician app's offline queue calls:
//! `POST /api/v1/jobs/{id}/status` and `POST /api/v1/jobs/{id}/completion`.
//!
//! Each needs an `Idempotency-Key` header (a replay answers what the first
//! request got and changes nothing; see [`super::job_api`]) and answers
//! errors as `application/problem+json`. They are open to staff sessions
//! whose role manages jobs.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::completion::{self, Completion};
use super::error::JobError;
use super::job_api::{Call, Caller, once, require_json};
use super::onsite::signature;
use super::status::Status;
use super::transitions::{self, Request};
use crate::api::Problem;
use crate::ops::roles::{Dispatch, Refused, Staff};
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

pub async fn status(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff<Dispatch>, Refused>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let path = format!("/api/v1/jobs/{id}/status");
    let caller = Caller::staff(lang, staff)?;
    let call = Call::new(lang, &state, caller, &headers, (&Method::POST, &path), &id, &body)?;
    require_json(lang, &headers)?;
    let parsed: StatusBody = serde_json::from_slice(&body).map_err(|_| Problem::unreadable(lang))?;
    let version = parsed.version;
    let request = parsed.request().map_err(|e| e.problem(lang))?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::OK, async |locked| {
        let saved =
            transitions::apply(locked, request, version, &call.actor(), now).await.map_err(|e| e.problem(lang))?;
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
    let caller = Caller::staff(lang, staff)?;
    let call = Call::new(lang, &state, caller, &headers, (&Method::POST, &path), &id, &body)?;
    require_json(lang, &headers)?;
    let parsed: Completion = serde_json::from_slice(&body).map_err(|_| Problem::unreadable(lang))?;
    let now = state.clock.now();
    once(&state, &call, StatusCode::OK, async |locked| {
        transitions::check(&locked.job, Status::Done, parsed.version).map_err(|e| e.problem(lang))?;
        signature::required_is_recorded(&locked.txn, &locked.job).await.map_err(|e| e.problem(lang))?;
        let done = completion::complete(locked, parsed, lang, &call.actor(), now).await.map_err(|e| e.problem(lang))?;
        serde_json::to_value(done).map_err(|e| Problem::internal(lang, e))
    })
    .await
}
