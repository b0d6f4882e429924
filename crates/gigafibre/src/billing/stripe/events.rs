//! What a verified Stripe event does: a paid Checkout session becomes a card
//! payment, allocated as its metadata says; an automatic payment's
//! PaymentIntent settles its charge (once, whether or not the run already
//! recorded it). Each event id is processed once,
//! in the same transaction as the payment it records.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{customer, stripe_customer, stripe_event};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::billing::autopay;
use crate::billing::money::Money;
use crate::billing::payments::{self, Method, NewPayment, PaymentError, Target};

/// The parts of an event we read.
#[derive(Clone, Debug)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub object: serde_json::Value,
}

impl Event {
    /// Reads a webhook body; `None` when it is not an event.
    pub fn parse(body: &[u8]) -> Option<Event> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let id = value["id"].as_str().filter(|id| !id.is_empty())?.to_owned();
        let kind = value["type"].as_str()?.to_owned();
        Some(Event { id, kind, object: value["data"]["object"].clone() })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A payment was recorded under this id.
    Recorded(i64),
    /// The event was processed before: nothing changed.
    AlreadyProcessed,
    /// An event we do not act on (kept so that a retry is not looked at again).
    Ignored,
}

/// A payment a Checkout session says was made.
struct Paid {
    customer_id: i64,
    invoice_id: Option<i64>,
    amount: Money,
    reference: String,
    /// Stripe's `cus_…` the session paid under, which keeps saved cards.
    stripe_customer: Option<String>,
}

/// Processes one event: the payment and the record of the event commit
/// together or not at all.
pub async fn process(db: &DatabaseConnection, event: &Event, now: DateTime<Utc>) -> Result<Outcome, PaymentError> {
    let txn = crate::db::begin_write(db).await?;
    let seen = stripe_event::Entity::find().filter(stripe_event::Column::EventId.eq(&event.id)).one(&txn).await?;
    if seen.is_some() {
        return Ok(Outcome::AlreadyProcessed);
    }
    let paid = match paid_session(event) {
        Some(paid) if customer::Entity::find_by_id(paid.customer_id).one(&txn).await?.is_some() => Some(paid),
        Some(paid) => {
            tracing::error!(event = %event.id, customer = paid.customer_id, "a Stripe payment names no known customer");
            None
        }
        None => None,
    };
    let payment_id = match (paid, autopay_charge(event)) {
        (Some(paid), _) => Some(record(&txn, &event.id, paid, now).await?),
        (None, Some(charge)) => settle_autopay(&txn, event, charge, now).await?,
        (None, None) => None,
    };
    let row = stripe_event::ActiveModel {
        id: NotSet,
        event_id: Set(event.id.clone()),
        event_type: Set(event.kind.clone()),
        payment_id: Set(payment_id),
        received_at: Set(now),
    };
    stripe_event::Entity::insert(row).exec_without_returning(&txn).await?;
    txn.commit().await?;
    Ok(payment_id.map_or(Outcome::Ignored, Outcome::Recorded))
}

/// The automatic payment charge a PaymentIntent event is about.
fn autopay_charge(event: &Event) -> Option<i64> {
    let about_intent = matches!(event.kind.as_str(), "payment_intent.succeeded" | "payment_intent.payment_failed");
    about_intent.then(|| autopay::charge_of(&event.object)).flatten()
}

/// An automatic payment Stripe settled after the run asked: recorded once,
/// whoever sees it first; a late failure frees the invoice for the next try.
async fn settle_autopay<C: sea_orm::ConnectionTrait>(
    txn: &C,
    event: &Event,
    charge: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, PaymentError> {
    let intent = &event.object;
    let id = intent["id"].as_str().unwrap_or_default();
    if event.kind == "payment_intent.payment_failed" {
        let reason = intent["last_payment_error"]["message"].as_str().unwrap_or("payment failed");
        autopay::mark_failed(txn, charge, Some(id), reason, now).await?;
        return Ok(None);
    }
    let cad = intent["currency"].as_str().is_some_and(|c| c.eq_ignore_ascii_case("cad"));
    let received = intent["amount_received"].as_i64().filter(|cents| *cents > 0);
    match received.filter(|_| cad && !id.is_empty()) {
        Some(cents) => autopay::settle(txn, charge, id, Money::from_cents(cents), now).await,
        None => {
            tracing::error!(event = %event.id, "an automatic payment event without CAD amount was not recorded");
            Ok(None)
        }
    }
}

/// A Checkout session whose money has arrived: `checkout.session.completed`
/// once paid, or `checkout.session.async_payment_succeeded` for methods that
/// settle later.
fn paid_session(event: &Event) -> Option<Paid> {
    let session = &event.object;
    let settled = match event.kind.as_str() {
        "checkout.session.completed" => session["payment_status"] == "paid",
        "checkout.session.async_payment_succeeded" => true,
        _ => false,
    };
    if !settled {
        return None;
    }
    if !session["currency"].as_str().is_some_and(|c| c.eq_ignore_ascii_case("cad")) {
        tracing::error!(event = %event.id, "a Stripe payment in a currency other than CAD was not recorded");
        return None;
    }
    let metadata = &session["metadata"];
    let customer_id = metadata["customer_id"].as_str()?.parse().ok()?;
    let amount = Money::from_cents(session["amount_total"].as_i64().filter(|cents| *cents > 0)?);
    let reference = session["payment_intent"].as_str().or(session["id"].as_str()).unwrap_or_default().to_owned();
    let invoice_id = metadata["invoice_id"].as_str().and_then(|id| id.parse().ok());
    let stripe_customer = session["customer"].as_str().filter(|id| id.starts_with("cus_")).map(str::to_owned);
    Some(Paid { customer_id, invoice_id, amount, reference, stripe_customer })
}

async fn record<C: sea_orm::ConnectionTrait>(
    txn: &C,
    event_id: &str,
    paid: Paid,
    now: DateTime<Utc>,
) -> Result<i64, PaymentError> {
    let new = |target| NewPayment {
        customer_id: paid.customer_id,
        amount: paid.amount,
        method: Method::Card,
        reference: paid.reference.clone(),
        received_at: now,
        target,
    };
    let recorded = match paid.invoice_id {
        // The invoice was settled some other way meanwhile: the money still counts.
        Some(invoice) => match payments::record(txn, new(Target::Invoices(vec![invoice])), now).await {
            Err(PaymentError::UnknownInvoice) => payments::record(txn, new(Target::OldestFirst), now).await?,
            other => other?,
        },
        None => payments::record(txn, new(Target::OldestFirst), now).await?,
    };
    if let Some(stripe_id) = &paid.stripe_customer {
        remember_stripe_customer(txn, paid.customer_id, stripe_id, now).await?;
    }
    let actor = Actor { kind: "system", id: None, label: "Stripe".to_owned() };
    let change = Change {
        action: "payment_record",
        entity: "customer",
        entity_id: Some(paid.customer_id),
        before: json!(null),
        after: json!({
            "payment": recorded.payment_id,
            "amount": paid.amount.to_string(),
            "method": Method::Card.code(),
            "reference": paid.reference,
            "stripe_event": event_id,
        }),
    };
    audit::record(txn, &actor, change, now).await?;
    Ok(recorded.payment_id)
}

/// Keeps the first Stripe customer a customer paid under: their saved cards
/// live there.
async fn remember_stripe_customer<C: sea_orm::ConnectionTrait>(
    txn: &C,
    customer_id: i64,
    stripe_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let known = stripe_customer::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(stripe_customer::Column::CustomerId.eq(customer_id))
                .add(stripe_customer::Column::StripeCustomerId.eq(stripe_id)),
        )
        .one(txn)
        .await?;
    if known.is_none() {
        let row = stripe_customer::ActiveModel {
            id: NotSet,
            customer_id: Set(customer_id),
            stripe_customer_id: Set(stripe_id.to_owned()),
            created_at: Set(now),
        };
        stripe_customer::Entity::insert(row).exec_without_returning(txn).await?;
    }
    Ok(())
}
