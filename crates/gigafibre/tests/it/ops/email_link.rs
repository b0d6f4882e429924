//! The staff sign-in link by e-mail, for installs without an identity
//! provider: the same answer for any address, limits, one use.

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use gigafibre::ops::staff;
use gigafibre_db::entities::{outbox_message, staff as staff_table};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::sso::deactivate;

#[tokio::test]
async fn without_a_provider_the_sign_in_page_offers_only_the_link_by_e_mail() {
    let ops = super::Ops::new().await;
    let page = ops.get("/ops/sign-in", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/ops/sso/start"));
    assert!(page.body.contains("action=\"/ops/sign-in/email\"") && page.body.contains("envoyer un lien"));
    assert_eq!(ops.get("/ops/sso/start", None).await.status, StatusCode::NOT_FOUND);
}

async fn ask_for_link(ops: &super::Ops, email: &str, origin: Option<&str>) -> super::Answer {
    let body = serde_urlencoded::to_string([("email", email)]).unwrap();
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(origin) = origin {
        headers.push(("origin", origin));
    }
    ops.send(Method::POST, "/ops/sign-in/email", &headers, Some(body)).await
}

async fn outbox_to(ops: &super::Ops, address: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find().filter(outbox_message::Column::Recipient.eq(address)).all(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn a_member_of_staff_gets_a_link_by_e_mail_that_works_once() {
    let ops = super::Ops::new().await;
    let asked = ask_for_link(&ops, " Agent@Gigafibre.demo ", Some("http://127.0.0.1:8080")).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("un lien valide 10 minutes vient"), "{}", asked.body);
    let sent = outbox_to(&ops, "agent@gigafibre.demo").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].subject.as_deref(), Some("Votre lien de connexion à l'espace du personnel Gigafibre"));
    assert!(sent[0].body_text.contains("Antoine Agent") && sent[0].body_text.contains("10 minutes"));
    let token = sent[0].body_text.split("/ops/auth?token=").nth(1).unwrap()[..64].to_owned();

    let opened = ops.get(&format!("/ops/auth?token={token}"), None).await;
    assert_eq!(opened.status, StatusCode::OK, "opening the link only shows a button");
    let form = format!("token={token}");
    let form_headers = [("content-type", "application/x-www-form-urlencoded")];
    let signed_in = ops.send(Method::POST, "/ops/auth", &form_headers, Some(form.clone())).await;
    assert_eq!((signed_in.status, signed_in.location()), (StatusCode::SEE_OTHER, "/ops"));
    let again = ops.send(Method::POST, "/ops/auth", &form_headers, Some(form)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the link works once");

    ops.clock.advance(Duration::minutes(1));
    ask_for_link(&ops, "agent@gigafibre.demo", None).await;
    let newest = outbox_to(&ops, "agent@gigafibre.demo").await.pop().unwrap();
    let late_token = newest.body_text.split("/ops/auth?token=").nth(1).unwrap()[..64].to_owned();
    ops.clock.advance(staff::LINK_LIFETIME + Duration::seconds(1));
    let late = ops.send(Method::POST, "/ops/auth", &form_headers, Some(format!("token={late_token}"))).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "ten minutes and a second is too late");
}

#[tokio::test]
async fn an_unknown_or_deactivated_address_gets_the_same_answer_and_no_message() {
    let ops = super::Ops::new().await;
    let billing = staff_table::Entity::find()
        .filter(staff_table::Column::Email.eq("billing@gigafibre.demo"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    deactivate(&ops.db, billing.id).await;
    let known = ask_for_link(&ops, "dispatch@gigafibre.demo", None).await;
    let unknown = ask_for_link(&ops, "nobody@gigafibre.demo", None).await;
    let deactivated = ask_for_link(&ops, "billing@gigafibre.demo", None).await;
    let shape = |answer: &super::Answer, typed: &str| answer.body.replace(typed, "EMAIL");
    for (other, typed) in [(&unknown, "nobody@gigafibre.demo"), (&deactivated, "billing@gigafibre.demo")] {
        assert_eq!(other.status, known.status);
        assert_eq!(shape(other, typed), shape(&known, "dispatch@gigafibre.demo"), "the same page");
        let names = |a: &super::Answer| a.headers.keys().map(|k| k.as_str().to_owned()).collect::<Vec<_>>();
        assert_eq!(names(other), names(&known), "the same headers");
    }
    assert_eq!(outbox_to(&ops, "dispatch@gigafibre.demo").await.len(), 1);
    assert!(outbox_to(&ops, "nobody@gigafibre.demo").await.is_empty());
    assert!(outbox_to(&ops, "billing@gigafibre.demo").await.is_empty());
}

#[tokio::test]
async fn link_requests_are_limited_per_address_and_refused_from_other_sites() {
    let ops = super::Ops::new().await;
    for _ in 0..3 {
        assert_eq!(ask_for_link(&ops, "admin@gigafibre.demo", None).await.status, StatusCode::OK);
    }
    let fourth = ask_for_link(&ops, "ADMIN@gigafibre.demo", None).await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS, "the same address written another way");
    assert!(fourth.headers.get(header::RETRY_AFTER).is_some());
    assert!(fourth.body.contains("Trop de demandes pour cette adresse"), "{}", fourth.body);
    assert_eq!(outbox_to(&ops, "admin@gigafibre.demo").await.len(), 3);
    assert_eq!(ask_for_link(&ops, "agent@gigafibre.demo", None).await.status, StatusCode::OK, "another address");
    ops.clock.advance(Duration::minutes(15));
    assert_eq!(ask_for_link(&ops, "admin@gigafibre.demo", None).await.status, StatusCode::OK, "the window passed");

    // From one network address, many addresses: the wider limit holds too.
    for i in 0..29 {
        ask_for_link(&ops, &format!("guess{i}@gigafibre.demo"), None).await;
    }
    assert_eq!(ask_for_link(&ops, "other@gigafibre.demo", None).await.status, StatusCode::TOO_MANY_REQUESTS);

    let cross_site = ask_for_link(&ops, "agent@gigafibre.demo", Some("https://evil.example")).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let invalid = ask_for_link(&ops, "not an address", None).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.body.contains("Entrez une adresse courriel complète"));
}
