//! The printable invoice: in the customer's language, with the provider's
//! tax registration numbers, for staff and for the customer it belongs to.

use axum::http::StatusCode;
use gigafibre::clock::Clock;
use gigafibre_db::entities::{customer, invoice};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::Ops;

fn settings() -> Vec<(&'static str, String)> {
    vec![
        ("GIGAFIBRE_COMPANY_NAME", "Gigafibre inc.".to_owned()),
        ("GIGAFIBRE_COMPANY_ADDRESS", "1200, rue Principale; Granby QC J2G 8C8".to_owned()),
        ("GIGAFIBRE_GST_NUMBER", "123456789 RT0001".to_owned()),
        ("GIGAFIBRE_QST_NUMBER", "1234567890 TQ0001".to_owned()),
    ]
}

async fn newest_invoice_of(ops: &Ops, language: &str) -> (customer::Model, invoice::Model) {
    let customers = customer::Entity::find().filter(customer::Column::Language.eq(language)).all(&ops.db.db).await;
    for c in customers.unwrap() {
        let found = invoice::Entity::find()
            .filter(invoice::Column::CustomerId.eq(c.id))
            .order_by_desc(invoice::Column::IssueDate)
            .one(&ops.db.db)
            .await
            .unwrap();
        if let Some(found) = found {
            return (c, found);
        }
    }
    panic!("the demo has an invoice for a customer who reads {language}");
}

#[tokio::test]
async fn staff_print_an_invoice_in_the_customers_language_with_the_tax_numbers() {
    let ops = Ops::with_env(settings()).await;
    let agent = ops.staff("agent").await;
    let (julie, issued) = newest_invoice_of(&ops, "fr").await;
    let page = ops.get(&format!("/ops/invoices/{}/print", issued.id), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        format!("Facture {}", issued.number),
        "Gigafibre inc.".to_owned(),
        "Granby QC J2G 8C8".to_owned(),
        "No de TPS : 123456789 RT0001".to_owned(),
        "No de TVQ : 1234567890 TQ0001".to_owned(),
        format!("{} {}", julie.first_name, julie.last_name),
        julie.account_number.clone(),
        "TVQ (9,975 %)".to_owned(),
        gigafibre::billing::money::Money::from_cents(issued.total_cents).format(gigafibre::i18n::Lang::Fr),
        format!("/portal/invoices/{}", issued.number),
    ] {
        assert!(page.body.contains(&escaped(&expected)), "{expected:?} in {}", page.body);
    }
    let client = ops.get(&format!("/ops/clients/{}", julie.id), Some(&agent)).await;
    assert!(client.body.contains(&format!("href=\"/ops/invoices/{}/print\"", issued.id)), "linked from the client");

    let (english, theirs) = newest_invoice_of(&ops, "en").await;
    let page = ops.get(&format!("/ops/invoices/{}/print", theirs.id), Some(&agent)).await;
    assert!(page.body.contains("GST No.: 123456789 RT0001") && page.body.contains("Balance due"), "{}", page.body);
    assert!(page.body.contains(&english.account_number));
    assert_eq!(ops.get("/ops/invoices/999999/print", Some(&agent)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(ops.get(&format!("/ops/invoices/{}/print", issued.id), None).await.location(), "/ops/sign-in");
}

#[tokio::test]
async fn a_customer_prints_their_own_invoices_and_no_one_elses() {
    let ops = Ops::with_env(settings()).await;
    let (julie, hers) = newest_invoice_of(&ops, "fr").await;
    let (_, not_hers) = newest_invoice_of(&ops, "en").await;
    let session = gigafibre::auth::session::start_customer(&ops.db.db, julie.id, ops.clock.now(), None).await.unwrap();
    let cookie = format!("gigafibre_session={}", session.cookie_value);
    let headers = [("cookie", cookie.as_str())];
    let own =
        ops.send(axum::http::Method::GET, &format!("/portal/invoices/{}/print", hers.number), &headers, None).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(&format!("Facture {}", hers.number)) && own.body.contains("No de TVQ"));
    let other = format!("/portal/invoices/{}/print", not_hers.number);
    assert_eq!(ops.send(axum::http::Method::GET, &other, &headers, None).await.status, StatusCode::NOT_FOUND);
    let page = ops.send(axum::http::Method::GET, &format!("/portal/invoices/{}", hers.number), &headers, None).await;
    assert!(page.body.contains(&format!("href=\"/portal/invoices/{}/print\"", hers.number)), "linked from the portal");
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('\'', "&#39;").replace('"', "&quot;")
}
