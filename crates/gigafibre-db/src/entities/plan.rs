//! Something we sell: a plan or an add-on, recurring or one-time.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// `plan` or `addon`.
    pub category: String,
    /// `monthly`, `yearly` or `once`.
    pub billing_frequency: String,
    pub price_cents: i64,
    /// Whether a partial period is charged by the day.
    pub prorate: bool,
    pub taxable: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
