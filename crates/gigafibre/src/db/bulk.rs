//! Writing many rows fast on both engines: multi-row `INSERT` statements of
//! a fixed shape (so each engine prepares the statement once), with an
//! optional `ON CONFLICT … DO UPDATE` for idempotent imports.

use indicatif::ProgressBar;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};

/// Stay under the smaller engine's limit on bound parameters per statement
/// (SQLite: 32,766; PostgreSQL: 65,535).
const MAX_PARAMETERS: usize = 30_000;

/// Inserts rows into one table in chunks, on any connection or transaction.
pub struct BulkWriter<'a, C> {
    conn: &'a C,
    table: &'static str,
    columns: &'a [&'static str],
    upsert_key: Option<&'a [&'static str]>,
    keep_on_conflict: &'a [&'static str],
    progress: ProgressBar,
}

impl<'a, C: ConnectionTrait> BulkWriter<'a, C> {
    pub fn new(conn: &'a C, table: &'static str, columns: &'a [&'static str]) -> Self {
        BulkWriter { conn, table, columns, upsert_key: None, keep_on_conflict: &[], progress: ProgressBar::hidden() }
    }

    /// On a row whose `key` columns match an existing row, update every other
    /// column instead of failing: re-running an import never duplicates.
    pub fn upsert_on(mut self, key: &'a [&'static str]) -> Self {
        self.upsert_key = Some(key);
        self
    }

    /// Columns written on insert but left as they are when the row exists
    /// (what people edit here and an import must not undo).
    pub fn keep_on_conflict(mut self, columns: &'a [&'static str]) -> Self {
        self.keep_on_conflict = columns;
        self
    }

    /// Advances `progress` by the number of rows written.
    pub fn progress(mut self, progress: ProgressBar) -> Self {
        self.progress = progress;
        self
    }

    /// Writes every row; each row holds one value per column, in order.
    /// Returns the number of rows written.
    pub async fn write<I>(&self, rows: I) -> Result<u64, DbErr>
    where
        I: IntoIterator<Item = Vec<Value>>,
    {
        let backend = self.conn.get_database_backend();
        let rows_per_chunk = (MAX_PARAMETERS / self.columns.len().max(1)).max(1);
        let full_chunk_sql = self.sql(backend, rows_per_chunk);
        let mut written = 0_u64;
        let mut chunk: Vec<Value> = Vec::with_capacity(rows_per_chunk * self.columns.len());
        let mut chunk_rows = 0;
        for row in rows {
            if row.len() != self.columns.len() {
                return Err(DbErr::Custom(format!(
                    "{}: a row has {} values for {} columns",
                    self.table,
                    row.len(),
                    self.columns.len()
                )));
            }
            chunk.extend(row);
            chunk_rows += 1;
            if chunk_rows == rows_per_chunk {
                let values = std::mem::replace(&mut chunk, Vec::with_capacity(rows_per_chunk * self.columns.len()));
                self.execute(backend, full_chunk_sql.clone(), values).await?;
                written += chunk_rows as u64;
                self.progress.inc(chunk_rows as u64);
                chunk_rows = 0;
            }
        }
        if chunk_rows > 0 {
            let sql = self.sql(backend, chunk_rows);
            self.execute(backend, sql, chunk).await?;
            written += chunk_rows as u64;
            self.progress.inc(chunk_rows as u64);
        }
        Ok(written)
    }

    async fn execute(&self, backend: DatabaseBackend, sql: String, values: Vec<Value>) -> Result<(), DbErr> {
        self.conn.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.map(|_| ())
    }

    fn sql(&self, backend: DatabaseBackend, rows: usize) -> String {
        let columns: Vec<String> = self.columns.iter().map(|c| quote(c)).collect();
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", quote(self.table), columns.join(", "));
        let mut parameter = 0;
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 0..self.columns.len() {
                if column > 0 {
                    sql.push_str(", ");
                }
                parameter += 1;
                match backend {
                    DatabaseBackend::Postgres => sql.push_str(&format!("${parameter}")),
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        if let Some(key) = self.upsert_key {
            let key_list: Vec<String> = key.iter().map(|c| quote(c)).collect();
            let updates: Vec<String> = self
                .columns
                .iter()
                .filter(|column| !key.contains(column) && !self.keep_on_conflict.contains(column))
                .map(|column| format!("{0} = excluded.{0}", quote(column)))
                .collect();
            if updates.is_empty() {
                sql.push_str(&format!(" ON CONFLICT ({}) DO NOTHING", key_list.join(", ")));
            } else {
                sql.push_str(&format!(" ON CONFLICT ({}) DO UPDATE SET {}", key_list.join(", "), updates.join(", ")));
            }
        }
        sql
    }
}

fn quote(identifier: &str) -> String {
    format!("\"{identifier}\"")
}

/// After rows were written with explicit ids, moves each PostgreSQL id
/// sequence past the largest id so that the next ordinary insert does not
/// collide. SQLite needs nothing: its rowid already follows the largest id.
pub async fn reset_id_sequences<C: ConnectionTrait>(conn: &C, tables: &[&str]) -> Result<(), DbErr> {
    if conn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        conn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}
