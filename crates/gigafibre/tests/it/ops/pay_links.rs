//! Payment links: staff send one for an invoice or a balance by SMS or
//! e-mail; the customer opens it without signing in, and its button opens
//! a Stripe Checkout for what is owed; refused once paid or expired.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use gigafibre::billing::money::Money;
use gigafibre::billing::pay_links::LIFETIME_DAYS;
use gigafibre::billing::payments::{self, Method as PaymentMethod, NewPayment, Target};
use gigafibre::clock::Clock;
use gigafibre_db::entities::{audit_entry, customer, invoice, outbox_message, payment_link};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::Ops;
use crate::billing::fake_stripe::FakeStripe;

async fn with_stripe() -> (Ops, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let ops = Ops::with_env(vec![
        ("GIGAFIBRE_STRIPE_API_BASE", stripe.base.clone()),
        ("GIGAFIBRE_STRIPE_SECRET_KEY", "sk_test_links".to_owned()),
        ("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", "whsec_links".to_owned()),
    ])
    .await;
    (ops, stripe)
}

/// An open invoice whose customer has an e-mail and a cell.
async fn owed_invoice(ops: &Ops) -> (invoice::Model, customer::Model) {
    let open = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .order_by_asc(invoice::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap();
    for candidate in open {
        let c = customer::Entity::find_by_id(candidate.customer_id).one(&ops.db.db).await.unwrap().unwrap();
        if c.email.is_some() && c.cell.is_some() {
            return (candidate, c);
        }
    }
    panic!("the demo has an open invoice of a customer with an e-mail and a cell")
}

async fn last_message(ops: &Ops) -> outbox_message::Model {
    outbox_message::Entity::find().order_by_desc(outbox_message::Column::Id).one(&ops.db.db).await.unwrap().unwrap()
}

/// `/pay/<token>` from a message.
fn link_in(text: &str) -> String {
    let start = text.find("/pay/").expect("a payment link");
    text[start..start + "/pay/".len() + 64].to_owned()
}

#[tokio::test]
async fn an_agent_texts_a_link_that_opens_checkout_for_the_invoice_without_signing_in() {
    let (ops, stripe) = with_stripe().await;
    let agent = ops.staff("agent").await;
    let (owed, c) = owed_invoice(&ops).await;
    let detail = ops.get(&format!("/ops/invoices/{}", owed.id), Some(&agent)).await;
    assert!(detail.body.contains(&format!("/ops/invoices/{}/payment-link", owed.id)), "the invoice page links to it");

    let path = format!("/ops/invoices/{}/payment-link", owed.id);
    let form = ops.get(&path, Some(&agent)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Envoyer un lien de paiement") && form.body.contains(&owed.number));
    assert!(form.body.contains("value=\"sms\"") && form.body.contains("value=\"email\""));

    let sent = ops.post(&path, &agent, &[("channel", "sms")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.location(), format!("{path}?sent=sms"));
    let confirmed = ops.get(sent.location(), Some(&agent)).await;
    assert!(
        confirmed.body.contains("Lien de paiement envoyé à") && confirmed.body.contains(c.cell.as_deref().unwrap())
    );
    let sms = last_message(&ops).await;
    assert_eq!((sms.channel.as_str(), sms.recipient.as_str()), ("sms", c.cell.as_deref().unwrap()));
    assert!(sms.body_text.contains(&owed.number), "{}", sms.body_text);
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("payment_link_send"))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    let stored = payment_link::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let link = link_in(&sms.body_text);
    assert!(!stored.token_hash.contains(&link[5..]), "only the token's hash is kept");

    // Scanners open links: GET and HEAD change nothing and reach no one.
    for _ in 0..3 {
        assert_eq!(ops.get(&link, None).await.status, StatusCode::OK);
        assert_eq!(ops.send(Method::HEAD, &link, &[], None).await.status, StatusCode::OK);
    }
    assert!(stripe.received().is_empty());
    let page = ops.get(&link, None).await;
    assert!(
        page.body.contains(&owed.number)
            && page.body.contains(&Money::from_cents(owed.balance_cents).format(gigafibre::i18n::Lang::Fr))
    );

    let pay = ops
        .send(Method::POST, &link, &[("content-type", "application/x-www-form-urlencoded")], Some(String::new()))
        .await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER);
    assert!(pay.location().starts_with("https://checkout.stripe.test/"), "{}", pay.location());
    let checkout = &stripe.received()[0];
    assert_eq!(checkout.field("metadata[invoice_id]"), Some(owed.id.to_string().as_str()));
    assert_eq!(checkout.field("line_items[0][price_data][unit_amount]"), Some(owed.balance_cents.to_string().as_str()));
    assert!(checkout.field("cancel_url").unwrap().ends_with(&link), "back to the link's page");
    let forged = ops.send(Method::POST, &link, &[("origin", "https://evil.example")], None).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "a form from another site");

    // Once paid, the link is refused.
    let paid = NewPayment {
        customer_id: c.id,
        amount: Money::from_cents(owed.balance_cents),
        method: PaymentMethod::Cash,
        reference: String::new(),
        received_at: ops.clock.now(),
        target: Target::Invoices(vec![owed.id]),
    };
    payments::record(&ops.db.db, paid, ops.clock.now()).await.unwrap();
    let refused = ops.get(&link, None).await;
    assert_eq!(refused.status, StatusCode::GONE);
    assert!(refused.body.contains("Rien à payer"), "{}", refused.body);
    let again = ops.send(Method::POST, &link, &[], None).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(stripe.received().len(), 1, "no second Checkout");
}

#[tokio::test]
async fn a_balance_link_by_email_works_for_seven_days_and_then_is_refused() {
    let (ops, _stripe) = with_stripe().await;
    let billing = ops.staff("billing").await;
    let (_, c) = owed_invoice(&ops).await;
    let client = ops.get(&format!("/ops/clients/{}", c.id), Some(&billing)).await;
    assert!(client.body.contains(&format!("/ops/clients/{}/payment-link", c.id)), "the customer page links to it");
    let path = format!("/ops/clients/{}/payment-link", c.id);
    let unchosen = ops.post(&path, &billing, &[]).await;
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchosen.body.contains("Choisissez comment envoyer le lien"));
    let sent = ops.post(&path, &billing, &[("channel", "email")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let email = last_message(&ops).await;
    let to = c.billing_email.clone().or(c.email.clone()).unwrap();
    assert_eq!((email.channel.as_str(), email.recipient.as_str()), ("email", to.as_str()));
    assert!(email.subject.as_deref().unwrap().contains("solde"), "{:?}", email.subject);
    let link = link_in(&email.body_text);
    let english = ops.send(Method::GET, &link, &[("accept-language", "en")], None).await;
    assert!(english.body.contains("Account balance") && english.body.contains("Pay by card"), "{}", english.body);

    ops.clock.advance(Duration::days(LIFETIME_DAYS) - Duration::seconds(1));
    assert_eq!(ops.get(&link, None).await.status, StatusCode::OK, "still valid on its last second");
    ops.clock.advance(Duration::seconds(1));
    let expired = ops.get(&link, None).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("Lien expiré"));
}

#[tokio::test]
async fn only_agents_and_billing_send_links_with_a_token_and_nothing_owed_sends_nothing() {
    let (ops, _stripe) = with_stripe().await;
    let (owed, _) = owed_invoice(&ops).await;
    let path = format!("/ops/invoices/{}/payment-link", owed.id);
    let dispatcher = ops.staff("dispatcher").await;
    assert_eq!(ops.get(&path, Some(&dispatcher)).await.status, StatusCode::FORBIDDEN);
    let agent = ops.staff("agent").await;
    let forged = ops
        .send(
            Method::POST,
            &path,
            &[("content-type", "application/x-www-form-urlencoded"), ("cookie", agent.cookie.as_str())],
            Some("csrf=forged&channel=sms".into()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let paid =
        invoice::Entity::find().filter(invoice::Column::Status.eq("paid")).one(&ops.db.db).await.unwrap().unwrap();
    let page = ops.get(&format!("/ops/invoices/{}/payment-link", paid.id), Some(&agent)).await;
    assert!(page.body.contains("Rien n&#39;est dû"), "{}", page.body);
    let refused = ops.post(&format!("/ops/invoices/{}/payment-link", paid.id), &agent, &[("channel", "email")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(payment_link::Entity::find().count(&ops.db.db).await.unwrap(), 0, "nothing sent");
    assert_eq!(ops.get("/pay/not-a-token", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(ops.get(&format!("/pay/{}", "a".repeat(64)), None).await.status, StatusCode::NOT_FOUND);
}
