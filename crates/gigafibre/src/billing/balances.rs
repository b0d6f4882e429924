//! Keeping the stored balances in step with the ledger: an invoice owes its
//! total less what was allocated to it and credited on it; a customer owes
//! every invoice less every payment, plus what was refunded, less credit notes.

use sea_orm::{ConnectionTrait, DbErr};

/// What `customers` row owes, as an expression over the ledger tables.
pub const CUSTOMER_BALANCE: &str = "\
    COALESCE((SELECT SUM(i.total_cents) FROM invoices i WHERE i.customer_id = customers.id AND i.status <> 'void'), 0) \
    - COALESCE((SELECT SUM(p.amount_cents) FROM payments p WHERE p.customer_id = customers.id), 0) \
    + COALESCE((SELECT SUM(r.amount_cents) FROM refunds r WHERE r.customer_id = customers.id), 0) \
    - COALESCE((SELECT SUM(n.total_cents) FROM credit_notes n WHERE n.customer_id = customers.id), 0)";

/// Recomputes every invoice and customer balance from the ledger rows. Used
/// after a bulk import; everyday writes keep balances in step as they go.
pub async fn recompute_all<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    conn.execute_unprepared(
        "UPDATE invoices SET balance_cents = total_cents \
         - COALESCE((SELECT SUM(a.amount_cents) FROM payment_allocations a WHERE a.invoice_id = invoices.id), 0) \
         - COALESCE((SELECT SUM(n.total_cents) FROM credit_notes n WHERE n.invoice_id = invoices.id), 0)",
    )
    .await?;
    conn.execute_unprepared(&format!("UPDATE customers SET balance_cents = {CUSTOMER_BALANCE}")).await?;
    Ok(())
}
