//! What a job's end does to the ticket it came from: closed when the visit
//! settled the problem, open again when the technician says it remains,
//! with an internal note in the thread either way.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{ticket, ticket_message};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::ops::tickets::rules::{closed_at_after, next_stamp};

/// The ticket's status after the visit: `closed`, or `open` when the problem remains.
pub fn status_after(problem_remains: bool) -> &'static str {
    if problem_remains { "open" } else { "closed" }
}

/// Sets the ticket's status after the job `job_id` and writes `note` in its
/// thread; the status it now has (`None` when the ticket is gone).
pub async fn record_visit<C: ConnectionTrait>(
    conn: &C,
    ticket_id: i64,
    job_id: i64,
    problem_remains: bool,
    note: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>, DbErr> {
    let mut query = ticket::Entity::find_by_id(ticket_id);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock(LockType::Update);
    }
    let Some(found) = query.one(conn).await? else { return Ok(None) };
    let status = status_after(problem_remains);
    let stamp = next_stamp(found.updated_at, now);
    let message = ticket_message::ActiveModel {
        id: NotSet,
        ticket_id: Set(ticket_id),
        author_kind: Set(if actor.kind == "staff" { "staff" } else { "system" }.into()),
        author_staff_id: Set(actor.id.filter(|_| actor.kind == "staff")),
        channel: Set("note".into()),
        internal: Set(true),
        body: Set(note.to_owned()),
        created_at: Set(stamp),
    };
    let message_id = ticket_message::Entity::insert(message).exec(conn).await?.last_insert_id;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, status.into())
        .col_expr(ticket::Column::ClosedAt, closed_at_after(status, found.closed_at, stamp).into())
        .col_expr(ticket::Column::UpdatedAt, stamp.into())
        .filter(ticket::Column::Id.eq(ticket_id))
        .exec(conn)
        .await?;
    let change = Change {
        action: "ticket_status",
        entity: "ticket",
        entity_id: Some(ticket_id),
        before: json!({ "status": found.status }),
        after: json!({ "status": status, "job_id": job_id, "message_id": message_id }),
    };
    audit::record(conn, actor, change, stamp).await?;
    Ok(Some(status))
}
