//! A field technician: shift, home base and (in `technician_skill`) skills.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "technicians")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_base_label: String,
    pub home_base_latitude: f64,
    pub home_base_longitude: f64,
    /// Minutes after midnight, America/Toronto.
    pub shift_start_minute: i32,
    pub shift_end_minute: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
