//! The catalogue (plans and add-ons) and the subscriptions that bill them.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::{Customers, ServiceLocations};
use super::support::{create_indexes, fk, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum Plans {
    Table,
    Id,
    Code,
    NameFr,
    NameEn,
    /// `plan` (the main service) or `addon`.
    Category,
    /// `monthly`, `yearly` or `once`.
    BillingFrequency,
    PriceCents,
    Prorate,
    Taxable,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Subscriptions {
    Table,
    Id,
    LegacyId,
    CustomerId,
    ServiceLocationId,
    PlanId,
    Quantity,
    UnitPriceCents,
    Status,
    StartDate,
    EndDate,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .col(big_pk_auto(Plans::Id))
                    .col(string(Plans::Code))
                    .col(string(Plans::NameFr))
                    .col(string(Plans::NameEn))
                    .col(string(Plans::Category))
                    .col(string(Plans::BillingFrequency))
                    .col(big_integer(Plans::PriceCents).check(Expr::col(Plans::PriceCents).gte(0)))
                    .col(boolean(Plans::Prorate).default(true))
                    .col(boolean(Plans::Taxable).default(true))
                    .col(boolean(Plans::Active).default(true))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .col(big_pk_auto(Subscriptions::Id))
                    .col(string_null(Subscriptions::LegacyId))
                    .col(big_integer(Subscriptions::CustomerId))
                    .col(big_integer_null(Subscriptions::ServiceLocationId))
                    .col(big_integer(Subscriptions::PlanId))
                    .col(integer(Subscriptions::Quantity).default(1).check(Expr::col(Subscriptions::Quantity).gt(0)))
                    .col(big_integer(Subscriptions::UnitPriceCents))
                    .col(string(Subscriptions::Status))
                    .col(date(Subscriptions::StartDate))
                    .col(date_null(Subscriptions::EndDate))
                    .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                    .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                    .foreign_key(&mut fk(Subscriptions::Table, Subscriptions::CustomerId, Customers::Table))
                    .foreign_key(&mut fk(
                        Subscriptions::Table,
                        Subscriptions::ServiceLocationId,
                        ServiceLocations::Table,
                    ))
                    .foreign_key(&mut fk(Subscriptions::Table, Subscriptions::PlanId, Plans::Table))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique(Plans::Table, &[Plans::Code]),
                unique(Subscriptions::Table, &[Subscriptions::LegacyId]),
                index(Subscriptions::Table, &[Subscriptions::CustomerId]),
                index(Subscriptions::Table, &[Subscriptions::Status]),
                index(Subscriptions::Table, &[Subscriptions::PlanId]),
            ],
        )
        .await
    }
}
