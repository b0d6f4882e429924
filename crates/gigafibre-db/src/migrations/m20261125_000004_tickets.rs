//! Staff, the tickets they work, and the dispatch jobs that send a technician.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::{Customers, ServiceLocations};
use super::m20261125_000003_field::{Skills, Technicians};
use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum Staff {
    Table,
    Id,
    Email,
    Name,
    /// `agent`, `dispatcher`, `billing` or `admin`.
    Role,
    Language,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Tickets {
    Table,
    Id,
    LegacyId,
    CustomerId,
    ServiceLocationId,
    Subject,
    Description,
    Category,
    Priority,
    Status,
    AssignedStaffId,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden, Clone)]
pub enum TicketMessages {
    Table,
    Id,
    TicketId,
    /// `customer`, `staff` or `system`.
    AuthorKind,
    AuthorStaffId,
    /// `email`, `sms`, `portal` or `note`.
    Channel,
    /// An internal note the customer never sees.
    Internal,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum DispatchJobs {
    Table,
    Id,
    TicketId,
    CustomerId,
    ServiceLocationId,
    JobType,
    DurationMinutes,
    Priority,
    Status,
    TechnicianId,
    ScheduledStart,
    ScheduledEnd,
    WindowStart,
    WindowEnd,
    OutcomeNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum JobRequiredSkills {
    Table,
    JobId,
    SkillId,
    MinLevel,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Staff::Table)
                    .col(big_pk_auto(Staff::Id))
                    .col(string(Staff::Email))
                    .col(string(Staff::Name))
                    .col(string(Staff::Role))
                    .col(string_len(Staff::Language, 2))
                    .col(boolean(Staff::Active).default(true))
                    .col(timestamp_with_time_zone(Staff::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tickets::Table)
                    .col(big_pk_auto(Tickets::Id))
                    .col(string_null(Tickets::LegacyId))
                    .col(big_integer(Tickets::CustomerId))
                    .col(big_integer_null(Tickets::ServiceLocationId))
                    .col(string(Tickets::Subject))
                    .col(text(Tickets::Description).default(""))
                    .col(string(Tickets::Category))
                    .col(string(Tickets::Priority))
                    .col(string(Tickets::Status))
                    .col(big_integer_null(Tickets::AssignedStaffId))
                    .col(timestamp_with_time_zone(Tickets::CreatedAt))
                    .col(timestamp_with_time_zone(Tickets::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Tickets::ClosedAt))
                    .foreign_key(&mut fk(Tickets::Table, Tickets::CustomerId, Customers::Table))
                    .foreign_key(&mut fk(Tickets::Table, Tickets::ServiceLocationId, ServiceLocations::Table))
                    .foreign_key(&mut fk(Tickets::Table, Tickets::AssignedStaffId, Staff::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketMessages::Table)
                    .col(big_pk_auto(TicketMessages::Id))
                    .col(big_integer(TicketMessages::TicketId))
                    .col(string(TicketMessages::AuthorKind))
                    .col(big_integer_null(TicketMessages::AuthorStaffId))
                    .col(string(TicketMessages::Channel))
                    .col(boolean(TicketMessages::Internal).default(false))
                    .col(text(TicketMessages::Body))
                    .col(timestamp_with_time_zone(TicketMessages::CreatedAt))
                    .foreign_key(&mut fk_cascade(TicketMessages::Table, TicketMessages::TicketId, Tickets::Table))
                    .foreign_key(&mut fk(TicketMessages::Table, TicketMessages::AuthorStaffId, Staff::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DispatchJobs::Table)
                    .col(big_pk_auto(DispatchJobs::Id))
                    .col(big_integer_null(DispatchJobs::TicketId))
                    .col(big_integer(DispatchJobs::CustomerId))
                    .col(big_integer(DispatchJobs::ServiceLocationId))
                    .col(string(DispatchJobs::JobType))
                    .col(integer(DispatchJobs::DurationMinutes).check(Expr::col(DispatchJobs::DurationMinutes).gt(0)))
                    .col(string(DispatchJobs::Priority))
                    .col(string(DispatchJobs::Status))
                    .col(big_integer_null(DispatchJobs::TechnicianId))
                    .col(timestamp_with_time_zone_null(DispatchJobs::ScheduledStart))
                    .col(timestamp_with_time_zone_null(DispatchJobs::ScheduledEnd))
                    .col(timestamp_with_time_zone_null(DispatchJobs::WindowStart))
                    .col(timestamp_with_time_zone_null(DispatchJobs::WindowEnd))
                    .col(text(DispatchJobs::OutcomeNote).default(""))
                    .col(timestamp_with_time_zone(DispatchJobs::CreatedAt))
                    .col(timestamp_with_time_zone(DispatchJobs::UpdatedAt))
                    .foreign_key(&mut fk(DispatchJobs::Table, DispatchJobs::TicketId, Tickets::Table))
                    .foreign_key(&mut fk(DispatchJobs::Table, DispatchJobs::CustomerId, Customers::Table))
                    .foreign_key(&mut fk(DispatchJobs::Table, DispatchJobs::ServiceLocationId, ServiceLocations::Table))
                    .foreign_key(&mut fk(DispatchJobs::Table, DispatchJobs::TechnicianId, Technicians::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(JobRequiredSkills::Table)
                    .col(big_integer(JobRequiredSkills::JobId))
                    .col(big_integer(JobRequiredSkills::SkillId))
                    .col(
                        small_integer(JobRequiredSkills::MinLevel)
                            .check(Expr::col(JobRequiredSkills::MinLevel).between(1, 5)),
                    )
                    .primary_key(Index::create().col(JobRequiredSkills::JobId).col(JobRequiredSkills::SkillId))
                    .foreign_key(&mut fk_cascade(
                        JobRequiredSkills::Table,
                        JobRequiredSkills::JobId,
                        DispatchJobs::Table,
                    ))
                    .foreign_key(&mut fk(JobRequiredSkills::Table, JobRequiredSkills::SkillId, Skills::Table))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique(Staff::Table, &[Staff::Email]),
                unique(Tickets::Table, &[Tickets::LegacyId]),
                index(Tickets::Table, &[Tickets::CustomerId, Tickets::Status]),
                index(Tickets::Table, &[Tickets::Status, Tickets::Priority, Tickets::CreatedAt]),
                index(Tickets::Table, &[Tickets::AssignedStaffId]),
                index(TicketMessages::Table, &[TicketMessages::TicketId]),
                index(DispatchJobs::Table, &[DispatchJobs::TechnicianId, DispatchJobs::ScheduledStart]),
                index(DispatchJobs::Table, &[DispatchJobs::Status]),
                index(DispatchJobs::Table, &[DispatchJobs::CustomerId]),
                index(DispatchJobs::Table, &[DispatchJobs::TicketId]),
            ],
        )
        .await
    }
}
