//! Who a member of staff is at the identity provider (issuer and subject,
//! which never change, where an e-mail address can be given to someone
//! else), and the staff session an impersonation hands back when it ends.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000004_tickets::Staff;
use super::m20261125_000006_platform::Sessions;
use super::support::{create_indexes, fk_cascade, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum StaffIdentities {
    Table,
    Id,
    StaffId,
    Issuer,
    Subject,
    /// Whether the provider's groups gave the role at the last sign-in
    /// (then they decide it every time), or the staff table did.
    RoleFromGroups,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden, Clone)]
enum SessionsResume {
    /// For an impersonation: when the staff session it replaced would have
    /// ended; ending the impersonation gives that session back until then.
    ResumesStaffUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffIdentities::Table)
                    .col(big_pk_auto(StaffIdentities::Id))
                    .col(big_integer(StaffIdentities::StaffId))
                    .col(string(StaffIdentities::Issuer))
                    .col(string(StaffIdentities::Subject))
                    .col(boolean(StaffIdentities::RoleFromGroups))
                    .col(timestamp_with_time_zone(StaffIdentities::CreatedAt))
                    .col(timestamp_with_time_zone(StaffIdentities::LastSignInAt))
                    .foreign_key(&mut fk_cascade(StaffIdentities::Table, StaffIdentities::StaffId, Staff::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique(StaffIdentities::Table, &[StaffIdentities::Issuer, StaffIdentities::Subject]),
                unique(StaffIdentities::Table, &[StaffIdentities::StaffId, StaffIdentities::Issuer]),
            ],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(timestamp_with_time_zone_null(SessionsResume::ResumesStaffUntil))
                    .to_owned(),
            )
            .await
    }
}
