//! Paying without being asked each time: the customers who opted in to
//! automatic payment and each charge made for them (one per invoice and
//! day); the payment links staff send, which open a card payment without
//! signing in; an index for the invoices list filtered by issue date.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;
use super::m20261125_000005_billing::Invoices;
use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A customer who asked to have each invoice charged to their saved card.
/// Opting out deletes the row.
#[derive(DeriveIden, Clone)]
pub enum AutopayEnrollments {
    Table,
    Id,
    CustomerId,
    /// The card as the customer saw it when they opted in (`Visa •••• 4242`).
    CardLabel,
    EnrolledAt,
}

/// One off-session charge of one invoice: unique on (invoice, day), so a
/// re-run the same day charges nothing twice.
#[derive(DeriveIden, Clone)]
pub enum AutopayCharges {
    Table,
    Id,
    InvoiceId,
    CustomerId,
    /// The Québec day the charge is for.
    Day,
    AmountCents,
    /// Sent as Stripe's `Idempotency-Key`: a retried call charges once.
    IdempotencyKey,
    /// Stripe's `pi_…`, once Stripe answered.
    PaymentIntentId,
    /// `pending`, `succeeded` or `failed`.
    Status,
    /// Why Stripe refused, as it said.
    Failure,
    /// The payment recorded, once: by the charge or by the webhook.
    PaymentId,
    /// The message telling the customer the charge failed.
    OutboxMessageId,
    CreatedAt,
    UpdatedAt,
}

/// A link that lets a customer pay an invoice (or their balance) by card
/// without signing in. Only the token's SHA-256 is kept.
#[derive(DeriveIden, Clone)]
pub enum PaymentLinks {
    Table,
    Id,
    TokenHash,
    CustomerId,
    /// `None`: the customer's whole balance.
    InvoiceId,
    /// `email` or `sms`.
    Channel,
    Recipient,
    /// The member of staff who sent it.
    StaffId,
    OutboxMessageId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AutopayEnrollments::Table)
                    .col(big_pk_auto(AutopayEnrollments::Id))
                    .col(big_integer(AutopayEnrollments::CustomerId))
                    .col(string(AutopayEnrollments::CardLabel))
                    .col(timestamp_with_time_zone(AutopayEnrollments::EnrolledAt))
                    .foreign_key(&mut fk_cascade(
                        AutopayEnrollments::Table,
                        AutopayEnrollments::CustomerId,
                        Customers::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AutopayCharges::Table)
                    .col(big_pk_auto(AutopayCharges::Id))
                    .col(big_integer(AutopayCharges::InvoiceId))
                    .col(big_integer(AutopayCharges::CustomerId))
                    .col(date(AutopayCharges::Day))
                    .col(big_integer(AutopayCharges::AmountCents))
                    .col(string(AutopayCharges::IdempotencyKey))
                    .col(string_null(AutopayCharges::PaymentIntentId))
                    .col(string(AutopayCharges::Status))
                    .col(text(AutopayCharges::Failure).default(""))
                    .col(big_integer_null(AutopayCharges::PaymentId))
                    .col(big_integer_null(AutopayCharges::OutboxMessageId))
                    .col(timestamp_with_time_zone(AutopayCharges::CreatedAt))
                    .col(timestamp_with_time_zone(AutopayCharges::UpdatedAt))
                    .foreign_key(&mut fk_cascade(AutopayCharges::Table, AutopayCharges::InvoiceId, Invoices::Table))
                    .foreign_key(&mut fk(AutopayCharges::Table, AutopayCharges::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PaymentLinks::Table)
                    .col(big_pk_auto(PaymentLinks::Id))
                    .col(string(PaymentLinks::TokenHash))
                    .col(big_integer(PaymentLinks::CustomerId))
                    .col(big_integer_null(PaymentLinks::InvoiceId))
                    .col(string(PaymentLinks::Channel))
                    .col(string(PaymentLinks::Recipient))
                    .col(big_integer_null(PaymentLinks::StaffId))
                    .col(big_integer_null(PaymentLinks::OutboxMessageId))
                    .col(timestamp_with_time_zone(PaymentLinks::CreatedAt))
                    .col(timestamp_with_time_zone(PaymentLinks::ExpiresAt))
                    .foreign_key(&mut fk_cascade(PaymentLinks::Table, PaymentLinks::CustomerId, Customers::Table))
                    .foreign_key(&mut fk_cascade(PaymentLinks::Table, PaymentLinks::InvoiceId, Invoices::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique(AutopayEnrollments::Table, &[AutopayEnrollments::CustomerId]),
                unique(AutopayCharges::Table, &[AutopayCharges::InvoiceId, AutopayCharges::Day]),
                unique(AutopayCharges::Table, &[AutopayCharges::IdempotencyKey]),
                unique(AutopayCharges::Table, &[AutopayCharges::PaymentIntentId]),
                index(AutopayCharges::Table, &[AutopayCharges::Day]),
                unique(PaymentLinks::Table, &[PaymentLinks::TokenHash]),
                index(PaymentLinks::Table, &[PaymentLinks::CustomerId]),
                index(Invoices::Table, &[Invoices::IssueDate]),
            ],
        )
        .await
    }
}
