//! The audit log: who changed what, when, with the values before and after.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::audit_entry;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DbErr, EntityTrait,
};

/// Who acted.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `customer`, `staff`, `technician` or `system`.
    pub kind: &'static str,
    pub id: Option<i64>,
    pub label: String,
}

/// One change to record; `before` and `after` hold only the changed fields.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let entry = audit_entry::ActiveModel {
        id: NotSet,
        at: Set(at),
        actor_kind: Set(actor.kind.to_owned()),
        actor_id: Set(actor.id),
        actor_label: Set(actor.label.clone()),
        action: Set(change.action.to_owned()),
        entity: Set(change.entity.to_owned()),
        entity_id: Set(change.entity_id),
        before: Set(Some(change.before.to_string())),
        after: Set(Some(change.after.to_string())),
        ip: Set(None),
    };
    audit_entry::Entity::insert(entry).exec_without_returning(conn).await.map(|_| ())
}
