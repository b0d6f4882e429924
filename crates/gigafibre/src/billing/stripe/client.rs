//! A narrow client for the Stripe calls we make: a Checkout session
//! (`POST /v1/checkout/sessions`), a refund (`POST /v1/refunds`) and a
//! Billing Portal session where a customer manages their saved cards
//! (`POST /v1/billing_portal/sessions`), form encoded, with the secret key
//! as a bearer token.

use std::time::Duration;

use crate::billing::money::Money;
use crate::config::{Secret, StripeSettings};
use crate::i18n::Lang;

const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    #[error("card payments are not set up (GIGAFIBRE_STRIPE_SECRET_KEY)")]
    NotConfigured,
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
    #[error("Stripe answered {status}: {message}")]
    Refused { status: u16, message: String },
    #[error("Stripe's answer lacks {0}")]
    Malformed(&'static str),
}

/// What a Checkout session is for.
#[derive(Clone, Debug)]
pub struct CheckoutRequest {
    pub customer_id: i64,
    /// The invoice paid, or `None` for the whole balance.
    pub invoice_id: Option<i64>,
    pub amount: Money,
    /// The line the customer reads on Stripe's page.
    pub description: String,
    pub email: Option<String>,
    /// The customer's customer at Stripe, once they have paid by card: the
    /// page then offers their saved cards and to save a new one.
    pub stripe_customer: Option<String>,
    pub lang: Lang,
    pub success_url: String,
    pub cancel_url: String,
}

/// A session the customer is sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

pub struct StripeClient {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) key: Secret,
}

impl StripeClient {
    /// The client for `settings`; card payments need the secret key.
    pub fn from_settings(settings: &StripeSettings) -> Result<StripeClient, StripeError> {
        let key = settings.secret_key.clone().ok_or(StripeError::NotConfigured)?;
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| StripeError::Unreachable(error.to_string()))?;
        Ok(StripeClient { http, base: settings.api_base.as_str().trim_end_matches('/').to_owned(), key })
    }

    /// A hosted payment page for one amount in Canadian dollars. Which
    /// methods it offers (card, Klarna…) is set in Stripe's dashboard. The
    /// metadata comes back in the webhook and says what the money is for.
    pub async fn create_checkout_session(&self, request: &CheckoutRequest) -> Result<CheckoutSession, StripeError> {
        let customer = request.customer_id.to_string();
        let amount = request.amount.cents().to_string();
        let invoice = request.invoice_id.map(|id| id.to_string());
        let mut form: Vec<(&str, &str)> = vec![
            ("mode", "payment"),
            ("success_url", &request.success_url),
            ("cancel_url", &request.cancel_url),
            ("client_reference_id", &customer),
            ("locale", request.lang.code()),
            ("line_items[0][quantity]", "1"),
            ("line_items[0][price_data][currency]", "cad"),
            ("line_items[0][price_data][unit_amount]", &amount),
            ("line_items[0][price_data][product_data][name]", &request.description),
            ("metadata[customer_id]", &customer),
            ("payment_intent_data[metadata][customer_id]", &customer),
        ];
        if let Some(invoice) = &invoice {
            form.push(("metadata[invoice_id]", invoice));
            form.push(("payment_intent_data[metadata][invoice_id]", invoice));
        }
        match &request.stripe_customer {
            Some(customer) => {
                form.push(("customer", customer));
                form.push(("saved_payment_method_options[payment_method_save]", "enabled"));
            }
            None => {
                form.push(("customer_creation", "always"));
                if let Some(email) = &request.email {
                    form.push(("customer_email", email));
                }
            }
        }
        let answer = self.post("/v1/checkout/sessions", &form, None).await?;
        Ok(CheckoutSession { id: field(&answer, "id")?, url: field(&answer, "url")? })
    }

    /// Gives back `amount` of a card payment. The same `idempotency_key`
    /// sent twice makes one refund. Returns Stripe's refund id.
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        let amount = amount.cents().to_string();
        let form = [("payment_intent", payment_intent), ("amount", amount.as_str())];
        let answer = self.post("/v1/refunds", &form, Some(idempotency_key)).await?;
        field(&answer, "id")
    }

    /// A Stripe-hosted page where the customer sees, adds and removes the
    /// cards they saved; Stripe links back to `return_url`. Returns its address.
    pub async fn billing_portal(&self, stripe_customer: &str, return_url: &str) -> Result<String, StripeError> {
        let form = [("customer", stripe_customer), ("return_url", return_url)];
        let answer = self.post("/v1/billing_portal/sessions", &form, None).await?;
        field(&answer, "url")
    }

    pub(super) async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
        idempotency_key: Option<&str>,
    ) -> Result<serde_json::Value, StripeError> {
        let (status, value) = self.post_answer(path, form, idempotency_key).await?;
        if !status.is_success() {
            return Err(refusal(status, &value));
        }
        Ok(value)
    }

    /// Posts and returns Stripe's answer whatever its status: a declined
    /// charge still names its PaymentIntent.
    pub(super) async fn post_answer(
        &self,
        path: &str,
        form: &[(&str, &str)],
        idempotency_key: Option<&str>,
    ) -> Result<(reqwest::StatusCode, serde_json::Value), StripeError> {
        let mut request = self.http.post(format!("{}{path}", self.base)).bearer_auth(self.key.expose()).form(form);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        read(request).await
    }

    /// Reads `path` with a query string.
    pub(super) async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<serde_json::Value, StripeError> {
        let request = self.http.get(format!("{}{path}", self.base)).bearer_auth(self.key.expose()).query(query);
        let (status, value) = read(request).await?;
        if !status.is_success() {
            return Err(refusal(status, &value));
        }
        Ok(value)
    }
}

async fn read(request: reqwest::RequestBuilder) -> Result<(reqwest::StatusCode, serde_json::Value), StripeError> {
    let response = request.send().await.map_err(|error| StripeError::Unreachable(error.without_url().to_string()))?;
    let status = response.status();
    let body = response.text().await.map_err(|error| StripeError::Unreachable(error.to_string()))?;
    let value = serde_json::from_str(&body)
        .unwrap_or_else(|_| serde_json::json!({ "raw": body.chars().take(200).collect::<String>() }));
    Ok((status, value))
}

fn refusal(status: reqwest::StatusCode, value: &serde_json::Value) -> StripeError {
    let message = value["error"]["message"].as_str().or(value["raw"].as_str()).unwrap_or_default().to_owned();
    StripeError::Refused { status: status.as_u16(), message }
}

pub(super) fn field(answer: &serde_json::Value, name: &'static str) -> Result<String, StripeError> {
    answer[name].as_str().map(str::to_owned).ok_or(StripeError::Malformed(name))
}
