//! The billing run: every subscription's due charges, as one invoice per
//! customer and billing period, numbered without gaps.
//!
//! It reads in bulk, works out each customer's invoices with the pure rules
//! of [`crate::billing::proration`], and writes customers in batches, one
//! transaction per batch. Running it again, at once on two instances, or
//! after a crash bills nothing twice: each batch re-reads how far its
//! subscriptions are billed after taking the lock on the numbering
//! sequence, and a unique key on (subscription, first day charged) refuses
//! a doubled line.

mod credit;
mod draft;
mod load;
pub mod record;
pub mod schedule;
mod write;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use indicatif::ProgressBar;
use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;

use crate::billing::money::Money;
use draft::{Draft, draft};
pub use write::{PAYMENT_TERMS_DAYS, invoice_number};

/// Customers per write transaction: small enough that a crash loses
/// little work, large enough that the statements stay few.
const BATCH_CUSTOMERS: usize = 32;

/// Who started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Manual,
    Schedule,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Schedule => "schedule",
        }
    }
}

/// One invoice a run issued, or would issue in a dry run.
#[derive(Clone, Debug, Serialize)]
pub struct Issued {
    pub account_number: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub lines: usize,
    pub total: Money,
}

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    /// The `billing_runs` row; `None` for a dry run.
    pub run_id: Option<i64>,
    pub customers_billed: u64,
    pub invoices_created: u64,
    pub lines: u64,
    pub subtotal: Money,
    pub total: Money,
    /// Customers left out, and why.
    pub errors: Vec<String>,
    /// Filled by a dry run: what it would issue.
    pub issued: Vec<Issued>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("another instance has already started the scheduled run for {0}")]
    AlreadyScheduled(NaiveDate),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Bills everything due on `run_date`. A dry run reads the same and writes
/// nothing. `progress` advances by one per customer.
pub async fn run(
    db: &DatabaseConnection,
    run_date: NaiveDate,
    trigger: Trigger,
    dry_run: bool,
    progress: &ProgressBar,
) -> Result<RunReport, RunError> {
    if dry_run {
        return bill(db, run_date, true, progress).await.map_err(RunError::Db);
    }
    let Some(id) = record::start(db, run_date, trigger, Utc::now()).await? else {
        return Err(RunError::AlreadyScheduled(run_date));
    };
    match bill(db, run_date, false, progress).await {
        Ok(mut report) => {
            report.run_id = Some(id);
            record::finish(db, id, &report, None, Utc::now()).await?;
            Ok(report)
        }
        Err(error) => {
            let report = RunReport { run_id: Some(id), ..RunReport::default() };
            record::finish(db, id, &report, Some(&error.to_string()), Utc::now()).await?;
            Err(RunError::Db(error))
        }
    }
}

async fn bill(
    db: &DatabaseConnection,
    run_date: NaiveDate,
    dry_run: bool,
    progress: &ProgressBar,
) -> Result<RunReport, DbErr> {
    let book = load::book(db).await?;
    progress.set_length(book.customers.len() as u64);
    if !dry_run {
        write::ensure_sequence(db).await?;
    }
    let mut report = RunReport::default();
    for batch in book.customers.chunks(BATCH_CUSTOMERS) {
        let ids: Vec<i64> = batch.iter().flat_map(|(_, subs)| subs.iter().map(|s| s.id)).collect();
        let (txn, last) = if dry_run { (None, 0) } else { write::begin(db).await.map(|(t, l)| (Some(t), l))? };
        let stored = match &txn {
            Some(txn) => load::billed_through(txn, &ids).await?,
            None => load::billed_through(db, &ids).await?,
        };
        let drafts = drafts(batch, &book.plans, &stored, run_date, &mut report);
        for (customer, draft) in batch.iter().map(|(c, _)| c).zip(&drafts) {
            tally(&mut report, &customer.account_number, draft, dry_run);
        }
        if let Some(txn) = txn {
            write::commit(txn, last, &drafts, run_date, Utc::now()).await?;
        }
        progress.inc(batch.len() as u64);
    }
    Ok(report)
}

/// Each customer's draft; a customer whose data the run cannot bill gets an
/// empty one and an error in the report.
fn drafts(
    batch: &[(load::Customer, Vec<load::Subscription>)],
    plans: &HashMap<i64, load::Plan>,
    stored: &HashMap<i64, NaiveDate>,
    run_date: NaiveDate,
    report: &mut RunReport,
) -> Vec<Draft> {
    batch
        .iter()
        .map(|(customer, subscriptions)| {
            draft(customer, subscriptions, plans, stored, run_date).unwrap_or_else(|error| {
                report.errors.push(error.to_string());
                Draft::default()
            })
        })
        .collect()
}

fn tally(report: &mut RunReport, account_number: &str, draft: &Draft, keep: bool) {
    if !draft.invoices.is_empty() {
        report.customers_billed += 1;
    }
    for invoice in &draft.invoices {
        report.invoices_created += 1;
        report.lines += invoice.lines.len() as u64;
        report.subtotal += invoice.totals.subtotal;
        report.total += invoice.totals.total;
        if keep {
            report.issued.push(Issued {
                account_number: account_number.to_owned(),
                period_start: invoice.period.start,
                period_end: invoice.period.end,
                lines: invoice.lines.len(),
                total: invoice.totals.total,
            });
        }
    }
}
