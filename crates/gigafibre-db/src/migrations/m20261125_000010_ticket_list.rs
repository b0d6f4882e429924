//! Indexes for the ops tickets list, newest first under any filter: by
//! status alone, over every status, and by assignee (someone or no one),
//! within a status or over all of them. The two assignee indexes replace
//! the one on the assignee alone, which led SQLite to walk every closed,
//! unassigned ticket to find the few open ones no one holds.
//!
//! PostgreSQL also gets statistics on status and assignee together: on its
//! own it assumes the two independent and, as nearly every unassigned ticket
//! is closed, expected to find open unassigned ones quickly by walking all
//! tickets newest first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use super::m20261125_000004_tickets::Tickets;
use super::support::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(
            manager,
            vec![
                index(Tickets::Table, &[Tickets::Status, Tickets::CreatedAt, Tickets::Id]),
                index(Tickets::Table, &[Tickets::CreatedAt, Tickets::Id]),
                index(Tickets::Table, &[Tickets::AssignedStaffId, Tickets::Status, Tickets::CreatedAt, Tickets::Id]),
                index(Tickets::Table, &[Tickets::AssignedStaffId, Tickets::CreatedAt, Tickets::Id]),
            ],
        )
        .await?;
        manager
            .drop_index(Index::drop().name("idx_tickets_assigned_staff_id").table(Tickets::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared(
                "CREATE STATISTICS IF NOT EXISTS tickets_status_assignee (mcv) ON status, assigned_staff_id FROM tickets",
            )
            .await?;
            db.execute_unprepared("ANALYZE tickets").await?;
        }
        Ok(())
    }
}
