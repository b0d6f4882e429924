//! `POST /webhook/stripe`: Stripe tells us a payment was made. The answer is
//! 2xx only once the payment is recorded (or the event was already
//! processed, or is one we do not act on); anything else makes Stripe retry.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::events::{Event, Outcome, process};
use super::signature::verify;
use crate::web::AppState;

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = &state.config.stripe.webhook_secret else {
        return (StatusCode::SERVICE_UNAVAILABLE, "card payments are not set up").into_response();
    };
    let now = state.clock.now();
    let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Err(error) = verify(header, &body, secret.expose(), now.timestamp()) {
        tracing::warn!(%error, "a Stripe webhook was refused");
        return (StatusCode::BAD_REQUEST, error.to_string()).into_response();
    }
    let Some(event) = Event::parse(&body) else {
        return (StatusCode::BAD_REQUEST, "not a Stripe event").into_response();
    };
    match process(&state.db, &event, now).await {
        Ok(Outcome::Recorded(payment)) => {
            tracing::info!(event = %event.id, payment, "card payment recorded");
            (StatusCode::OK, "recorded").into_response()
        }
        Ok(Outcome::AlreadyProcessed) => (StatusCode::OK, "already processed").into_response(),
        Ok(Outcome::Ignored) => (StatusCode::OK, "ignored").into_response(),
        Err(error) => {
            let id = crate::web::error_id();
            tracing::error!(error_id = %id, event = %event.id, %error, "a Stripe event could not be processed");
            (StatusCode::INTERNAL_SERVER_ERROR, format!("error {id}")).into_response()
        }
    }
}
