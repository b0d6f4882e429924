//! One line of an invoice, before taxes.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub invoice_id: i64,
    /// 1-based order on the invoice.
    pub position: i32,
    pub subscription_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub description: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    #[sea_orm(belongs_to, from = "invoice_id", to = "id")]
    pub invoice: BelongsTo<super::invoice::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
