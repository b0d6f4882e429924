//! One line of a job's checklist, as the technician last left it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_checklist_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job_id: i64,
    /// The line of the job type's checklist, from 0.
    pub item_index: i32,
    /// The line as it read when it was ticked.
    pub item_text: String,
    pub checked: bool,
    pub changed_by: String,
    pub changed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
