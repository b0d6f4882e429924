//! A job, locked for a change, and the writes every change shares: the new
//! version and the audit entry.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::dispatch_job;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QuerySelect,
};
use serde_json::Value;

use crate::audit::{self, Actor, Change};

/// A job inside the write transaction that holds it; no one else changes it
/// until the transaction ends (SQLite: `begin_write` holds the database's
/// write lock; PostgreSQL: the row is locked `FOR UPDATE`).
pub struct Locked {
    pub txn: DatabaseTransaction,
    pub job: dispatch_job::Model,
}

pub async fn lock(db: &DatabaseConnection, id: i64) -> Result<Option<Locked>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut query = dispatch_job::Entity::find_by_id(id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock(LockType::Update);
    }
    match query.one(&txn).await? {
        Some(job) => Ok(Some(Locked { txn, job })),
        None => {
            txn.rollback().await?;
            Ok(None)
        }
    }
}

/// Saves `row` as the job's next version and records why.
pub async fn save<C: ConnectionTrait>(
    conn: &C,
    current: &dispatch_job::Model,
    mut row: dispatch_job::ActiveModel,
    (action, before, after): (&str, Value, Value),
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<dispatch_job::Model, DbErr> {
    row.version = sea_orm::ActiveValue::Set(current.version + 1);
    row.updated_at = sea_orm::ActiveValue::Set(now.max(current.updated_at));
    let saved = row.update(conn).await?;
    let change = Change { action, entity: "dispatch_job", entity_id: Some(current.id), before, after };
    audit::record(conn, actor, change, now).await?;
    Ok(saved)
}
