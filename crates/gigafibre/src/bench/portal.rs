//! The portal under load, over loopback: the signed-in dashboard against a
//! bare-bones axum handler making the same three indexed reads, and
//! `request-link` for known and unknown identifiers.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use gigafibre_db::entities::customer;
use sea_orm::sqlx::{self, SqlitePool};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::load::{self, Load, MakeRequest, serve};
use crate::auth::session;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::web::{AppState, router};

#[derive(Debug, Serialize)]
pub struct PortalFigures {
    pub connections: u64,
    pub seconds: u64,
    pub bare_hello: Load,
    /// axum + the same three indexed reads with plain sqlx + a small HTML body.
    pub bare_dashboard: Load,
    /// `/portal` with a session, templates and the real queries.
    pub dashboard: Load,
    pub dashboard_ratio: f64,
    /// `POST /portal/request-link`, each request a new identifier.
    pub request_link: Load,
    pub known_median_ms: f64,
    pub unknown_median_ms: f64,
    /// How far apart the two medians are, in percent of the slower.
    pub known_unknown_gap_percent: f64,
}

pub async fn portal(db: DatabaseConnection, mut config: Config, seconds: u64) -> anyhow::Result<PortalFigures> {
    // The load comes from one address posing as many customers behind a proxy.
    config.trust_forwarded_for = true;
    if crate::db::engine_of(&db) != crate::db::Engine::Sqlite {
        anyhow::bail!(
            "bench portal compares with a plain sqlx program on SQLite; point DATABASE_URL at a SQLite database"
        );
    }
    let pool = db.get_sqlite_connection_pool().clone();
    let known: Vec<(i64, String)> = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::Email)
        .filter(customer::Column::Email.is_not_null())
        .filter(customer::Column::Status.ne("closed"))
        .order_by_asc(customer::Column::Id)
        .limit(2_000)
        .into_tuple::<(i64, Option<String>)>()
        .all(&db)
        .await?
        .into_iter()
        .filter_map(|(id, email)| email.map(|e| (id, e)))
        .collect();
    if known.len() < 64 {
        anyhow::bail!("the database holds too few customers; run `gigafibre seed --scale full` first");
    }
    let now = chrono::Utc::now();
    let mut cookies = Vec::new();
    for (id, _) in known.iter().take(64) {
        let new = session::start_customer(&db, *id, now, Some("bench".into())).await?;
        cookies.push(format!("{}={}", session::cookie_name(&config), new.cookie_value));
    }
    let ours =
        serve(router(AppState { db: db.clone(), config: Arc::new(config), clock: Arc::new(SystemClock) })).await?;
    let ids: Vec<i64> = known.iter().take(64).map(|(id, _)| *id).collect();
    let bare = serve(bare_bones(pool)).await?;

    let duration = Duration::from_secs(seconds);
    let connections = 32;
    let hello: MakeRequest = Arc::new(move |c, _| c.get(format!("http://{bare}/hello")));
    let bare_hello = load::run(hello, 200, connections, duration).await;
    let bare_ids = ids.clone();
    let bare_page: MakeRequest =
        Arc::new(move |c, n| c.get(format!("http://{bare}/dashboard/{}", bare_ids[(n as usize) % bare_ids.len()])));
    let bare_dashboard = load::run(bare_page, 200, connections, duration).await;
    let cookies = Arc::new(cookies);
    let page: MakeRequest = Arc::new(move |c, n| {
        c.get(format!("http://{ours}/portal")).header("cookie", cookies[(n as usize) % cookies.len()].as_str())
    });
    let dashboard = load::run(page, 200, connections, duration).await;

    // Every request a new identifier from a new address, as many customers
    // behind a proxy would be: the limits never refuse, the work is real.
    let ask: MakeRequest =
        Arc::new(move |c, n| link_request(c, ours, &format!("{{\"identifier\":\"450{:07}\"}}", 2_000_000 + n), n));
    let request_link = load::run(ask, 200, connections, duration).await;
    let known = Arc::new(known);
    let known_ask: MakeRequest = {
        let known = known.clone();
        Arc::new(move |c, n| {
            let email = &known[(n as usize) % known.len()].1;
            link_request(c, ours, &format!("{{\"identifier\":\"{email}\"}}"), 10_000_000 + n)
        })
    };
    let unknown_ask: MakeRequest = Arc::new(move |c, n| {
        link_request(c, ours, &format!("{{\"identifier\":\"inconnu{n}@example.com\"}}"), 20_000_000 + n)
    });
    let samples = (known.len() as u64).min(500);
    let known_median_ms = load::median_ms(known_ask, samples).await;
    let unknown_median_ms = load::median_ms(unknown_ask, samples).await;
    let slower = known_median_ms.max(unknown_median_ms).max(f64::EPSILON);
    Ok(PortalFigures {
        connections,
        seconds,
        dashboard_ratio: dashboard.per_second / bare_dashboard.per_second.max(f64::EPSILON),
        bare_hello,
        bare_dashboard,
        dashboard,
        request_link,
        known_unknown_gap_percent: (known_median_ms - unknown_median_ms).abs() / slower * 100.0,
        known_median_ms,
        unknown_median_ms,
    })
}

fn link_request(client: &reqwest::Client, at: std::net::SocketAddr, body: &str, n: u64) -> reqwest::RequestBuilder {
    client
        .post(format!("http://{at}/portal/request-link"))
        .header("content-type", "application/json")
        .header("x-forwarded-for", format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255))
        .body(body.to_owned())
}

/// The same page done the plainest way: three indexed reads and `format!`.
fn bare_bones(pool: SqlitePool) -> Router {
    Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route("/dashboard/{id}", get(bare_dashboard))
        .with_state(pool)
}

async fn bare_dashboard(State(pool): State<SqlitePool>, Path(id): Path<i64>) -> Html<String> {
    let customer: Option<(String, String, i64)> =
        sqlx::query_as("SELECT first_name, last_name, balance_cents FROM customers WHERE id = ?")
            .bind(id)
            .fetch_optional(&pool)
            .await
            .ok()
            .flatten();
    let invoices: Vec<(String, i64)> = sqlx::query_as(
        "SELECT number, total_cents FROM invoices WHERE customer_id = ? ORDER BY issue_date DESC, id DESC LIMIT 3",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE customer_id = ? AND status = 'open'")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap_or_default();
    let (first, last, balance) = customer.unwrap_or_default();
    let rows: String = invoices.iter().map(|(number, total)| format!("<li>{number} {total}</li>")).collect();
    Html(format!("<!doctype html><h1>Bonjour, {first} {last}</h1><p>{balance}</p><p>{open}</p><ul>{rows}</ul>"))
}
