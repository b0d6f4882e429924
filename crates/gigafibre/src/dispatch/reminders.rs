//! The day-before reminder, sent from inside `gigafibre serve`: every
//! instance looks once a minute; from 10:00 in Québec, each job booked for
//! tomorrow gets its reminder. The job's `reminded_for` day is set in the
//! same transaction as the message is queued, by an update that only one
//! instance can win, so no customer is reminded twice of the same visit.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::dispatch_job::{self, Column, Entity};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::notices::{self, Notice};

/// How often an instance looks for reminders to send.
const POLL_INTERVAL: Duration = Duration::from_secs(60);

/// Reminders go out from this time of day in Québec, the day before.
pub fn sends_from() -> NaiveTime {
    NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// The local day whose visits are due a reminder at `now`; `None` before
/// the time reminders go out.
pub fn due_day(now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = now.with_timezone(&Toronto);
    if local.time() < sends_from() { None } else { local.date_naive().succ_opt() }
}

/// The start and end (UTC) of a local day.
fn bounds(day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = day.and_time(NaiveTime::MIN).and_local_timezone(Toronto).earliest()?;
    let end = day.succ_opt()?.and_time(NaiveTime::MIN).and_local_timezone(Toronto).earliest()?;
    Some((start.with_timezone(&Utc), end.with_timezone(&Utc)))
}

/// Sends the reminders due at `now`; how many jobs were reminded.
pub async fn tick(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let Some(day) = due_day(now) else { return Ok(0) };
    let Some((start, end)) = bounds(day) else { return Ok(0) };
    let not_yet = Condition::any().add(Column::RemindedFor.is_null()).add(Column::RemindedFor.ne(day));
    let due: Vec<i64> = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq("scheduled"))
        .filter(Column::ScheduledStart.gte(start))
        .filter(Column::ScheduledStart.lt(end))
        .filter(not_yet.clone())
        .into_tuple()
        .all(db)
        .await?;
    let mut sent = 0;
    for id in due {
        let txn = crate::db::begin_write(db).await?;
        let claimed = Entity::update_many()
            .col_expr(Column::RemindedFor, Expr::value(day))
            .filter(Column::Id.eq(id))
            .filter(Column::Status.eq("scheduled"))
            .filter(not_yet.clone())
            .exec(&txn)
            .await?;
        let job = dispatch_job::Entity::find_by_id(id).one(&txn).await?;
        match job {
            Some(job) if claimed.rows_affected == 1 => {
                notices::send(&txn, Notice::DayBefore, &job, now).await?;
                txn.commit().await?;
                sent += 1;
            }
            _ => txn.rollback().await?,
        }
    }
    Ok(sent)
}

/// The reminder task; [`Reminders::stop`] ends it between two looks.
pub struct Reminders {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Reminders {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts sending the day-before reminders.
pub fn spawn(db: DatabaseConnection) -> Reminders {
    let (stop, mut stopped) = watch::channel(false);
    tracing::info!(sends_from = %sends_from(), "visit reminders started (America/Toronto)");
    let task = tokio::spawn(async move {
        loop {
            if *stopped.borrow() {
                break;
            }
            match tick(&db, Utc::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "day-before visit reminders queued"),
                Err(error) => tracing::error!(%error, "day-before visit reminders failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(POLL_INTERVAL) => {}
                changed = stopped.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
    });
    Reminders { stop, task }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn reminders_for_tomorrow_go_out_from_ten_in_the_morning() {
        let at = |h| Toronto.with_ymd_and_hms(2026, 11, 30, h, 0, 0).unwrap().with_timezone(&Utc);
        assert_eq!(due_day(at(9)), None);
        assert_eq!(due_day(at(10)), NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(due_day(at(23)), NaiveDate::from_ymd_opt(2026, 12, 1));
    }

    #[test]
    fn a_local_day_spans_its_hours_in_quebec() {
        let (start, end) = bounds(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap();
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 1, 5, 0, 0).unwrap());
        assert_eq!(end - start, chrono::Duration::hours(24));
    }
}
