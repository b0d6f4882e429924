//! Customers, their contacts and their service locations.

use sea_orm_migration::{prelude::*, schema::*};

use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum Customers {
    Table,
    Id,
    AccountNumber,
    LegacyId,
    Kind,
    FirstName,
    LastName,
    CompanyName,
    Email,
    BillingEmail,
    Cell,
    HomePhone,
    Language,
    Status,
    BillingDay,
    BalanceCents,
    Notes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Contacts {
    Table,
    Id,
    CustomerId,
    Name,
    Role,
    Email,
    Phone,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum ServiceLocations {
    Table,
    Id,
    CustomerId,
    LegacyId,
    Street,
    Unit,
    Municipality,
    Province,
    PostalCode,
    Latitude,
    Longitude,
    FibreDrop,
    OltPort,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(big_pk_auto(Customers::Id))
                    .col(string(Customers::AccountNumber))
                    .col(string_null(Customers::LegacyId))
                    .col(string(Customers::Kind))
                    .col(string(Customers::FirstName))
                    .col(string(Customers::LastName))
                    .col(string_null(Customers::CompanyName))
                    .col(string_null(Customers::Email))
                    .col(string_null(Customers::BillingEmail))
                    .col(string_null(Customers::Cell))
                    .col(string_null(Customers::HomePhone))
                    .col(string_len(Customers::Language, 2))
                    .col(string(Customers::Status))
                    .col(small_integer(Customers::BillingDay).check(Expr::col(Customers::BillingDay).between(1, 28)))
                    .col(big_integer(Customers::BalanceCents).default(0))
                    .col(text(Customers::Notes).default(""))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(big_pk_auto(Contacts::Id))
                    .col(big_integer(Contacts::CustomerId))
                    .col(string(Contacts::Name))
                    .col(string(Contacts::Role))
                    .col(string_null(Contacts::Email))
                    .col(string_null(Contacts::Phone))
                    .col(timestamp_with_time_zone(Contacts::CreatedAt))
                    .foreign_key(&mut fk_cascade(Contacts::Table, Contacts::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceLocations::Table)
                    .col(big_pk_auto(ServiceLocations::Id))
                    .col(big_integer(ServiceLocations::CustomerId))
                    .col(string_null(ServiceLocations::LegacyId))
                    .col(string(ServiceLocations::Street))
                    .col(string_null(ServiceLocations::Unit))
                    .col(string(ServiceLocations::Municipality))
                    .col(string_len(ServiceLocations::Province, 2))
                    .col(string(ServiceLocations::PostalCode))
                    .col(double_null(ServiceLocations::Latitude))
                    .col(double_null(ServiceLocations::Longitude))
                    .col(string_null(ServiceLocations::FibreDrop))
                    .col(string_null(ServiceLocations::OltPort))
                    .col(timestamp_with_time_zone(ServiceLocations::CreatedAt))
                    .foreign_key(&mut fk(ServiceLocations::Table, ServiceLocations::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique(Customers::Table, &[Customers::AccountNumber]),
                unique(Customers::Table, &[Customers::LegacyId]),
                index(Customers::Table, &[Customers::Email]),
                index(Customers::Table, &[Customers::BillingEmail]),
                index(Customers::Table, &[Customers::Cell]),
                index(Customers::Table, &[Customers::HomePhone]),
                index(Customers::Table, &[Customers::LastName, Customers::FirstName]),
                index(Customers::Table, &[Customers::Status]),
                index(Contacts::Table, &[Contacts::CustomerId]),
                index(ServiceLocations::Table, &[ServiceLocations::CustomerId]),
                unique(ServiceLocations::Table, &[ServiceLocations::LegacyId]),
                index(ServiceLocations::Table, &[ServiceLocations::Municipality]),
            ],
        )
        .await
    }
}
