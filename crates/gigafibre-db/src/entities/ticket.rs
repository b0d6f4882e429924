//! A customer's issue, from first report to resolution.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub legacy_id: Option<String>,
    pub customer_id: i64,
    pub service_location_id: Option<i64>,
    pub subject: String,
    pub description: String,
    pub category: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// `open`, `pending`, `resolved` or `closed`.
    pub status: String,
    pub assigned_staff_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "customer_id", to = "id")]
    pub customer: BelongsTo<super::customer::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
