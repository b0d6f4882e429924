//! A kind of visit: its names, how long it takes, what the technician checks.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// `None`: no estimate yet, so a job of this type has no duration to book.
    pub default_duration_minutes: Option<i32>,
    pub requires_signature: bool,
    /// One item a line.
    pub checklist_fr: String,
    pub checklist_en: String,
    pub active: bool,
}

impl ActiveModelBehavior for ActiveModel {}
