//! A signed-in browser. The cookie holds the id; this row holds its hash.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    /// `customer`, `staff` or `technician`.
    pub kind: String,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub technician_id: Option<i64>,
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// For an impersonation: when the staff session it replaced would have
    /// ended, and so when the one it hands back ends.
    pub resumes_staff_until: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
