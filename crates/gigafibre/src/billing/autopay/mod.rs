//! Automatic payment: a customer with a card saved at Stripe opts in on the
//! portal, and every morning (06:00 Québec time, inside `gigafibre serve`,
//! or by hand with `gigafibre billing autopay`) each of their open invoices
//! is charged to that card off-session.
//!
//! Each charge is a row unique on (invoice, day) whose key Stripe receives
//! as `Idempotency-Key`: a re-run the same day, or a second instance,
//! charges nothing twice. A charge that succeeds records its payment once,
//! whether the run or the webhook sees it first ([`settle`]). A declined
//! charge leaves the invoice open and tells the customer by e-mail or SMS,
//! with a payment link; it is tried again on the next days, up to
//! [`MAX_ATTEMPTS`].

mod charge;
mod decide;
mod due;
pub mod enrollment;
mod notice;
pub mod schedule;
mod settle;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::billing::money::Money;
use crate::billing::payments::PaymentError;
use crate::billing::stripe::{StripeClient, StripeError};
use crate::config::Config;
pub use decide::{Decision, MAX_ATTEMPTS, decide};
pub use enrollment::{enrollment_of, opt_in, opt_out};
pub use notice::{Failure, compose};
pub use settle::{charge_of, mark_failed, settle};

/// How one invoice's charge went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// A dry run: this would be charged.
    WouldCharge,
    Paid,
    /// Stripe is still settling it; the webhook records it.
    Processing,
    /// Refused; the customer was told.
    Declined,
    /// The customer has no saved card any more; they were told.
    NoCard,
    /// Stripe could not be reached; a re-run today asks again.
    NoAnswer,
}

/// One invoice a run charged, or would charge.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub account_number: String,
    pub invoice_number: String,
    pub amount: Money,
    pub outcome: AttemptOutcome,
}

impl Attempt {
    fn of(due: &due::Due, amount: Money, outcome: AttemptOutcome) -> Attempt {
        Attempt {
            account_number: due.customer.account_number.clone(),
            invoice_number: due.invoice.number.clone(),
            amount,
            outcome,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AutopayReport {
    pub attempts: Vec<Attempt>,
}

impl AutopayReport {
    pub fn count(&self, outcome: AttemptOutcome) -> usize {
        self.attempts.iter().filter(|a| a.outcome == outcome).count()
    }

    /// What was collected.
    pub fn paid(&self) -> Money {
        let paid = self.attempts.iter().filter(|a| a.outcome == AttemptOutcome::Paid);
        paid.fold(Money::ZERO, |sum, a| sum + a.amount)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AutopayError {
    #[error(transparent)]
    Stripe(#[from] StripeError),
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// Charges every invoice due on `today` (Québec date). A dry run reads the
/// same, asks Stripe nothing and writes nothing.
pub async fn run(
    db: &DatabaseConnection,
    config: &Config,
    today: NaiveDate,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<AutopayReport, AutopayError> {
    let mut report = AutopayReport::default();
    let candidates = due::due(db, today).await?;
    let client =
        if dry_run || candidates.is_empty() { None } else { Some(StripeClient::from_settings(&config.stripe)?) };
    for due in &candidates {
        let retry = match due.decision {
            Decision::Skip => continue,
            Decision::Charge => None,
            Decision::Retry(id) => Some(id),
        };
        let Some(client) = &client else {
            report.attempts.push(Attempt::of(
                due,
                Money::from_cents(due.invoice.balance_cents),
                AttemptOutcome::WouldCharge,
            ));
            continue;
        };
        report.attempts.extend(charge::charge(db, config, client, due, retry, today, now).await?);
    }
    Ok(report)
}
