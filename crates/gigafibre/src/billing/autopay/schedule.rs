//! The morning's automatic payments inside `gigafibre serve`: looked for by
//! the billing scheduler once a minute, run once a day from 06:00 Québec
//! time by the first instance to record the day in `daily_jobs`.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::America::Toronto;
use sea_orm::DatabaseConnection;

use super::{AttemptOutcome, AutopayError, AutopayReport, run};
use crate::billing::daily_job;
use crate::config::Config;

/// The job's name in `daily_jobs`.
const JOB: &str = "autopay";

/// Charges go out from this time of day in Québec.
pub fn starts_at() -> NaiveTime {
    NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// Charges the day's invoices if due at `now`, card payments are set up and
/// no instance has started yet. `None` when there was nothing to do.
pub async fn tick(
    db: &DatabaseConnection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Option<AutopayReport>, AutopayError> {
    let local = now.with_timezone(&Toronto);
    let today = local.date_naive();
    if !config.stripe.is_configured() || local.time() < starts_at() || daily_job::started(db, JOB, today).await? {
        return Ok(None);
    }
    let Some(id) = daily_job::start(db, JOB, today, now).await? else {
        return Ok(None);
    };
    match run(db, config, today, false, now).await {
        Ok(report) => {
            let detail = format!(
                "{} paid ({}), {} declined, {} without a card, {} awaiting Stripe",
                report.count(AttemptOutcome::Paid),
                report.paid(),
                report.count(AttemptOutcome::Declined),
                report.count(AttemptOutcome::NoCard),
                report.count(AttemptOutcome::Processing) + report.count(AttemptOutcome::NoAnswer),
            );
            daily_job::finish(db, id, &detail, Utc::now()).await?;
            Ok(Some(report))
        }
        Err(error) => {
            daily_job::finish(db, id, &format!("failed: {error}"), Utc::now()).await?;
            Err(error)
        }
    }
}
