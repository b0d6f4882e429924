//! The `daily_jobs` table: a job that `serve` runs once a day records its
//! day first, and only the instance whose row went in runs it.

use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::daily_job::{self, Column, Entity};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

/// Whether `job` has started on `day` (here or on another instance).
pub async fn started<C: ConnectionTrait>(conn: &C, job: &str, day: NaiveDate) -> Result<bool, DbErr> {
    Ok(Entity::find().filter(Column::Job.eq(job)).filter(Column::Day.eq(day)).count(conn).await? > 0)
}

/// Records that `job` starts for `day`; `None` when another instance
/// already did.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    job: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let row = daily_job::ActiveModel {
        id: NotSet,
        job: Set(job.to_owned()),
        day: Set(day),
        started_at: Set(now),
        finished_at: Set(None),
        detail: Set(String::new()),
    };
    let inserted = Entity::insert(row).on_conflict_do_nothing_on([Column::Job, Column::Day]).exec(conn).await?;
    Ok(match inserted {
        sea_orm::TryInsertResult::Inserted(result) => Some(result.last_insert_id),
        _ => None,
    })
}

/// Records how the run `id` ended.
pub async fn finish<C: ConnectionTrait>(conn: &C, id: i64, detail: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::FinishedAt, Some(now).into())
        .col_expr(Column::Detail, detail.into())
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
