//! The morning's reminders inside `gigafibre serve`: looked for by the
//! billing scheduler once a minute, run once a day from 09:00 Québec time
//! (never before: nobody wants a payment reminder at dawn) by the first
//! instance to record the day in `daily_jobs`.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::America::Toronto;
use sea_orm::{DatabaseConnection, DbErr};

use super::{DunningReport, run};
use crate::billing::daily_job;
use crate::config::Config;

/// The job's name in `daily_jobs`.
const JOB: &str = "dunning";

/// Reminders go out from this time of day in Québec.
pub fn starts_at() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// Sends the day's reminders if they are due at `now` and no instance has
/// sent them yet. `None` when there was nothing to do.
pub async fn tick(
    db: &DatabaseConnection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Option<DunningReport>, DbErr> {
    let local = now.with_timezone(&Toronto);
    let today = local.date_naive();
    if config.collections.dunning.is_off() || local.time() < starts_at() || daily_job::started(db, JOB, today).await? {
        return Ok(None);
    }
    let Some(id) = daily_job::start(db, JOB, today, now).await? else {
        return Ok(None);
    };
    match run(db, config, today, false, now).await {
        Ok(report) => {
            let detail = format!("{} reminders, {} final notices", report.reminders(), report.final_notices());
            daily_job::finish(db, id, &detail, Utc::now()).await?;
            Ok(Some(report))
        }
        Err(error) => {
            daily_job::finish(db, id, &format!("failed: {error}"), Utc::now()).await?;
            Err(error)
        }
    }
}
