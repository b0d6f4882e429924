//! `gigafibre check` catches each kind of broken data.

use gigafibre::db::testing::TestDatabase;
use sea_orm::ConnectionTrait;

use crate::support::gigafibre;

async fn seeded() -> (TestDatabase, tempfile::TempDir) {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    gigafibre(&db, dir.path(), &["seed", "--scale", "small", "--as-of", "2026-11-25"]).success();
    (db, dir)
}

async fn breaks(sql: &str, expected: &str) {
    let (db, dir) = seeded().await;
    db.db.execute_unprepared(sql).await.unwrap();
    let run = gigafibre(&db, dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let named = run.stdout.lines().any(|l| l.starts_with("FAIL") && l.contains(expected));
    assert!(named, "expected a failure naming {expected:?}, got:\n{}", run.stdout);
}

#[tokio::test]
async fn an_invoice_whose_total_is_off_by_a_cent() {
    breaks("UPDATE invoices SET total_cents = total_cents + 1 WHERE number = 'F-0000001'", "F-0000001").await;
}

#[tokio::test]
async fn a_line_changed_under_its_invoice() {
    breaks(
        "UPDATE invoice_lines SET amount_cents = amount_cents + 100, unit_price_cents = unit_price_cents + 100 \
         WHERE invoice_id = 2 AND position = 1",
        "F-0000002",
    )
    .await;
}

#[tokio::test]
async fn a_customer_balance_out_of_step() {
    breaks("UPDATE customers SET balance_cents = balance_cents + 500 WHERE id = 3", "GF-100003").await;
}

#[tokio::test]
async fn a_payment_allocated_beyond_its_amount() {
    breaks(
        "UPDATE payments SET amount_cents = 1 WHERE id = 1",
        "no payment is allocated or refunded beyond its amount",
    )
    .await;
}

#[tokio::test]
async fn an_invoice_balance_that_forgets_a_payment() {
    breaks(
        "UPDATE invoices SET balance_cents = total_cents, status = 'open' \
         WHERE id = (SELECT MIN(invoice_id) FROM payment_allocations)",
        "every invoice balance equals its total less payments and credit notes",
    )
    .await;
}

#[tokio::test]
async fn a_paid_invoice_that_still_owes() {
    breaks("UPDATE invoices SET status = 'paid' WHERE balance_cents > 0 AND id = (SELECT MIN(id) FROM invoices WHERE balance_cents > 0)", "a paid invoice owes nothing").await;
}

#[tokio::test]
async fn an_installed_device_with_no_customer() {
    breaks(
        "UPDATE equipment SET customer_id = NULL WHERE id = (SELECT MIN(id) FROM equipment WHERE status = 'installed')",
        "installed equipment is at a customer's",
    )
    .await;
}

#[tokio::test]
async fn a_refund_to_someone_who_did_not_pay() {
    breaks(
        "INSERT INTO refunds (payment_id, customer_id, amount_cents, reason, refunded_at) \
         SELECT p.id, (SELECT MIN(c.id) FROM customers c WHERE c.id <> p.customer_id), 1, '', p.received_at \
         FROM payments p WHERE p.id = 1",
        "every refund goes back to the customer who paid",
    )
    .await;
}
