//! Collecting overdue invoices: the reminders sent for each invoice (once
//! per step, with the late fee that step charged) and a record of each
//! daily job that `serve` runs once a day across every instance.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000005_billing::Invoices;
use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One reminder about one overdue invoice. Unique on (invoice, step): a
/// step is sent once, whatever runs it and however often.
#[derive(DeriveIden, Clone)]
pub enum DunningNotices {
    Table,
    Id,
    InvoiceId,
    /// 1 for the first reminder; the last step is the suspension notice.
    Step,
    /// The setting's days after the due date this step was for.
    DaysAfterDue,
    /// The day it went out (Québec time).
    SentOn,
    /// The outbox message; empty when the customer has no way to be reached.
    OutboxMessageId,
    /// The late fee this step charged (0 when late fees are off).
    FeeCents,
    /// The invoice that carries the late fee.
    FeeInvoiceId,
    CreatedAt,
}

/// A job `serve` runs once a day (`dunning`, `autopay`): unique on
/// (job, day), so of several instances only one runs it.
#[derive(DeriveIden, Clone)]
pub enum DailyJobs {
    Table,
    Id,
    Job,
    Day,
    StartedAt,
    FinishedAt,
    /// What the run did, or why it failed.
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DunningNotices::Table)
                    .col(big_pk_auto(DunningNotices::Id))
                    .col(big_integer(DunningNotices::InvoiceId))
                    .col(small_integer(DunningNotices::Step))
                    .col(integer(DunningNotices::DaysAfterDue))
                    .col(date(DunningNotices::SentOn))
                    .col(big_integer_null(DunningNotices::OutboxMessageId))
                    .col(big_integer(DunningNotices::FeeCents).default(0))
                    .col(big_integer_null(DunningNotices::FeeInvoiceId))
                    .col(timestamp_with_time_zone(DunningNotices::CreatedAt))
                    .foreign_key(&mut fk_cascade(DunningNotices::Table, DunningNotices::InvoiceId, Invoices::Table))
                    .foreign_key(&mut fk(DunningNotices::Table, DunningNotices::FeeInvoiceId, Invoices::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DailyJobs::Table)
                    .col(big_pk_auto(DailyJobs::Id))
                    .col(string(DailyJobs::Job))
                    .col(date(DailyJobs::Day))
                    .col(timestamp_with_time_zone(DailyJobs::StartedAt))
                    .col(timestamp_with_time_zone_null(DailyJobs::FinishedAt))
                    .col(text(DailyJobs::Detail).default(""))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique(DunningNotices::Table, &[DunningNotices::InvoiceId, DunningNotices::Step]),
                index(DunningNotices::Table, &[DunningNotices::SentOn]),
                unique(DailyJobs::Table, &[DailyJobs::Job, DailyJobs::Day]),
            ],
        )
        .await
    }
}
