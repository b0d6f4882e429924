//! "Plan this day": load the day, let the route optimiser place the jobs
//! (it checks its own plan with its feasibility checker), check every place
//! again against the board's rules, and keep the proposal in the database
//! so that any app instance can show and apply it.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::{dispatch_proposal, dispatch_proposal_line};
use gigafibre_route::{Settings, SolveError, Travel};
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

use super::day;
use super::problem::{self, Line};

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Solve(#[from] SolveError),
    #[error("the planning task stopped: {0}")]
    Task(String),
}

/// How long the optimiser searches for a dispatcher waiting on the page.
pub fn settings() -> Settings {
    Settings { seconds: 4.0, generations: Some(400), threads: 1 }
}

/// Plans `day` and stores the proposal; its id.
pub async fn propose(
    db: &DatabaseConnection,
    day: NaiveDate,
    staff_id: i64,
    travel: Arc<dyn Travel>,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<i64, PlanError> {
    let board = day::load(db, day).await?;
    let lines = tokio::task::spawn_blocking(move || {
        let setup = problem::setup(&board);
        let plan = gigafibre_route::solve(&setup.problem, travel.as_ref(), &settings)?;
        Ok::<Vec<Line>, SolveError>(problem::lines(&board, &setup, &plan))
    })
    .await
    .map_err(|error| PlanError::Task(error.to_string()))??;
    store(db, day, staff_id, &lines, now).await.map_err(PlanError::from)
}

async fn store(
    db: &DatabaseConnection,
    day: NaiveDate,
    staff_id: i64,
    lines: &[Line],
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let proposal = dispatch_proposal::ActiveModel {
        id: NotSet,
        day: Set(day.format("%Y-%m-%d").to_string()),
        created_by: Set(staff_id),
        created_at: Set(now),
        distance_m: Set(0),
    };
    let id = dispatch_proposal::Entity::insert(proposal).exec(&txn).await?.last_insert_id;
    let rows: Vec<dispatch_proposal_line::ActiveModel> = lines
        .iter()
        .map(|line| {
            let (technician, span, unplaced) = match line.placed {
                Ok((technician, span)) => (Some(technician), Some(span), None),
                Err(reason) => (None, None, Some(reason.code().to_owned())),
            };
            dispatch_proposal_line::ActiveModel {
                id: NotSet,
                proposal_id: Set(id),
                job_id: Set(line.job_id),
                job_version: Set(line.job_version),
                technician_id: Set(technician),
                scheduled_start: Set(span.map(|s| s.start)),
                scheduled_end: Set(span.map(|s| s.end)),
                position: Set(line.position),
                unplaced: Set(unplaced),
                applied_at: Set(None),
            }
        })
        .collect();
    for chunk in rows.chunks(200) {
        dispatch_proposal_line::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(id)
}
