//! Automatic payment over a real database and a local server that answers
//! like Stripe: each open invoice of a customer who opted in is charged off
//! session once, recorded once (whether the run or the webhook sees it
//! first), and a declined card leaves the invoice open and tells the
//! customer with a link to pay.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Toronto;
use gigafibre::audit::Actor;
use gigafibre::billing::autopay::{self, AttemptOutcome, AutopayReport, schedule};
use gigafibre::billing::stripe::sign;
use gigafibre::clock::Clock;
use gigafibre::outbox;
use gigafibre_db::entities::{autopay_charge, customer, invoice, payment, stripe_customer};
use http_body_util::BodyExt;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tower::ServiceExt;

use super::fake_stripe::FakeStripe;
use super::{Billing, issue_invoice, new_customer, noon};

const WEBHOOK_SECRET: &str = "whsec_autopay";

async fn with_stripe() -> (Billing, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let billing = Billing::with_env(vec![
        ("GIGAFIBRE_STRIPE_API_BASE", stripe.base.clone()),
        ("GIGAFIBRE_STRIPE_SECRET_KEY", "sk_test_autopay".to_owned()),
        ("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
        ("GIGAFIBRE_PUBLIC_URL", "https://portail.example".to_owned()),
    ])
    .await;
    (billing, stripe)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A customer with a card saved at Stripe who opted in.
async fn enrolled(db: &DatabaseConnection, account: &str) -> i64 {
    let id = new_customer(db, account).await;
    let row = stripe_customer::ActiveModel {
        id: NotSet,
        customer_id: Set(id),
        stripe_customer_id: Set(format!("cus_{id}")),
        created_at: Set(noon(day("2026-10-01"))),
    };
    stripe_customer::Entity::insert(row).exec(db).await.unwrap();
    let actor = Actor { kind: "customer", id: Some(id), label: "portal".into() };
    autopay::opt_in(db, id, "Visa •••• 4242", &actor, noon(day("2026-10-01"))).await.unwrap();
    id
}

async fn charge(billing: &Billing, on: &str) -> AutopayReport {
    autopay::run(&billing.db.db, &billing.config, day(on), false, noon(day(on))).await.unwrap()
}

async fn open_balance(db: &DatabaseConnection, invoice_id: i64) -> (String, i64) {
    let found = invoice::Entity::find_by_id(invoice_id).one(db).await.unwrap().unwrap();
    (found.status, found.balance_cents)
}

async fn payments(db: &DatabaseConnection) -> u64 {
    payment::Entity::find().count(db).await.unwrap()
}

async fn webhook(billing: &Billing, body: &str) -> (StatusCode, String) {
    let header = sign(WEBHOOK_SECRET, billing.clock.now().timestamp(), body.as_bytes());
    let request = Request::post("/webhook/stripe")
        .header("content-type", "application/json")
        .header("stripe-signature", header)
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = billing.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn intent_succeeded(event: &str, intent: &str, charge: i64, cents: i64) -> String {
    json!({"id": event, "object": "event", "type": "payment_intent.succeeded", "data": {"object": {
        "id": intent, "object": "payment_intent", "status": "succeeded", "currency": "cad",
        "amount": cents, "amount_received": cents,
        "metadata": {"autopay_charge": charge.to_string()}}}})
    .to_string()
}

#[tokio::test]
async fn each_open_invoice_of_an_opted_in_customer_is_charged_once_and_a_rerun_charges_nothing() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710001").await;
    let older = issue_invoice(db, c, 10_000, day("2026-10-01")).await;
    let newer = issue_invoice(db, c, 5_000, day("2026-11-01")).await;
    let other = new_customer(db, "GF-710002").await;
    let not_opted_in = issue_invoice(db, other, 5_000, day("2026-11-01")).await;

    let report = charge(&billing, "2026-11-02").await;
    assert_eq!(report.count(AttemptOutcome::Paid), 2, "{report:?}");
    assert_eq!(report.paid().cents(), 11_498 + 5_749);
    assert_eq!(open_balance(db, older).await, ("paid".into(), 0));
    assert_eq!(open_balance(db, newer).await, ("paid".into(), 0));
    assert_eq!(open_balance(db, not_opted_in).await, ("open".into(), 5_749), "only customers who opted in");
    assert_eq!(customer::Entity::find_by_id(c).one(db).await.unwrap().unwrap().balance_cents, 0);

    let charges = stripe.charges();
    assert_eq!(charges.len(), 2);
    let first = &charges[0];
    assert_eq!(first.field("amount"), Some("11498"));
    assert_eq!(first.field("currency"), Some("cad"));
    assert_eq!((first.field("confirm"), first.field("off_session")), (Some("true"), Some("true")));
    assert_eq!(first.field("customer"), Some(format!("cus_{c}").as_str()));
    assert_eq!(first.field("payment_method"), Some("pm_card_visa"), "the card saved at Stripe");
    assert_eq!(first.field("metadata[invoice_id]"), Some(older.to_string().as_str()));
    assert_eq!(first.idempotency_key.as_deref(), Some(format!("autopay-{older}-2026-11-02").as_str()));
    let recorded = payment::Entity::find().filter(payment::Column::CustomerId.eq(c)).all(db).await.unwrap();
    assert!(recorded.iter().all(|p| p.method == "card" && p.reference.starts_with("pi_test_")), "{recorded:?}");

    let again = charge(&billing, "2026-11-02").await;
    assert!(again.attempts.is_empty(), "{again:?}");
    assert_eq!(stripe.charges().len(), 2, "a re-run the same day asks Stripe for nothing");
    assert!(charge(&billing, "2026-11-03").await.attempts.is_empty(), "paid invoices are never charged again");
    assert_eq!(payments(db).await, 2);
}

#[tokio::test]
async fn a_declined_card_leaves_the_invoice_open_and_tells_the_customer_with_a_link_to_pay() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710003").await;
    let owed = issue_invoice(db, c, 10_000, day("2026-11-01")).await;
    let number = invoice::Entity::find_by_id(owed).one(db).await.unwrap().unwrap().number;
    stripe.decline_charges();

    let report = charge(&billing, "2026-11-25").await;
    assert_eq!(report.count(AttemptOutcome::Declined), 1, "{report:?}");
    assert_eq!(open_balance(db, owed).await, ("open".into(), 11_498), "still owed");
    assert_eq!(payments(db).await, 0);
    let sent = outbox::list(db, None, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    let told = &sent[0];
    assert_eq!(told.to, "gf-710003@example.ca");
    assert!(told.subject.as_deref().unwrap().contains(&number), "{:?}", told.subject);
    assert!(told.body_text.contains("Visa •••• 4242") && told.body_text.contains("114,98"), "{}", told.body_text);
    let start = told.body_text.find("https://portail.example/pay/").expect("a payment link");
    let link =
        &told.body_text[start + "https://portail.example".len()..start + "https://portail.example/pay/".len() + 64];
    let row = autopay_charge::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.outbox_message_id), ("failed", Some(told.id)));
    assert_eq!(row.payment_intent_id.as_deref(), Some("pi_test_3"), "the declined PaymentIntent is kept");

    // The link opens the invoice's payment without signing in (the app's clock is that day).
    let request = Request::get(link).body(Body::empty()).unwrap();
    let page = billing.app.clone().oneshot(request).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let body = String::from_utf8_lossy(&page.into_body().collect().await.unwrap().to_bytes()).into_owned();
    assert!(body.contains(&number) && body.contains("114,98"), "{body}");

    assert!(charge(&billing, "2026-11-25").await.attempts.is_empty(), "one try a day");
    assert_eq!(stripe.charges().len(), 1);
    for next in ["2026-11-26", "2026-11-27"] {
        assert_eq!(charge(&billing, next).await.count(AttemptOutcome::Declined), 1, "tried again on {next}");
    }
    assert!(charge(&billing, "2026-11-28").await.attempts.is_empty(), "three tries, then the customer pays");
    assert_eq!(outbox::list(db, None, 10).await.unwrap().len(), 3, "told at each failure");
}

#[tokio::test]
async fn the_webhook_and_the_run_record_one_payment_for_one_payment_intent() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710004").await;
    let owed = issue_invoice(db, c, 10_000, day("2026-11-01")).await;

    // The run charges and records; Stripe's webhook for the same PaymentIntent follows.
    assert_eq!(charge(&billing, "2026-11-02").await.count(AttemptOutcome::Paid), 1);
    let row = autopay_charge::Entity::find().one(db).await.unwrap().unwrap();
    let intent = row.payment_intent_id.clone().unwrap();
    let (status, _) = webhook(&billing, &intent_succeeded("evt_late", &intent, row.id, 11_498)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(payments(db).await, 1, "the webhook after the run adds nothing");
    assert_eq!(open_balance(db, owed).await, ("paid".into(), 0));

    // A run cut off after Stripe charged: the webhook records first, the
    // re-run asks again with the same key, gets the same PaymentIntent, adds nothing.
    let second = issue_invoice(db, c, 2_000, day("2026-11-03")).await;
    let pending = autopay_charge::ActiveModel {
        id: NotSet,
        invoice_id: Set(second),
        customer_id: Set(c),
        day: Set(day("2026-11-03")),
        amount_cents: Set(2_300),
        idempotency_key: Set(format!("autopay-{second}-2026-11-03")),
        payment_intent_id: Set(None),
        status: Set("pending".into()),
        failure: Set(String::new()),
        payment_id: Set(None),
        outbox_message_id: Set(None),
        created_at: Set(noon(day("2026-11-03"))),
        updated_at: Set(noon(day("2026-11-03"))),
    };
    let pending_id = autopay_charge::Entity::insert(pending).exec(db).await.unwrap().last_insert_id;
    let report = charge(&billing, "2026-11-03").await;
    assert_eq!(report.count(AttemptOutcome::Paid), 1, "{report:?}");
    let intent = autopay_charge::Entity::find_by_id(pending_id).one(db).await.unwrap().unwrap().payment_intent_id;
    let (status, _) = webhook(&billing, &intent_succeeded("evt_second", &intent.unwrap(), pending_id, 2_300)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(payments(db).await, 2, "one payment per PaymentIntent");
    assert_eq!(open_balance(db, second).await, ("paid".into(), 0));
    let retried = stripe
        .charges()
        .into_iter()
        .filter(|r| r.idempotency_key.as_deref() == Some(&format!("autopay-{second}-2026-11-03")))
        .count();
    assert_eq!(retried, 1);
}

#[tokio::test]
async fn the_webhook_can_record_first_and_the_run_then_adds_nothing() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710005").await;
    let owed = issue_invoice(db, c, 10_000, day("2026-11-01")).await;
    let pending = autopay_charge::ActiveModel {
        id: NotSet,
        invoice_id: Set(owed),
        customer_id: Set(c),
        day: Set(day("2026-11-02")),
        amount_cents: Set(11_498),
        idempotency_key: Set(format!("autopay-{owed}-2026-11-02")),
        payment_intent_id: Set(None),
        status: Set("pending".into()),
        failure: Set(String::new()),
        payment_id: Set(None),
        outbox_message_id: Set(None),
        created_at: Set(noon(day("2026-11-02"))),
        updated_at: Set(noon(day("2026-11-02"))),
    };
    let id = autopay_charge::Entity::insert(pending).exec(db).await.unwrap().last_insert_id;
    let (status, answer) = webhook(&billing, &intent_succeeded("evt_first", "pi_test_1", id, 11_498)).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "recorded"));
    assert_eq!(open_balance(db, owed).await, ("paid".into(), 0));
    assert!(charge(&billing, "2026-11-02").await.attempts.is_empty(), "settled: nothing to charge");
    assert!(stripe.charges().is_empty());
    assert_eq!(payments(db).await, 1);
}

#[tokio::test]
async fn a_dry_run_asks_stripe_nothing_and_a_customer_without_a_card_is_told() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710006").await;
    issue_invoice(db, c, 10_000, day("2026-11-01")).await;
    let dry = autopay::run(db, &billing.config, day("2026-11-02"), true, noon(day("2026-11-02"))).await.unwrap();
    assert_eq!(dry.count(AttemptOutcome::WouldCharge), 1);
    assert!(stripe.received().is_empty(), "a dry run asks Stripe nothing");
    assert_eq!(autopay_charge::Entity::find().count(db).await.unwrap(), 0, "and writes nothing");

    stripe.remove_cards();
    let report = charge(&billing, "2026-11-02").await;
    assert_eq!(report.count(AttemptOutcome::NoCard), 1);
    assert!(stripe.charges().is_empty());
    let told = &outbox::list(db, None, 10).await.unwrap()[0];
    assert!(told.body_text.contains("/pay/"), "{}", told.body_text);
}

#[tokio::test]
async fn the_morning_run_starts_at_six_once_a_day() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710007").await;
    issue_invoice(db, c, 10_000, day("2026-11-01")).await;
    let at = |h, m| Toronto.with_ymd_and_hms(2026, 11, 2, h, m, 0).unwrap().with_timezone(&Utc);
    assert!(schedule::tick(db, &billing.config, at(5, 59)).await.unwrap().is_none(), "not before 06:00");
    let report = schedule::tick(db, &billing.config, at(6, 0)).await.unwrap().expect("runs at 06:00");
    assert_eq!(report.count(AttemptOutcome::Paid), 1);
    assert!(schedule::tick(db, &billing.config, at(6, 1)).await.unwrap().is_none(), "once a day");
    assert_eq!(stripe.charges().len(), 1);
    let next_morning = at(6, 0).checked_add_days(Days::new(1)).unwrap();
    let report = schedule::tick(db, &billing.config, next_morning).await.unwrap().expect("the next day runs");
    assert!(report.attempts.is_empty(), "nothing left to charge");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_shows_what_it_would_charge_then_charges_once() {
    let (billing, stripe) = with_stripe().await;
    let db = &billing.db.db;
    let c = enrolled(db, "GF-710008").await;
    issue_invoice(db, c, 10_000, day("2026-11-01")).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_gigafibre"))
            .args(args)
            .current_dir(dir.path())
            .env("DATABASE_URL", billing.db.url())
            .env_remove("GIGAFIBRE_CONFIG")
            .env("GIGAFIBRE_DATA_DIR", dir.path().join("data"))
            .env("GIGAFIBRE_STRIPE_API_BASE", &stripe.base)
            .env("GIGAFIBRE_STRIPE_SECRET_KEY", "sk_test_cli")
            .env("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let dry = run(&["billing", "autopay", "--date", "2026-11-02", "--dry-run"]);
    assert!(dry.contains("GF-710008") && dry.contains("would charge 1 invoices"), "{dry}");
    assert!(stripe.received().is_empty());
    let json = run(&["billing", "autopay", "--date", "2026-11-02", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["attempts"][0]["outcome"], "paid", "{json}");
    let again = run(&["billing", "autopay", "--date", "2026-11-02"]);
    assert!(again.contains("0 paid"), "{again}");
    assert_eq!(stripe.charges().len(), 1, "charged once");
    assert_eq!(payments(db).await, 1);
}
