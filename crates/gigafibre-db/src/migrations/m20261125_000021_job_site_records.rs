//! What a technician records at the visit: the job type's checklist as
//! ticked, the photos taken on site and the customer's signature.
//!
//! Photos and signatures are kept in the database, not as files: a second
//! app instance sees them, and `gigafibre backup` (or a PostgreSQL dump)
//! carries them with the job they belong to.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000004_tickets::DispatchJobs;
use super::support::{create_indexes, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum JobChecklistItems {
    Table,
    Id,
    JobId,
    /// The line of the job type's checklist, from 0.
    ItemIndex,
    /// The line as it read when it was ticked (the list may change later).
    ItemText,
    Checked,
    /// Who ticked or unticked it last (the audit actor's label).
    ChangedBy,
    ChangedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum JobPhotos {
    Table,
    Id,
    JobId,
    /// `image/jpeg`, `image/png` or `image/webp`, checked against the bytes.
    ContentType,
    ByteSize,
    Bytes,
    TakenBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum JobSignatures {
    Table,
    Id,
    JobId,
    /// The signature as drawn on the screen, a PNG image.
    Png,
    SignerName,
    /// Who held the phone (the audit actor's label).
    RecordedBy,
    SignedAt,
}

async fn create_checklist(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let table = JobChecklistItems::Table;
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(big_pk_auto(JobChecklistItems::Id))
                .col(big_integer(JobChecklistItems::JobId))
                .col(integer(JobChecklistItems::ItemIndex))
                .col(text(JobChecklistItems::ItemText))
                .col(boolean(JobChecklistItems::Checked))
                .col(string(JobChecklistItems::ChangedBy))
                .col(timestamp_with_time_zone(JobChecklistItems::ChangedAt))
                .foreign_key(&mut fk_cascade(table, JobChecklistItems::JobId, DispatchJobs::Table))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, vec![unique(table, &[JobChecklistItems::JobId, JobChecklistItems::ItemIndex])]).await
}

async fn create_photos(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let table = JobPhotos::Table;
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(big_pk_auto(JobPhotos::Id))
                .col(big_integer(JobPhotos::JobId))
                .col(string(JobPhotos::ContentType))
                .col(integer(JobPhotos::ByteSize))
                .col(blob(JobPhotos::Bytes))
                .col(string(JobPhotos::TakenBy))
                .col(timestamp_with_time_zone(JobPhotos::CreatedAt))
                .foreign_key(&mut fk_cascade(table, JobPhotos::JobId, DispatchJobs::Table))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, vec![index(table, &[JobPhotos::JobId])]).await
}

async fn create_signatures(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let table = JobSignatures::Table;
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(big_pk_auto(JobSignatures::Id))
                .col(big_integer(JobSignatures::JobId))
                .col(blob(JobSignatures::Png))
                .col(string(JobSignatures::SignerName))
                .col(string(JobSignatures::RecordedBy))
                .col(timestamp_with_time_zone(JobSignatures::SignedAt))
                .foreign_key(&mut fk_cascade(table, JobSignatures::JobId, DispatchJobs::Table))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, vec![unique(table, &[JobSignatures::JobId])]).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_checklist(manager).await?;
        create_photos(manager).await?;
        create_signatures(manager).await
    }
}
