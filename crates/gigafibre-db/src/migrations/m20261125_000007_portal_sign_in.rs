//! Passwordless sign-in for customers: the requests people make, the links
//! and codes sent in answer, and the hits the rate limits count.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261125_000001_customers::Customers;
use super::support::{create_indexes, fk, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone)]
pub enum SignInRequests {
    Table,
    Id,
    /// The normalised identifier, e.g. `phone:+14505551234`.
    IdentifierKey,
    Language,
    Ip,
    CreatedAt,
    ProcessedAt,
}

#[derive(DeriveIden, Clone)]
pub enum SignInLinks {
    Table,
    Id,
    CustomerId,
    IdentifierKey,
    /// SHA-256 of the token in the link: the database never holds a usable link.
    TokenHash,
    CodeHash,
    FailedCodes,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone)]
pub enum RateLimitHits {
    Table,
    Id,
    Bucket,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInRequests::Table)
                    .col(big_pk_auto(SignInRequests::Id))
                    .col(string(SignInRequests::IdentifierKey))
                    .col(string_len(SignInRequests::Language, 2))
                    .col(string_null(SignInRequests::Ip))
                    .col(timestamp_with_time_zone(SignInRequests::CreatedAt))
                    .col(timestamp_with_time_zone_null(SignInRequests::ProcessedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInLinks::Table)
                    .col(big_pk_auto(SignInLinks::Id))
                    .col(big_integer(SignInLinks::CustomerId))
                    .col(string(SignInLinks::IdentifierKey))
                    .col(string(SignInLinks::TokenHash))
                    .col(string(SignInLinks::CodeHash))
                    .col(integer(SignInLinks::FailedCodes).default(0))
                    .col(timestamp_with_time_zone(SignInLinks::CreatedAt))
                    .col(timestamp_with_time_zone(SignInLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignInLinks::UsedAt))
                    .col(timestamp_with_time_zone_null(SignInLinks::RevokedAt))
                    .foreign_key(&mut fk(SignInLinks::Table, SignInLinks::CustomerId, Customers::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RateLimitHits::Table)
                    .col(big_pk_auto(RateLimitHits::Id))
                    .col(string(RateLimitHits::Bucket))
                    .col(timestamp_with_time_zone(RateLimitHits::At))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index(SignInRequests::Table, &[SignInRequests::ProcessedAt, SignInRequests::Id]),
                unique(SignInLinks::Table, &[SignInLinks::TokenHash]),
                index(SignInLinks::Table, &[SignInLinks::CustomerId]),
                index(SignInLinks::Table, &[SignInLinks::IdentifierKey, SignInLinks::CreatedAt]),
                index(RateLimitHits::Table, &[RateLimitHits::Bucket, RateLimitHits::At]),
            ],
        )
        .await
    }
}
