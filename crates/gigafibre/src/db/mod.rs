//! Opening the database named by `DATABASE_URL` and bringing its schema up
//! to date. One query layer (SeaORM) serves both engines.

mod bulk;
mod target;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;

use std::path::Path;
use std::time::Duration;

use gigafibre_db::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub use bulk::{BulkWriter, reset_id_sequences};
pub use target::{DatabaseTarget, Engine, TargetError};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("the data directory {0} is not writable")]
    DataDirReadOnly(String),
    #[error("cannot open the database {target}: {source}")]
    Connect { target: String, source: DbErr },
    #[error("there is no database at {0}; create it with `gigafibre migrate` or `gigafibre demo`")]
    Missing(String),
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
    #[error(transparent)]
    Query(#[from] DbErr),
}

/// Opens a pool on the target. A SQLite file gets its folder created, WAL
/// journalling, foreign keys and a busy timeout so that writers wait instead
/// of failing.
pub async fn connect(target: &DatabaseTarget) -> Result<DatabaseConnection, DbError> {
    if let DatabaseTarget::SqliteFile(path) = target {
        prepare_data_dir(path)?;
    }
    let mut options = ConnectOptions::new(target.driver_url());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(10));
    match target {
        DatabaseTarget::SqliteMemory => {
            // Every connection to `:memory:` is a different database: keep one.
            options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
        }
        DatabaseTarget::SqliteFile(_) => {
            options.max_connections(8);
        }
        DatabaseTarget::Postgres(_) => {
            options.max_connections(16);
        }
    }
    options.map_sqlx_sqlite_opts(|sqlite| {
        sqlite
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
    });
    Database::connect(options).await.map_err(|source| DbError::Connect { target: target.to_string(), source })
}

/// Applies every pending migration in one transaction: a crash half way
/// leaves the schema as it was. On PostgreSQL a transaction-scoped advisory
/// lock makes instances that start together migrate one after the other.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbError> {
    let txn = begin_write(db).await.map_err(DbError::Migrate)?;
    if engine_of(db) == Engine::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7265431)").await.map_err(DbError::Migrate)?;
    }
    Migrator::up(&txn, None).await.map_err(DbError::Migrate)?;
    txn.commit().await.map_err(DbError::Migrate)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`), so that a transaction that reads before it
/// writes waits for another writer instead of failing with "database is
/// locked" when it tries to upgrade.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    if engine_of(db) == Engine::Sqlite {
        let options = TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        };
        db.begin_with_options(options).await
    } else {
        db.begin().await
    }
}

/// Opens a database that must already exist: commands that only read or copy
/// refuse to create an empty file from a mistyped path.
pub async fn open_existing(target: &DatabaseTarget) -> Result<DatabaseConnection, DbError> {
    if let DatabaseTarget::SqliteFile(path) = target
        && !path.is_file()
    {
        return Err(DbError::Missing(path.display().to_string()));
    }
    open(target).await
}

/// Opens and migrates: what every command that touches data starts with.
pub async fn open(target: &DatabaseTarget) -> Result<DatabaseConnection, DbError> {
    let db = connect(target).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Whether the database answers a trivial query (for `/readyz`).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

pub fn engine_of(db: &DatabaseConnection) -> Engine {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => Engine::Postgres,
        _ => Engine::Sqlite,
    }
}

fn prepare_data_dir(database_file: &Path) -> Result<(), DbError> {
    let dir = match database_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir { path: dir.display().to_string(), source })?;
    let probe = dir.join(".gigafibre-write-test");
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(_) => Err(DbError::DataDirReadOnly(dir.display().to_string())),
    }
}
