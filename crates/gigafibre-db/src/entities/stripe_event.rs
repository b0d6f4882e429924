//! A Stripe event already processed: the same event delivered again changes nothing.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stripe_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub event_id: String,
    pub event_type: String,
    /// The payment the event recorded, if it recorded one.
    pub payment_id: Option<i64>,
    pub received_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
