//! An e-mail or SMS on its way out (or kept in the sandbox).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `email` or `sms`.
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_text: String,
    pub body_html: Option<String>,
    pub language: String,
    /// `queued`, `sending`, `sent`, `failed` or `sandboxed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub available_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
