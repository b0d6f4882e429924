//! The customer portal over HTTP. This file holds the harness; `sign_in.rs`
//! the sign-in cases, hostile ones included; `account.rs` what a signed-in
//! customer may see and change.

mod account;
mod autopay;
mod invoice_pdf;
mod payments;
mod sign_in;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use gigafibre::clock::{Clock, ManualClock};
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::demo::{self, Scale};
use gigafibre::portal::links;
use gigafibre::web::{AppState, router};
use gigafibre_db::entities::{customer, invoice, outbox_message, session, ticket};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;

struct Portal {
    db: TestDatabase,
    app: Router,
    clock: ManualClock,
    config: Arc<Config>,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn cookie(&self) -> Option<String> {
        let set = self.headers.get(header::SET_COOKIE)?.to_str().ok()?;
        let pair = set.split(';').next()?;
        (!pair.ends_with('=')).then(|| pair.to_owned())
    }

    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

fn start_of_test() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(15, 0, 0).unwrap().and_utc()
}

impl Portal {
    async fn new() -> Portal {
        Portal::with_env(Vec::new()).await
    }

    /// The same, with settings as the environment would give them.
    async fn with_env(env: Vec<(&'static str, String)>) -> Portal {
        let data = demo::generate(Scale::Small, demo::DEFAULT_SEED, start_of_test().date_naive());
        let db = TestDatabase::with_demo(&data).await;
        let clock = ManualClock::at(start_of_test());
        let lookup = move |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        let config = Arc::new(Config::load_from(None, &lookup).unwrap());
        let state = AppState { db: db.db.clone(), config: config.clone(), clock: Arc::new(clock.clone()) };
        Portal { app: router(state), db, clock, config }
    }

    async fn send(&self, method: Method, uri: &str, headers: &[(&str, &str)], body: Option<String>) -> Answer {
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

    async fn get(&self, uri: &str, cookie: Option<&str>) -> Answer {
        let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c)]).unwrap_or_default();
        self.send(Method::GET, uri, &headers, None).await
    }

    async fn post_form(&self, uri: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        self.send(Method::POST, uri, &headers, Some(body)).await
    }

    async fn request_link(&self, identifier: &str) -> Answer {
        let body = serde_json::json!({ "identifier": identifier }).to_string();
        self.send(Method::POST, "/portal/request-link", &[("content-type", "application/json")], Some(body)).await
    }

    /// Runs the background job that answers requests, as `serve` does.
    async fn deliver(&self) -> usize {
        links::answer_pending(&self.db.db, &self.config.public_url, self.clock.now()).await.unwrap()
    }

    /// The newest message queued for a customer on a channel.
    async fn last_message(&self, customer_id: i64, channel: &str) -> Option<outbox_message::Model> {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::CustomerId.eq(customer_id))
            .filter(outbox_message::Column::Channel.eq(channel))
            .order_by_desc(outbox_message::Column::Id)
            .one(&self.db.db)
            .await
            .unwrap()
    }

    async fn messages(&self) -> u64 {
        outbox_message::Entity::find().count(&self.db.db).await.unwrap()
    }

    async fn sessions(&self) -> u64 {
        session::Entity::find().count(&self.db.db).await.unwrap()
    }

    /// Asks for a link for `identifier` and returns the token and code sent.
    async fn link_for(&self, customer_id: i64, identifier: &str) -> (String, String) {
        assert_eq!(self.request_link(identifier).await.status, StatusCode::OK);
        self.deliver().await;
        let email = self.last_message(customer_id, "email").await.expect("an e-mail went out");
        let sms = self.last_message(customer_id, "sms").await.expect("an SMS went out");
        (token_in(&email.body_text), code_in(&sms.body_text))
    }

    async fn sign_in(&self, customer_id: i64, identifier: &str) -> String {
        let (token, _) = self.link_for(customer_id, identifier).await;
        let answer = self.post_form("/portal/auth", &[("token", &token)], None).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        answer.cookie().expect("a session cookie")
    }
}

fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link in the message") + "token=".len();
    text[start..start + 64].to_owned()
}

/// The code in the SMS: `… (code 123456, …)`.
fn code_in(sms: &str) -> String {
    let start = sms.find("(code ").expect("a code in the SMS") + "(code ".len();
    sms[start..start + 6].to_owned()
}

/// A customer with every kind of identifier on file.
async fn well_known(portal: &Portal) -> customer::Model {
    customer::Entity::find()
        .filter(customer::Column::Email.is_not_null())
        .filter(customer::Column::BillingEmail.is_not_null())
        .filter(customer::Column::Cell.is_not_null())
        .filter(customer::Column::HomePhone.is_not_null())
        .filter(customer::Column::Status.eq("active"))
        .order_by_asc(customer::Column::Id)
        .one(&portal.db.db)
        .await
        .unwrap()
        .expect("the demo data has such a customer")
}

/// `+14505551234` → `(450) 555-1234`.
fn typed(e164: &str) -> String {
    format!("({}) {}-{}", &e164[2..5], &e164[5..8], &e164[8..])
}

/// The CSRF token of the signed-in customer's forms, read from a page.
fn csrf_in(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + "name=\"csrf\" value=\"".len();
    page[start..start + 64].to_owned()
}
