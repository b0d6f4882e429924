//! One billing run: when, for which day, what it issued, what went wrong.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The day billed up to.
    pub run_date: Date,
    /// `manual` or `schedule`.
    pub trigger: String,
    /// The day a scheduled run is for; unique, so two instances start it once.
    #[sea_orm(unique)]
    pub scheduled_on: Option<Date>,
    /// `running`, `finished` or `failed`.
    pub status: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub customers_billed: i64,
    pub invoices_created: i64,
    pub lines: i64,
    pub subtotal_cents: i64,
    pub total_cents: i64,
    pub errors: i64,
    pub error_detail: String,
}

impl ActiveModelBehavior for ActiveModel {}
