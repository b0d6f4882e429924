//! Accepting a proposal, whole or in part: only the jobs still as they were
//! when it was made are moved, each checked again against the board's rules
//! beside what is on the technicians' days now; the others are reported.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::{dispatch_job, dispatch_proposal, dispatch_proposal_line};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::day::{self, occupies};
use super::rules::{self, Refusal, Span};
use crate::audit::{self, Actor, Change};

/// What accepting did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Accepted {
    pub applied: Vec<i64>,
    /// Changed since the plan was made (or pinned meanwhile): left as they are.
    pub stale: Vec<i64>,
    /// No longer fit beside what is on the day now.
    pub refused: Vec<(i64, Refusal)>,
}

/// A proposal and its lines, in route order.
pub async fn load(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<(dispatch_proposal::Model, Vec<dispatch_proposal_line::Model>)>, DbErr> {
    let Some(proposal) = dispatch_proposal::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let lines = dispatch_proposal_line::Entity::find()
        .filter(dispatch_proposal_line::Column::ProposalId.eq(id))
        .order_by_asc(dispatch_proposal_line::Column::TechnicianId)
        .order_by_asc(dispatch_proposal_line::Column::Position)
        .all(db)
        .await?;
    Ok(Some((proposal, lines)))
}

/// Applies the placed lines of proposal `id` for the jobs in `only` (all
/// of them when `None`). `None` when there is no such proposal.
pub async fn accept(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    only: Option<&[i64]>,
    now: DateTime<Utc>,
) -> Result<Option<Accepted>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(proposal) = dispatch_proposal::Entity::find_by_id(id).one(&txn).await? else { return Ok(None) };
    let Ok(local_day) = NaiveDate::parse_from_str(&proposal.day, "%Y-%m-%d") else { return Ok(None) };
    let mut chosen: Vec<dispatch_proposal_line::Model> = dispatch_proposal_line::Entity::find()
        .filter(dispatch_proposal_line::Column::ProposalId.eq(id))
        .filter(dispatch_proposal_line::Column::TechnicianId.is_not_null())
        .filter(dispatch_proposal_line::Column::AppliedAt.is_null())
        .all(&txn)
        .await?
        .into_iter()
        .filter(|line| only.is_none_or(|ids| ids.contains(&line.job_id)))
        .collect();
    chosen.sort_by_key(|line| line.scheduled_start);
    let board = day::load(&txn, local_day).await?;
    let ids: Vec<i64> = chosen.iter().map(|line| line.job_id).collect();
    let current = day::with_needs_and_places(
        &txn,
        dispatch_job::Entity::find().filter(dispatch_job::Column::Id.is_in(ids)).all(&txn).await?,
    )
    .await?;
    let current: HashMap<i64, _> = current.into_iter().map(|job| (job.model.id, job)).collect();
    let mut accepted = Accepted::default();
    let mut fresh = Vec::new();
    for line in chosen {
        match current.get(&line.job_id) {
            Some(job)
                if job.model.version == line.job_version && !job.model.locked && rules::movable(&job.model.status) =>
            {
                fresh.push((line, job));
            }
            _ => accepted.stale.push(line.job_id),
        }
    }
    let moving: HashSet<i64> = fresh.iter().map(|(line, _)| line.job_id).collect();
    let mut taken: HashMap<i64, Vec<(i64, Span)>> = HashMap::new();
    for job in board.jobs.iter().filter(|job| !moving.contains(&job.model.id) && occupies(&job.model.status)) {
        if let (Some(technician), Some(span)) = (job.model.technician_id, job.span()) {
            taken.entry(technician).or_default().push((job.model.id, span));
        }
    }
    for (line, job) in fresh {
        let (Some(technician), Some(start)) = (line.technician_id, line.scheduled_start) else { continue };
        let Some(tech) = board.technician(technician) else {
            accepted.refused.push((line.job_id, Refusal::InactiveTechnician));
            continue;
        };
        let others = taken.entry(technician).or_default();
        let span = match rules::check_place(&job.facts(), &tech.facts(local_day), start, others) {
            Ok(span) => span,
            Err(refusal) => {
                accepted.refused.push((line.job_id, refusal));
                continue;
            }
        };
        others.push((line.job_id, span));
        let written = dispatch_job::Entity::update_many()
            .col_expr(dispatch_job::Column::TechnicianId, Expr::value(Some(technician)))
            .col_expr(dispatch_job::Column::ScheduledStart, Expr::value(Some(span.start)))
            .col_expr(dispatch_job::Column::ScheduledEnd, Expr::value(Some(span.end)))
            .col_expr(dispatch_job::Column::Status, Expr::value("scheduled"))
            .col_expr(dispatch_job::Column::UpdatedAt, Expr::value(now))
            .col_expr(dispatch_job::Column::Version, Expr::col(dispatch_job::Column::Version).add(1))
            .filter(dispatch_job::Column::Id.eq(line.job_id))
            .filter(dispatch_job::Column::Version.eq(line.job_version))
            .exec(&txn)
            .await?;
        if written.rows_affected != 1 {
            accepted.stale.push(line.job_id);
            continue;
        }
        dispatch_proposal_line::Entity::update_many()
            .col_expr(dispatch_proposal_line::Column::AppliedAt, Expr::value(Some(now)))
            .filter(dispatch_proposal_line::Column::Id.eq(line.id))
            .exec(&txn)
            .await?;
        let change = Change {
            action: "dispatch_job_plan",
            entity: "dispatch_job",
            entity_id: Some(line.job_id),
            before: json!({ "technician_id": job.model.technician_id, "scheduled_start": job.model.scheduled_start }),
            after: json!({ "technician_id": technician, "scheduled_start": span.start, "proposal": id }),
        };
        audit::record(&txn, actor, change, now).await?;
        accepted.applied.push(line.job_id);
    }
    txn.commit().await?;
    Ok(Some(accepted))
}
