//! The ops app's lists and search on the full demo data, one request at a
//! time so that each figure is the server's time (plus loopback): search
//! as agents type it, the first page of clients, tickets and invoices (and
//! the invoices of one month), the dashboard and a customer's page, each
//! beside a bare-bones handler doing the plainest version of the same read
//! with sqlx.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use gigafibre_db::entities::{customer, equipment, invoice, service_location, staff};
use sea_orm::sqlx::{self, SqlitePool};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use super::load::{self, Latency, MakeRequest, serve};
use crate::auth::session::{self, Owner};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::web::{AppState, router};

/// One page measured against its bare-bones twin.
#[derive(Debug, Serialize)]
pub struct Compared {
    pub name: &'static str,
    pub ours: Latency,
    pub bare: Option<Latency>,
    /// Our p95 over the bare-bones p95 (1.0 = as fast).
    pub p95_ratio: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct OpsFigures {
    pub requests_each: u64,
    pub search_terms: usize,
    pub pages: Vec<Compared>,
}

pub async fn ops(db: DatabaseConnection, config: Config, requests: u64) -> anyhow::Result<OpsFigures> {
    if crate::db::engine_of(&db) != crate::db::Engine::Sqlite {
        anyhow::bail!(
            "bench ops compares with a plain sqlx program on SQLite; point DATABASE_URL at a SQLite database"
        );
    }
    let admin = staff::Entity::find().filter(staff::Column::Role.eq("admin")).filter(staff::Column::Active.eq(true));
    let Some(admin) = admin.one(&db).await? else {
        anyhow::bail!("the database holds no active admin; run `gigafibre seed --scale full` first");
    };
    let terms = Arc::new(search_terms(&db).await?);
    if terms.len() < 100 {
        anyhow::bail!("the database holds too few customers; run `gigafibre seed --scale full` first");
    }
    let new = session::start(&db, Owner::Staff(admin.id), chrono::Utc::now(), Some("bench".into())).await?;
    let cookie: Arc<str> = format!("{}={}", session::cookie_name(&config), new.cookie_value).into();
    let some_customer = customer::Entity::find().order_by_asc(customer::Column::Id).one(&db).await?.map_or(1, |c| c.id);
    let pool = db.get_sqlite_connection_pool().clone();
    let ours = serve(router(AppState { db, config: Arc::new(config), clock: Arc::new(SystemClock) })).await?;
    let bare = serve(bare_bones(pool)).await?;

    let page = |path: String| -> MakeRequest {
        let cookie = cookie.clone();
        Arc::new(move |c, _| c.get(format!("http://{ours}{path}")).header("cookie", &*cookie))
    };
    let bare_page = |path: &'static str| -> MakeRequest { Arc::new(move |c, _| c.get(format!("http://{bare}{path}"))) };
    let searched: MakeRequest = {
        let (cookie, terms) = (cookie.clone(), terms.clone());
        Arc::new(move |c, n| {
            let term = &terms[n as usize % terms.len()];
            c.get(format!("http://{ours}/ops/search"))
                .query(&[("q", term)])
                .header("cookie", &*cookie)
                .header("hx-request", "true")
        })
    };
    let bare_searched: MakeRequest = {
        let terms = terms.clone();
        Arc::new(move |c, n| c.get(format!("http://{bare}/search")).query(&[("q", &terms[n as usize % terms.len()])]))
    };
    let mut pages = Vec::new();
    let mut compare = async |name, ours: MakeRequest, bare: Option<MakeRequest>| {
        let ours = load::sequential(ours, 200, requests).await;
        let bare = match bare {
            Some(make) => Some(load::sequential(make, 200, requests).await),
            None => None,
        };
        let p95_ratio = bare.as_ref().map(|b| ours.p95_ms / b.p95_ms.max(f64::EPSILON));
        pages.push(Compared { name, ours, bare, p95_ratio });
    };
    compare("search as you type", searched, Some(bare_searched)).await;
    compare("clients, first page", page("/ops/clients".into()), Some(bare_page("/clients"))).await;
    compare("clients with overdue balance", page("/ops/clients?overdue=1".into()), None).await;
    compare("tickets, first page", page("/ops/tickets".into()), Some(bare_page("/tickets"))).await;
    compare("urgent tickets", page("/ops/tickets?status=active&priority=urgent".into()), None).await;
    compare("invoices, first page", page("/ops/invoices".into()), Some(bare_page("/invoices"))).await;
    let month = "from=2026-10-01&to=2026-10-31";
    compare("invoices issued in a month", page(format!("/ops/invoices?{month}")), Some(bare_page("/invoices?month=1")))
        .await;
    compare("dashboard", page("/ops".into()), None).await;
    compare("a customer's page", page(format!("/ops/clients/{some_customer}")), None).await;
    Ok(OpsFigures { requests_each: requests, search_terms: terms.len(), pages })
}

/// What agents type: names without accents, phones written every way,
/// account numbers, e-mails, serials, MACs, invoice numbers and streets.
async fn search_terms(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let people = customer::Entity::find().order_by_asc(customer::Column::Id).limit(200).all(db).await?;
    let mut terms = Vec::new();
    for (n, c) in people.iter().enumerate() {
        let phone = c.cell.as_deref().unwrap_or("+15145550000");
        terms.push(match n % 6 {
            0 => crate::ops::search::fold::fold(&c.last_name),
            1 => format!("{} {}", c.first_name, c.last_name),
            2 => format!("({}) {}-{}", &phone[2..5], &phone[5..8], &phone[8..]),
            3 => format!("{}-{}", &phone[5..8], &phone[8..]),
            4 => c.account_number.to_lowercase(),
            _ => c.email.clone().unwrap_or_default().chars().take(8).collect(),
        });
    }
    let devices = equipment::Entity::find().filter(equipment::Column::Mac.is_not_null()).limit(50).all(db).await?;
    for (n, d) in devices.iter().enumerate() {
        terms.push(if n % 2 == 0 {
            d.serial.to_lowercase()
        } else {
            d.mac.clone().unwrap_or_default().replace(':', "-")
        });
    }
    let bills = invoice::Entity::find().order_by_desc(invoice::Column::Id).limit(50).all(db).await?;
    terms.extend(bills.into_iter().map(|i| i.number));
    let places = service_location::Entity::find().limit(50).all(db).await?;
    terms.extend(places.into_iter().map(|l| l.street));
    terms.retain(|t| t.chars().count() >= 2);
    Ok(terms)
}

/// The plainest versions: one sqlx query each and `format!`.
fn bare_bones(pool: SqlitePool) -> Router {
    Router::new()
        .route("/search", get(bare_search))
        .route("/clients", get(bare_clients))
        .route("/tickets", get(bare_tickets))
        .route("/invoices", get(bare_invoices))
        .with_state(pool)
}

#[derive(Deserialize)]
struct Q {
    q: String,
}

/// A name search with one LIKE, without accents folding or other kinds.
async fn bare_search(State(pool): State<SqlitePool>, Query(q): Query<Q>) -> Html<String> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, first_name, last_name FROM customers WHERE lower(first_name || ' ' || last_name) LIKE ? ORDER BY last_name LIMIT 6",
    )
    .bind(format!("%{}%", q.q.to_lowercase()))
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    Html(rows.iter().map(|(id, f, l)| format!("<a href=\"/c/{id}\">{f} {l}</a>")).collect())
}

async fn bare_clients(State(pool): State<SqlitePool>) -> Html<String> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, account_number, first_name, last_name, balance_cents FROM customers ORDER BY last_name, first_name, id LIMIT 51",
    )
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    Html(
        rows.iter()
            .map(|(id, a, f, l, b)| {
                format!("<tr><td>{a}</td><td><a href=\"/c/{id}\">{f} {l}</a></td><td>{b}</td></tr>")
            })
            .collect(),
    )
}

async fn bare_tickets(State(pool): State<SqlitePool>) -> Html<String> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, subject, priority FROM tickets WHERE status IN ('open', 'pending') ORDER BY created_at DESC, id DESC LIMIT 51",
    )
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    Html(rows.iter().map(|(id, s, p)| format!("<tr><td><a href=\"/t/{id}\">{s}</a></td><td>{p}</td></tr>")).collect())
}

#[derive(Deserialize)]
struct Month {
    month: Option<u8>,
}

/// The newest invoices with their customer, all or those issued in October 2026.
async fn bare_invoices(State(pool): State<SqlitePool>, Query(q): Query<Month>) -> Html<String> {
    let sql = if q.month.is_some() {
        "SELECT i.id, i.number, c.last_name, i.total_cents, i.balance_cents FROM invoices i \
         JOIN customers c ON c.id = i.customer_id WHERE i.issue_date BETWEEN '2026-10-01' AND '2026-10-31' \
         ORDER BY i.id DESC LIMIT 51"
    } else {
        "SELECT i.id, i.number, c.last_name, i.total_cents, i.balance_cents FROM invoices i \
         JOIN customers c ON c.id = i.customer_id ORDER BY i.id DESC LIMIT 51"
    };
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(sql).fetch_all(&pool).await.unwrap_or_default();
    Html(
        rows.iter()
            .map(|(id, n, l, t, b)| {
                format!("<tr><td><a href=\"/i/{id}\">{n}</a></td><td>{l}</td><td>{t}</td><td>{b}</td></tr>")
            })
            .collect(),
    )
}
