//! A local HTTP server that answers like Stripe's API and keeps every
//! request it was sent.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::post;
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
}

async fn answer(State(shared): State<Shared>, uri: Uri, headers: HeaderMap, body: String) -> impl IntoResponse {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let received = Received {
        path: uri.path().to_owned(),
        authorization: header("authorization").unwrap_or_default(),
        idempotency_key: header("idempotency-key"),
        form: serde_urlencoded::from_str(&body).unwrap(),
    };
    let n = {
        let mut all = shared.received.lock().unwrap();
        all.push(received.clone());
        all.len()
    };
    if *shared.declining.lock().unwrap() {
        let error = json!({"error": {"type": "card_error", "message": "Your card was declined."}});
        return (StatusCode::PAYMENT_REQUIRED, error.to_string());
    }
    let body = if received.path == "/v1/refunds" {
        json!({"id": format!("re_test_{n}"), "object": "refund", "status": "succeeded",
               "amount": received.field("amount").and_then(|a| a.parse::<i64>().ok())})
    } else if received.path == "/v1/billing_portal/sessions" {
        json!({"id": format!("bps_test_{n}"), "object": "billing_portal.session",
               "url": format!("https://billing.stripe.test/p/session/bps_test_{n}")})
    } else {
        json!({"id": format!("cs_test_{n}"), "object": "checkout.session",
               "url": format!("https://checkout.stripe.test/c/pay/cs_test_{n}")})
    };
    (StatusCode::OK, body.to_string())
}
