//! The `billing_runs` table: a row when a run starts, its figures when it
//! ends, the list the ops app shows.

use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::billing_run::{self, ActiveModel, Column, Entity};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{RunReport, Trigger};

fn started(run_date: NaiveDate, trigger: Trigger, now: DateTime<Utc>) -> ActiveModel {
    ActiveModel {
        run_date: Set(run_date),
        trigger: Set(trigger.as_str().into()),
        scheduled_on: Set((trigger == Trigger::Schedule).then_some(run_date)),
        status: Set("running".into()),
        started_at: Set(now),
        finished_at: Set(None),
        customers_billed: Set(0),
        invoices_created: Set(0),
        lines: Set(0),
        subtotal_cents: Set(0),
        total_cents: Set(0),
        errors: Set(0),
        error_detail: Set(String::new()),
        ..Default::default()
    }
}

/// Records the start of a run. A scheduled run is recorded only once per
/// day: `None` when another instance already started today's.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    run_date: NaiveDate,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let inserted = Entity::insert(started(run_date, trigger, now))
        .on_conflict_do_nothing_on([Column::ScheduledOn])
        .exec(conn)
        .await?;
    Ok(match inserted {
        sea_orm::TryInsertResult::Inserted(result) => Some(result.last_insert_id),
        _ => None,
    })
}

/// Records how the run `id` ended.
pub async fn finish<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    report: &RunReport,
    failure: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut detail = report.errors.join("\n");
    if let Some(failure) = failure {
        if !detail.is_empty() {
            detail.push('\n');
        }
        detail.push_str(failure);
    }
    let errors = report.errors.len() as i64 + i64::from(failure.is_some());
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(if failure.is_some() { "failed" } else { "finished" }))
        .col_expr(Column::FinishedAt, Expr::value(now))
        .col_expr(Column::CustomersBilled, Expr::value(report.customers_billed as i64))
        .col_expr(Column::InvoicesCreated, Expr::value(report.invoices_created as i64))
        .col_expr(Column::Lines, Expr::value(report.lines as i64))
        .col_expr(Column::SubtotalCents, Expr::value(report.subtotal.cents()))
        .col_expr(Column::TotalCents, Expr::value(report.total.cents()))
        .col_expr(Column::Errors, Expr::value(errors))
        .col_expr(Column::ErrorDetail, Expr::value(detail))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The latest runs, newest first.
pub async fn latest<C: ConnectionTrait>(conn: &C, limit: u64) -> Result<Vec<billing_run::Model>, DbErr> {
    Entity::find().order_by_desc(Column::StartedAt).order_by_desc(Column::Id).limit(limit).all(conn).await
}
