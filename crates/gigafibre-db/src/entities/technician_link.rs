//! A sign-in link to the technician app, bound to a technician and a day
//! (or one job), stored as a hash; used once, ever.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "technician_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub technician_id: i64,
    /// Set for a link that opens one job only.
    pub job_id: Option<i64>,
    /// The day (America/Toronto) whose jobs the link opens.
    pub day: Date,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub issued_by: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    /// The hash of the session id the link opened.
    pub session_hash: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
