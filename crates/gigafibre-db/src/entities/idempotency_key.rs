//! A request that must happen once: the answer it got, kept under the key
//! its caller sent, for the caller's retries.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose key it is (`staff:12`): keys never cross callers.
    pub scope: String,
    pub key: String,
    /// A hash of the request the key was first used with.
    pub fingerprint: String,
    pub status_code: i16,
    /// The JSON answer.
    pub response: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
