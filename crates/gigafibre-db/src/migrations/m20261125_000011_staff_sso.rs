//! Single sign-on attempts for staff: one row per trip to the identity
//! provider, spent once by the callback that comes back from it.

use sea_orm_migration::{prelude::*, schema::*};

use super::support::{create_indexes, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum StaffSsoAttempts {
    Table,
    Id,
    StateHash,
    BrowserHash,
    Nonce,
    PkceVerifier,
    ReturnTo,
    CreatedAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffSsoAttempts::Table)
                    .col(big_pk_auto(StaffSsoAttempts::Id))
                    .col(string(StaffSsoAttempts::StateHash))
                    .col(string(StaffSsoAttempts::BrowserHash))
                    .col(string(StaffSsoAttempts::Nonce))
                    .col(string(StaffSsoAttempts::PkceVerifier))
                    .col(string(StaffSsoAttempts::ReturnTo))
                    .col(timestamp_with_time_zone(StaffSsoAttempts::CreatedAt))
                    .col(timestamp_with_time_zone_null(StaffSsoAttempts::UsedAt))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique(StaffSsoAttempts::Table, &[StaffSsoAttempts::StateHash]),
                index(StaffSsoAttempts::Table, &[StaffSsoAttempts::CreatedAt]),
            ],
        )
        .await
    }
}
