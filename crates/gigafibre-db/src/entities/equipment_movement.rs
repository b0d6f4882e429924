//! One move of a device, kept forever.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "equipment_movements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub equipment_id: i64,
    pub at: DateTimeUtc,
    pub from_status: Option<String>,
    pub to_status: String,
    pub customer_id: Option<i64>,
    pub service_location_id: Option<i64>,
    pub technician_id: Option<i64>,
    pub note: String,
    /// The job the move was part of.
    pub job_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
