//! Dunning: reminders about overdue invoices, at the days after the due
//! date that `GIGAFIBRE_DUNNING_DAYS` sets, the last one a suspension
//! notice that never goes out on a weekend or a Québec holiday.
//!
//! Each reminder is sent once per invoice and step: a unique row in
//! `dunning_notices`, written in the same transaction as the outbox message
//! (and the late fee, when [`LateFee`] is on), so two instances, a re-run
//! or a crash send nothing twice. `serve` runs it every morning
//! ([`crate::billing::run::schedule`]); `gigafibre billing dunning` runs it
//! by hand.

pub mod calendar;
mod contact;
mod fee_invoice;
mod fees;
mod load;
mod messages;
pub mod schedule;
mod send;
mod steps;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;

use crate::billing::money::Money;
use crate::config::Config;
use crate::outbox::Channel;
pub use contact::reminder_contact;
pub use fees::{LateFee, LateFeeError};
pub use messages::{Reminder, compose, long_date};
pub use steps::{Steps, StepsError};

/// One reminder a run sent, or would send in a dry run.
#[derive(Clone, Debug, Serialize)]
pub struct Notice {
    pub invoice_number: String,
    pub account_number: String,
    pub step: usize,
    /// The suspension notice.
    pub last: bool,
    pub balance: Money,
    /// `None` when the customer has neither e-mail nor cell.
    pub channel: Option<Channel>,
    pub fee: Money,
    pub fee_invoice: Option<String>,
}

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DunningReport {
    pub notices: Vec<Notice>,
}

impl DunningReport {
    pub fn reminders(&self) -> usize {
        self.notices.iter().filter(|n| !n.last).count()
    }

    pub fn final_notices(&self) -> usize {
        self.notices.iter().filter(|n| n.last).count()
    }

    pub fn fees(&self) -> Money {
        self.notices.iter().fold(Money::ZERO, |sum, notice| sum + notice.fee)
    }

    /// Reminders no message could carry.
    pub fn unreachable(&self) -> usize {
        self.notices.iter().filter(|n| n.channel.is_none()).count()
    }
}

/// Sends every reminder due on `today` (Québec date). A dry run reads the
/// same and writes nothing.
pub async fn run(
    db: &DatabaseConnection,
    config: &Config,
    today: NaiveDate,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<DunningReport, DbErr> {
    let steps = &config.collections.dunning;
    let mut report = DunningReport::default();
    if steps.is_off() {
        return Ok(report);
    }
    let overdue = load::overdue(db, steps, today).await?;
    if !dry_run && config.collections.late_fee != LateFee::Off {
        crate::billing::run::ensure_sequence(db).await?;
    }
    for candidate in overdue {
        let Some(step) = steps.due(candidate.invoice.due_date, today, candidate.sent) else {
            continue;
        };
        let notice = if dry_run {
            Some(send::preview(config, &candidate.invoice, &candidate.customer, candidate.sent, step))
        } else {
            send::send(db, config, &candidate, step, today, now).await?
        };
        report.notices.extend(notice);
    }
    Ok(report)
}
