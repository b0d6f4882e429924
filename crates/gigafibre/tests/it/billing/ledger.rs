//! Payments, refunds, credit notes and credit applied to new invoices, in
//! any order: every balance stays equal to invoices less payments, plus
//! refunds, less credit notes, and `gigafibre check` passes.

use chrono::{Days, NaiveDate};
use gigafibre::billing::money::Money;
use gigafibre::billing::payments::{self, Method, NewCreditNote, NewPayment, NewRefund, PaymentError, Target};
use gigafibre::billing::run::Trigger;
use gigafibre::db::testing::TestDatabase;
use gigafibre_db::entities::{credit_note, customer, invoice, payment, payment_allocation, refund};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{issue_invoice, new_customer, noon};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

async fn pay(
    db: &DatabaseConnection,
    customer_id: i64,
    cents: i64,
    target: Target,
) -> Result<payments::Recorded, PaymentError> {
    let txn = gigafibre::db::begin_write(db).await.unwrap();
    let new = NewPayment {
        customer_id,
        amount: Money::from_cents(cents),
        method: Method::Cheque,
        reference: "#123".into(),
        received_at: noon(start()),
        target,
    };
    let recorded = payments::record(&txn, new, noon(start())).await;
    txn.commit().await.unwrap();
    recorded
}

async fn customer_balance(db: &DatabaseConnection, id: i64) -> i64 {
    customer::Entity::find_by_id(id).one(db).await.unwrap().unwrap().balance_cents
}

async fn invoice_of(db: &DatabaseConnection, id: i64) -> invoice::Model {
    invoice::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_payment_settles_the_oldest_invoice_first_and_an_overpayment_goes_to_the_next_invoice() {
    let test = TestDatabase::new().await;
    let db = &test.db;
    let c = new_customer(db, "GF-900001").await;
    let older = issue_invoice(db, c, 10000, start()).await; // 114,98 $
    let newer = issue_invoice(db, c, 5000, start() + Days::new(31)).await; // 57,49 $
    let recorded = pay(db, c, 20000, Target::OldestFirst).await.unwrap();
    assert_eq!((recorded.applied.cents(), recorded.credit.cents()), (17247, 2753));
    assert_eq!(invoice_of(db, older).await.status, "paid");
    assert_eq!(invoice_of(db, newer).await.status, "paid");
    assert_eq!(customer_balance(db, c).await, -2753, "the overpayment is the customer's credit");

    let next = issue_invoice(db, c, 5000, start() + Days::new(62)).await;
    let next = invoice_of(db, next).await;
    assert_eq!(next.balance_cents, 5749 - 2753, "the credit went to the next invoice");
    assert_eq!(customer_balance(db, c).await, 5749 - 2753);
}

#[tokio::test]
async fn a_payment_made_ahead_pays_the_invoice_the_billing_run_issues() {
    let db = TestDatabase::new().await;
    let c = new_customer(&db.db, "GF-300001").await;
    let now = noon(start());
    let plan = gigafibre_db::entities::plan::ActiveModel {
        id: NotSet,
        code: Set("INT-500".into()),
        name_fr: Set("Internet 500".into()),
        name_en: Set("Internet 500".into()),
        category: Set("internet".into()),
        billing_frequency: Set("monthly".into()),
        price_cents: Set(6_000),
        prorate: Set(true),
        taxable: Set(true),
        active: Set(true),
        created_at: Set(now),
    };
    let plan_id = gigafibre_db::entities::plan::Entity::insert(plan).exec(&db.db).await.unwrap().last_insert_id;
    let subscription = gigafibre_db::entities::subscription::ActiveModel {
        id: NotSet,
        legacy_id: Set(None),
        customer_id: Set(c),
        service_location_id: Set(None),
        plan_id: Set(plan_id),
        quantity: Set(1),
        unit_price_cents: Set(6_000),
        status: Set("active".into()),
        start_date: Set(start()),
        end_date: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    gigafibre_db::entities::subscription::Entity::insert(subscription).exec(&db.db).await.unwrap();
    // 100 $ paid before anything was billed: credit.
    pay(&db.db, c, 10_000, Target::OldestFirst).await.unwrap();
    assert_eq!(customer_balance(&db.db, c).await, -10_000);

    let hidden = indicatif::ProgressBar::hidden();
    let report = gigafibre::billing::run::run(&db.db, start(), Trigger::Manual, false, &hidden).await.unwrap();
    assert_eq!(report.invoices_created, 1);
    let issued = invoice::Entity::find().filter(invoice::Column::CustomerId.eq(c)).one(&db.db).await.unwrap().unwrap();
    assert_eq!(issued.total_cents, 6_899, "60 $ + GST 3,00 $ + QST 5,99 $ (5,985 rounded up)");
    assert_eq!((issued.balance_cents, issued.status.as_str()), (0, "paid"), "the credit paid it");
    assert_eq!(customer_balance(&db.db, c).await, 6_899 - 10_000, "the rest stays as credit");
    let allocated = payment_allocation::Entity::find().all(&db.db).await.unwrap();
    assert_eq!(allocated.iter().map(|a| (a.invoice_id, a.amount_cents)).collect::<Vec<_>>(), [(issued.id, 6_899)]);
}

#[tokio::test]
async fn paying_ahead_chosen_invoices_and_refusals() {
    let test = TestDatabase::new().await;
    let db = &test.db;
    let c = new_customer(db, "GF-900002").await;
    let ahead = pay(db, c, 3000, Target::OldestFirst).await.unwrap();
    assert_eq!(ahead.credit.cents(), 3000, "paying with nothing due is allowed");
    assert_eq!(customer_balance(db, c).await, -3000);

    let older = issue_invoice(db, c, 10000, start()).await;
    assert_eq!(invoice_of(db, older).await.balance_cents, 11498 - 3000);
    let newer = issue_invoice(db, c, 10000, start() + Days::new(31)).await;
    pay(db, c, 12000, Target::Invoices(vec![newer])).await.unwrap();
    assert_eq!(invoice_of(db, newer).await.status, "paid", "the chosen invoice first");
    assert_eq!(invoice_of(db, older).await.balance_cents, 8498 - 502, "what it left went to the other one");

    assert!(matches!(pay(db, c, 0, Target::OldestFirst).await, Err(PaymentError::NotPositive)));
    let other = new_customer(db, "GF-900003").await;
    let theirs = issue_invoice(db, other, 1000, start()).await;
    let refused = pay(db, c, 1000, Target::Invoices(vec![theirs])).await;
    assert!(matches!(refused, Err(PaymentError::UnknownInvoice)), "another customer's invoice");
    assert!(matches!(pay(db, c, 1000, Target::Invoices(vec![newer])).await, Err(PaymentError::UnknownInvoice)));
}

#[tokio::test]
async fn a_refund_reopens_what_the_payment_settled_and_a_credit_note_is_numbered() {
    let test = TestDatabase::new().await;
    let db = &test.db;
    let c = new_customer(db, "GF-900004").await;
    let inv = issue_invoice(db, c, 10000, start()).await;
    let paid = pay(db, c, 12000, Target::OldestFirst).await.unwrap();
    assert_eq!(customer_balance(db, c).await, -502);

    let txn = gigafibre::db::begin_write(db).await.unwrap();
    let new = |cents| NewRefund {
        payment_id: paid.payment_id,
        amount: Money::from_cents(cents),
        reason: "double payment".into(),
        provider_reference: None,
        at: noon(start()),
    };
    payments::refund(&txn, new(1000)).await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(customer_balance(db, c).await, 498, "the credit went back first, then the invoice owes again");
    assert_eq!(invoice_of(db, inv).await.status, "open");
    let txn = gigafibre::db::begin_write(db).await.unwrap();
    match payments::refund(&txn, new(20000)).await {
        Err(PaymentError::RefundTooLarge(left)) => assert_eq!(left.cents(), 11000),
        other => panic!("refused: {other:?}"),
    }
    drop(txn);

    let txn = gigafibre::db::begin_write(db).await.unwrap();
    let note = |cents| NewCreditNote {
        invoice_id: inv,
        subtotal: Money::from_cents(cents),
        reason: "outage".into(),
        at: noon(start()),
    };
    let first = payments::issue_credit_note(&txn, note(1000)).await.unwrap();
    let second = payments::issue_credit_note(&txn, note(1000)).await.unwrap();
    txn.commit().await.unwrap();
    assert!(first.number.starts_with("NC-"));
    let sequence = |n: &str| n.trim_start_matches("NC-").parse::<i64>().unwrap();
    assert_eq!(sequence(&second.number), sequence(&first.number) + 1, "no gap");
    assert_eq!(first.total_cents, 1150, "GST and QST are credited too");
    // The invoice owed 4,98 $: the rest of the credit is the customer's.
    assert_eq!(invoice_of(db, inv).await.status, "paid");
    assert_eq!(customer_balance(db, c).await, 498 - 2 * 1150);
    let txn = gigafibre::db::begin_write(db).await.unwrap();
    assert!(matches!(payments::issue_credit_note(&txn, note(10000)).await, Err(PaymentError::CreditTooLarge(_))));
}

/// One step of a customer's life in the ledger.
#[derive(Clone, Debug)]
enum Step {
    Invoice(i64),
    Pay { cents: i64, chosen: Option<usize> },
    Refund { payment: usize, cents: i64 },
    Credit { invoice: usize, cents: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..40_000).prop_map(Step::Invoice),
        (1i64..60_000, proptest::option::of(0usize..8)).prop_map(|(cents, chosen)| Step::Pay { cents, chosen }),
        (0usize..8, 1i64..30_000).prop_map(|(payment, cents)| Step::Refund { payment, cents }),
        (0usize..8, 1i64..20_000).prop_map(|(invoice, cents)| Step::Credit { invoice, cents }),
    ]
}

/// Runs the steps; refusals (too large, not open) are part of the game and change nothing.
async fn play(db: &DatabaseConnection, c: i64, steps: &[Step]) {
    let mut invoices = Vec::new();
    let mut paid = Vec::new();
    for (day, step) in steps.iter().enumerate() {
        let today = start() + Days::new(day as u64);
        let txn = gigafibre::db::begin_write(db).await.unwrap();
        let outcome = match step {
            Step::Invoice(cents) => {
                drop(txn);
                invoices.push(issue_invoice(db, c, *cents, today).await);
                continue;
            }
            Step::Pay { cents, chosen } => {
                let target = match chosen.and_then(|i| invoices.get(i % invoices.len().max(1))) {
                    Some(id) => Target::Invoices(vec![*id]),
                    None => Target::OldestFirst,
                };
                let new = NewPayment {
                    customer_id: c,
                    amount: Money::from_cents(*cents),
                    method: Method::Cash,
                    reference: String::new(),
                    received_at: noon(today),
                    target,
                };
                payments::record(&txn, new, noon(today)).await.map(|r| paid.push(r.payment_id))
            }
            Step::Refund { payment, cents } if !paid.is_empty() => {
                let new = NewRefund {
                    payment_id: paid[payment % paid.len()],
                    amount: Money::from_cents(*cents),
                    reason: String::new(),
                    provider_reference: None,
                    at: noon(today),
                };
                payments::refund(&txn, new).await.map(drop)
            }
            Step::Credit { invoice, cents } if !invoices.is_empty() => {
                let new = NewCreditNote {
                    invoice_id: invoices[invoice % invoices.len()],
                    subtotal: Money::from_cents(*cents),
                    reason: String::new(),
                    at: noon(today),
                };
                payments::issue_credit_note(&txn, new).await.map(drop)
            }
            _ => Ok(()),
        };
        match outcome {
            Ok(()) => txn.commit().await.unwrap(),
            Err(PaymentError::RefundTooLarge(_) | PaymentError::CreditTooLarge(_) | PaymentError::UnknownInvoice) => {
                txn.rollback().await.unwrap()
            }
            Err(other) => panic!("{step:?}: {other}"),
        }
    }
}

async fn sum_cents<E: EntityTrait>(
    db: &DatabaseConnection,
    c: i64,
    customer_col: E::Column,
    amount: fn(&E::Model) -> i64,
) -> i64
where
    E::Model: Sync,
{
    E::find().filter(customer_col.eq(c)).all(db).await.unwrap().iter().map(amount).sum()
}

#[tokio::test]
async fn any_sequence_keeps_balance_equal_to_invoices_less_payments_plus_refunds_less_credits() {
    let test = TestDatabase::new().await;
    let db = &test.db;
    let mut runner = TestRunner::deterministic();
    let cases = proptest::collection::vec(step(), 1..14);
    for case in 0..24 {
        let steps = cases.new_tree(&mut runner).unwrap().current();
        let c = new_customer(db, &format!("GF-8{case:05}")).await;
        play(db, c, &steps).await;

        let invoiced = sum_cents::<invoice::Entity>(db, c, invoice::Column::CustomerId, |i| i.total_cents).await;
        let payments_in = sum_cents::<payment::Entity>(db, c, payment::Column::CustomerId, |p| p.amount_cents).await;
        let refunded = sum_cents::<refund::Entity>(db, c, refund::Column::CustomerId, |r| r.amount_cents).await;
        let credited =
            sum_cents::<credit_note::Entity>(db, c, credit_note::Column::CustomerId, |n| n.total_cents).await;
        let balance = customer_balance(db, c).await;
        assert_eq!(balance, invoiced - payments_in + refunded - credited, "{steps:?}");

        // What the invoices owe, less the credit not yet spent, is the same balance.
        let rows = invoice::Entity::find().filter(invoice::Column::CustomerId.eq(c)).all(db).await.unwrap();
        let owed: i64 = rows.iter().map(|i| i.balance_cents).sum();
        assert!(rows.iter().all(|i| i.balance_cents >= 0), "{steps:?}");
        assert!(rows.iter().all(|i| (i.status == "paid") == (i.balance_cents == 0)), "{steps:?}");
        let unspent = payments_in - refunded - allocated_of(db, c).await;
        assert!(unspent >= 0, "{steps:?}");
        assert_eq!(balance, owed - unspent, "{steps:?}");
        assert!(unspent == 0 || owed == 0, "credit stays unspent only while nothing is owed: {steps:?}");
    }
    let findings = gigafibre::integrity::audit(db).await.unwrap();
    assert!(findings.iter().all(|f| f.passed()), "{findings:?}");
}

async fn allocated_of(db: &DatabaseConnection, c: i64) -> i64 {
    let ids: Vec<i64> = payment::Entity::find()
        .filter(payment::Column::CustomerId.eq(c))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    payment_allocation::Entity::find()
        .filter(payment_allocation::Column::PaymentId.is_in(ids))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.amount_cents)
        .sum()
}
