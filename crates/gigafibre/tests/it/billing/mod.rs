//! Billing over a real database: payments, refunds and credit notes keeping
//! every balance in step, the Stripe webhook and client against a local
//! server that answers like Stripe.

mod autopay;
mod client;
mod dunning;
pub(crate) mod fake_stripe;
mod ledger;
mod run;
mod webhook;

use std::sync::Arc;

use axum::Router;
use chrono::{DateTime, Days, NaiveDate, Utc};
use gigafibre::billing::money::Money;
use gigafibre::billing::payments::apply_credit;
use gigafibre::billing::taxes::quebec_taxes;
use gigafibre::clock::ManualClock;
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::web::{AppState, router};
use gigafibre_db::entities::{customer, invoice, invoice_line};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{DatabaseConnection, EntityTrait};

/// The whole app on an empty database, with the settings given.
pub struct Billing {
    pub db: TestDatabase,
    pub app: Router,
    pub clock: ManualClock,
    pub config: Arc<Config>,
}

impl Billing {
    pub async fn new(env: &[(&'static str, &'static str)]) -> Billing {
        Billing::with_env(env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()).await
    }

    /// The same, with settings known only at run time (a local server's address).
    pub async fn with_env(pairs: Vec<(&'static str, String)>) -> Billing {
        let db = TestDatabase::new().await;
        let clock = ManualClock::at(noon(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()));
        let lookup = move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        let config = Arc::new(Config::load_from(None, &lookup).unwrap());
        let state = AppState { db: db.db.clone(), config: config.clone(), clock: Arc::new(clock.clone()) };
        Billing { app: router(state), db, clock, config }
    }
}

pub fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

/// A customer with nothing billed yet.
pub async fn new_customer(db: &DatabaseConnection, account: &str) -> i64 {
    let now = noon(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let row = customer::ActiveModel {
        id: NotSet,
        account_number: Set(account.to_owned()),
        legacy_id: Set(None),
        kind: Set("residential".into()),
        first_name: Set("Camille".into()),
        last_name: Set("Tremblay".into()),
        company_name: Set(None),
        email: Set(Some(format!("{}@example.ca", account.to_lowercase()))),
        billing_email: Set(None),
        cell: Set(None),
        home_phone: Set(None),
        language: Set("fr".into()),
        status: Set("active".into()),
        billing_day: Set(1),
        balance_cents: Set(0),
        notes: Set(String::new()),
        notify_by_email: Set(true),
        notify_by_sms: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    };
    customer::Entity::insert(row).exec(db).await.unwrap().last_insert_id
}

/// An issued invoice of one line plus GST and QST, then the customer's
/// credit applied to it, as the billing run does.
pub async fn issue_invoice(db: &DatabaseConnection, customer_id: i64, subtotal_cents: i64, issued: NaiveDate) -> i64 {
    let subtotal = Money::from_cents(subtotal_cents);
    let taxes = quebec_taxes(subtotal);
    let total = subtotal + taxes.total();
    let number = format!("T-{customer_id}-{issued}-{subtotal_cents}-{}", rand_suffix());
    let row = invoice::ActiveModel {
        id: NotSet,
        number: Set(number),
        legacy_id: Set(None),
        customer_id: Set(customer_id),
        status: Set("open".into()),
        issue_date: Set(issued),
        due_date: Set(issued + Days::new(30)),
        period_start: Set(None),
        period_end: Set(None),
        subtotal_cents: Set(subtotal.cents()),
        gst_cents: Set(taxes.gst.cents()),
        qst_cents: Set(taxes.qst.cents()),
        total_cents: Set(total.cents()),
        balance_cents: Set(total.cents()),
        created_at: Set(noon(issued)),
    };
    let txn = gigafibre::db::begin_write(db).await.unwrap();
    let id = invoice::Entity::insert(row).exec(&txn).await.unwrap().last_insert_id;
    let line = invoice_line::ActiveModel {
        id: NotSet,
        invoice_id: Set(id),
        position: Set(1),
        subscription_id: Set(None),
        plan_id: Set(None),
        description: Set("Internet 500".into()),
        quantity: Set(1),
        unit_price_cents: Set(subtotal.cents()),
        amount_cents: Set(subtotal.cents()),
        period_start: Set(None),
        period_end: Set(None),
    };
    invoice_line::Entity::insert(line).exec_without_returning(&txn).await.unwrap();
    gigafibre::billing::payments::refresh_balances(&txn, customer_id).await.unwrap();
    apply_credit(&txn, customer_id).await.unwrap();
    txn.commit().await.unwrap();
    id
}

fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
