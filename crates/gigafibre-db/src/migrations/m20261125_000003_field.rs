//! The field side: technicians and their skills, and the equipment they carry
//! and install, with every move it makes.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::{Customers, ServiceLocations};
use super::m20261125_000002_catalogue::Subscriptions;
use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum Technicians {
    Table,
    Id,
    Name,
    Email,
    Phone,
    HomeBaseLabel,
    HomeBaseLatitude,
    HomeBaseLongitude,
    /// Minutes after midnight, local time.
    ShiftStartMinute,
    ShiftEndMinute,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Skills {
    Table,
    Id,
    Code,
    NameFr,
    NameEn,
}

#[derive(DeriveIden, Clone)]
pub enum TechnicianSkills {
    Table,
    TechnicianId,
    SkillId,
    Level,
}

#[derive(DeriveIden, Clone)]
pub enum Equipment {
    Table,
    Id,
    Serial,
    Mac,
    Barcode,
    Model,
    Kind,
    Status,
    CustomerId,
    ServiceLocationId,
    SubscriptionId,
    TechnicianId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum EquipmentMovements {
    Table,
    Id,
    EquipmentId,
    At,
    FromStatus,
    ToStatus,
    CustomerId,
    ServiceLocationId,
    TechnicianId,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Technicians::Table)
                    .col(big_pk_auto(Technicians::Id))
                    .col(string(Technicians::Name))
                    .col(string_null(Technicians::Email))
                    .col(string_null(Technicians::Phone))
                    .col(string(Technicians::HomeBaseLabel))
                    .col(double(Technicians::HomeBaseLatitude))
                    .col(double(Technicians::HomeBaseLongitude))
                    .col(integer(Technicians::ShiftStartMinute))
                    .col(integer(Technicians::ShiftEndMinute))
                    .col(boolean(Technicians::Active).default(true))
                    .col(timestamp_with_time_zone(Technicians::CreatedAt))
                    .check(Expr::col(Technicians::ShiftStartMinute).lt(Expr::col(Technicians::ShiftEndMinute)))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Skills::Table)
                    .col(big_pk_auto(Skills::Id))
                    .col(string(Skills::Code))
                    .col(string(Skills::NameFr))
                    .col(string(Skills::NameEn))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TechnicianSkills::Table)
                    .col(big_integer(TechnicianSkills::TechnicianId))
                    .col(big_integer(TechnicianSkills::SkillId))
                    .col(small_integer(TechnicianSkills::Level).check(Expr::col(TechnicianSkills::Level).between(1, 5)))
                    .primary_key(Index::create().col(TechnicianSkills::TechnicianId).col(TechnicianSkills::SkillId))
                    .foreign_key(&mut fk_cascade(
                        TechnicianSkills::Table,
                        TechnicianSkills::TechnicianId,
                        Technicians::Table,
                    ))
                    .foreign_key(&mut fk(TechnicianSkills::Table, TechnicianSkills::SkillId, Skills::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Equipment::Table)
                    .col(big_pk_auto(Equipment::Id))
                    .col(string(Equipment::Serial))
                    .col(string_null(Equipment::Mac))
                    .col(string_null(Equipment::Barcode))
                    .col(string(Equipment::Model))
                    .col(string(Equipment::Kind))
                    .col(string(Equipment::Status))
                    .col(big_integer_null(Equipment::CustomerId))
                    .col(big_integer_null(Equipment::ServiceLocationId))
                    .col(big_integer_null(Equipment::SubscriptionId))
                    .col(big_integer_null(Equipment::TechnicianId))
                    .col(timestamp_with_time_zone(Equipment::CreatedAt))
                    .col(timestamp_with_time_zone(Equipment::UpdatedAt))
                    .foreign_key(&mut fk(Equipment::Table, Equipment::CustomerId, Customers::Table))
                    .foreign_key(&mut fk(Equipment::Table, Equipment::ServiceLocationId, ServiceLocations::Table))
                    .foreign_key(&mut fk(Equipment::Table, Equipment::SubscriptionId, Subscriptions::Table))
                    .foreign_key(&mut fk(Equipment::Table, Equipment::TechnicianId, Technicians::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EquipmentMovements::Table)
                    .col(big_pk_auto(EquipmentMovements::Id))
                    .col(big_integer(EquipmentMovements::EquipmentId))
                    .col(timestamp_with_time_zone(EquipmentMovements::At))
                    .col(string_null(EquipmentMovements::FromStatus))
                    .col(string(EquipmentMovements::ToStatus))
                    .col(big_integer_null(EquipmentMovements::CustomerId))
                    .col(big_integer_null(EquipmentMovements::ServiceLocationId))
                    .col(big_integer_null(EquipmentMovements::TechnicianId))
                    .col(text(EquipmentMovements::Note).default(""))
                    .foreign_key(&mut fk_cascade(
                        EquipmentMovements::Table,
                        EquipmentMovements::EquipmentId,
                        Equipment::Table,
                    ))
                    .foreign_key(&mut fk(EquipmentMovements::Table, EquipmentMovements::CustomerId, Customers::Table))
                    .foreign_key(&mut fk(
                        EquipmentMovements::Table,
                        EquipmentMovements::ServiceLocationId,
                        ServiceLocations::Table,
                    ))
                    .foreign_key(&mut fk(
                        EquipmentMovements::Table,
                        EquipmentMovements::TechnicianId,
                        Technicians::Table,
                    ))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique(Technicians::Table, &[Technicians::Email]),
                unique(Skills::Table, &[Skills::Code]),
                index(TechnicianSkills::Table, &[TechnicianSkills::SkillId]),
                unique(Equipment::Table, &[Equipment::Serial]),
                unique(Equipment::Table, &[Equipment::Mac]),
                unique(Equipment::Table, &[Equipment::Barcode]),
                index(Equipment::Table, &[Equipment::CustomerId]),
                index(Equipment::Table, &[Equipment::TechnicianId]),
                index(EquipmentMovements::Table, &[EquipmentMovements::EquipmentId]),
            ],
        )
        .await
    }
}
