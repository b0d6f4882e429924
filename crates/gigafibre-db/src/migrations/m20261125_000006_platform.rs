//! What the platform itself keeps: the outbox of e-mail and SMS, server-side
//! sessions, and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;
use super::support::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum OutboxMessages {
    Table,
    Id,
    /// `email` or `sms`.
    Channel,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    Language,
    /// `queued`, `sending`, `sent`, `failed` or `sandboxed`.
    Status,
    Attempts,
    LastError,
    CustomerId,
    TicketId,
    AvailableAt,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Sessions {
    Table,
    /// SHA-256 of the cookie value: the database never holds a usable id.
    IdHash,
    /// `customer`, `staff` or `technician`.
    Kind,
    CustomerId,
    StaffId,
    TechnicianId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden, Clone)]
pub enum AuditLog {
    Table,
    Id,
    At,
    ActorKind,
    ActorId,
    ActorLabel,
    Action,
    Entity,
    EntityId,
    Before,
    After,
    Ip,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .col(big_pk_auto(OutboxMessages::Id))
                    .col(string(OutboxMessages::Channel))
                    .col(string(OutboxMessages::Recipient))
                    .col(string_null(OutboxMessages::Subject))
                    .col(text(OutboxMessages::BodyText))
                    .col(text_null(OutboxMessages::BodyHtml))
                    .col(string_len(OutboxMessages::Language, 2))
                    .col(string(OutboxMessages::Status))
                    .col(integer(OutboxMessages::Attempts).default(0))
                    .col(text_null(OutboxMessages::LastError))
                    .col(big_integer_null(OutboxMessages::CustomerId))
                    .col(big_integer_null(OutboxMessages::TicketId))
                    .col(timestamp_with_time_zone(OutboxMessages::AvailableAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .foreign_key(&mut super::support::fk(
                        OutboxMessages::Table,
                        OutboxMessages::CustomerId,
                        Customers::Table,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string(Sessions::IdHash).primary_key())
                    .col(string(Sessions::Kind))
                    .col(big_integer_null(Sessions::CustomerId))
                    .col(big_integer_null(Sessions::StaffId))
                    .col(big_integer_null(Sessions::TechnicianId))
                    .col(string(Sessions::CsrfToken))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(string_null(Sessions::Ip))
                    .col(string_null(Sessions::UserAgent))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string(AuditLog::ActorKind))
                    .col(big_integer_null(AuditLog::ActorId))
                    .col(string(AuditLog::ActorLabel))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::Entity))
                    .col(big_integer_null(AuditLog::EntityId))
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(string_null(AuditLog::Ip))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index(OutboxMessages::Table, &[OutboxMessages::Status, OutboxMessages::AvailableAt]),
                index(OutboxMessages::Table, &[OutboxMessages::CustomerId]),
                index(Sessions::Table, &[Sessions::ExpiresAt]),
                index(Sessions::Table, &[Sessions::CustomerId]),
                index(AuditLog::Table, &[AuditLog::Entity, AuditLog::EntityId]),
                index(AuditLog::Table, &[AuditLog::At]),
            ],
        )
        .await
    }
}
