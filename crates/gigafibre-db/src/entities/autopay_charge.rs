//! One off-session charge of one invoice on one day.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "autopay_charges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub day: Date,
    pub amount_cents: i64,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    /// Stripe's `pi_…`, once Stripe answered.
    #[sea_orm(unique)]
    pub payment_intent_id: Option<String>,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub failure: String,
    pub payment_id: Option<i64>,
    pub outbox_message_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
