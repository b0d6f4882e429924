//! An address where a customer receives service, with its fibre drop.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_locations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    #[sea_orm(unique)]
    pub legacy_id: Option<String>,
    pub street: String,
    pub unit: Option<String>,
    pub municipality: String,
    pub province: String,
    pub postal_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub fibre_drop: Option<String>,
    pub olt_port: Option<String>,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "customer_id", to = "id")]
    pub customer: BelongsTo<super::customer::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
