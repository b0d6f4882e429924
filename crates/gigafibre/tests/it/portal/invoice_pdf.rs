//! A customer downloads their own invoice as a PDF; another's is unknown.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gigafibre::i18n::Lang;
use gigafibre_db::entities::invoice;
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;

use super::{Portal, well_known};
use crate::ops::invoice_pdf::{amount, pdf_text};

async fn download(portal: &Portal, uri: &str, cookie: &str) -> (StatusCode, Vec<u8>) {
    let request = Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    (status, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn a_customer_downloads_their_own_invoice_as_a_pdf_and_no_one_elses() {
    let portal = Portal::new().await;
    let c = well_known(&portal).await;
    let cookie = portal.sign_in(c.id, c.email.as_deref().unwrap()).await;
    let theirs = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(c.id))
        .order_by_desc(invoice::Column::Id)
        .one(&portal.db.db)
        .await
        .unwrap()
        .expect("the customer has an invoice");
    let page = portal.get(&format!("/portal/invoices/{}", theirs.number), Some(&cookie)).await;
    assert!(page.body.contains(&format!("href=\"/portal/invoices/{}/pdf\"", theirs.number)), "linked from the page");

    let (status, bytes) = download(&portal, &format!("/portal/invoices/{}/pdf", theirs.number), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&bytes);
    let lang = Lang::from_code(&c.language).unwrap();
    assert!(text.contains(&theirs.number), "{text}");
    assert!(text.contains(&amount(theirs.total_cents, lang)), "{text}");

    let someone_else =
        invoice::Entity::find().filter(invoice::Column::CustomerId.ne(c.id)).one(&portal.db.db).await.unwrap().unwrap();
    let (status, _) = download(&portal, &format!("/portal/invoices/{}/pdf", someone_else.number), &cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another customer's invoice is unknown");
    let signed_out = portal.get(&format!("/portal/invoices/{}/pdf", theirs.number), None).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER, "to sign-in");
}
