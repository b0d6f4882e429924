//! A stretch of days a subscription is not charged for (a seasonal customer
//! away for the winter).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_pauses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subscription_id: i64,
    /// The first day without charge.
    pub starts_on: Date,
    /// The last day without charge; empty while the return is not dated.
    pub ends_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
