//! The ops app over HTTP. This file holds the harness: the small demo data,
//! a signed-in member of staff per role, and requests as a browser or htmx
//! sends them. Each file beside it covers one part of the app.

mod billing;
mod clients;
mod dashboard;
mod email_link;
pub(crate) mod invoice_pdf;
mod invoices;
mod pay_links;
mod printable;
mod receivables;
mod records;
mod roles;
mod search;
mod sign_in;
mod sso;
mod team;
mod ticket_replies;
mod tickets;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, NaiveDate, Utc};
use gigafibre::auth::session::{self, Owner};
use gigafibre::clock::{Clock, ManualClock};
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::demo::{self, Scale};
use gigafibre::web::{AppState, router};
use gigafibre_db::entities::{customer, staff, ticket};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;

/// The ops app on the small demo data (200 customers, one staff member per role).
pub struct Ops {
    pub db: TestDatabase,
    pub app: Router,
    pub clock: ManualClock,
}

/// A signed-in member of staff.
#[derive(Clone)]
pub struct Member {
    pub id: i64,
    pub cookie: String,
    pub csrf: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

pub fn start_of_test() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(15, 0, 0).unwrap().and_utc()
}

impl Ops {
    pub async fn new() -> Ops {
        Ops::with_env(Vec::new()).await
    }

    /// The same, with settings as the environment would give them.
    pub async fn with_env(env: Vec<(&'static str, String)>) -> Ops {
        let data = demo::generate(Scale::Small, demo::DEFAULT_SEED, start_of_test().date_naive());
        let db = TestDatabase::with_demo(&data).await;
        let clock = ManualClock::at(start_of_test());
        let lookup = move |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        let config = Arc::new(Config::load_from(None, &lookup).unwrap());
        let state = AppState { db: db.db.clone(), config, clock: Arc::new(clock.clone()) };
        Ops { app: router(state), db, clock }
    }

    /// Signs in the demo's member of staff who holds `role`.
    pub async fn staff(&self, role: &str) -> Member {
        let member = staff::Entity::find().filter(staff::Column::Role.eq(role)).one(&self.db.db).await.unwrap();
        let member = member.unwrap_or_else(|| panic!("the demo has a {role}"));
        self.session_for(member.id).await
    }

    /// The demo's customers who have both an e-mail and a cell and speak
    /// `language`, in number order.
    pub async fn reachable_customers(&self, language: &str) -> Vec<customer::Model> {
        customer::Entity::find()
            .filter(customer::Column::Email.is_not_null())
            .filter(customer::Column::Cell.is_not_null())
            .filter(customer::Column::Language.eq(language))
            .order_by_asc(customer::Column::Id)
            .all(&self.db.db)
            .await
            .unwrap()
    }

    /// One open ticket of the customer, if they have one.
    pub async fn open_ticket_of(&self, customer_id: i64) -> Option<ticket::Model> {
        ticket::Entity::find()
            .filter(ticket::Column::CustomerId.eq(customer_id))
            .filter(ticket::Column::Status.eq("open"))
            .one(&self.db.db)
            .await
            .unwrap()
    }

    pub async fn session_for(&self, staff_id: i64) -> Member {
        let new = session::start(&self.db.db, Owner::Staff(staff_id), self.clock.now(), None).await.unwrap();
        Member { id: staff_id, cookie: format!("gigafibre_session={}", new.cookie_value), csrf: new.csrf_token }
    }

    pub async fn send(&self, method: Method, uri: &str, headers: &[(&str, &str)], body: Option<String>) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response =
            self.app.clone().oneshot(request.body(body.map(Body::from).unwrap_or_default()).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A page as a browser asks for it.
    pub async fn get(&self, uri: &str, who: Option<&Member>) -> Answer {
        let headers: Vec<(&str, &str)> = who.map(|m| vec![("cookie", m.cookie.as_str())]).unwrap_or_default();
        self.send(Method::GET, uri, &headers, None).await
    }

    /// A fragment as htmx asks for it.
    pub async fn htmx_get(&self, uri: &str, who: &Member) -> Answer {
        self.send(Method::GET, uri, &[("cookie", &who.cookie), ("hx-request", "true")], None).await
    }

    /// A form post; the member's CSRF token is added.
    pub async fn post(&self, uri: &str, who: &Member, form: &[(&str, &str)]) -> Answer {
        self.post_with(uri, who, form, false).await
    }

    /// A form post as htmx sends it; the member's CSRF token is added.
    pub async fn htmx_post(&self, uri: &str, who: &Member, form: &[(&str, &str)]) -> Answer {
        self.post_with(uri, who, form, true).await
    }

    async fn post_with(&self, uri: &str, who: &Member, form: &[(&str, &str)], htmx: bool) -> Answer {
        let mut fields = vec![("csrf", who.csrf.as_str())];
        fields.extend_from_slice(form);
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded"), ("cookie", who.cookie.as_str())];
        if htmx {
            headers.push(("hx-request", "true"));
        }
        self.send(Method::POST, uri, &headers, Some(body)).await
    }
}

/// Whether a page lets htmx put a refused answer in place: htmx leaves any
/// 4xx answer out unless the page's `htmx-config` says to swap it, and then
/// the error next to the field would never show. Checks 422 (not valid) and
/// 409 (changed by someone else meanwhile) against the first rule that
/// matches, as htmx does.
pub fn swaps_refusals(page: &str) -> bool {
    const META: &str = "<meta name=\"htmx-config\" content='";
    let Some(start) = page.find(META).map(|at| at + META.len()) else { return false };
    let Some(length) = page[start..].find('\'') else { return false };
    let config: serde_json::Value = serde_json::from_str(&page[start..start + length]).expect("htmx-config is JSON");
    let rules = config["responseHandling"].as_array().cloned().unwrap_or_default();
    ["422", "409"].iter().all(|status| {
        let rule = rules.iter().find(|rule| status_matches(rule["code"].as_str().unwrap_or_default(), status));
        rule.is_some_and(|rule| rule["swap"] == true && rule["error"] != true)
    })
}

/// An htmx status pattern such as `409` or `[45]..` against a status code.
fn status_matches(pattern: &str, status: &str) -> bool {
    let mut digits = status.chars();
    let mut rest = pattern.chars();
    while let Some(token) = rest.next() {
        let Some(digit) = digits.next() else { return false };
        let fits = match token {
            '.' => true,
            '[' => rest.by_ref().take_while(|c| *c != ']').collect::<String>().contains(digit),
            literal => literal == digit,
        };
        if !fits {
            return false;
        }
    }
    digits.next().is_none()
}
