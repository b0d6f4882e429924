//! Sign-in links for the technician app: each is bound to a technician and
//! a day, or to one job, stored as a hash, used once, and names the session
//! it opened so that revoking the link ends that session too.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000003_field::Technicians;
use super::m20261125_000004_tickets::DispatchJobs;
use super::support::{create_indexes, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum TechnicianLinks {
    Table,
    Id,
    TechnicianId,
    /// Set for a link that opens one job only.
    JobId,
    /// The day (America/Toronto) whose jobs the link opens.
    Day,
    TokenHash,
    /// Who made the link: a member of staff or the command line.
    IssuedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    /// The hash of the session id the link opened.
    SessionHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TechnicianLinks::Table)
                    .col(big_pk_auto(TechnicianLinks::Id))
                    .col(big_integer(TechnicianLinks::TechnicianId))
                    .col(big_integer_null(TechnicianLinks::JobId))
                    .col(date(TechnicianLinks::Day))
                    .col(string(TechnicianLinks::TokenHash))
                    .col(string(TechnicianLinks::IssuedBy))
                    .col(timestamp_with_time_zone(TechnicianLinks::CreatedAt))
                    .col(timestamp_with_time_zone(TechnicianLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(TechnicianLinks::UsedAt))
                    .col(timestamp_with_time_zone_null(TechnicianLinks::RevokedAt))
                    .col(string_null(TechnicianLinks::SessionHash))
                    .foreign_key(&mut fk_cascade(
                        TechnicianLinks::Table,
                        TechnicianLinks::TechnicianId,
                        Technicians::Table,
                    ))
                    .foreign_key(&mut fk(TechnicianLinks::Table, TechnicianLinks::JobId, DispatchJobs::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique(TechnicianLinks::Table, &[TechnicianLinks::TokenHash]),
                index(TechnicianLinks::Table, &[TechnicianLinks::TechnicianId]),
                index(TechnicianLinks::Table, &[TechnicianLinks::SessionHash]),
            ],
        )
        .await
    }
}
