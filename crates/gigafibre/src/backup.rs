//! `gigafibre backup`: a consistent copy of a live SQLite database.

use std::path::Path;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, Value};

use crate::db::{Engine, engine_of};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name so that no backup is overwritten")]
    Exists(String),
    #[error("the folder of {0} does not exist")]
    NoFolder(String),
    #[error("PostgreSQL is backed up with its own tools: pg_dump --format=custom --file=FILE \"$DATABASE_URL\"")]
    Postgres,
    #[error("backup failed: {0}")]
    Database(#[from] DbErr),
}

/// Copies the database into `to` with `VACUUM INTO`, which reads one
/// consistent snapshot while the server keeps writing.
pub async fn backup(db: &DatabaseConnection, to: &Path) -> Result<u64, BackupError> {
    if engine_of(db) == Engine::Postgres {
        return Err(BackupError::Postgres);
    }
    if to.exists() {
        return Err(BackupError::Exists(to.display().to_string()));
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(BackupError::NoFolder(to.display().to_string()));
    }
    let target = Value::String(Some(to.display().to_string()));
    db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), "VACUUM INTO ?", [target])).await?;
    Ok(std::fs::metadata(to).map(|m| m.len()).unwrap_or(0))
}
