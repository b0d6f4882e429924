//! A credit to a customer, the only way to correct an issued invoice.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub customer_id: i64,
    pub invoice_id: Option<i64>,
    pub reason: String,
    pub subtotal_cents: i64,
    pub gst_cents: i64,
    pub qst_cents: i64,
    pub total_cents: i64,
    pub issued_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
