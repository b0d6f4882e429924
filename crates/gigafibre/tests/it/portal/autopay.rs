//! Automatic payment on the portal: a customer with a saved card turns it
//! on (with the box ticked) and off; without a card the page says how to
//! save one.

use axum::http::{Method, StatusCode};
use gigafibre::clock::Clock;
use gigafibre_db::entities::{audit_entry, autopay_enrollment, stripe_customer};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

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

/// A signed-in customer: their id and cookie.
async fn signed_in(portal: &Portal) -> (i64, String) {
    let c = super::well_known(portal).await;
    let cookie = portal.sign_in(c.id, c.email.as_deref().unwrap()).await;
    (c.id, cookie)
}

async fn save_card(portal: &Portal, customer_id: i64) {
    let row = stripe_customer::ActiveModel {
        id: NotSet,
        customer_id: Set(customer_id),
        stripe_customer_id: Set("cus_saved".into()),
        created_at: Set(portal.clock.now()),
    };
    stripe_customer::Entity::insert(row).exec(&portal.db.db).await.unwrap();
}

async fn enrolled(portal: &Portal, customer_id: i64) -> Option<autopay_enrollment::Model> {
    autopay_enrollment::Entity::find()
        .filter(autopay_enrollment::Column::CustomerId.eq(customer_id))
        .one(&portal.db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_customer_with_a_saved_card_turns_automatic_payment_on_then_off() {
    let (portal, stripe) = with_stripe().await;
    let (id, cookie) = signed_in(&portal).await;
    save_card(&portal, id).await;
    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert!(dashboard.body.contains("Paiement automatique : non activé"), "the dashboard says where it stands");
    assert!(dashboard.body.contains("href=\"/portal/autopay\""));

    let page = portal.get("/portal/autopay", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("autorise Gigafibre") && page.body.contains("Activer le paiement automatique"));
    let csrf = csrf_in(&page.body);

    let unticked = portal.post_form("/portal/autopay", &[("csrf", &csrf), ("choice", "on")], Some(&cookie)).await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.body.contains("Cochez la case"), "{}", unticked.body);
    assert!(enrolled(&portal, id).await.is_none(), "no consent, no change");
    let forged = portal
        .post_form("/portal/autopay", &[("csrf", "forged"), ("choice", "on"), ("consent", "yes")], Some(&cookie))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let on = portal
        .post_form("/portal/autopay", &[("csrf", &csrf), ("choice", "on"), ("consent", "yes")], Some(&cookie))
        .await;
    assert_eq!(on.status, StatusCode::OK);
    assert!(on.body.contains("vos prochaines factures seront payées automatiquement"), "{}", on.body);
    assert!(on.body.contains("Visa •••• 4242"), "the card that will be charged");
    assert_eq!(enrolled(&portal, id).await.unwrap().card_label, "Visa •••• 4242");
    assert!(stripe.received().iter().any(|r| r.path == "/v1/customers/cus_saved"), "the card is read from Stripe");
    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert!(dashboard.body.contains("Paiement automatique : activé"));

    let english =
        [("content-type", "application/x-www-form-urlencoded"), ("cookie", cookie.as_str()), ("accept-language", "en")];
    let off = portal.send(Method::POST, "/portal/autopay", &english, Some(format!("csrf={csrf}&choice=off"))).await;
    assert_eq!(off.status, StatusCode::OK);
    assert!(off.body.contains("automatic payment is stopped"), "{}", off.body);
    assert!(enrolled(&portal, id).await.is_none());
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.is_in(["autopay_on", "autopay_off"]))
        .count(&portal.db.db)
        .await
        .unwrap();
    assert_eq!(audited, 2, "each choice is in the change log");
}

#[tokio::test]
async fn without_a_saved_card_the_page_says_how_to_save_one_and_refuses() {
    let (portal, stripe) = with_stripe().await;
    let (id, cookie) = signed_in(&portal).await;
    let page = portal.get("/portal/autopay", Some(&cookie)).await;
    assert!(page.body.contains("il faut d&#39;abord une carte enregistrée"), "{}", page.body);
    assert!(!page.body.contains("name=\"consent\""), "no form to tick without a card");
    let csrf = csrf_in(&page.body);
    let refused = portal
        .post_form("/portal/autopay", &[("csrf", &csrf), ("choice", "on"), ("consent", "yes")], Some(&cookie))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(enrolled(&portal, id).await.is_none());

    // A customer at Stripe whose cards were all removed.
    save_card(&portal, id).await;
    stripe.remove_cards();
    let refused = portal
        .post_form("/portal/autopay", &[("csrf", &csrf), ("choice", "on"), ("consent", "yes")], Some(&cookie))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Aucune carte"), "{}", refused.body);
    assert!(enrolled(&portal, id).await.is_none());
}
