//! An invoice: immutable once issued, corrected only by a credit note.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    #[sea_orm(unique)]
    pub legacy_id: Option<String>,
    pub customer_id: i64,
    /// `draft`, `open`, `paid` or `void`.
    pub status: String,
    pub issue_date: Date,
    pub due_date: Date,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub subtotal_cents: i64,
    pub gst_cents: i64,
    pub qst_cents: i64,
    pub total_cents: i64,
    /// Total less allocated payments and credit notes.
    pub balance_cents: i64,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "customer_id", to = "id")]
    pub customer: BelongsTo<super::customer::Entity>,
    #[sea_orm(has_many)]
    pub lines: HasMany<super::invoice_line::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
