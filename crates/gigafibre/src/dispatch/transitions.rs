//! One service function per move of a job's status once it is booked
//! (booking and taking a job off its day are the board's
//! [`crate::dispatch::planning::place`], with its rules; completion has its
//! own module). Each checks the move against [`Status::can_become`], writes
//! the job's next version with its audit entry, and queues what the
//! customer is told, inside the caller's transaction: the caller commits.

use chrono::{DateTime, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::dispatch_job;
use sea_orm::{ActiveValue::Set, IntoActiveModel};
use serde_json::json;

use super::error::JobError;
use super::notices::{self, Notice};
use super::status::Status;
use super::store::{self, Locked};
use crate::audit::Actor;

/// The longest reason or note staff or a technician may write.
pub const MAX_TEXT: usize = 5_000;

/// A move a caller asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    EnRoute,
    OnSite,
    Cancel { reason: String },
    NotCompleted { reason: String },
}

impl Request {
    pub fn target(&self) -> Status {
        match self {
            Request::EnRoute => Status::EnRoute,
            Request::OnSite => Status::OnSite,
            Request::Cancel { .. } => Status::Cancelled,
            Request::NotCompleted { .. } => Status::NotCompleted,
        }
    }
}

/// The job's status as stored; an unknown code counts as final (nothing moves it).
pub fn current(job: &dispatch_job::Model) -> Status {
    Status::from_code(&job.status).unwrap_or(Status::Done)
}

/// Refuses a move the rules do not allow, or a page that showed an older version.
pub fn check(job: &dispatch_job::Model, to: Status, version: Option<i32>) -> Result<(), JobError> {
    if version.is_some_and(|seen| seen != job.version) {
        return Err(JobError::Stale);
    }
    let from = current(job);
    if from.can_become(to) { Ok(()) } else { Err(JobError::Illegal { from, to }) }
}

/// A reason as written, trimmed: required and not too long.
pub fn reason(text: &str) -> Result<String, JobError> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(JobError::ReasonMissing),
        n if n > MAX_TEXT => Err(JobError::TooLong),
        _ => Ok(text.to_owned()),
    }
}

/// Applies `request` to the locked job; the job as saved.
pub async fn apply(
    locked: &Locked,
    request: Request,
    version: Option<i32>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<dispatch_job::Model, JobError> {
    let job = &locked.job;
    let to = request.target();
    check(job, to, version)?;
    let conn = &locked.txn;
    let mut row = job.clone().into_active_model();
    row.status = Set(to.code().to_owned());
    let mut after = json!({ "status": to.code() });
    match &request {
        Request::Cancel { reason: text } | Request::NotCompleted { reason: text } => {
            let text = reason(text)?;
            after = json!({ "status": to.code(), "reason": text });
            row.outcome_reason = Set(Some(text));
        }
        Request::EnRoute | Request::OnSite => {}
    }
    let before = json!({ "status": job.status });
    let saved = store::save(conn, job, row, ("job_status", before, after), actor, now).await?;
    if to == Status::EnRoute {
        notices::send(conn, Notice::OnTheWay, &saved, now).await?;
    }
    Ok(saved)
}

/// Whether `start` falls on the local day after `now`.
pub fn is_tomorrow(start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let today = now.with_timezone(&Toronto).date_naive();
    today.succ_opt() == Some(start.with_timezone(&Toronto).date_naive())
}
