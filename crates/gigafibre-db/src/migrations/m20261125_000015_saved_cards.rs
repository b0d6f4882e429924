//! Each customer's customer at Stripe, learnt from their first card
//! payment: Stripe keeps the cards they saved under it.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;
use super::support::{create_indexes, fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum StripeCustomers {
    Table,
    Id,
    CustomerId,
    /// Stripe's `cus_…`, which holds the cards the customer saved.
    StripeCustomerId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StripeCustomers::Table)
                    .col(big_pk_auto(StripeCustomers::Id))
                    .col(big_integer(StripeCustomers::CustomerId))
                    .col(string(StripeCustomers::StripeCustomerId))
                    .col(timestamp_with_time_zone(StripeCustomers::CreatedAt))
                    .foreign_key(&mut fk(StripeCustomers::Table, StripeCustomers::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique(StripeCustomers::Table, &[StripeCustomers::CustomerId]),
                unique(StripeCustomers::Table, &[StripeCustomers::StripeCustomerId]),
            ],
        )
        .await
    }
}
