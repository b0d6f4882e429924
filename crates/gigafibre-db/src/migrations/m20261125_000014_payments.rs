//! Payments beyond the first import: refunds tied to the payment they return,
//! the Stripe events already processed (each one once), and the counter that
//! numbers credit notes without a gap.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;
use super::m20261125_000005_billing::Payments;
use super::support::{create_indexes, fk, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum Refunds {
    Table,
    Id,
    PaymentId,
    CustomerId,
    AmountCents,
    Reason,
    /// The payment provider's id for the refund (Stripe `re_…`), when it went through one.
    ProviderReference,
    RefundedAt,
}

#[derive(DeriveIden, Clone)]
pub enum StripeEvents {
    Table,
    Id,
    /// Stripe's `evt_…`: an event delivered twice is processed once.
    EventId,
    EventType,
    PaymentId,
    ReceivedAt,
}

#[derive(DeriveIden, Clone)]
pub enum CreditNoteCounter {
    Table,
    Id,
    /// The sequence number of the last credit note issued here.
    LastNumber,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Refunds::Table)
                    .col(big_pk_auto(Refunds::Id))
                    .col(big_integer(Refunds::PaymentId))
                    .col(big_integer(Refunds::CustomerId))
                    .col(big_integer(Refunds::AmountCents).check(Expr::col(Refunds::AmountCents).gt(0)))
                    .col(string(Refunds::Reason).default(""))
                    .col(string_null(Refunds::ProviderReference))
                    .col(timestamp_with_time_zone(Refunds::RefundedAt))
                    .foreign_key(&mut fk(Refunds::Table, Refunds::PaymentId, Payments::Table))
                    .foreign_key(&mut fk(Refunds::Table, Refunds::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .col(big_pk_auto(StripeEvents::Id))
                    .col(string(StripeEvents::EventId))
                    .col(string(StripeEvents::EventType))
                    .col(big_integer_null(StripeEvents::PaymentId))
                    .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                    .foreign_key(&mut fk(StripeEvents::Table, StripeEvents::PaymentId, Payments::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CreditNoteCounter::Table)
                    .col(big_integer(CreditNoteCounter::Id).primary_key())
                    .col(big_integer(CreditNoteCounter::LastNumber))
                    .to_owned(),
            )
            .await?;
        let mut first = Query::insert();
        first.into_table(CreditNoteCounter::Table).columns([CreditNoteCounter::Id, CreditNoteCounter::LastNumber]);
        first.values([1.into(), 0.into()]).map_err(|error| DbErr::Custom(error.to_string()))?;
        manager.exec_stmt(first).await?;

        create_indexes(
            manager,
            vec![
                index(Refunds::Table, &[Refunds::PaymentId]),
                index(Refunds::Table, &[Refunds::CustomerId]),
                unique(Refunds::Table, &[Refunds::ProviderReference]),
                unique(StripeEvents::Table, &[StripeEvents::EventId]),
            ],
        )
        .await
    }
}
