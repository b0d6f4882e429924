//! The invoice as a PDF for staff: a file that parses, in the customer's
//! language, with the number, the total and the tax registration numbers;
//! only for staff who read receivables.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gigafibre::billing::money::Money;
use gigafibre::i18n::Lang;
use gigafibre_db::entities::{customer, invoice};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;

use super::{Member, Ops};

/// The text of every page of a PDF, which must parse; no-break spaces
/// read as spaces.
pub fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF that parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(!pages.is_empty());
    doc.extract_text(&pages).expect("text that reads").replace('\u{a0}', " ")
}

/// An amount as the PDF's text reads it.
pub fn amount(cents: i64, lang: Lang) -> String {
    Money::from_cents(cents).format(lang).replace('\u{a0}', " ")
}

async fn download(ops: &Ops, uri: &str, who: &Member) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(uri).header("cookie", who.cookie.as_str()).body(Body::empty()).unwrap();
    let response = ops.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, kind, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn newest_of(ops: &Ops, language: &str) -> (customer::Model, invoice::Model) {
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
async fn staff_download_the_pdf_in_the_customers_language_with_number_total_and_tax_numbers() {
    let ops = Ops::with_env(vec![
        ("GIGAFIBRE_COMPANY_NAME", "Gigafibre inc.".to_owned()),
        ("GIGAFIBRE_GST_NUMBER", "123456789 RT0001".to_owned()),
        ("GIGAFIBRE_QST_NUMBER", "1234567890 TQ0001".to_owned()),
    ])
    .await;
    let agent = ops.staff("agent").await;
    let (_, french) = newest_of(&ops, "fr").await;
    let page = ops.get(&format!("/ops/invoices/{}", french.id), Some(&agent)).await;
    assert!(page.body.contains(&format!("href=\"/ops/invoices/{}/pdf\"", french.id)), "linked from the invoice page");

    let (status, kind, bytes) = download(&ops, &format!("/ops/invoices/{}/pdf", french.id), &agent).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    for expected in [
        format!("Facture {}", french.number),
        "Gigafibre inc.".to_owned(),
        "No de TPS : 123456789 RT0001".to_owned(),
        "No de TVQ : 1234567890 TQ0001".to_owned(),
        "TVQ (9,975 %)".to_owned(),
        amount(french.total_cents, Lang::Fr),
    ] {
        assert!(text.contains(&expected), "{expected:?} in {text}");
    }

    let (_, english) = newest_of(&ops, "en").await;
    let (_, _, bytes) = download(&ops, &format!("/ops/invoices/{}/pdf", english.id), &agent).await;
    let text = pdf_text(&bytes);
    assert!(text.contains(&format!("Invoice {}", english.number)), "{text}");
    assert!(text.contains(&amount(english.total_cents, Lang::En)) && text.contains("GST No.:"), "{text}");

    let dispatcher = ops.staff("dispatcher").await;
    let (status, _, _) = download(&ops, &format!("/ops/invoices/{}/pdf", french.id), &dispatcher).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "receivables only");
    let (status, _, _) = download(&ops, "/ops/invoices/999999999/pdf", &agent).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
