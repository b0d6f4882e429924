//! The Stripe client against a local server that answers like Stripe.

use gigafibre::billing::money::Money;
use gigafibre::billing::stripe::{CheckoutRequest, StripeClient, StripeError};
use gigafibre::config::Config;
use gigafibre::i18n::Lang;

use super::fake_stripe::FakeStripe;

fn client(stripe: &FakeStripe) -> StripeClient {
    let base = stripe.base.clone();
    let config = Config::load_from(None, &move |name| match name {
        "GIGAFIBRE_STRIPE_API_BASE" => Some(base.clone()),
        "GIGAFIBRE_STRIPE_SECRET_KEY" => Some("sk_test_key".to_owned()),
        _ => None,
    })
    .unwrap();
    StripeClient::from_settings(&config.stripe).unwrap()
}

#[tokio::test]
async fn a_checkout_session_for_one_invoice_carries_amount_metadata_and_return_addresses() {
    let stripe = FakeStripe::start().await;
    let request = CheckoutRequest {
        customer_id: 42,
        invoice_id: Some(7),
        amount: Money::from_cents(11498),
        description: "Facture F-0000007".into(),
        email: Some("camille@example.ca".into()),
        stripe_customer: None,
        lang: Lang::Fr,
        success_url: "http://127.0.0.1:8080/portal/payment/success".into(),
        cancel_url: "http://127.0.0.1:8080/portal/payment/cancel".into(),
    };
    let session = client(&stripe).create_checkout_session(&request).await.unwrap();
    assert_eq!(session.url, "https://checkout.stripe.test/c/pay/cs_test_1");
    let sent = &stripe.received()[0];
    assert_eq!(sent.path, "/v1/checkout/sessions");
    assert_eq!(sent.authorization, "Bearer sk_test_key");
    assert_eq!(sent.field("mode"), Some("payment"));
    assert_eq!(sent.field("line_items[0][price_data][unit_amount]"), Some("11498"));
    assert_eq!(sent.field("line_items[0][price_data][currency]"), Some("cad"));
    assert_eq!(sent.field("metadata[customer_id]"), Some("42"));
    assert_eq!(sent.field("metadata[invoice_id]"), Some("7"));
    assert_eq!(sent.field("locale"), Some("fr"));
    assert_eq!(sent.field("success_url"), Some("http://127.0.0.1:8080/portal/payment/success"));
    assert_eq!(sent.field("customer_creation"), Some("always"), "a first card payment makes a Stripe customer");
    assert_eq!(sent.field("customer_email"), Some("camille@example.ca"));

    // Once known at Stripe, the customer's saved cards are offered, and saving one.
    let known = CheckoutRequest { stripe_customer: Some("cus_42".into()), ..request };
    client(&stripe).create_checkout_session(&known).await.unwrap();
    let sent = &stripe.received()[1];
    assert_eq!(sent.field("customer"), Some("cus_42"));
    assert_eq!(sent.field("saved_payment_method_options[payment_method_save]"), Some("enabled"));
    assert_eq!((sent.field("customer_creation"), sent.field("customer_email")), (None, None));

    let portal = client(&stripe).billing_portal("cus_42", "http://127.0.0.1:8080/portal").await.unwrap();
    assert_eq!(portal, "https://billing.stripe.test/p/session/bps_test_3");
    let sent = &stripe.received()[2];
    assert_eq!(sent.path, "/v1/billing_portal/sessions");
    assert_eq!(
        (sent.field("customer"), sent.field("return_url")),
        (Some("cus_42"), Some("http://127.0.0.1:8080/portal"))
    );
}

#[tokio::test]
async fn a_refund_names_the_payment_and_a_refusal_says_why() {
    let stripe = FakeStripe::start().await;
    let client = client(&stripe);
    let id = client.refund("pi_123", Money::from_cents(1000), "refund-1-0-1000").await.unwrap();
    assert_eq!(id, "re_test_1");
    let sent = &stripe.received()[0];
    assert_eq!(
        (sent.path.as_str(), sent.field("payment_intent"), sent.field("amount")),
        ("/v1/refunds", Some("pi_123"), Some("1000"))
    );
    assert_eq!(sent.idempotency_key.as_deref(), Some("refund-1-0-1000"));

    stripe.decline();
    match client.refund("pi_123", Money::from_cents(1000), "refund-1-1000-1000").await {
        Err(StripeError::Refused { status, message }) => {
            assert_eq!((status, message.as_str()), (402, "Your card was declined."))
        }
        other => panic!("refused: {other:?}"),
    }
    let nowhere = Config::load_from(None, &|name| match name {
        "GIGAFIBRE_STRIPE_API_BASE" => Some("http://127.0.0.1:9".to_owned()),
        "GIGAFIBRE_STRIPE_SECRET_KEY" => Some("sk".to_owned()),
        _ => None,
    })
    .unwrap();
    let unreachable =
        StripeClient::from_settings(&nowhere.stripe).unwrap().refund("pi", Money::from_cents(1), "k").await;
    assert!(matches!(unreachable, Err(StripeError::Unreachable(_))));
    let unset = Config::load_from(None, &|_| None).unwrap();
    assert!(matches!(StripeClient::from_settings(&unset.stripe), Err(StripeError::NotConfigured)));
}
