//! A customer's subscription to a plan or add-on at a service location.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub legacy_id: Option<String>,
    pub customer_id: i64,
    pub service_location_id: Option<i64>,
    pub plan_id: i64,
    pub quantity: i32,
    pub unit_price_cents: i64,
    /// `active`, `paused` or `cancelled`.
    pub status: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "customer_id", to = "id")]
    pub customer: BelongsTo<super::customer::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
