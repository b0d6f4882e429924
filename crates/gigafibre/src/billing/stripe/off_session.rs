//! Charging a saved card while the customer is away (automatic payment):
//! which card Stripe keeps for a customer, and an off-session PaymentIntent
//! confirmed at once (`POST /v1/payment_intents`, `confirm=true`,
//! `off_session=true`).

use super::client::{StripeClient, StripeError, field};
use crate::billing::money::Money;

/// A card saved at Stripe, as the customer knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedCard {
    /// Stripe's `pm_…`.
    pub id: String,
    /// `Visa •••• 4242`.
    pub label: String,
}

/// One invoice to charge to a saved card.
#[derive(Clone, Debug)]
pub struct OffSessionCharge<'a> {
    pub stripe_customer: &'a str,
    pub card: &'a str,
    pub amount: Money,
    pub description: &'a str,
    pub customer_id: i64,
    pub invoice_id: i64,
    /// Our charge row, which the webhook finds again from the metadata.
    pub charge_id: i64,
}

/// What Stripe did with a charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded {
        payment_intent: String,
    },
    /// Not settled yet: the webhook will say.
    Processing {
        payment_intent: String,
    },
    /// Declined, or the bank wants the customer there to approve it.
    Declined {
        payment_intent: Option<String>,
        reason: String,
    },
}

impl StripeClient {
    /// The card Stripe charges for `stripe_customer`: their default one,
    /// else the first they saved. `None` when they saved none.
    pub async fn saved_card(&self, stripe_customer: &str) -> Result<Option<SavedCard>, StripeError> {
        let path = format!("/v1/customers/{stripe_customer}");
        let customer = self.get(&path, &[("expand[]", "invoice_settings.default_payment_method")]).await?;
        let default = &customer["invoice_settings"]["default_payment_method"];
        if default.is_object() {
            return Ok(card_of(default));
        }
        let listed = self.get(&format!("{path}/payment_methods"), &[("type", "card"), ("limit", "1")]).await?;
        Ok(listed["data"].get(0).and_then(card_of))
    }

    /// Charges `charge.amount` to the saved card now. The same
    /// `idempotency_key` sent again returns the first answer: one charge.
    pub async fn charge_off_session(
        &self,
        charge: &OffSessionCharge<'_>,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, StripeError> {
        let amount = charge.amount.cents().to_string();
        let (customer_id, invoice_id, charge_id) =
            (charge.customer_id.to_string(), charge.invoice_id.to_string(), charge.charge_id.to_string());
        let form = [
            ("amount", amount.as_str()),
            ("currency", "cad"),
            ("customer", charge.stripe_customer),
            ("payment_method", charge.card),
            ("confirm", "true"),
            ("off_session", "true"),
            ("description", charge.description),
            ("metadata[customer_id]", &customer_id),
            ("metadata[invoice_id]", &invoice_id),
            ("metadata[autopay_charge]", &charge_id),
        ];
        let (status, answer) = self.post_answer("/v1/payment_intents", &form, Some(idempotency_key)).await?;
        if status.is_success() {
            let payment_intent = field(&answer, "id")?;
            return Ok(match answer["status"].as_str() {
                Some("succeeded") => ChargeOutcome::Succeeded { payment_intent },
                Some("processing") => ChargeOutcome::Processing { payment_intent },
                other => ChargeOutcome::Declined {
                    payment_intent: Some(payment_intent),
                    reason: other.unwrap_or("unknown").to_owned(),
                },
            });
        }
        let error = &answer["error"];
        if status.is_client_error() && error["type"] == "card_error" {
            let payment_intent = error["payment_intent"]["id"].as_str().map(str::to_owned);
            let reason = error["message"].as_str().unwrap_or("declined").to_owned();
            return Ok(ChargeOutcome::Declined { payment_intent, reason });
        }
        let message = error["message"].as_str().unwrap_or_default().to_owned();
        Err(StripeError::Refused { status: status.as_u16(), message })
    }
}

fn card_of(method: &serde_json::Value) -> Option<SavedCard> {
    let id = method["id"].as_str()?.to_owned();
    let card = &method["card"];
    let brand = card["brand"].as_str().unwrap_or("card");
    let label = format!("{} •••• {}", capitalised(brand), card["last4"].as_str().unwrap_or("????"));
    Some(SavedCard { id, label })
}

fn capitalised(word: &str) -> String {
    let mut letters = word.chars();
    letters.next().map(|first| first.to_uppercase().chain(letters).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_reads_as_its_brand_and_last_digits() {
        let method = serde_json::json!({"id": "pm_1", "card": {"brand": "visa", "last4": "4242"}});
        assert_eq!(card_of(&method), Some(SavedCard { id: "pm_1".into(), label: "Visa •••• 4242".into() }));
        assert_eq!(card_of(&serde_json::json!({"card": {}})), None, "no id, no card");
    }
}
