//! The outbox table's queries: write, read, claim, record the outcome.
//! Everything here is portable SQL except the row lock PostgreSQL needs when
//! several workers claim at once.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::outbox_message::{self, Column, Entity};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, UpdateMany,
};

use super::backoff::{CLAIM_LEASE, MAX_ATTEMPTS, backoff};
use super::message::{Message, NewMessage, Status};
use super::provider::{Delivered, DeliveryError};

/// Queues a message, due at once, and returns its id. Runs on whatever
/// `conn` is: inside the caller's transaction the message exists only if
/// that transaction commits.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, message: NewMessage, now: DateTime<Utc>) -> Result<i64, DbErr> {
    let row = outbox_message::ActiveModel {
        channel: Set(message.channel.as_str().to_owned()),
        recipient: Set(message.to),
        subject: Set(message.subject),
        body_text: Set(message.body_text),
        body_html: Set(message.body_html),
        language: Set(message.language.code().to_owned()),
        status: Set(Status::Queued.as_str().to_owned()),
        attempts: Set(0),
        last_error: Set(None),
        customer_id: Set(message.customer_id),
        ticket_id: Set(message.ticket_id),
        available_at: Set(now),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(Entity::insert(row).exec(conn).await?.last_insert_id)
}

/// One message by id.
pub async fn find<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Message>, DbErr> {
    Entity::find_by_id(id).one(conn).await?.map(Message::try_from).transpose()
}

/// The newest `limit` messages, optionally only those in `status`.
pub async fn list<C: ConnectionTrait>(conn: &C, status: Option<Status>, limit: u64) -> Result<Vec<Message>, DbErr> {
    let mut query = Entity::find().order_by_desc(Column::Id).limit(limit);
    if let Some(status) = status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    query.all(conn).await?.into_iter().map(Message::try_from).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("there is no outbox message {0}")]
    NotFound(i64),
    #[error("outbox message {id} is {status}, not failed: only a failed message can be retried")]
    NotFailed { id: i64, status: Status },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Puts a `failed` message back in the queue, due now, with a fresh set of
/// attempts. Its last error stays until the next attempt replaces it.
pub async fn retry<C: ConnectionTrait>(conn: &C, id: i64, now: DateTime<Utc>) -> Result<(), RetryError> {
    let requeued = Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Queued.as_str()))
        .col_expr(Column::AvailableAt, Expr::value(now))
        .col_expr(Column::Attempts, Expr::value(0))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(Status::Failed.as_str()))
        .exec(conn)
        .await?;
    if requeued.rows_affected == 1 {
        return Ok(());
    }
    match find(conn, id).await? {
        None => Err(RetryError::NotFound(id)),
        Some(message) => Err(RetryError::NotFailed { id, status: message.status }),
    }
}

/// Takes the next due message for this worker: a `queued` one whose time has
/// come, or a `sending` one whose worker's claim has lapsed. The row becomes
/// `sending`, claimed until `now + CLAIM_LEASE`, with one more attempt
/// counted. `None` when nothing is due.
///
/// One statement on both engines:
/// `UPDATE … WHERE id = (SELECT id … LIMIT 1) AND <still due> RETURNING *`.
/// On SQLite the statement holds the write lock from start to end, so two
/// workers cannot take the same row. On PostgreSQL the inner select adds
/// `FOR UPDATE SKIP LOCKED`: each worker locks a different row instead of
/// queueing behind the same one.
pub async fn claim_next<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<Option<Message>, DbErr> {
    claim_next_row(conn, now).await?.map(Message::try_from).transpose()
}

/// [`claim_next`] before the row is read as a [`Message`]: a worker must be
/// able to fail a row it cannot read instead of leaving it claimed.
pub(super) async fn claim_next_row<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
) -> Result<Option<outbox_message::Model>, DbErr> {
    let claimed = claim_statement(conn.get_database_backend(), now).exec_with_returning(conn).await?;
    Ok(claimed.into_iter().next())
}

fn claim_statement(backend: DatabaseBackend, now: DateTime<Utc>) -> UpdateMany<Entity> {
    let due = Condition::all()
        .add(Column::Status.is_in([Status::Queued.as_str(), Status::Sending.as_str()]))
        .add(Column::AvailableAt.lte(now));
    let mut next = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(due.clone())
        .order_by_asc(Column::AvailableAt)
        .order_by_asc(Column::Id)
        .limit(1);
    if backend == DatabaseBackend::Postgres {
        next = next.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Sending.as_str()))
        .col_expr(Column::AvailableAt, Expr::value(now + CLAIM_LEASE))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Expr::col((Entity, Column::Id)).eq(next.into_query()))
        .filter(due)
}

/// Records what became of the message `id`, claimed for attempt `attempt`.
/// Only the claim that is still current may write: if this worker's claim
/// lapsed and another worker took the message (one more attempt), nothing is
/// written and `None` comes back.
pub(super) async fn record<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    attempt: i32,
    outcome: &Result<Delivered, DeliveryError>,
    now: DateTime<Utc>,
) -> Result<Option<Status>, DbErr> {
    let mut update = Entity::update_many();
    let status = match outcome {
        Ok(delivered) => {
            let status = match delivered {
                Delivered::Sent => Status::Sent,
                Delivered::Sandboxed => Status::Sandboxed,
                Delivered::Withheld(reason) => {
                    update = update.col_expr(Column::LastError, Expr::value(reason.clone()));
                    Status::Sandboxed
                }
            };
            update = update.col_expr(Column::SentAt, Expr::value(now)).col_expr(Column::AvailableAt, Expr::value(now));
            status
        }
        Err(error) => {
            let gave_up = matches!(error, DeliveryError::Permanent(_)) || attempt >= MAX_ATTEMPTS;
            let (status, next_try) =
                if gave_up { (Status::Failed, now) } else { (Status::Queued, now + backoff(attempt)) };
            update = update
                .col_expr(Column::LastError, Expr::value(error.to_string()))
                .col_expr(Column::AvailableAt, Expr::value(next_try));
            status
        }
    };
    let written = update
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(Status::Sending.as_str()))
        .filter(Column::Attempts.eq(attempt))
        .exec(conn)
        .await?;
    Ok((written.rows_affected == 1).then_some(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim_sql(backend: DatabaseBackend) -> String {
        claim_statement(backend, Utc::now()).build(backend).to_string()
    }

    #[test]
    fn postgres_claims_with_skip_locked_and_sqlite_with_one_plain_update() {
        let postgres = claim_sql(DatabaseBackend::Postgres);
        assert!(postgres.starts_with(r#"UPDATE "outbox_messages" SET "status" = 'sending'"#), "{postgres}");
        assert!(postgres.contains(r#""id" = (SELECT "outbox_messages"."id" FROM"#), "{postgres}");
        assert!(postgres.contains("LIMIT 1 FOR UPDATE SKIP LOCKED)"), "{postgres}");
        let sqlite = claim_sql(DatabaseBackend::Sqlite);
        assert!(sqlite.contains("LIMIT 1)"), "{sqlite}");
        assert!(!sqlite.contains("FOR UPDATE"), "{sqlite}");
    }
}
