//! One reminder about one overdue invoice, sent once per step.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dunning_notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub invoice_id: i64,
    /// 1 for the first reminder; the last step is the suspension notice.
    pub step: i16,
    pub days_after_due: i32,
    /// The day it went out (Québec time).
    pub sent_on: Date,
    /// Empty when the customer has no way to be reached.
    pub outbox_message_id: Option<i64>,
    /// The late fee this step charged (0 when late fees are off).
    pub fee_cents: i64,
    /// The invoice that carries the late fee.
    pub fee_invoice_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
