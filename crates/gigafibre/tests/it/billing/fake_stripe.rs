//! A local HTTP server that answers like Stripe's API and keeps every
//! request it was sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;

/// One request as Stripe would have received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub authorization: String,
    pub idempotency_key: Option<String>,
    pub form: Vec<(String, String)>,
}

impl Received {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    declining: Arc<Mutex<bool>>,
    declining_charges: Arc<Mutex<bool>>,
    without_cards: Arc<Mutex<bool>>,
    /// Stripe answers a repeated `Idempotency-Key` with its first answer.
    replies: Arc<Mutex<HashMap<String, (StatusCode, String)>>>,
}

pub struct FakeStripe {
    pub base: String,
    shared: Shared,
}

impl FakeStripe {
    pub async fn start() -> FakeStripe {
        let shared = Shared::default();
        let app = Router::new()
            .route("/v1/checkout/sessions", post(answer))
            .route("/v1/refunds", post(answer))
            .route("/v1/billing_portal/sessions", post(answer))
            .route("/v1/payment_intents", post(answer))
            .route("/v1/customers/{id}", get(answer))
            .route("/v1/customers/{id}/payment_methods", get(answer))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeStripe { base, shared }
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// From now on every call is refused as Stripe refuses a declined card.
    pub fn decline(&self) {
        *self.shared.declining.lock().unwrap() = true;
    }

    /// From now on off-session charges are declined (other calls work).
    pub fn decline_charges(&self) {
        *self.shared.declining_charges.lock().unwrap() = true;
    }

    /// From now on customers have no saved card.
    pub fn remove_cards(&self) {
        *self.shared.without_cards.lock().unwrap() = true;
    }

    /// The off-session charges Stripe was asked for.
    pub fn charges(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.path == "/v1/payment_intents").collect()
    }
}

async fn answer(State(shared): State<Shared>, uri: Uri, headers: HeaderMap, body: String) -> impl IntoResponse {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let form_text = if body.is_empty() { uri.query().unwrap_or_default().to_owned() } else { body };
    let received = Received {
        path: uri.path().to_owned(),
        authorization: header("authorization").unwrap_or_default(),
        idempotency_key: header("idempotency-key"),
        form: serde_urlencoded::from_str(&form_text).unwrap(),
    };
    let n = {
        let mut all = shared.received.lock().unwrap();
        all.push(received.clone());
        all.len()
    };
    if let Some(key) = &received.idempotency_key
        && let Some(reply) = shared.replies.lock().unwrap().get(key)
    {
        return reply.clone();
    }
    let reply = reply(&shared, &received, n);
    if let Some(key) = received.idempotency_key {
        shared.replies.lock().unwrap().insert(key, reply.clone());
    }
    reply
}

fn reply(shared: &Shared, received: &Received, n: usize) -> (StatusCode, String) {
    let declined = json!({"error": {"type": "card_error", "message": "Your card was declined."}});
    if *shared.declining.lock().unwrap() {
        return (StatusCode::PAYMENT_REQUIRED, declined.to_string());
    }
    let path = received.path.as_str();
    let body = if path == "/v1/refunds" {
        json!({"id": format!("re_test_{n}"), "object": "refund", "status": "succeeded",
               "amount": received.field("amount").and_then(|a| a.parse::<i64>().ok())})
    } else if path == "/v1/billing_portal/sessions" {
        json!({"id": format!("bps_test_{n}"), "object": "billing_portal.session",
               "url": format!("https://billing.stripe.test/p/session/bps_test_{n}")})
    } else if path == "/v1/payment_intents" {
        let intent = format!("pi_test_{n}");
        if *shared.declining_charges.lock().unwrap() {
            let error = json!({"error": {"type": "card_error", "code": "card_declined",
                "message": "Your card was declined.",
                "payment_intent": {"id": intent, "status": "requires_payment_method"}}});
            return (StatusCode::PAYMENT_REQUIRED, error.to_string());
        }
        json!({"id": intent, "object": "payment_intent", "status": "succeeded", "currency": "cad",
               "amount": received.field("amount").and_then(|a| a.parse::<i64>().ok())})
    } else if path.ends_with("/payment_methods") {
        let cards = if *shared.without_cards.lock().unwrap() {
            json!([])
        } else {
            json!([{"id": "pm_card_visa", "object": "payment_method", "card": {"brand": "visa", "last4": "4242"}}])
        };
        json!({"object": "list", "data": cards})
    } else if path.starts_with("/v1/customers/") {
        json!({"id": path.trim_start_matches("/v1/customers/"), "object": "customer",
               "invoice_settings": {"default_payment_method": null}})
    } else {
        json!({"id": format!("cs_test_{n}"), "object": "checkout.session",
               "url": format!("https://checkout.stripe.test/c/pay/cs_test_{n}")})
    };
    (StatusCode::OK, body.to_string())
}
