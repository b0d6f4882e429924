//! One job of a proposed plan: where it goes, or why it could not be placed.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dispatch_proposal_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub job_id: i64,
    /// The job's version when planned: the line applies only if unchanged.
    pub job_version: i32,
    pub technician_id: Option<i64>,
    pub scheduled_start: Option<DateTimeUtc>,
    pub scheduled_end: Option<DateTimeUtc>,
    pub position: i32,
    /// `no_skill`, `no_time_left` or `window_impossible`.
    pub unplaced: Option<String>,
    pub applied_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
