//! A link sent to a customer to pay an invoice or their balance by card
//! without signing in; only the token's SHA-256 is kept.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub customer_id: i64,
    /// `None`: the customer's whole balance.
    pub invoice_id: Option<i64>,
    /// `email` or `sms`.
    pub channel: String,
    pub recipient: String,
    pub staff_id: Option<i64>,
    pub outbox_message_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
