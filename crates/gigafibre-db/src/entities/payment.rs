//! Money received from a customer.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub legacy_id: Option<String>,
    pub customer_id: i64,
    pub amount_cents: i64,
    /// `cash`, `cheque`, `interac`, `bank` or `card`.
    pub method: String,
    pub reference: String,
    pub received_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
