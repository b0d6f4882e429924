//! The dispatch board: whether the dispatcher pinned a job, and the plans
//! "Plan this day" proposes, kept in the database so that any app instance
//! can show and apply them.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000003_field::Technicians;
use super::m20261125_000004_tickets::{DispatchJobs, Staff};
use super::support::{create_indexes, fk, fk_cascade, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobBoard {
    /// Pinned by a dispatcher: planning never moves it.
    Locked,
}

#[derive(DeriveIden, Clone)]
pub enum DispatchProposals {
    Table,
    Id,
    /// The local day planned, `YYYY-MM-DD`.
    Day,
    CreatedBy,
    CreatedAt,
    /// Metres driven by the whole plan.
    DistanceM,
}

#[derive(DeriveIden, Clone)]
pub enum DispatchProposalLines {
    Table,
    Id,
    ProposalId,
    JobId,
    /// The job's version when the plan was made: applied only if unchanged.
    JobVersion,
    /// Where the plan puts the job; empty when it could not be placed.
    TechnicianId,
    ScheduledStart,
    ScheduledEnd,
    /// Order on the technician's route.
    Position,
    /// Why it could not be placed: `no_skill`, `no_time_left`, `window_impossible`.
    Unplaced,
    AppliedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DispatchJobs::Table)
                    .add_column(boolean(JobBoard::Locked).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DispatchProposals::Table)
                    .col(big_pk_auto(DispatchProposals::Id))
                    .col(string_len(DispatchProposals::Day, 10))
                    .col(big_integer(DispatchProposals::CreatedBy))
                    .col(timestamp_with_time_zone(DispatchProposals::CreatedAt))
                    .col(big_integer(DispatchProposals::DistanceM))
                    .foreign_key(&mut fk(DispatchProposals::Table, DispatchProposals::CreatedBy, Staff::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DispatchProposalLines::Table)
                    .col(big_pk_auto(DispatchProposalLines::Id))
                    .col(big_integer(DispatchProposalLines::ProposalId))
                    .col(big_integer(DispatchProposalLines::JobId))
                    .col(integer(DispatchProposalLines::JobVersion))
                    .col(big_integer_null(DispatchProposalLines::TechnicianId))
                    .col(timestamp_with_time_zone_null(DispatchProposalLines::ScheduledStart))
                    .col(timestamp_with_time_zone_null(DispatchProposalLines::ScheduledEnd))
                    .col(integer(DispatchProposalLines::Position))
                    .col(string_null(DispatchProposalLines::Unplaced))
                    .col(timestamp_with_time_zone_null(DispatchProposalLines::AppliedAt))
                    .foreign_key(&mut fk_cascade(
                        DispatchProposalLines::Table,
                        DispatchProposalLines::ProposalId,
                        DispatchProposals::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        DispatchProposalLines::Table,
                        DispatchProposalLines::JobId,
                        DispatchJobs::Table,
                    ))
                    .foreign_key(&mut fk(
                        DispatchProposalLines::Table,
                        DispatchProposalLines::TechnicianId,
                        Technicians::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(DispatchProposals::Table, &[DispatchProposals::Day]),
                index(DispatchProposalLines::Table, &[DispatchProposalLines::ProposalId]),
                index(DispatchProposalLines::Table, &[DispatchProposalLines::JobId]),
            ],
        )
        .await
    }
}
