//! A customer who opted in to automatic payment of each invoice.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "autopay_enrollments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub customer_id: i64,
    /// The card as the customer saw it when they opted in.
    pub card_label: String,
    pub enrolled_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
