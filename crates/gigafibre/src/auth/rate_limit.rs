//! Rate limits kept in the database, so that they hold across restarts and
//! several app instances: a bucket allows `max` hits per sliding window.

use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::rate_limit_hit;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u64,
    pub window: Duration,
}

/// The answer for one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; a hit is allowed again after this many seconds.
    RetryAfter(i64),
}

/// Counts the bucket's hits in the window ending `now`.
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    bucket: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Verdict, DbErr> {
    let (hits, oldest): (i64, Option<DateTime<Utc>>) = rate_limit_hit::Entity::find()
        .select_only()
        .column_as(rate_limit_hit::Column::Id.count(), "hits")
        .column_as(rate_limit_hit::Column::At.min(), "oldest")
        .filter(rate_limit_hit::Column::Bucket.eq(bucket))
        .filter(rate_limit_hit::Column::At.gt(now - limit.window))
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or((0, None));
    if u64::try_from(hits).unwrap_or(0) < limit.max {
        return Ok(Verdict::Allowed);
    }
    let free_at = oldest.map_or(now + limit.window, |oldest| oldest + limit.window);
    Ok(Verdict::RetryAfter((free_at - now).num_seconds().max(1)))
}

/// Serialises checks of one bucket until the transaction ends. SQLite needs
/// nothing (its write transactions already run one at a time); on
/// PostgreSQL two requests could otherwise both count before either writes.
pub async fn lock<C: ConnectionTrait>(conn: &C, bucket: &str) -> Result<(), DbErr> {
    if conn.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    let statement = sea_orm::Statement::from_sql_and_values(
        sea_orm::DatabaseBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext($1))",
        [sea_orm::Value::from(bucket)],
    );
    conn.execute_raw(statement).await.map(|_| ())
}

/// Records one hit in the bucket.
pub async fn hit<C: ConnectionTrait>(conn: &C, bucket: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = rate_limit_hit::ActiveModel { id: NotSet, bucket: Set(bucket.to_owned()), at: Set(now) };
    rate_limit_hit::Entity::insert(row).exec(conn).await.map(|_| ())
}

/// Forgets hits older than any window (a day), so the table stays small.
pub async fn prune<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<(), DbErr> {
    rate_limit_hit::Entity::delete_many()
        .filter(rate_limit_hit::Column::At.lt(now - Duration::days(1)))
        .exec(conn)
        .await
        .map(|_| ())
}
