//! Putting one job on a technician's day, moving it, taking it off, or
//! pinning it: the rules are checked and the job's version compared in the
//! same transaction as the write, so a drop made on a stale board, or two
//! drops racing for the same hour, never both land. A job put on a day
//! tells the customer when to expect the technician.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{dispatch_job, technician};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use super::day::{self, BoardJob};
use super::rules::{self, Refusal};
use crate::audit::{self, Actor, Change};
use crate::dispatch::notices::{self, Notice};
use crate::dispatch::transitions;

/// Where the dispatcher puts the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// On this technician's day, starting then.
    Technician { id: i64, start: DateTime<Utc> },
    /// Back among the jobs waiting.
    Unassigned,
}

/// What became of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Saved; the job's new version.
    Saved(i32),
    Refused(Refusal),
    /// Someone changed the job since the board sent was drawn.
    Stale,
    NotFound,
}

/// One job with what it needs, read inside the transaction.
async fn job<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<BoardJob>, DbErr> {
    let Some(model) = dispatch_job::Entity::find_by_id(id).one(conn).await? else { return Ok(None) };
    Ok(day::with_needs_and_places(conn, vec![model]).await?.pop())
}

/// Moves job `id`, seen at `version`, to `target`, in a transaction of its own.
pub async fn place(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    version: i32,
    target: Target,
    now: DateTime<Utc>,
) -> Result<Outcome, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let outcome = place_in(&txn, actor, id, Some(version), target, now).await?;
    if matches!(outcome, Outcome::Saved(_)) {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(outcome)
}

/// Moves job `id` to `target` inside the caller's write transaction, which
/// the caller commits when the outcome is `Saved`. `version` is the one the
/// caller saw, if it saw one: the API may send none.
pub async fn place_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    id: i64,
    version: Option<i32>,
    target: Target,
    now: DateTime<Utc>,
) -> Result<Outcome, DbErr> {
    let Some(found) = job(txn, id).await? else { return Ok(Outcome::NotFound) };
    if version.is_some_and(|seen| seen != found.model.version) {
        return Ok(Outcome::Stale);
    }
    let version = found.model.version;
    let (technician_id, span, status) = match target {
        Target::Unassigned => {
            if let Err(refusal) = rules::check_unassign(&found.facts()) {
                return Ok(Outcome::Refused(refusal));
            }
            (None, None, "unscheduled")
        }
        Target::Technician { id: technician_id, start } => {
            // On PostgreSQL two drops on one technician take turns on the
            // technician's row; SQLite's write transaction already does.
            let mut query = technician::Entity::find_by_id(technician_id);
            if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
                query = query.lock_exclusive();
            }
            let Some(technician) = query.one(txn).await? else { return Ok(Outcome::NotFound) };
            let local_day = start.with_timezone(&chrono_tz::America::Toronto).date_naive();
            let board = day::load(txn, local_day).await?;
            let facts = match board.technician(technician.id) {
                Some(tech) => tech.facts(local_day),
                None => inactive(&technician, local_day),
            };
            match rules::check_place(&found.facts(), &facts, start, &board.occupied(technician.id)) {
                Ok(span) => (Some(technician.id), Some(span), "scheduled"),
                Err(refusal) => return Ok(Outcome::Refused(refusal)),
            }
        }
    };
    let mut update = dispatch_job::Entity::update_many()
        .col_expr(dispatch_job::Column::TechnicianId, Expr::value(technician_id))
        .col_expr(dispatch_job::Column::ScheduledStart, Expr::value(span.map(|s| s.start)))
        .col_expr(dispatch_job::Column::ScheduledEnd, Expr::value(span.map(|s| s.end)))
        .col_expr(dispatch_job::Column::Status, Expr::value(status))
        .col_expr(dispatch_job::Column::UpdatedAt, Expr::value(now))
        .col_expr(dispatch_job::Column::Version, Expr::col(dispatch_job::Column::Version).add(1));
    if technician_id.is_none() {
        update = update.col_expr(dispatch_job::Column::Locked, Expr::value(false));
    }
    // Booked for tomorrow: the booking notice is the day-before reminder.
    let reminded_for = span
        .filter(|span| transitions::is_tomorrow(span.start, now))
        .map(|span| span.start.with_timezone(&chrono_tz::America::Toronto).date_naive());
    update = update.col_expr(dispatch_job::Column::RemindedFor, Expr::value(reminded_for));
    let written = update
        .filter(dispatch_job::Column::Id.eq(id))
        .filter(dispatch_job::Column::Version.eq(version))
        .exec(txn)
        .await?;
    if written.rows_affected != 1 {
        return Ok(Outcome::Stale);
    }
    let change = Change {
        action: "dispatch_job_place",
        entity: "dispatch_job",
        entity_id: Some(id),
        before: json!({
            "technician_id": found.model.technician_id,
            "scheduled_start": found.model.scheduled_start,
            "status": found.model.status,
        }),
        after: json!({ "technician_id": technician_id, "scheduled_start": span.map(|s| s.start), "status": status }),
    };
    audit::record(txn, actor, change, now).await?;
    if technician_id.is_some() {
        let booked = dispatch_job::Entity::find_by_id(id).one(txn).await?.ok_or(DbErr::RecordNotUpdated)?;
        notices::send(txn, Notice::Booked, &booked, now).await?;
    }
    Ok(Outcome::Saved(version + 1))
}

/// An inactive technician's facts: the rules refuse them by name.
fn inactive(technician: &technician::Model, local_day: chrono::NaiveDate) -> rules::TechnicianFacts {
    let tech = day::Tech { model: technician.clone(), skills: Default::default() };
    let mut facts = tech.facts(local_day);
    facts.active = false;
    facts
}

/// Pins job `id` (planning leaves it where it is) or lets it go.
pub async fn set_locked(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    version: i32,
    locked: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = dispatch_job::Entity::find_by_id(id).one(&txn).await? else { return Ok(Outcome::NotFound) };
    if found.version != version {
        return Ok(Outcome::Stale);
    }
    let written = dispatch_job::Entity::update_many()
        .col_expr(dispatch_job::Column::Locked, Expr::value(locked))
        .col_expr(dispatch_job::Column::UpdatedAt, Expr::value(now))
        .col_expr(dispatch_job::Column::Version, Expr::col(dispatch_job::Column::Version).add(1))
        .filter(dispatch_job::Column::Id.eq(id))
        .filter(dispatch_job::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        return Ok(Outcome::Stale);
    }
    let change = Change {
        action: if locked { "dispatch_job_lock" } else { "dispatch_job_unlock" },
        entity: "dispatch_job",
        entity_id: Some(id),
        before: json!({ "locked": found.locked }),
        after: json!({ "locked": locked }),
    };
    audit::record(&txn, actor, change, now).await?;
    txn.commit().await?;
    Ok(Outcome::Saved(version + 1))
}
