//! Invoices in the ops app: the list with its filters and pages, one
//! invoice with its lines, taxes and payments, and voiding a draft — never
//! an issued invoice, which a credit note corrects.

use axum::http::StatusCode;
use gigafibre::billing::money::Money;
use gigafibre::billing::payments;
use gigafibre::i18n::Lang;
use gigafibre_db::entities::{audit_entry, customer, invoice, invoice_line, payment_allocation};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::Ops;

fn fr(cents: i64) -> String {
    Money::from_cents(cents).format(Lang::Fr)
}

/// Whether a page lists the invoice numbered `number` (as a whole cell).
fn lists(body: &str, number: &str) -> bool {
    body.contains(&format!(">{number}<"))
}

async fn audited(ops: &Ops, action: &str) -> u64 {
    audit_entry::Entity::find().filter(audit_entry::Column::Action.eq(action)).count(&ops.db.db).await.unwrap()
}

async fn balance_of(ops: &Ops, id: i64) -> i64 {
    customer::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap().balance_cents
}

/// An open invoice with nothing paid or credited on it, made a draft again
/// (as a billing run leaves one before it is issued).
async fn a_draft(ops: &Ops) -> invoice::Model {
    let db = &ops.db.db;
    let open = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .order_by_desc(invoice::Column::Id)
        .all(db)
        .await
        .unwrap();
    for candidate in open {
        let shares = payment_allocation::Entity::find()
            .filter(payment_allocation::Column::InvoiceId.eq(candidate.id))
            .count(db)
            .await
            .unwrap();
        if shares == 0 && candidate.balance_cents == candidate.total_cents {
            let mut draft: invoice::ActiveModel = candidate.into();
            draft.status = Set("draft".into());
            let draft = draft.update(db).await.unwrap();
            payments::refresh_balances(db, draft.customer_id).await.unwrap();
            return draft;
        }
    }
    panic!("the demo has an open invoice with nothing paid on it")
}

#[tokio::test]
async fn the_list_shows_the_newest_first_in_pages_of_fifty_with_a_link_to_each() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let newest = invoice::Entity::find().order_by_desc(invoice::Column::Id).all(&ops.db.db).await.unwrap();
    assert!(newest.len() > 50, "the demo has more than one page of invoices");

    let first = ops.get("/ops/invoices", Some(&agent)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(lists(&first.body, &newest[0].number) && lists(&first.body, &newest[49].number));
    assert!(!lists(&first.body, &newest[50].number), "fifty a page");
    assert!(first.body.contains(&format!("href=\"/ops/invoices/{}\"", newest[0].id)), "each row opens the invoice");
    assert!(first.body.contains(&fr(newest[0].total_cents)), "totals in money format");

    let next = format!("/ops/invoices?after={}", newest[49].id);
    assert!(first.body.contains(&format!("href=\"{next}\"")), "a link to the next page");
    let second = ops.get(&next, Some(&agent)).await;
    assert!(lists(&second.body, &newest[50].number) && !lists(&second.body, &newest[49].number));
}

#[tokio::test]
async fn filters_narrow_the_list_by_status_customer_and_issue_date() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let draft = a_draft(&ops).await;
    let drafts = ops.get("/ops/invoices?status=draft", Some(&billing)).await;
    assert!(lists(&drafts.body, &draft.number) && drafts.body.contains("Brouillon"));
    assert_eq!(drafts.body.matches("href=\"/ops/invoices/").count(), 1, "only the draft");

    let owner = customer::Entity::find_by_id(draft.customer_id).one(&ops.db.db).await.unwrap().unwrap();
    let others = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.ne(owner.id))
        .order_by_desc(invoice::Column::Id)
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let by_account = ops.get(&format!("/ops/invoices?q={}", owner.account_number), Some(&billing)).await;
    assert!(lists(&by_account.body, &draft.number) && !lists(&by_account.body, &others.number));
    let by_name = ops.get(&format!("/ops/invoices?q={}", owner.last_name), Some(&billing)).await;
    assert!(lists(&by_name.body, &draft.number), "found by the customer's name");
    let by_number = ops.get(&format!("/ops/invoices?q={}", draft.number), Some(&billing)).await;
    assert!(lists(&by_number.body, &draft.number) && !lists(&by_number.body, &others.number));

    let day = draft.issue_date;
    let other_day = invoice::Entity::find()
        .filter(invoice::Column::IssueDate.ne(day))
        .one(&ops.db.db)
        .await
        .unwrap()
        .expect("invoices issued on other days");
    let that_day = ops.get(&format!("/ops/invoices?from={day}&to={day}&status=draft"), Some(&billing)).await;
    assert!(lists(&that_day.body, &draft.number));
    let dated = ops.get(&format!("/ops/invoices?from={day}&to={day}"), Some(&billing)).await;
    assert!(!lists(&dated.body, &other_day.number), "issued on another day");

    let none = ops.get("/ops/invoices?q=zzzzqqq", Some(&billing)).await;
    assert!(none.body.contains("Aucune facture ne correspond à ces filtres."));
    let unreadable = ops.get("/ops/invoices?from=hier", Some(&billing)).await;
    assert_eq!(unreadable.status, StatusCode::OK);
    assert!(unreadable.body.contains("Date illisible"), "{}", unreadable.body);
}

#[tokio::test]
async fn an_invoice_shows_its_lines_taxes_payments_and_balance() {
    let ops = Ops::new().await;
    let db = &ops.db.db;
    let share = payment_allocation::Entity::find().one(db).await.unwrap().expect("the demo has payments");
    let paid = invoice::Entity::find_by_id(share.invoice_id).one(db).await.unwrap().unwrap();
    let lines = invoice_line::Entity::find().filter(invoice_line::Column::InvoiceId.eq(paid.id)).all(db).await.unwrap();
    let owner = customer::Entity::find_by_id(paid.customer_id).one(db).await.unwrap().unwrap();

    let agent = ops.staff("agent").await;
    let page = ops.get(&format!("/ops/invoices/{}", paid.id), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&paid.number) && page.body.contains(&owner.account_number));
    assert!(page.body.contains(&format!("href=\"/ops/clients/{}\"", owner.id)), "the customer's page");
    for line in &lines {
        assert!(page.body.contains(&askama_escape(&line.description)), "line {}", line.description);
    }
    assert!(page.body.contains("TPS") && page.body.contains(&fr(paid.gst_cents)));
    assert!(page.body.contains("TVQ") && page.body.contains(&fr(paid.qst_cents)));
    assert!(page.body.contains(&fr(paid.total_cents)) && page.body.contains(&fr(share.amount_cents)));
    assert!(page.body.contains(&format!("/ops/invoices/{}/print", paid.id)), "the print view");
    assert!(!page.body.contains("/credit-note") && !page.body.contains("/refund"), "agents do not move money");

    let billing = ops.staff("billing").await;
    let as_billing = ops.get(&format!("/ops/invoices/{}", paid.id), Some(&billing)).await;
    assert!(as_billing.body.contains(&format!("/ops/invoices/{}/credit-note", paid.id)));
    assert!(as_billing.body.contains(&format!("/ops/payments/{}/refund", share.payment_id)));
    assert_eq!(ops.get("/ops/invoices/99999999", Some(&agent)).await.status, StatusCode::NOT_FOUND);
}

fn askama_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('\'', "&#39;").replace('"', "&#34;").replace('<', "&lt;").replace('>', "&gt;")
}

#[tokio::test]
async fn billing_voids_a_draft_once_confirmed_and_it_leaves_the_account() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let draft = a_draft(&ops).await;
    let owed = balance_of(&ops, draft.customer_id).await;
    let path = format!("/ops/invoices/{}/void", draft.id);

    let page = ops.get(&format!("/ops/invoices/{}", draft.id), Some(&billing)).await;
    assert!(page.body.contains(&format!("action=\"{path}\"")) && page.body.contains("Brouillon"));

    let unconfirmed = ops.post(&path, &billing, &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("Cochez la case pour confirmer"), "{}", unconfirmed.body);
    assert_eq!(invoice::Entity::find_by_id(draft.id).one(&ops.db.db).await.unwrap().unwrap().status, "draft");

    let voided = ops.post(&path, &billing, &[("confirm", "yes")]).await;
    assert_eq!(voided.status, StatusCode::SEE_OTHER, "{}", voided.body);
    assert_eq!(voided.location(), format!("/ops/invoices/{}?done=void", draft.id));
    assert_eq!(invoice::Entity::find_by_id(draft.id).one(&ops.db.db).await.unwrap().unwrap().status, "void");
    assert_eq!(balance_of(&ops, draft.customer_id).await, owed - draft.total_cents, "no longer owed");
    assert_eq!(audited(&ops, "invoice_void").await, 1);
    let shown = ops.get(voided.location(), Some(&billing)).await;
    assert!(shown.body.contains("Brouillon annulé.") && shown.body.contains("Annulée"));
    assert!(!shown.body.contains(&format!("action=\"{path}\"")), "nothing more to void");
}

#[tokio::test]
async fn an_issued_invoice_is_never_voided_and_the_refusal_points_to_a_credit_note() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let db = &ops.db.db;
    for status in ["open", "paid"] {
        let issued = invoice::Entity::find().filter(invoice::Column::Status.eq(status)).one(db).await.unwrap().unwrap();
        let owed = balance_of(&ops, issued.customer_id).await;
        let page = ops.get(&format!("/ops/invoices/{}", issued.id), Some(&billing)).await;
        assert!(!page.body.contains("/void\""), "no void form on an issued invoice");

        let refused = ops.post(&format!("/ops/invoices/{}/void", issued.id), &billing, &[("confirm", "yes")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("émettez une note de crédit"), "{}", refused.body);
        assert_eq!(invoice::Entity::find_by_id(issued.id).one(db).await.unwrap().unwrap(), issued, "unchanged");
        assert_eq!(balance_of(&ops, issued.customer_id).await, owed);
    }
    assert_eq!(audited(&ops, "invoice_void").await, 0);
}

#[tokio::test]
async fn agents_read_invoices_but_only_billing_voids() {
    let ops = Ops::new().await;
    let draft = a_draft(&ops).await;
    let agent = ops.staff("agent").await;
    let page = ops.get(&format!("/ops/invoices/{}", draft.id), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/void\""), "agents see no void form");
    let refused = ops.post(&format!("/ops/invoices/{}/void", draft.id), &agent, &[("confirm", "yes")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(invoice::Entity::find_by_id(draft.id).one(&ops.db.db).await.unwrap().unwrap().status, "draft");
    let dispatcher = ops.staff("dispatcher").await;
    assert_eq!(ops.get("/ops/invoices", Some(&dispatcher)).await.status, StatusCode::FORBIDDEN);

    let billing = ops.staff("billing").await;
    let forged = ops
        .send(
            axum::http::Method::POST,
            &format!("/ops/invoices/{}/void", draft.id),
            &[("cookie", billing.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")],
            Some("csrf=forged&confirm=yes".into()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "the form's token is required");
    assert_eq!(invoice::Entity::find_by_id(draft.id).one(&ops.db.db).await.unwrap().unwrap().status, "draft");
}
