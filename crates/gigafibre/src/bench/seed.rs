//! Writing the demo data: our seed writer against a plain rusqlite loop.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sea_orm::Value;
use serde::Serialize;

use crate::db::{self, DatabaseTarget};
use crate::demo::{self, Scale, TableRows};

#[derive(Debug, Serialize)]
pub struct SeedFigures {
    pub rows: u64,
    pub generate_seconds: f64,
    /// rusqlite, one transaction, one prepared statement per table, WAL.
    pub bare_bones_seconds: f64,
    /// `gigafibre seed`'s writer on the same data.
    pub gigafibre_seconds: f64,
    pub ratio: f64,
}

/// Writes the demo data into two fresh SQLite files, once with a bare-bones
/// rusqlite loop and once with the real seed writer.
pub async fn seed(scale: Scale, seed: u64, as_of: NaiveDate) -> anyhow::Result<SeedFigures> {
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let data = demo::generate(scale, seed, as_of);
    let generate = started.elapsed();

    let bare_path = dir.path().join("bare.db");
    migrated_file(&bare_path).await?;
    let tables = data.tables();
    let rows = tables.iter().map(|t| t.rows.len() as u64).sum();
    let bare = bare_bones_insert(&bare_path, &tables)?;
    drop(tables);

    let ours_path = dir.path().join("ours.db");
    let ours_db = db::open(&DatabaseTarget::SqliteFile(ours_path)).await?;
    let started = Instant::now();
    demo::write_dataset(&ours_db, &data, false).await?;
    let ours = started.elapsed();
    ours_db.close().await?;

    Ok(SeedFigures {
        rows,
        generate_seconds: generate.as_secs_f64(),
        bare_bones_seconds: bare.as_secs_f64(),
        gigafibre_seconds: ours.as_secs_f64(),
        ratio: ours.as_secs_f64() / bare.as_secs_f64().max(f64::EPSILON),
    })
}

async fn migrated_file(path: &Path) -> anyhow::Result<()> {
    let db = db::open(&DatabaseTarget::SqliteFile(path.to_path_buf())).await?;
    db.close().await?;
    Ok(())
}

/// The plainest fast way to write these rows: one transaction, one prepared
/// single-row `INSERT` per table, executed once per row.
fn bare_bones_insert(path: &Path, tables: &[TableRows]) -> anyhow::Result<Duration> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let started = Instant::now();
    let txn = conn.transaction()?;
    for table in tables {
        let placeholders = vec!["?"; table.columns.len()].join(", ");
        let columns: Vec<String> = table.columns.iter().map(|c| format!("\"{c}\"")).collect();
        let sql = format!("INSERT INTO \"{}\" ({}) VALUES ({placeholders})", table.name, columns.join(", "));
        let mut statement = txn.prepare(&sql)?;
        for row in &table.rows {
            statement.execute(rusqlite::params_from_iter(row.iter().map(sqlite_value)))?;
        }
    }
    txn.commit()?;
    Ok(started.elapsed())
}

fn sqlite_value(value: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match value {
        Value::Bool(Some(b)) => Sql::Integer(i64::from(*b)),
        Value::TinyInt(Some(n)) => Sql::Integer(i64::from(*n)),
        Value::SmallInt(Some(n)) => Sql::Integer(i64::from(*n)),
        Value::Int(Some(n)) => Sql::Integer(i64::from(*n)),
        Value::BigInt(Some(n)) => Sql::Integer(*n),
        Value::Double(Some(x)) => Sql::Real(*x),
        Value::String(Some(s)) => Sql::Text(s.clone()),
        Value::ChronoDate(Some(d)) => Sql::Text(d.to_string()),
        Value::ChronoDateTimeUtc(Some(t)) => Sql::Text(t.to_rfc3339()),
        _ => Sql::Null,
    }
}
