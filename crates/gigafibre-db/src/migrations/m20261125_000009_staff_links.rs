//! One-time sign-in links for staff, printed by `gigafibre staff link` (or
//! e-mailed) until single sign-on is set up.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000004_tickets::Staff;
use super::support::{create_indexes, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum StaffLinks {
    Table,
    Id,
    StaffId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffLinks::Table)
                    .col(big_pk_auto(StaffLinks::Id))
                    .col(big_integer(StaffLinks::StaffId))
                    .col(string(StaffLinks::TokenHash))
                    .col(timestamp_with_time_zone(StaffLinks::CreatedAt))
                    .col(timestamp_with_time_zone(StaffLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffLinks::UsedAt))
                    .foreign_key(&mut fk_cascade(StaffLinks::Table, StaffLinks::StaffId, Staff::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![unique(StaffLinks::Table, &[StaffLinks::TokenHash]), index(StaffLinks::Table, &[StaffLinks::StaffId])],
        )
        .await
    }
}
