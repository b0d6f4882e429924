//! Indexes for the ops tickets list, newest first under any filter: by
//! status alone, over every status, and by assignee (someone or no one)
//! within a status. The assignee index replaces the one on the assignee
//! alone, which led SQLite to walk every closed, unassigned ticket to find
//! the few open ones no one holds.

use sea_orm_migration::prelude::*;

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
                index(Tickets::Table, &[Tickets::AssignedStaffId, Tickets::Status, Tickets::CreatedAt]),
            ],
        )
        .await?;
        manager.drop_index(Index::drop().name("idx_tickets_assigned_staff_id").table(Tickets::Table).to_owned()).await
    }
}
