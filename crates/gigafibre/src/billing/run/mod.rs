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
pub use write::{PAYMENT_TERMS_DAYS, ensure_sequence, invoice_number, take_invoice_number};

/// A write transaction closes once it holds this many invoices (or
/// customers): small enough that a crash loses little work, large enough
/// that statements and commits stay few. Each statement counts on
/// PostgreSQL, where sqlx 0.9.0 leaves Nagle's algorithm on and a large
/// statement can wait 40 ms for a delayed ACK: the full monthly run (about
/// 6,000 invoices) is three transactions.
const BATCH_INVOICES: usize = 2_500;
const BATCH_CUSTOMERS: usize = 2_500;

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
    let mut book = load::book(db).await?;
    let stored = load::all_billed_through(db).await?;
    book.read_history(db, &stored).await?;
    progress.set_length(book.customers.len() as u64);
    let mut report = RunReport::default();
    let planned: Vec<Draft> = book
        .customers
        .iter()
        .map(|(customer, subscriptions)| {
            draft(customer, subscriptions, &book.plans, &stored, run_date).unwrap_or_else(|error| {
                report.errors.push(error.to_string());
                Draft::default()
            })
        })
        .collect();
    if dry_run {
        for ((customer, _), draft) in book.customers.iter().zip(&planned) {
            tally(&mut report, &customer.account_number, draft, true);
        }
        progress.inc(book.customers.len() as u64);
        return Ok(report);
    }

    write::ensure_sequence(db).await?;
    let plan = Plan { book: &book, planned: &planned, stored: &stored, run_date };
    let mut batch = Vec::new();
    let mut invoices = 0;
    for (index, draft) in planned.iter().enumerate() {
        if draft.is_empty() {
            progress.inc(1);
            continue;
        }
        batch.push(index);
        invoices += draft.invoices.len();
        if invoices >= BATCH_INVOICES || batch.len() >= BATCH_CUSTOMERS {
            plan.write(db, &batch, &mut report).await?;
            progress.inc(batch.len() as u64);
            batch.clear();
            invoices = 0;
        }
    }
    if !batch.is_empty() {
        plan.write(db, &batch, &mut report).await?;
        progress.inc(batch.len() as u64);
    }
    Ok(report)
}

/// What the run worked out from its first reads.
struct Plan<'a> {
    book: &'a load::Book,
    planned: &'a [Draft],
    stored: &'a HashMap<i64, NaiveDate>,
    run_date: NaiveDate,
}

impl Plan<'_> {
    /// Issues the customers at `batch` (indexes into the book) in one
    /// transaction. Once the sequence is locked, their billed-through dates
    /// are read again: if another run moved any meanwhile, their drafts are
    /// worked out afresh, so nothing is billed twice.
    async fn write(&self, db: &DatabaseConnection, batch: &[usize], report: &mut RunReport) -> Result<(), DbErr> {
        let (txn, last) = write::begin(db).await?;
        let customers: Vec<&(load::Customer, Vec<load::Subscription>)> =
            batch.iter().map(|&index| &self.book.customers[index]).collect();
        let ids: Vec<i64> = customers.iter().flat_map(|(_, subs)| subs.iter().map(|s| s.id)).collect();
        let now_stored = load::billed_through(&txn, &ids).await?;
        let moved = ids.iter().any(|id| now_stored.get(id) != self.stored.get(id));
        let fresh: Vec<Draft> = if moved {
            customers
                .iter()
                .map(|(customer, subscriptions)| {
                    draft(customer, subscriptions, &self.book.plans, &now_stored, self.run_date).unwrap_or_default()
                })
                .collect()
        } else {
            Vec::new()
        };
        let drafts: Vec<&Draft> =
            if moved { fresh.iter().collect() } else { batch.iter().map(|&index| &self.planned[index]).collect() };
        write::commit(txn, last, &drafts, self.run_date, Utc::now()).await?;
        for ((customer, _), draft) in customers.iter().zip(drafts) {
            tally(report, &customer.account_number, draft, false);
        }
        Ok(())
    }
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
