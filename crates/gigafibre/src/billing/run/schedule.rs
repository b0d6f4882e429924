//! The daily billing run inside `gigafibre serve`. Every instance looks once
//! a minute; the first to record the day's scheduled run (a unique date in
//! `billing_runs`) runs it, the others find it taken. The same look sends
//! the morning's payment reminders ([`crate::billing::dunning::schedule`])
//! and charges the invoices of customers on automatic payment
//! ([`crate::billing::autopay::schedule`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::billing_run;
use indicatif::ProgressBar;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{RunError, RunReport, Trigger, run};
use crate::billing::{autopay, dunning};
use crate::config::Config;

/// How often an instance looks whether the day's run is due.
const POLL_INTERVAL: Duration = Duration::from_secs(60);

/// The run starts from this time of day in Québec.
pub fn starts_at() -> NaiveTime {
    NaiveTime::from_hms_opt(5, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// Runs the day's billing if it is due at `now` and no instance has started
/// it yet. `None` when there was nothing to do.
pub async fn tick(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Option<RunReport>, RunError> {
    let local = now.with_timezone(&Toronto);
    if local.time() < starts_at() {
        return Ok(None);
    }
    let today = local.date_naive();
    let started = billing_run::Entity::find().filter(billing_run::Column::ScheduledOn.eq(today)).count(db).await?;
    if started > 0 {
        return Ok(None);
    }
    match run(db, today, Trigger::Schedule, false, &ProgressBar::hidden()).await {
        Ok(report) => Ok(Some(report)),
        Err(RunError::AlreadyScheduled(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The scheduler task; [`Scheduler::stop`] ends it between two looks.
pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Scheduler {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the scheduler: the daily billing run when `billing` is on, the
/// reminders when the configuration has reminder days, the automatic
/// payments when card payments are set up.
pub fn spawn(db: DatabaseConnection, config: Arc<Config>, billing: bool) -> Scheduler {
    let (stop, mut stopped) = watch::channel(false);
    tracing::info!(starts_at = %starts_at(), billing, "billing scheduler started (America/Toronto)");
    let task = tokio::spawn(async move {
        loop {
            if *stopped.borrow() {
                break;
            }
            if billing {
                bill(&db).await;
            }
            remind(&db, &config).await;
            collect(&db, &config).await;
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
    Scheduler { stop, task }
}

async fn bill(db: &DatabaseConnection) {
    match tick(db, Utc::now()).await {
        Ok(Some(report)) => tracing::info!(
            invoices = report.invoices_created,
            lines = report.lines,
            total_cents = report.total.cents(),
            errors = report.errors.len(),
            "scheduled billing run finished"
        ),
        Ok(None) => {}
        Err(error) => tracing::error!(%error, "scheduled billing run failed"),
    }
}

async fn remind(db: &DatabaseConnection, config: &Config) {
    match dunning::schedule::tick(db, config, Utc::now()).await {
        Ok(Some(report)) => tracing::info!(
            reminders = report.reminders(),
            final_notices = report.final_notices(),
            late_fee_cents = report.fees().cents(),
            unreachable = report.unreachable(),
            "payment reminders sent"
        ),
        Ok(None) => {}
        Err(error) => tracing::error!(%error, "payment reminders failed"),
    }
}

async fn collect(db: &DatabaseConnection, config: &Config) {
    match autopay::schedule::tick(db, config, Utc::now()).await {
        Ok(Some(report)) => tracing::info!(
            paid = report.count(autopay::AttemptOutcome::Paid),
            paid_cents = report.paid().cents(),
            declined = report.count(autopay::AttemptOutcome::Declined),
            no_card = report.count(autopay::AttemptOutcome::NoCard),
            "automatic payments charged"
        ),
        Ok(None) => {}
        Err(error) => tracing::error!(%error, "automatic payments failed"),
    }
}
