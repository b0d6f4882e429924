//! Money given back to a customer: a negative movement tied to the payment it returns.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub payment_id: i64,
    pub customer_id: i64,
    /// Positive: how much of the payment went back.
    pub amount_cents: i64,
    pub reason: String,
    /// The provider's id for the refund (Stripe `re_…`), when it went through one.
    #[sea_orm(unique)]
    pub provider_reference: Option<String>,
    pub refunded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
