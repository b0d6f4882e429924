//! How far the billing run has settled one subscription.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_billing")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: i64,
    /// Every day up to this one (included) is charged or not chargeable.
    pub billed_through: Date,
}

impl ActiveModelBehavior for ActiveModel {}
