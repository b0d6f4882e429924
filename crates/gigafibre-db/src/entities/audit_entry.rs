//! Who changed what, when, with the values before and after.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    /// JSON of the changed fields before the change.
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
