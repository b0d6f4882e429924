//! How each customer wants to hear from us: by e-mail, by text, or both.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Preferences {
    NotifyByEmail,
    NotifyBySms,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [Preferences::NotifyByEmail, Preferences::NotifyBySms] {
            manager
                .alter_table(
                    Table::alter().table(Customers::Table).add_column(boolean(column).default(true)).to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
