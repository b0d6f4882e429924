//! The tickets' queries and writes. Every write locks the ticket, checks
//! what the caller saw, changes it and records the audit entry in one
//! transaction.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{audit_entry, customer, service_location, staff, ticket, ticket_message};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};

use super::rules::{self, Contact};
use crate::audit::{self, Actor, Change};
use crate::outbox::{self, NewMessage};

/// A ticket with what its page shows beside it.
pub struct Loaded {
    pub ticket: ticket::Model,
    pub customer: customer::Model,
    pub location: Option<service_location::Model>,
}

pub async fn load(db: &DatabaseConnection, id: i64) -> Result<Option<Loaded>, DbErr> {
    let Some((ticket, customer)) = ticket::Entity::find_by_id(id).find_also_related(customer::Entity).one(db).await?
    else {
        return Ok(None);
    };
    let Some(customer) = customer else { return Ok(None) };
    let location = match ticket.service_location_id {
        Some(location_id) => service_location::Entity::find_by_id(location_id).one(db).await?,
        None => None,
    };
    Ok(Some(Loaded { ticket, customer, location }))
}

/// Every member of staff, to name authors and assignees (a few dozen rows).
pub async fn all_staff(db: &DatabaseConnection) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find().order_by_asc(staff::Column::Name).all(db).await
}

/// The whole thread, internal notes included, oldest first.
pub async fn thread(db: &DatabaseConnection, ticket_id: i64) -> Result<Vec<ticket_message::Model>, DbErr> {
    ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(ticket_id))
        .order_by_asc(ticket_message::Column::CreatedAt)
        .order_by_asc(ticket_message::Column::Id)
        .all(db)
        .await
}

/// Who changed a ticket after the version a form carried.
pub enum Changer {
    Staff(String),
    Customer,
    Unknown,
}

/// `since` is the version the form carried; `None` when it could not be read.
pub async fn who_changed(
    db: &DatabaseConnection,
    ticket_id: i64,
    since: Option<DateTime<Utc>>,
) -> Result<Changer, DbErr> {
    let mut entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("ticket"))
        .filter(audit_entry::Column::EntityId.eq(ticket_id));
    let mut answers = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(ticket_id))
        .filter(ticket_message::Column::AuthorKind.eq("customer"));
    if let Some(since) = since {
        entries = entries.filter(audit_entry::Column::At.gt(since));
        answers = answers.filter(ticket_message::Column::CreatedAt.gt(since));
    }
    let entry = entries.order_by_desc(audit_entry::Column::At).order_by_desc(audit_entry::Column::Id).one(db).await?;
    let answer = answers.order_by_desc(ticket_message::Column::CreatedAt).one(db).await?;
    match (entry, answer) {
        (Some(entry), answer) if answer.as_ref().is_none_or(|a| a.created_at <= entry.at) => {
            let member = match entry.actor_id {
                Some(id) if entry.actor_kind == "staff" => staff::Entity::find_by_id(id).one(db).await?,
                _ => None,
            };
            Ok(Changer::Staff(member.map_or(entry.actor_label, |m| m.name)))
        }
        (_, Some(_)) => Ok(Changer::Customer),
        _ => Ok(Changer::Unknown),
    }
}

/// The ticket, locked against other writers until the transaction ends
/// (SQLite: `begin_write` already holds the database's write lock).
async fn lock(txn: &DatabaseTransaction, id: i64) -> Result<Option<ticket::Model>, DbErr> {
    let mut query = ticket::Entity::find_by_id(id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock(LockType::Update);
    }
    query.one(txn).await
}

/// One field staff set on a ticket.
#[derive(Clone, Copy, Debug)]
pub enum Field {
    Status(&'static str),
    Priority(&'static str),
    Assignee(Option<i64>),
}

/// What became of a change.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Saved,
    /// The ticket already held that value: nothing written.
    Unchanged,
    /// The ticket changed after the version the form carried: nothing written.
    Stale,
    Missing,
}

/// Sets one field if the ticket is still at `version`.
pub async fn set(
    db: &DatabaseConnection,
    id: i64,
    version: i64,
    field: Field,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Outcome, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = lock(&txn, id).await? else {
        txn.rollback().await?;
        return Ok(Outcome::Missing);
    };
    if rules::version_of(found.updated_at) != version {
        txn.rollback().await?;
        return Ok(Outcome::Stale);
    }
    let stamp = rules::next_stamp(found.updated_at, now);
    let mut update = ticket::Entity::update_many().col_expr(ticket::Column::UpdatedAt, stamp.into());
    let (action, before, after) = match field {
        Field::Status(new) => {
            if found.status == new {
                txn.rollback().await?;
                return Ok(Outcome::Unchanged);
            }
            let closed_at = rules::closed_at_after(new, found.closed_at, stamp);
            update = update
                .col_expr(ticket::Column::Status, new.into())
                .col_expr(ticket::Column::ClosedAt, closed_at.into());
            ("ticket_status", json!({ "status": found.status }), json!({ "status": new }))
        }
        Field::Priority(new) => {
            if found.priority == new {
                txn.rollback().await?;
                return Ok(Outcome::Unchanged);
            }
            update = update.col_expr(ticket::Column::Priority, new.into());
            ("ticket_priority", json!({ "priority": found.priority }), json!({ "priority": new }))
        }
        Field::Assignee(new) => {
            if found.assigned_staff_id == new {
                txn.rollback().await?;
                return Ok(Outcome::Unchanged);
            }
            update = update.col_expr(ticket::Column::AssignedStaffId, new.into());
            let before = json!({ "assigned_staff_id": found.assigned_staff_id });
            ("ticket_assign", before, json!({ "assigned_staff_id": new }))
        }
    };
    update.filter(ticket::Column::Id.eq(id)).exec(&txn).await?;
    let change = Change { action, entity: "ticket", entity_id: Some(id), before, after };
    audit::record(&txn, actor, change, stamp).await?;
    txn.commit().await?;
    Ok(Outcome::Saved)
}

/// An answer to the customer: the message, the outbox message when the
/// customer has a way to receive it, the status (see
/// [`rules::status_after_reply`]). `None` when the ticket is gone.
pub struct Reply<'a> {
    pub body: &'a str,
    /// Where it goes; `None` when the customer has neither e-mail nor cell
    /// (the answer then waits in the portal).
    pub contact: Option<Contact>,
    pub language: crate::i18n::Lang,
    pub messages_url: String,
}

pub async fn reply(
    db: &DatabaseConnection,
    id: i64,
    reply: Reply<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = lock(&txn, id).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    let stamp = rules::next_stamp(found.updated_at, now);
    let channel = reply.contact.as_ref().map_or("portal", |c| c.channel.as_str());
    let message_id = add_message(&txn, id, actor.id, channel, false, reply.body, stamp).await?;
    let outbox_id = match &reply.contact {
        Some(contact) => {
            let (subject, body_text) = rules::customer_message(
                reply.language,
                contact.channel,
                id,
                &found.subject,
                reply.body,
                &reply.messages_url,
            );
            let message = NewMessage {
                channel: contact.channel,
                to: contact.to.clone(),
                subject,
                body_text,
                body_html: None,
                language: reply.language,
                customer_id: Some(found.customer_id),
                ticket_id: Some(id),
            };
            Some(outbox::enqueue(&txn, message, now).await?)
        }
        None => None,
    };
    let status = rules::status_after_reply(&found.status);
    let closed_at = rules::closed_at_after(status, found.closed_at, stamp);
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, status.into())
        .col_expr(ticket::Column::ClosedAt, closed_at.into())
        .col_expr(ticket::Column::UpdatedAt, stamp.into())
        .filter(ticket::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let change = Change {
        action: "ticket_reply",
        entity: "ticket",
        entity_id: Some(id),
        before: json!({ "status": found.status }),
        after: json!({ "status": status, "message_id": message_id, "channel": channel, "outbox_id": outbox_id }),
    };
    audit::record(&txn, actor, change, stamp).await?;
    txn.commit().await?;
    Ok(Some(message_id))
}

/// An internal note: never sent, never in the portal. It counts as activity
/// on the ticket (its last update moves), so that someone about to change the
/// ticket from an older page is told to read it first.
pub async fn note(
    db: &DatabaseConnection,
    id: i64,
    body: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = lock(&txn, id).await? else {
        txn.rollback().await?;
        return Ok(None);
    };
    let stamp = rules::next_stamp(found.updated_at, now);
    let message_id = add_message(&txn, id, actor.id, "note", true, body, stamp).await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::UpdatedAt, stamp.into())
        .filter(ticket::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let change = Change {
        action: "ticket_note",
        entity: "ticket",
        entity_id: Some(id),
        before: Value::Null,
        after: json!({ "message_id": message_id, "internal": true }),
    };
    audit::record(&txn, actor, change, stamp).await?;
    txn.commit().await?;
    Ok(Some(message_id))
}

async fn add_message<C: ConnectionTrait>(
    conn: &C,
    ticket_id: i64,
    staff_id: Option<i64>,
    channel: &str,
    internal: bool,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = ticket_message::ActiveModel {
        id: NotSet,
        ticket_id: Set(ticket_id),
        author_kind: Set("staff".into()),
        author_staff_id: Set(staff_id),
        channel: Set(channel.to_owned()),
        internal: Set(internal),
        body: Set(body.trim().to_owned()),
        created_at: Set(at),
    };
    Ok(ticket_message::Entity::insert(row).exec(conn).await?.last_insert_id)
}

/// A ticket staff open for a customer, already checked.
pub struct NewTicket {
    pub customer_id: i64,
    pub location_id: Option<i64>,
    pub category: &'static str,
    pub priority: &'static str,
    pub subject: String,
    pub description: String,
    pub assignee: Option<i64>,
}

pub async fn create(db: &DatabaseConnection, new: NewTicket, actor: &Actor, now: DateTime<Utc>) -> Result<i64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let row = ticket::ActiveModel {
        id: NotSet,
        legacy_id: Set(None),
        customer_id: Set(new.customer_id),
        service_location_id: Set(new.location_id),
        subject: Set(new.subject.trim().to_owned()),
        description: Set(new.description.trim().to_owned()),
        category: Set(new.category.to_owned()),
        priority: Set(new.priority.to_owned()),
        status: Set("open".into()),
        assigned_staff_id: Set(new.assignee),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
    };
    let id = ticket::Entity::insert(row).exec(&txn).await?.last_insert_id;
    let after = json!({
        "customer_id": new.customer_id,
        "service_location_id": new.location_id,
        "category": new.category,
        "priority": new.priority,
        "status": "open",
        "subject": new.subject.trim(),
        "assigned_staff_id": new.assignee,
    });
    let change = Change { action: "ticket_create", entity: "ticket", entity_id: Some(id), before: Value::Null, after };
    audit::record(&txn, actor, change, now).await?;
    txn.commit().await?;
    Ok(id)
}
