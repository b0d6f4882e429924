//! What the billing run needs: how far each subscription is billed, pauses,
//! one gapless counter per numbered document, a record of every run, and a
//! unique key that makes the same subscription period impossible to bill
//! twice.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000002_catalogue::Subscriptions;
use super::m20261125_000005_billing::InvoiceLines;
use super::support::{create_indexes, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per subscription the run has looked at: every day up to
/// `billed_through` is settled (charged, or not chargeable).
#[derive(DeriveIden, Clone)]
pub enum SubscriptionBilling {
    Table,
    SubscriptionId,
    BilledThrough,
}

/// A stretch without service and without charge; `ends_on` is empty while
/// the return date is unknown.
#[derive(DeriveIden, Clone)]
pub enum SubscriptionPauses {
    Table,
    Id,
    SubscriptionId,
    StartsOn,
    EndsOn,
    CreatedAt,
}

/// The last number issued in each gapless sequence (`invoice`), moved in the
/// same transaction as the document that takes the number.
#[derive(DeriveIden, Clone)]
pub enum NumberSequences {
    Table,
    Name,
    LastValue,
}

#[derive(DeriveIden, Clone)]
pub enum BillingRuns {
    Table,
    Id,
    /// The day billed up to.
    RunDate,
    /// `manual` or `schedule`.
    Trigger,
    /// Set on scheduled runs only: unique, so that of two app instances
    /// only one starts the day's run.
    ScheduledOn,
    /// `running`, `finished` or `failed`.
    Status,
    StartedAt,
    FinishedAt,
    CustomersBilled,
    InvoicesCreated,
    Lines,
    SubtotalCents,
    TotalCents,
    Errors,
    ErrorDetail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SubscriptionBilling::Table)
                    .col(big_integer(SubscriptionBilling::SubscriptionId).primary_key())
                    .col(date(SubscriptionBilling::BilledThrough))
                    .foreign_key(&mut fk_cascade(
                        SubscriptionBilling::Table,
                        SubscriptionBilling::SubscriptionId,
                        Subscriptions::Table,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SubscriptionPauses::Table)
                    .col(big_pk_auto(SubscriptionPauses::Id))
                    .col(big_integer(SubscriptionPauses::SubscriptionId))
                    .col(date(SubscriptionPauses::StartsOn))
                    .col(date_null(SubscriptionPauses::EndsOn))
                    .col(timestamp_with_time_zone(SubscriptionPauses::CreatedAt))
                    .foreign_key(&mut fk_cascade(
                        SubscriptionPauses::Table,
                        SubscriptionPauses::SubscriptionId,
                        Subscriptions::Table,
                    ))
                    .check(
                        Expr::col(SubscriptionPauses::EndsOn)
                            .is_null()
                            .or(Expr::col(SubscriptionPauses::EndsOn).gte(Expr::col(SubscriptionPauses::StartsOn))),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NumberSequences::Table)
                    .col(string(NumberSequences::Name).primary_key())
                    .col(big_integer(NumberSequences::LastValue).check(Expr::col(NumberSequences::LastValue).gte(0)))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BillingRuns::Table)
                    .col(big_pk_auto(BillingRuns::Id))
                    .col(date(BillingRuns::RunDate))
                    .col(string(BillingRuns::Trigger))
                    .col(date_null(BillingRuns::ScheduledOn))
                    .col(string(BillingRuns::Status))
                    .col(timestamp_with_time_zone(BillingRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(BillingRuns::FinishedAt))
                    .col(big_integer(BillingRuns::CustomersBilled).default(0))
                    .col(big_integer(BillingRuns::InvoicesCreated).default(0))
                    .col(big_integer(BillingRuns::Lines).default(0))
                    .col(big_integer(BillingRuns::SubtotalCents).default(0))
                    .col(big_integer(BillingRuns::TotalCents).default(0))
                    .col(big_integer(BillingRuns::Errors).default(0))
                    .col(text(BillingRuns::ErrorDetail).default(""))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                // The same subscription cannot be charged twice from the same day.
                unique(InvoiceLines::Table, &[InvoiceLines::SubscriptionId, InvoiceLines::PeriodStart]),
                index(SubscriptionPauses::Table, &[SubscriptionPauses::SubscriptionId]),
                unique(BillingRuns::Table, &[BillingRuns::ScheduledOn]),
                index(BillingRuns::Table, &[BillingRuns::StartedAt]),
            ],
        )
        .await
    }
}
