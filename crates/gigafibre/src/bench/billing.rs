//! The monthly billing run over the full demo data: our run against a
//! bare-bones rusqlite program that writes the same rows in one transaction,
//! then the same run again, which must add nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Months, NaiveDate};
use indicatif::ProgressBar;
use rand::RngExt;
use rusqlite::types::Value as Sql;
use sea_orm::{ConnectionTrait, Database};
use serde::Serialize;

use crate::billing::run::{RunReport, Trigger, run};
use crate::db::{self, DatabaseTarget};
use crate::demo::{self, Scale};

#[derive(Debug, Serialize)]
pub struct BillingFigures {
    pub run_date: NaiveDate,
    pub invoices: u64,
    pub lines: u64,
    pub total_cents: i64,
    /// rusqlite, one transaction, prepared single-row statements: the
    /// invoices, lines, billed-through dates, balances and counter our run
    /// wrote, with nothing to read or work out.
    pub bare_bones_seconds: f64,
    /// `gigafibre billing run` on SQLite: bulk reads, proration, batches.
    pub sqlite_seconds: f64,
    pub ratio: f64,
    pub sqlite_rerun_seconds: f64,
    pub sqlite_rerun_invoices: u64,
    pub postgres: Option<PostgresFigures>,
}

#[derive(Debug, Serialize)]
pub struct PostgresFigures {
    pub invoices: u64,
    pub seconds: f64,
    pub rerun_seconds: f64,
    pub rerun_invoices: u64,
}

/// Seeds the full demo data as of `as_of` and bills the month after it.
/// With `postgres` (a server URL), does the same in a scratch database
/// there, dropped afterwards.
pub async fn billing(as_of: NaiveDate, postgres: Option<&str>) -> anyhow::Result<BillingFigures> {
    let run_date = as_of.checked_add_months(Months::new(1)).unwrap_or(as_of);
    let data = demo::generate(Scale::Full, demo::DEFAULT_SEED, as_of);
    let dir = tempfile::tempdir()?;
    let ours_path = dir.path().join("ours.db");
    let bare_path = dir.path().join("bare.db");
    {
        let db = db::open(&DatabaseTarget::SqliteFile(ours_path.clone())).await?;
        demo::write_dataset(&db, &data, false).await?;
        db.close().await?;
    }
    std::fs::copy(&ours_path, &bare_path)?;

    let db = db::open(&DatabaseTarget::SqliteFile(ours_path.clone())).await?;
    let (ours, report) = timed_run(&db, run_date).await?;
    let (again, rerun) = timed_run(&db, run_date).await?;
    db.close().await?;

    let written = Written::read(&ours_path)?;
    let bare = written.write(&bare_path)?;

    let postgres = match postgres {
        Some(url) => Some(on_postgres(url, &data, run_date).await?),
        None => None,
    };
    Ok(BillingFigures {
        run_date,
        invoices: report.invoices_created,
        lines: report.lines,
        total_cents: report.total.cents(),
        bare_bones_seconds: bare.as_secs_f64(),
        sqlite_seconds: ours.as_secs_f64(),
        ratio: ours.as_secs_f64() / bare.as_secs_f64().max(f64::EPSILON),
        sqlite_rerun_seconds: again.as_secs_f64(),
        sqlite_rerun_invoices: rerun.invoices_created,
        postgres,
    })
}

async fn timed_run(db: &sea_orm::DatabaseConnection, run_date: NaiveDate) -> anyhow::Result<(Duration, RunReport)> {
    let started = Instant::now();
    let report = run(db, run_date, Trigger::Manual, false, &ProgressBar::hidden()).await?;
    Ok((started.elapsed(), report))
}

async fn on_postgres(admin_url: &str, data: &demo::Dataset, run_date: NaiveDate) -> anyhow::Result<PostgresFigures> {
    let name = format!("gigafibre_bench_{:08x}", rand::rng().random::<u32>());
    let admin = Database::connect(admin_url).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    let figures = async {
        let mut url = url::Url::parse(admin_url)?;
        url.set_path(&format!("/{name}"));
        let db = db::open(&DatabaseTarget::Postgres(url.to_string())).await?;
        demo::write_dataset(&db, data, false).await?;
        db.execute_unprepared("ANALYZE").await?;
        let (first, report) = timed_run(&db, run_date).await?;
        let (again, rerun) = timed_run(&db, run_date).await?;
        db.close().await?;
        anyhow::Ok(PostgresFigures {
            invoices: report.invoices_created,
            seconds: first.as_secs_f64(),
            rerun_seconds: again.as_secs_f64(),
            rerun_invoices: rerun.invoices_created,
        })
    }
    .await;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    figures
}

/// The rows a run wrote, read back from its database to be written again
/// by the bare-bones program.
struct Written {
    invoices: Rows,
    lines: Rows,
    settled: Rows,
    balances: Vec<(i64, i64)>,
    last_number: i64,
}

struct Rows {
    table: &'static str,
    columns: Vec<String>,
    rows: Vec<Vec<Sql>>,
}

impl Written {
    fn read(path: &Path) -> anyhow::Result<Written> {
        let conn = rusqlite::Connection::open(path)?;
        let new = "legacy_id IS NULL";
        let invoices = select(&conn, "invoices", new)?;
        let lines = select(&conn, "invoice_lines", &format!("invoice_id IN (SELECT id FROM invoices WHERE {new})"))?;
        let settled = select(&conn, "subscription_billing", "1 = 1")?;
        let mut statement = conn.prepare(&format!(
            "SELECT customer_id, SUM(total_cents) FROM invoices WHERE {new} GROUP BY customer_id ORDER BY customer_id"
        ))?;
        let balances =
            statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<(i64, i64)>, _>>()?;
        let last_number = conn.query_row("SELECT last_value FROM number_sequences", [], |row| row.get(0))?;
        Ok(Written { invoices, lines, settled, balances, last_number })
    }

    /// One transaction, one prepared statement per kind of row.
    fn write(&self, path: &Path) -> anyhow::Result<Duration> {
        let mut conn = rusqlite::Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let started = Instant::now();
        let txn = conn.transaction()?;
        for rows in [&self.invoices, &self.lines, &self.settled] {
            let columns: Vec<String> = rows.columns.iter().map(|c| format!("\"{c}\"")).collect();
            let placeholders = vec!["?"; columns.len()].join(", ");
            let sql = format!("INSERT INTO \"{}\" ({}) VALUES ({placeholders})", rows.table, columns.join(", "));
            let mut statement = txn.prepare(&sql)?;
            for row in &rows.rows {
                statement.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        {
            let mut statement = txn.prepare("UPDATE customers SET balance_cents = balance_cents + ? WHERE id = ?")?;
            for (customer, total) in &self.balances {
                statement.execute([total, customer])?;
            }
        }
        txn.execute("INSERT INTO number_sequences (name, last_value) VALUES ('invoice', ?)", [self.last_number])?;
        txn.commit()?;
        Ok(started.elapsed())
    }
}

fn select(conn: &rusqlite::Connection, table: &'static str, filter: &str) -> anyhow::Result<Rows> {
    let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\" WHERE {filter}"))?;
    let columns: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
    let width = columns.len();
    let rows = statement
        .query_map([], |row| (0..width).map(|i| row.get::<_, Sql>(i)).collect::<Result<Vec<Sql>, _>>())?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rows { table, columns, rows })
}
