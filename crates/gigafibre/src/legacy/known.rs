//! What the database already holds that imported rows refer to: ids by
//! legacy id (plans by code), read inside the import's transaction so that
//! rows written by an earlier file are seen.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, Statement};

use super::parse::Field;

/// An invoice as the later files need it.
#[derive(Debug, Clone, Copy)]
pub struct KnownInvoice {
    pub id: i64,
    pub customer_id: i64,
    /// Total less credit notes: the most payments may settle.
    pub payable_cents: i64,
}

#[derive(Default)]
pub struct Known {
    pub plans: HashMap<String, i64>,
    pub customers: HashMap<String, i64>,
    /// Each customer's first service location.
    pub locations: HashMap<i64, i64>,
    pub subscriptions: HashMap<String, i64>,
    pub invoices: HashMap<String, KnownInvoice>,
    /// Invoice number → the legacy id of the invoice that carries it.
    pub invoice_numbers: HashMap<String, String>,
}

impl Known {
    pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Known, DbErr> {
        let mut known = Known {
            plans: pairs(conn, "SELECT code, id FROM plans").await?,
            customers: pairs(conn, "SELECT legacy_id, id FROM customers WHERE legacy_id IS NOT NULL").await?,
            subscriptions: pairs(conn, "SELECT legacy_id, id FROM subscriptions WHERE legacy_id IS NOT NULL").await?,
            ..Known::default()
        };
        // PostgreSQL sums a BIGINT into a NUMERIC: cast it back.
        let sql = "SELECT i.legacy_id, i.id, i.customer_id, i.number, i.total_cents - CAST(\
                   COALESCE((SELECT SUM(n.total_cents) FROM credit_notes n WHERE n.invoice_id = i.id), 0) AS BIGINT) \
                   FROM invoices i";
        for row in query(conn, sql).await? {
            let number: String = row.try_get_by_index(3)?;
            let legacy: Option<String> = row.try_get_by_index(0)?;
            let legacy = legacy.unwrap_or_default();
            known.invoice_numbers.insert(number, legacy.clone());
            known.invoices.insert(
                legacy,
                KnownInvoice {
                    id: row.try_get_by_index(1)?,
                    customer_id: row.try_get_by_index(2)?,
                    payable_cents: row.try_get_by_index(4)?,
                },
            );
        }
        for row in query(conn, "SELECT customer_id, MIN(id) FROM service_locations GROUP BY customer_id").await? {
            known.locations.insert(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        }
        Ok(known)
    }

    pub fn customer(&self, legacy: &str) -> Field<i64> {
        self.customers.get(legacy.trim()).copied().ok_or_else(|| format!("unknown customer_id '{}'", legacy.trim()))
    }

    pub fn plan(&self, code: &str) -> Field<i64> {
        self.plans.get(code.trim()).copied().ok_or_else(|| format!("unknown plan_code '{}'", code.trim()))
    }

    pub fn invoice(&self, legacy: &str) -> Field<KnownInvoice> {
        self.invoices.get(legacy.trim()).copied().ok_or_else(|| format!("unknown invoice_id '{}'", legacy.trim()))
    }

    pub fn subscription(&self, legacy: &str) -> Field<i64> {
        self.subscriptions
            .get(legacy.trim())
            .copied()
            .ok_or_else(|| format!("unknown subscription_id '{}'", legacy.trim()))
    }
}

async fn query<C: ConnectionTrait>(conn: &C, sql: &str) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await
}

/// `(text, id)` rows as a map: legacy id or code → id.
pub async fn pairs<C: ConnectionTrait>(conn: &C, sql: &str) -> Result<HashMap<String, i64>, DbErr> {
    query(conn, sql)
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get_by_index::<String>(0)?, row.try_get_by_index::<i64>(1)?)))
        .collect()
}
