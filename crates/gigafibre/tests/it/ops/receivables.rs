//! Receivables in the ops app: recording a payment, refunding one (by hand
//! and through Stripe), crediting an invoice, the statement and the aging
//! report — every change audited and behind the form's token.

use axum::http::StatusCode;
use chrono::NaiveDate;
use gigafibre::billing::money::Money;
use gigafibre::billing::payments::{self, Method, NewPayment, Target};
use gigafibre::i18n::Lang;
use gigafibre_db::entities::{audit_entry, credit_note, customer, invoice, payment, refund};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::Ops;
use crate::billing::fake_stripe::FakeStripe;

fn fr(cents: i64) -> String {
    Money::from_cents(cents).format(Lang::Fr)
}

/// A demo customer with open invoices, and those invoices oldest first.
async fn owing_customer(ops: &Ops) -> (customer::Model, Vec<invoice::Model>) {
    let db = &ops.db.db;
    let first = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .order_by_asc(invoice::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("the demo has unpaid invoices");
    let open = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(first.customer_id))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .order_by_asc(invoice::Column::DueDate)
        .order_by_asc(invoice::Column::Id)
        .all(db)
        .await
        .unwrap();
    (customer::Entity::find_by_id(first.customer_id).one(db).await.unwrap().unwrap(), open)
}

async fn balance_of(ops: &Ops, id: i64) -> i64 {
    customer::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap().balance_cents
}

async fn audited(ops: &Ops, action: &str) -> u64 {
    audit_entry::Entity::find().filter(audit_entry::Column::Action.eq(action)).count(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn billing_records_a_cheque_on_the_oldest_invoice_and_the_statement_shows_it() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let (c, open) = owing_customer(&ops).await;
    let client_page = ops.get(&format!("/ops/clients/{}", c.id), Some(&billing)).await;
    assert!(client_page.body.contains(&format!("/ops/clients/{}/payments/new", c.id)), "the client page offers it");

    let form = ops.get(&format!("/ops/clients/{}/payments/new", c.id), Some(&billing)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&open[0].number) && form.body.contains("Chèque"), "open invoices and methods");

    let oldest = open[0].balance_cents;
    let typed = format!("{},{:02}", oldest / 100, oldest % 100);
    let answer = ops
        .post(
            &format!("/ops/clients/{}/payments/new", c.id),
            &billing,
            &[
                ("method", "cheque"),
                ("amount", &typed),
                ("reference", "#4512"),
                ("received_on", "2026-11-24"),
                ("allocation", "oldest"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), format!("/ops/clients/{}/statement?done=payment", c.id));
    let settled = invoice::Entity::find_by_id(open[0].id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(settled.status, "paid");
    assert_eq!(balance_of(&ops, c.id).await, c.balance_cents - oldest);
    let paid = payment::Entity::find().order_by_desc(payment::Column::Id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!((paid.method.as_str(), paid.reference.as_str()), ("cheque", "#4512"));
    assert_eq!(audited(&ops, "payment_record").await, 1);

    let statement = ops.get(answer.location(), Some(&billing)).await;
    assert!(statement.body.contains("Paiement enregistré."), "{}", statement.body);
    assert!(statement.body.contains("Chèque · #4512"));
    assert!(statement.body.contains(&format!("\">{}</span>", fr(balance_of(&ops, c.id).await))), "ends at the balance");
    assert!(statement.body.contains(&format!("/ops/payments/{}/refund", paid.id)));

    // An agent reads the statement but is offered no money action.
    let agent = ops.staff("agent").await;
    let read = ops.get(&format!("/ops/clients/{}/statement", c.id), Some(&agent)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("/refund") && !read.body.contains("/payments/new"));
}

#[tokio::test]
async fn a_bad_payment_form_says_what_to_fix_and_records_nothing() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let (c, open) = owing_customer(&ops).await;
    let path = format!("/ops/clients/{}/payments/new", c.id);
    let before = payment::Entity::find().count(&ops.db.db).await.unwrap();
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("method", "cash"), ("amount", "douze"), ("received_on", "2026-11-24")], "Montant illisible"),
        (&[("method", "cash"), ("amount", "0"), ("received_on", "2026-11-24")], "plus grand que zéro"),
        (&[("method", "cash"), ("amount", "10"), ("received_on", "2026-12-24")], "dans le futur"),
        (&[("method", "bitcoin"), ("amount", "10"), ("received_on", "2026-11-24")], "Choisissez le mode"),
        (
            &[("method", "cash"), ("amount", "10"), ("received_on", "2026-11-24"), ("allocation", "chosen")],
            "Cochez au moins",
        ),
    ];
    for (form, words) in cases {
        let answer = ops.post(&path, &billing, form).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(answer.body.contains(words), "{words}: {form:?}");
    }
    // Another customer's invoice cannot be chosen.
    let other =
        invoice::Entity::find().filter(invoice::Column::CustomerId.ne(c.id)).one(&ops.db.db).await.unwrap().unwrap();
    let id = other.id.to_string();
    let answer = ops
        .post(
            &path,
            &billing,
            &[
                ("method", "cash"),
                ("amount", "10"),
                ("received_on", "2026-11-24"),
                ("allocation", "chosen"),
                ("invoices", &id),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the form's token: refused.
    let forged = ops
        .send(
            axum::http::Method::POST,
            &path,
            &[("content-type", "application/x-www-form-urlencoded"), ("cookie", &billing.cookie)],
            Some("csrf=wrong&method=cash&amount=10&received_on=2026-11-24".into()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(payment::Entity::find().count(&ops.db.db).await.unwrap(), before);
    assert_eq!(balance_of(&ops, c.id).await, c.balance_cents);
    assert!(!open.is_empty());

    // Chosen invoices, in English.
    let newest = open.last().unwrap();
    let id = newest.id.to_string();
    let english = [("cookie", billing.cookie.as_str()), ("accept-language", "en")];
    let page = ops.send(axum::http::Method::GET, &path, &english, None).await;
    assert!(page.body.contains("Record a payment") && page.body.contains("Interac e-Transfer"));
    let answer = ops
        .post(
            &path,
            &billing,
            &[
                ("method", "interac"),
                ("amount", "5.00"),
                ("received_on", "2026-11-25"),
                ("allocation", "chosen"),
                ("invoices", &id),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let after = invoice::Entity::find_by_id(newest.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(after.balance_cents, newest.balance_cents - 500, "the chosen invoice, not the oldest");
}

#[tokio::test]
async fn a_refund_needs_a_confirmation_and_reopens_what_it_took_back() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let (c, open) = owing_customer(&ops).await;
    let txn = gigafibre::db::begin_write(&ops.db.db).await.unwrap();
    let new = NewPayment {
        customer_id: c.id,
        amount: Money::from_cents(open[0].balance_cents),
        method: Method::Cash,
        reference: String::new(),
        received_at: super::start_of_test(),
        target: Target::OldestFirst,
    };
    let paid = payments::record(&txn, new, super::start_of_test()).await.unwrap();
    txn.commit().await.unwrap();
    let path = format!("/ops/payments/{}/refund", paid.payment_id);

    let page = ops.get(&path, Some(&billing)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Je confirme ce remboursement"));
    let unconfirmed = ops.post(&path, &billing, &[("amount", "10,00"), ("reason", "erreur")]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("Cochez la case"));
    let too_much = ops.post(&path, &billing, &[("amount", "999999"), ("reason", "erreur"), ("confirm", "yes")]).await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refund::Entity::find().count(&ops.db.db).await.unwrap(), 0);

    let done =
        ops.post(&path, &billing, &[("amount", "10,00"), ("reason", "erreur de caisse"), ("confirm", "yes")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let given = refund::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!((given.amount_cents, given.provider_reference), (1000, None), "money handed back, no provider");
    assert_eq!(invoice::Entity::find_by_id(open[0].id).one(&ops.db.db).await.unwrap().unwrap().balance_cents, 1000);
    assert_eq!(audited(&ops, "payment_refund").await, 1);
    let statement = ops.get(done.location(), Some(&billing)).await;
    assert!(statement.body.contains("Remboursement") && statement.body.contains("erreur de caisse"));
}

#[tokio::test]
async fn a_card_payment_is_refunded_through_stripe_first() {
    let stripe = FakeStripe::start().await;
    let ops = Ops::with_env(vec![
        ("GIGAFIBRE_STRIPE_API_BASE", stripe.base.clone()),
        ("GIGAFIBRE_STRIPE_SECRET_KEY", "sk_test_ops".to_owned()),
        ("GIGAFIBRE_STRIPE_WEBHOOK_SECRET", "whsec_ops".to_owned()),
    ])
    .await;
    let billing = ops.staff("billing").await;
    let (c, _) = owing_customer(&ops).await;
    let txn = gigafibre::db::begin_write(&ops.db.db).await.unwrap();
    let new = NewPayment {
        customer_id: c.id,
        amount: Money::from_cents(5000),
        method: Method::Card,
        reference: "pi_test_card".into(),
        received_at: super::start_of_test(),
        target: Target::OldestFirst,
    };
    let paid = payments::record(&txn, new, super::start_of_test()).await.unwrap();
    txn.commit().await.unwrap();
    let path = format!("/ops/payments/{}/refund", paid.payment_id);
    let page = ops.get(&path, Some(&billing)).await;
    assert!(page.body.contains("par Stripe"), "says where the money goes");

    let done = ops.post(&path, &billing, &[("amount", "20"), ("reason", "service annulé"), ("confirm", "yes")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let sent = stripe.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].path.as_str(), sent[0].field("payment_intent"), sent[0].field("amount")),
        ("/v1/refunds", Some("pi_test_card"), Some("2000"))
    );
    assert!(sent[0].idempotency_key.is_some());
    let given = refund::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(given.provider_reference.as_deref(), Some("re_test_1"));

    stripe.decline();
    let refused = ops.post(&path, &billing, &[("amount", "5"), ("reason", "encore"), ("confirm", "yes")]).await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY);
    assert!(refused.body.contains("Your card was declined."), "Stripe's words are shown");
    assert_eq!(refund::Entity::find().count(&ops.db.db).await.unwrap(), 1, "nothing recorded when Stripe refuses");
}

#[tokio::test]
async fn a_credit_note_is_numbered_taxed_and_bounded() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let (c, open) = owing_customer(&ops).await;
    let path = format!("/ops/invoices/{}/credit-note", open[0].id);
    let page = ops.get(&path, Some(&billing)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&open[0].number));
    let numbers_before = credit_note::Entity::find().count(&ops.db.db).await.unwrap();

    let no_reason = ops.post(&path, &billing, &[("amount", "10")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let too_much = ops.post(&path, &billing, &[("amount", "100000"), ("reason", "panne")]).await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_much.body.contains("plus que ce qui reste à créditer"));

    let done = ops.post(&path, &billing, &[("amount", "10,00"), ("reason", "panne de 3 jours")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let note =
        credit_note::Entity::find().order_by_desc(credit_note::Column::Id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(note.total_cents, 1150, "10,00 $ plus GST 0,50 $ and QST 1,00 $");
    assert_eq!(note.number, format!("NC-{:06}", numbers_before + 1), "the next number, no gap");
    assert_eq!(balance_of(&ops, c.id).await, c.balance_cents - 1150);
    assert_eq!(audited(&ops, "credit_note_issue").await, 1);
    let statement = ops.get(done.location(), Some(&billing)).await;
    assert!(statement.body.contains(&note.number) && statement.body.contains("Note de crédit émise."));
    // The change log names the action in words.
    let admin = ops.staff("admin").await;
    let log = ops.get("/ops/audit", Some(&admin)).await;
    assert!(log.body.contains("Note de crédit émise"), "labelled in the change log");
}

#[tokio::test]
async fn the_aging_report_buckets_every_open_invoice_by_days_past_due() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let open = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .all(&ops.db.db)
        .await
        .unwrap();
    let mut buckets = [0i64; 5];
    for i in &open {
        let late = (today - i.due_date).num_days();
        let at = match late {
            ..=0 => 0,
            1..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        };
        buckets[at] += i.balance_cents;
    }
    assert!(buckets.iter().filter(|b| **b > 0).count() >= 2, "the demo spreads its debts: {buckets:?}");
    let page = ops.get("/ops/receivables", Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    let row: String = buckets.iter().map(|b| format!("<td class=\"amount\">{}</td>", fr(*b))).collect();
    assert!(page.body.contains(&row), "{row}\n{}", page.body);
    assert!(page.body.contains(&fr(buckets.iter().sum())));
    assert!(page.body.contains("Plus de 90 jours") && page.body.contains("Comptes clients"));
    let english = ops
        .send(
            axum::http::Method::GET,
            "/ops/receivables",
            &[("cookie", &agent.cookie), ("accept-language", "en")],
            None,
        )
        .await;
    assert!(english.body.contains("Accounts receivable aging") && english.body.contains("Over 90 days"));
}
