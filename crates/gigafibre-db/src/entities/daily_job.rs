//! A job `serve` runs once a day, recorded so that of several instances
//! only one runs it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `dunning` or `autopay`.
    pub job: String,
    pub day: Date,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// What the run did, or why it failed.
    pub detail: String,
}

impl ActiveModelBehavior for ActiveModel {}
