//! The aging of receivables on the full demo data: our grouped query (the
//! one `/ops/receivables` runs) and the whole page, beside a bare-bones
//! program that sends one hand-written SQL statement through the plain
//! driver. Works on SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use gigafibre_db::entities::{invoice, staff};
use sea_orm::sqlx;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

use super::load::{self, Latency, MakeRequest, serve};
use crate::auth::session::{self, Owner};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::db::Engine;
use crate::ops::receivables::aging::aging;
use crate::web::{AppState, router};

#[derive(Debug, Serialize)]
pub struct AgingFigures {
    pub engine: &'static str,
    pub invoices: u64,
    pub open_invoices: u64,
    /// Our query through the query layer, into the report's buckets.
    pub ours: Latency,
    /// One hand-written SQL statement through the plain driver.
    pub bare: Latency,
    /// Our p95 over the bare-bones p95 (1.0 = as fast).
    pub p95_ratio: f64,
    /// The whole page over loopback: session, both queries, rendering.
    pub page: Latency,
}

pub async fn aging_report(db: DatabaseConnection, config: Config, runs: u64) -> anyhow::Result<AgingFigures> {
    let invoices = invoice::Entity::find().count(&db).await?;
    if invoices < 1_000 {
        anyhow::bail!("the database holds too few invoices; run `gigafibre seed --scale full` first");
    }
    let open_invoices = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .count(&db)
        .await?;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Toronto).date_naive();

    let mut ours = Vec::new();
    let mut bare = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let found = aging(&db, today).await?;
        ours.push(started.elapsed());
        let started = Instant::now();
        let plain = bare_aging(&db, today).await?;
        bare.push(started.elapsed());
        if plain != found.owed.map(|m| m.cents()) {
            anyhow::bail!("the bare-bones query disagrees: {plain:?} against {:?}", found.owed);
        }
    }
    let (ours, bare) = (Latency::of(ours, 0), Latency::of(bare, 0));

    let admin = staff::Entity::find().filter(staff::Column::Role.eq("admin")).filter(staff::Column::Active.eq(true));
    let Some(admin) = admin.one(&db).await? else {
        anyhow::bail!("the database holds no active admin; run `gigafibre seed --scale full` first");
    };
    let new = session::start(&db, Owner::Staff(admin.id), chrono::Utc::now(), Some("bench".into())).await?;
    let cookie: Arc<str> = format!("{}={}", session::cookie_name(&config), new.cookie_value).into();
    let engine = match crate::db::engine_of(&db) {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    let at = serve(router(AppState { db, config: Arc::new(config), clock: Arc::new(SystemClock) })).await?;
    let page: MakeRequest =
        Arc::new(move |c, _| c.get(format!("http://{at}/ops/receivables")).header("cookie", &*cookie));
    let page = load::sequential(page, 200, runs).await;
    Ok(AgingFigures {
        engine,
        invoices,
        open_invoices,
        p95_ratio: ours.p95_ms / bare.p95_ms.max(f64::EPSILON),
        ours,
        bare,
        page,
    })
}

/// The plainest version: one SQL statement written by hand, run through
/// sqlx, summed per bucket.
async fn bare_aging(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<[i64; 5]> {
    const SQLITE: &str = "SELECT CASE WHEN due_date >= ?1 THEN 0 WHEN due_date >= ?2 THEN 1 \
        WHEN due_date >= ?3 THEN 2 WHEN due_date >= ?4 THEN 3 ELSE 4 END AS bucket, \
        CAST(SUM(balance_cents) AS BIGINT) AS owed \
        FROM invoices WHERE status = 'open' AND balance_cents > 0 GROUP BY 1";
    const POSTGRES: &str = "SELECT CASE WHEN due_date >= $1 THEN 0 WHEN due_date >= $2 THEN 1 \
        WHEN due_date >= $3 THEN 2 WHEN due_date >= $4 THEN 3 ELSE 4 END AS bucket, \
        CAST(SUM(balance_cents) AS BIGINT) AS owed \
        FROM invoices WHERE status = 'open' AND balance_cents > 0 GROUP BY 1";
    let day = |days: i64| today - chrono::Duration::days(days);
    let rows: Vec<(i32, i64)> = match crate::db::engine_of(db) {
        Engine::Sqlite => {
            sqlx::query_as(SQLITE)
                .bind(day(0))
                .bind(day(30))
                .bind(day(60))
                .bind(day(90))
                .fetch_all(db.get_sqlite_connection_pool())
                .await?
        }
        Engine::Postgres => {
            sqlx::query_as(POSTGRES)
                .bind(day(0))
                .bind(day(30))
                .bind(day(60))
                .bind(day(90))
                .fetch_all(db.get_postgres_connection_pool())
                .await?
        }
    };
    let mut owed = [0i64; 5];
    for (bucket, cents) in rows {
        owed[usize::try_from(bucket).unwrap_or(4).min(4)] = cents;
    }
    Ok(owed)
}
