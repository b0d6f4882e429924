//! Paying online from the portal: the buttons open a Stripe Checkout page
//! for the right amount, and the pages Stripe returns to take the customer
//! back where they were — through sign-in if their session ended.

use axum::http::StatusCode;
use gigafibre::clock::Clock;
use gigafibre_db::entities::{customer, invoice, stripe_customer};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Portal, csrf_in};
use crate::billing::fake_stripe::FakeStripe;

async fn with_stripe() -> (Portal, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let portal = Portal::with_env(vec![
        ("GIGAFIBRE_STRIPE_API_BASE", stripe.base.clone()),
        ("GIGAFIBRE_STRIPE_SECRET_KEY", "sk_test_portal".to_owned()),
        ("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", "whsec_portal".to_owned()),
    ])
    .await;
    (portal, stripe)
}

/// A customer who owes something, with an open invoice, signed in.
async fn owing(portal: &Portal) -> (customer::Model, invoice::Model, String) {
    let open = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .order_by_asc(invoice::Column::Id)
        .all(&portal.db.db)
        .await
        .unwrap();
    for candidate in open {
        let c = customer::Entity::find_by_id(candidate.customer_id).one(&portal.db.db).await.unwrap().unwrap();
        if let Some(email) = c.email.clone().filter(|_| c.balance_cents > 0 && c.cell.is_some()) {
            let cookie = portal.sign_in(c.id, &email).await;
            return (c, candidate, cookie);
        }
    }
    panic!("the demo has a customer who owes, with an e-mail and a cell");
}

#[tokio::test]
async fn pay_my_balance_opens_checkout_for_the_balance_and_returns_to_the_dashboard() {
    let (portal, stripe) = with_stripe().await;
    let (c, _, cookie) = owing(&portal).await;
    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert!(dashboard.body.contains("Payer mon solde"), "the button shows when something is owed");
    let csrf = csrf_in(&dashboard.body);

    let answer = portal.post_form("/portal/pay", &[("csrf", &csrf), ("back", "/portal")], Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "https://checkout.stripe.test/c/pay/cs_test_1", "off to Stripe's page");
    let sent = &stripe.received()[0];
    assert_eq!(sent.field("line_items[0][price_data][unit_amount]"), Some(c.balance_cents.to_string().as_str()));
    assert_eq!(sent.field("metadata[customer_id]"), Some(c.id.to_string().as_str()));
    assert_eq!(sent.field("metadata[invoice_id]"), None, "the whole balance, no one invoice");
    let public = portal.config.public_url.as_str().trim_end_matches('/').to_owned();
    assert_eq!(sent.field("success_url"), Some(format!("{public}/portal/payment/success?back=%2Fportal").as_str()));
    assert_eq!(sent.field("cancel_url"), Some(format!("{public}/portal/payment/cancel?back=%2Fportal").as_str()));

    let back = portal.get("/portal/payment/success?back=%2Fportal", Some(&cookie)).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("Merci, votre paiement est reçu") && back.body.contains("href=\"/portal\""));
    let cancelled = portal.get("/portal/payment/cancel?back=https%3A%2F%2Fevil.example", Some(&cookie)).await;
    assert!(cancelled.body.contains("Paiement annulé") && cancelled.body.contains("href=\"/portal\""));
    assert!(!cancelled.body.contains("evil.example"), "the way back stays in the portal");

    // Stripe returns after the session ended: sign in, then back to this page.
    let signed_out = portal.get("/portal/payment/success?back=%2Fportal", None).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert!(
        signed_out.location().starts_with("/portal/sign-in?next=%2Fportal%2Fpayment%2Fsuccess"),
        "{}",
        signed_out.location()
    );
}

#[tokio::test]
async fn pay_this_invoice_charges_what_it_owes_and_only_for_the_customers_own_invoice() {
    let (portal, stripe) = with_stripe().await;
    let (c, owed, cookie) = owing(&portal).await;
    let page = portal.get(&format!("/portal/invoices/{}", owed.number), Some(&cookie)).await;
    assert!(page.body.contains("Payer cette facture"));
    let csrf = csrf_in(&page.body);
    let back = format!("/portal/invoices/{}", owed.number);

    let answer = portal
        .post_form("/portal/pay", &[("csrf", &csrf), ("invoice", &owed.number), ("back", &back)], Some(&cookie))
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let sent = &stripe.received()[0];
    assert_eq!(sent.field("line_items[0][price_data][unit_amount]"), Some(owed.balance_cents.to_string().as_str()));
    assert_eq!(sent.field("metadata[invoice_id]"), Some(owed.id.to_string().as_str()));
    assert!(sent.field("success_url").unwrap().ends_with(&format!("back=%2Fportal%2Finvoices%2F{}", owed.number)));

    let theirs =
        invoice::Entity::find().filter(invoice::Column::CustomerId.ne(c.id)).one(&portal.db.db).await.unwrap().unwrap();
    let refused = portal.post_form("/portal/pay", &[("csrf", &csrf), ("invoice", &theirs.number)], Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "another customer's invoice is unknown");
    let forged = portal.post_form("/portal/pay", &[("csrf", "forged"), ("invoice", &owed.number)], Some(&cookie)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let paid = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(c.id))
        .filter(invoice::Column::Status.eq("paid"))
        .one(&portal.db.db)
        .await
        .unwrap();
    if let Some(paid) = paid {
        let nothing =
            portal.post_form("/portal/pay", &[("csrf", &csrf), ("invoice", &paid.number)], Some(&cookie)).await;
        assert!(nothing.body.contains("Rien à payer"));
    }
    assert_eq!(stripe.received().len(), 1, "nothing else reached Stripe");
}

#[tokio::test]
async fn without_stripe_there_is_no_button_and_paying_says_so() {
    let portal = Portal::new().await;
    let (_, owed, cookie) = owing(&portal).await;
    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert!(!dashboard.body.contains("/portal/pay"), "no button while card payments are off");
    let page = portal.get(&format!("/portal/invoices/{}", owed.number), Some(&cookie)).await;
    assert!(!page.body.contains("/portal/pay"));
    let csrf = csrf_in(&dashboard.body);
    let english =
        [("content-type", "application/x-www-form-urlencoded"), ("cookie", cookie.as_str()), ("accept-language", "en")];
    let body = format!("csrf={csrf}&back=%2Fportal");
    let answer = portal.send(axum::http::Method::POST, "/portal/pay", &english, Some(body)).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.body.contains("Online payment unavailable"), "{}", answer.body);
}

#[tokio::test]
async fn a_customer_who_paid_by_card_manages_saved_cards_on_stripe() {
    let (portal, stripe) = with_stripe().await;
    let (c, _, cookie) = owing(&portal).await;
    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert!(!dashboard.body.contains("/portal/cards"), "no saved cards before a first card payment");
    let csrf = csrf_in(&dashboard.body);
    let unknown = portal.post_form("/portal/cards", &[("csrf", &csrf)], Some(&cookie)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let row = stripe_customer::ActiveModel {
        id: NotSet,
        customer_id: Set(c.id),
        stripe_customer_id: Set("cus_saved".into()),
        created_at: Set(portal.clock.now()),
    };
    stripe_customer::Entity::insert(row).exec(&portal.db.db).await.unwrap();
    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert!(dashboard.body.contains("Gérer mes cartes enregistrées"));
    let forged = portal.post_form("/portal/cards", &[("csrf", "forged")], Some(&cookie)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let answer = portal.post_form("/portal/cards", &[("csrf", &csrf)], Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "https://billing.stripe.test/p/session/bps_test_1");
    let sent = &stripe.received()[0];
    let public = portal.config.public_url.as_str().trim_end_matches('/').to_owned();
    assert_eq!(
        (sent.field("customer"), sent.field("return_url")),
        (Some("cus_saved"), Some(format!("{public}/portal").as_str()))
    );

    // Paying again offers the saved cards.
    portal.post_form("/portal/pay", &[("csrf", &csrf), ("back", "/portal")], Some(&cookie)).await;
    assert_eq!(stripe.received()[1].field("customer"), Some("cus_saved"));
}
