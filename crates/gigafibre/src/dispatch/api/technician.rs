//! What a technician may do to a job through the API: only the jobs of
//! their link's scope, and only the moves of their own visit. A job taken
//! off their day after they were given it is a conflict that says what
//! happened and when (the phone shows it); any other job does not exist for
//! them.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{audit_entry, dispatch_job};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::dispatch::error::{JobError, Taken, TakenHow};
use crate::dispatch::status::Status;
use crate::dispatch::transitions;
use crate::tech::day::day_of;
use crate::tech::links::Scope;

/// Whether the technician still holds `job`: a job taken from them is a
/// conflict that says when, any other is not found.
pub async fn reach<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    scope: Scope,
    job: &dispatch_job::Model,
) -> Result<(), JobError> {
    if holds(technician_id, scope, job) {
        return Ok(());
    }
    Err(match taken_from(conn, technician_id, scope, job).await? {
        Some(taken) => JobError::TakenAway(taken),
        None => JobError::NotFound,
    })
}

/// Whether a technician may move `job` to `to`: the moves of their visit,
/// in order.
pub fn may_move(job: &dispatch_job::Model, to: Status) -> Result<(), JobError> {
    let from = transitions::current(job);
    if from.technician_may_become(to) {
        Ok(())
    } else if from == Status::Scheduled && from.can_become(to) {
        Err(JobError::EnRouteFirst)
    } else {
        Err(JobError::Illegal { from, to })
    }
}

/// Whether the job is the technician's and in their link's scope.
fn holds(technician_id: i64, scope: Scope, job: &dispatch_job::Model) -> bool {
    job.technician_id == Some(technician_id) && in_scope(scope, job.id, job.scheduled_start)
}

fn in_scope(scope: Scope, job_id: i64, start: Option<DateTime<Utc>>) -> bool {
    match scope {
        Scope::Job(id) => id == job_id,
        Scope::Day(day) => start.is_some_and(|start| day_of(start) == day),
    }
}

/// When the job was last taken from the technician, if it was in their
/// scope then: read from the job's change log, whose entries name the
/// technician and start before each booking change.
async fn taken_from<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    scope: Scope,
    job: &dispatch_job::Model,
) -> Result<Option<Taken>, DbErr> {
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("dispatch_job"))
        .filter(audit_entry::Column::EntityId.eq(job.id))
        .order_by_desc(audit_entry::Column::Id)
        .all(conn)
        .await?;
    for entry in entries {
        let Some(before) = entry.before.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok()) else {
            continue;
        };
        if before.get("technician_id").and_then(Value::as_i64) != Some(technician_id) {
            continue;
        }
        let start = before.get("scheduled_start").cloned().and_then(|v| serde_json::from_value(v).ok());
        if !in_scope(scope, job.id, start) {
            return Ok(None);
        }
        let how = match job.technician_id {
            None => TakenHow::Unscheduled,
            Some(id) if id == technician_id => TakenHow::Moved,
            Some(_) => TakenHow::Reassigned,
        };
        return Ok(Some(Taken { how, at: entry.at }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn a_day_link_holds_the_jobs_starting_that_day_in_quebec() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let evening = "2026-11-26T03:30:00Z".parse().ok();
        let next_morning = "2026-11-26T13:00:00Z".parse().ok();
        assert!(in_scope(Scope::Day(day), 4, evening));
        assert!(!in_scope(Scope::Day(day), 4, next_morning));
        assert!(!in_scope(Scope::Day(day), 4, None), "a job taken off every day");
        assert!(in_scope(Scope::Job(4), 4, None) && !in_scope(Scope::Job(4), 5, evening));
    }
}
