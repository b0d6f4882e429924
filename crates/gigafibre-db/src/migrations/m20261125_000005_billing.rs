//! Invoices with their lines and taxes, payments and where they went, credit
//! notes. Every amount is integer cents.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;
use super::m20261125_000002_catalogue::{Plans, Subscriptions};
use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum Invoices {
    Table,
    Id,
    Number,
    LegacyId,
    CustomerId,
    /// `draft`, `open`, `paid` or `void`.
    Status,
    IssueDate,
    DueDate,
    PeriodStart,
    PeriodEnd,
    SubtotalCents,
    GstCents,
    QstCents,
    TotalCents,
    /// What is still owed: total less allocated payments and credit notes.
    BalanceCents,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum InvoiceLines {
    Table,
    Id,
    InvoiceId,
    Position,
    SubscriptionId,
    PlanId,
    Description,
    Quantity,
    UnitPriceCents,
    AmountCents,
    PeriodStart,
    PeriodEnd,
}

#[derive(DeriveIden, Clone)]
pub enum Payments {
    Table,
    Id,
    LegacyId,
    CustomerId,
    AmountCents,
    /// `cash`, `cheque`, `interac`, `bank`, `card`.
    Method,
    Reference,
    ReceivedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum PaymentAllocations {
    Table,
    Id,
    PaymentId,
    InvoiceId,
    AmountCents,
}

#[derive(DeriveIden, Clone)]
pub enum CreditNotes {
    Table,
    Id,
    Number,
    CustomerId,
    InvoiceId,
    Reason,
    SubtotalCents,
    GstCents,
    QstCents,
    TotalCents,
    IssuedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invoices::Table)
                    .col(big_pk_auto(Invoices::Id))
                    .col(string(Invoices::Number))
                    .col(string_null(Invoices::LegacyId))
                    .col(big_integer(Invoices::CustomerId))
                    .col(string(Invoices::Status))
                    .col(date(Invoices::IssueDate))
                    .col(date(Invoices::DueDate))
                    .col(date_null(Invoices::PeriodStart))
                    .col(date_null(Invoices::PeriodEnd))
                    .col(big_integer(Invoices::SubtotalCents))
                    .col(big_integer(Invoices::GstCents))
                    .col(big_integer(Invoices::QstCents))
                    .col(big_integer(Invoices::TotalCents))
                    .col(big_integer(Invoices::BalanceCents))
                    .col(timestamp_with_time_zone(Invoices::CreatedAt))
                    .foreign_key(&mut fk(Invoices::Table, Invoices::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InvoiceLines::Table)
                    .col(big_pk_auto(InvoiceLines::Id))
                    .col(big_integer(InvoiceLines::InvoiceId))
                    .col(integer(InvoiceLines::Position))
                    .col(big_integer_null(InvoiceLines::SubscriptionId))
                    .col(big_integer_null(InvoiceLines::PlanId))
                    .col(string(InvoiceLines::Description))
                    .col(integer(InvoiceLines::Quantity))
                    .col(big_integer(InvoiceLines::UnitPriceCents))
                    .col(big_integer(InvoiceLines::AmountCents))
                    .col(date_null(InvoiceLines::PeriodStart))
                    .col(date_null(InvoiceLines::PeriodEnd))
                    .foreign_key(&mut fk_cascade(InvoiceLines::Table, InvoiceLines::InvoiceId, Invoices::Table))
                    .foreign_key(&mut fk(InvoiceLines::Table, InvoiceLines::SubscriptionId, Subscriptions::Table))
                    .foreign_key(&mut fk(InvoiceLines::Table, InvoiceLines::PlanId, Plans::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(big_pk_auto(Payments::Id))
                    .col(string_null(Payments::LegacyId))
                    .col(big_integer(Payments::CustomerId))
                    .col(big_integer(Payments::AmountCents).check(Expr::col(Payments::AmountCents).gt(0)))
                    .col(string(Payments::Method))
                    .col(string(Payments::Reference).default(""))
                    .col(timestamp_with_time_zone(Payments::ReceivedAt))
                    .col(timestamp_with_time_zone(Payments::CreatedAt))
                    .foreign_key(&mut fk(Payments::Table, Payments::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentAllocations::Table)
                    .col(big_pk_auto(PaymentAllocations::Id))
                    .col(big_integer(PaymentAllocations::PaymentId))
                    .col(big_integer(PaymentAllocations::InvoiceId))
                    .col(
                        big_integer(PaymentAllocations::AmountCents)
                            .check(Expr::col(PaymentAllocations::AmountCents).gt(0)),
                    )
                    .foreign_key(&mut fk_cascade(
                        PaymentAllocations::Table,
                        PaymentAllocations::PaymentId,
                        Payments::Table,
                    ))
                    .foreign_key(&mut fk(PaymentAllocations::Table, PaymentAllocations::InvoiceId, Invoices::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CreditNotes::Table)
                    .col(big_pk_auto(CreditNotes::Id))
                    .col(string(CreditNotes::Number))
                    .col(big_integer(CreditNotes::CustomerId))
                    .col(big_integer_null(CreditNotes::InvoiceId))
                    .col(string(CreditNotes::Reason))
                    .col(big_integer(CreditNotes::SubtotalCents))
                    .col(big_integer(CreditNotes::GstCents))
                    .col(big_integer(CreditNotes::QstCents))
                    .col(big_integer(CreditNotes::TotalCents))
                    .col(timestamp_with_time_zone(CreditNotes::IssuedAt))
                    .foreign_key(&mut fk(CreditNotes::Table, CreditNotes::CustomerId, Customers::Table))
                    .foreign_key(&mut fk(CreditNotes::Table, CreditNotes::InvoiceId, Invoices::Table))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique(Invoices::Table, &[Invoices::Number]),
                unique(Invoices::Table, &[Invoices::LegacyId]),
                index(Invoices::Table, &[Invoices::CustomerId, Invoices::Status]),
                index(Invoices::Table, &[Invoices::Status, Invoices::DueDate]),
                unique(InvoiceLines::Table, &[InvoiceLines::InvoiceId, InvoiceLines::Position]),
                index(InvoiceLines::Table, &[InvoiceLines::SubscriptionId]),
                unique(Payments::Table, &[Payments::LegacyId]),
                index(Payments::Table, &[Payments::CustomerId]),
                unique(PaymentAllocations::Table, &[PaymentAllocations::PaymentId, PaymentAllocations::InvoiceId]),
                index(PaymentAllocations::Table, &[PaymentAllocations::InvoiceId]),
                unique(CreditNotes::Table, &[CreditNotes::Number]),
                index(CreditNotes::Table, &[CreditNotes::CustomerId]),
                index(CreditNotes::Table, &[CreditNotes::InvoiceId]),
            ],
        )
        .await
    }
}
