//! One message in a ticket's thread, or an internal note.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: i64,
    /// `customer`, `staff` or `system`.
    pub author_kind: String,
    pub author_staff_id: Option<i64>,
    /// `email`, `sms`, `portal` or `note`.
    pub channel: String,
    pub internal: bool,
    pub body: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
