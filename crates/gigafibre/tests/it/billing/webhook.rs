//! `POST /webhook/stripe` with events signed as Stripe signs them: a paid
//! Checkout session becomes one payment, whatever is forged, altered, stale
//! or delivered twice.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use gigafibre::billing::stripe::sign;
use gigafibre::clock::Clock;
use gigafibre_db::entities::{customer, invoice, payment, stripe_customer, stripe_event};
use http_body_util::BodyExt;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use tower::ServiceExt;

use super::{Billing, issue_invoice, new_customer};

const SECRET: &str = "whsec_test_secret";

fn paid_session(event_id: &str, customer_id: i64, invoice_id: Option<i64>, cents: i64) -> String {
    let mut metadata = json!({"customer_id": customer_id.to_string()});
    if let Some(invoice) = invoice_id {
        metadata["invoice_id"] = json!(invoice.to_string());
    }
    json!({
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": {
            "id": "cs_test_1",
            "object": "checkout.session",
            "amount_total": cents,
            "currency": "cad",
            "payment_status": "paid",
            "payment_intent": format!("pi_{event_id}"),
            "customer": format!("cus_{customer_id}"),
            "metadata": metadata,
        }},
    })
    .to_string()
}

async fn post(billing: &Billing, body: &str, signature: &str) -> (StatusCode, String) {
    let request = Request::post("/webhook/stripe")
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = billing.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn payments(billing: &Billing) -> u64 {
    payment::Entity::find().count(&billing.db.db).await.unwrap()
}

#[tokio::test]
async fn a_signed_paid_session_records_one_payment_on_the_invoice_it_names() {
    let billing = Billing::new(&[("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", SECRET)]).await;
    let db = &billing.db.db;
    let c = new_customer(db, "GF-700001").await;
    let older = issue_invoice(db, c, 10000, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()).await;
    let chosen = issue_invoice(db, c, 5000, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()).await;
    let body = paid_session("evt_paid_1", c, Some(chosen), 5749);
    let now = billing.clock.now().timestamp();

    let (status, answer) = post(&billing, &body, &sign(SECRET, now, body.as_bytes())).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "recorded"));
    let chosen = invoice::Entity::find_by_id(chosen).one(db).await.unwrap().unwrap();
    assert_eq!(chosen.status, "paid", "the invoice the customer paid");
    let older = invoice::Entity::find_by_id(older).one(db).await.unwrap().unwrap();
    assert_eq!(older.status, "open");
    let paid = payment::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!((paid.method.as_str(), paid.reference.as_str(), paid.amount_cents), ("card", "pi_evt_paid_1", 5749));
    assert_eq!(customer::Entity::find_by_id(c).one(db).await.unwrap().unwrap().balance_cents, 11498);
    let at_stripe = stripe_customer::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!(
        (at_stripe.customer_id, at_stripe.stripe_customer_id),
        (c, format!("cus_{c}")),
        "saved cards live there"
    );

    // Stripe delivers again (it does, at least once): nothing more happens.
    let later = now + 60;
    let (status, answer) = post(&billing, &body, &sign(SECRET, later, body.as_bytes())).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "already processed"));
    assert_eq!(payments(&billing).await, 1, "the same event twice is one payment");
    assert_eq!(stripe_event::Entity::find().count(db).await.unwrap(), 1);
}

#[tokio::test]
async fn the_same_event_delivered_twice_at_once_is_one_payment() {
    let billing = Billing::new(&[("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", SECRET)]).await;
    let c = new_customer(&billing.db.db, "GF-700004").await;
    let body = paid_session("evt_twice", c, None, 2500);
    let header = sign(SECRET, billing.clock.now().timestamp(), body.as_bytes());
    let (first, second) = tokio::join!(post(&billing, &body, &header), post(&billing, &body, &header));
    // The loser of the race either sees the event done or fails and is retried by Stripe.
    assert!(first.0 == StatusCode::OK || second.0 == StatusCode::OK, "{first:?} {second:?}");
    assert_eq!(payments(&billing).await, 1);
    let (status, answer) = post(&billing, &body, &header).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "already processed"));
}

#[tokio::test]
async fn forged_altered_stale_and_unsigned_events_are_refused_and_change_nothing() {
    let billing = Billing::new(&[("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", SECRET)]).await;
    let db = &billing.db.db;
    let c = new_customer(db, "GF-700002").await;
    let body = paid_session("evt_forged", c, None, 5000);
    let now = billing.clock.now().timestamp();

    let wrong_secret = sign("whsec_someone_else", now, body.as_bytes());
    assert_eq!(post(&billing, &body, &wrong_secret).await.0, StatusCode::BAD_REQUEST);

    let altered = body.replace("5000", "500000");
    assert_ne!(altered, body);
    assert_eq!(post(&billing, &altered, &sign(SECRET, now, body.as_bytes())).await.0, StatusCode::BAD_REQUEST);

    let stale = sign(SECRET, now - 301, body.as_bytes());
    assert_eq!(post(&billing, &body, &stale).await.0, StatusCode::BAD_REQUEST, "older than five minutes");

    let v0_only = sign(SECRET, now, body.as_bytes()).replace("v1=", "v0=");
    assert_eq!(post(&billing, &body, &v0_only).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(post(&billing, &body, "").await.0, StatusCode::BAD_REQUEST);

    assert_eq!(payments(&billing).await, 0);
    assert_eq!(stripe_event::Entity::find().count(db).await.unwrap(), 0, "a refused event is not marked processed");

    // The genuine one, 300 s old, still goes through.
    let (status, _) = post(&billing, &body, &sign(SECRET, now - 300, body.as_bytes())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(payments(&billing).await, 1);
    assert_eq!(customer::Entity::find_by_id(c).one(db).await.unwrap().unwrap().balance_cents, -5000, "paid ahead");
}

#[tokio::test]
async fn events_we_do_not_act_on_are_acknowledged_and_an_unset_secret_refuses_all() {
    let billing = Billing::new(&[("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", SECRET)]).await;
    let c = new_customer(&billing.db.db, "GF-700003").await;
    let now = billing.clock.now().timestamp();
    let unpaid = paid_session("evt_unpaid", c, None, 1000).replace("\"paid\"", "\"unpaid\"");
    let (status, answer) = post(&billing, &unpaid, &sign(SECRET, now, unpaid.as_bytes())).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, "ignored"), "a session not paid yet records nothing");
    let other = json!({"id": "evt_other", "type": "customer.created", "data": {"object": {}}}).to_string();
    assert_eq!(post(&billing, &other, &sign(SECRET, now, other.as_bytes())).await.0, StatusCode::OK);
    assert_eq!(payments(&billing).await, 0);

    let unset = Billing::new(&[]).await;
    let body = paid_session("evt_x", c, None, 1000);
    assert_eq!(post(&unset, &body, &sign(SECRET, now, body.as_bytes())).await.0, StatusCode::SERVICE_UNAVAILABLE);
}
