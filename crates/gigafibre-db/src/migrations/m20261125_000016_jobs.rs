//! The life of a dispatch job: the kinds of visit as data (with the
//! duration a visit of each kind takes), what a finished or stopped job
//! records, the version that tells whether someone changed a job meanwhile,
//! the day its reminder went out, the job each equipment move belongs to,
//! and the idempotency keys that let a phone replay a request safely.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000003_field::EquipmentMovements;
use super::m20261125_000004_tickets::DispatchJobs;
use super::support::{create_indexes, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum JobTypes {
    Table,
    Id,
    Code,
    NameFr,
    NameEn,
    /// `NULL`: no estimate yet, a job of this type cannot be booked on it.
    DefaultDurationMinutes,
    RequiresSignature,
    /// One item a line.
    ChecklistFr,
    ChecklistEn,
    Active,
}

#[derive(DeriveIden, Clone)]
enum JobColumns {
    /// Why the job was cancelled or could not be completed.
    OutcomeReason,
    TicketLeftOpen,
    CompletedAt,
    /// Bumped by every change, for optimistic concurrency.
    Version,
    /// The local day of the visit the day-before reminder was sent for.
    RemindedFor,
    JobId,
}

#[derive(DeriveIden, Clone)]
pub enum IdempotencyKeys {
    Table,
    Id,
    /// Whose key it is (`staff:12`, `technician:4`): keys never cross callers.
    Scope,
    Key,
    /// A hash of the request the key was first used with.
    Fingerprint,
    StatusCode,
    Response,
    CreatedAt,
}

/// The kinds of visit a new installation starts with.
const TYPES: [(&str, &str, &str, i32, bool, &str, &str); 5] = [
    (
        "installation",
        "Installation",
        "Installation",
        120,
        true,
        "Raccorder la fibre\nInstaller et activer le terminal optique\nInstaller le routeur\nTester le débit avec le client",
        "Connect the fibre drop\nInstall and activate the ONT\nInstall the router\nTest the speed with the customer",
    ),
    (
        "repair",
        "Réparation",
        "Repair",
        60,
        false,
        "Mesurer le signal optique\nVérifier le câblage intérieur\nTester le débit avec le client",
        "Measure the optical signal\nCheck the inside wiring\nTest the speed with the customer",
    ),
    (
        "equipment_swap",
        "Échange d'appareil",
        "Equipment swap",
        45,
        true,
        "Retirer l'appareil défectueux\nInstaller et activer le nouvel appareil\nTester le service",
        "Remove the faulty device\nInstall and activate the new device\nTest the service",
    ),
    (
        "site_survey",
        "Visite technique",
        "Site survey",
        30,
        false,
        "Repérer le point d'entrée de la fibre\nPhotographier le parcours prévu",
        "Locate where the fibre comes in\nPhotograph the planned route",
    ),
    (
        "disconnection",
        "Débranchement",
        "Disconnection",
        30,
        true,
        "Récupérer tous les appareils\nDébrancher la fibre au point d'entrée",
        "Collect every device\nDisconnect the fibre at the entry point",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobTypes::Table)
                    .col(big_pk_auto(JobTypes::Id))
                    .col(string(JobTypes::Code))
                    .col(string(JobTypes::NameFr))
                    .col(string(JobTypes::NameEn))
                    .col(
                        integer_null(JobTypes::DefaultDurationMinutes)
                            .check(Expr::col(JobTypes::DefaultDurationMinutes).gt(0)),
                    )
                    .col(boolean(JobTypes::RequiresSignature).default(false))
                    .col(text(JobTypes::ChecklistFr).default(""))
                    .col(text(JobTypes::ChecklistEn).default(""))
                    .col(boolean(JobTypes::Active).default(true))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(JobTypes::Table).columns([
            JobTypes::Code,
            JobTypes::NameFr,
            JobTypes::NameEn,
            JobTypes::DefaultDurationMinutes,
            JobTypes::RequiresSignature,
            JobTypes::ChecklistFr,
            JobTypes::ChecklistEn,
        ]);
        for (code, fr, en, minutes, signature, checklist_fr, checklist_en) in TYPES {
            seed.values([
                code.into(),
                fr.into(),
                en.into(),
                minutes.into(),
                signature.into(),
                checklist_fr.into(),
                checklist_en.into(),
            ])
            .map_err(|error| DbErr::Custom(error.to_string()))?;
        }
        manager.exec_stmt(seed).await?;

        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let job_columns = [
            text_null(JobColumns::OutcomeReason),
            boolean(JobColumns::TicketLeftOpen).default(false).to_owned(),
            timestamp_with_time_zone_null(JobColumns::CompletedAt),
            integer(JobColumns::Version).default(0).to_owned(),
            date_null(JobColumns::RemindedFor),
        ];
        for mut column in job_columns {
            manager.alter_table(Table::alter().table(DispatchJobs::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(EquipmentMovements::Table)
                    .add_column(big_integer_null(JobColumns::JobId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(big_pk_auto(IdempotencyKeys::Id))
                    .col(string(IdempotencyKeys::Scope))
                    .col(string(IdempotencyKeys::Key))
                    .col(string(IdempotencyKeys::Fingerprint))
                    .col(small_integer(IdempotencyKeys::StatusCode))
                    .col(text(IdempotencyKeys::Response))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique(JobTypes::Table, &[JobTypes::Code]),
                index(EquipmentMovements::Table, &[JobColumns::JobId]),
                unique(IdempotencyKeys::Table, &[IdempotencyKeys::Scope, IdempotencyKeys::Key]),
                index(IdempotencyKeys::Table, &[IdempotencyKeys::CreatedAt]),
            ],
        )
        .await
    }
}
