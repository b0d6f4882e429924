//! A fresh database for every test, on either engine.
//!
//! Without `TEST_DATABASE_URL` each test gets a copy of a SQLite file that
//! was migrated once per test process. With `TEST_DATABASE_URL=postgres://…`
//! each test gets its own PostgreSQL database, cloned from a template that is
//! migrated once per schema version, and dropped when the test ends.

#![allow(clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::OnceLock;

use rand::RngExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use super::{DatabaseTarget, connect, migrate};

/// A database that exists for one test.
pub struct TestDatabase {
    pub db: DatabaseConnection,
    pub target: DatabaseTarget,
    _sqlite_dir: Option<tempfile::TempDir>,
    postgres_drop: Option<PostgresDrop>,
}

impl TestDatabase {
    /// Creates and migrates a database for one test. Panics on failure: a test
    /// that cannot get a database has nothing to test.
    pub async fn new() -> TestDatabase {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Self::postgres(url.trim()).await,
            _ => Self::sqlite().await,
        }
    }

    /// The `DATABASE_URL` that names this database, for running the CLI on it.
    pub fn url(&self) -> String {
        match &self.target {
            DatabaseTarget::SqliteFile(path) => format!("sqlite:{}", path.display()),
            other => other.driver_url(),
        }
    }

    async fn sqlite() -> TestDatabase {
        let template = sqlite_template().await;
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("test.db");
        std::fs::copy(template, &path).expect("copy the template database");
        let target = DatabaseTarget::SqliteFile(path);
        let db = connect(&target).await.expect("open the test database");
        TestDatabase { db, target, _sqlite_dir: Some(dir), postgres_drop: None }
    }

    async fn postgres(admin_url: &str) -> TestDatabase {
        let template = postgres_template(admin_url).await;
        let name = format!("gigafibre_test_{:016x}", rand::rng().random::<u64>());
        let admin = Database::connect(admin_url).await.expect("connect to TEST_DATABASE_URL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        let target = DatabaseTarget::Postgres(with_database(admin_url, &name));
        let db = connect(&target).await.expect("open the test database");
        TestDatabase {
            db,
            target,
            _sqlite_dir: None,
            postgres_drop: Some(PostgresDrop { admin_url: admin_url.to_owned(), name }),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(drop) = self.postgres_drop.take() {
            drop.run();
        }
    }
}

struct PostgresDrop {
    admin_url: String,
    name: String,
}

impl PostgresDrop {
    /// Drops the database from a thread of its own: `Drop` cannot await, and
    /// the test's runtime may already be shutting down.
    fn run(self) {
        let handle = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(self.admin_url.as_str()).await {
                    let _ =
                        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await;
                    admin.close().await.ok();
                }
            });
        });
        let _ = handle.join();
    }
}

/// A SQLite file migrated once per test process.
async fn sqlite_template() -> &'static PathBuf {
    static TEMPLATE: tokio::sync::OnceCell<(tempfile::TempDir, PathBuf)> = tokio::sync::OnceCell::const_new();
    let (_, path) = TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().expect("temporary directory");
            let path = dir.path().join("template.db");
            let target = DatabaseTarget::SqliteFile(path.clone());
            let db = connect(&target).await.expect("open the template database");
            migrate(&db).await.expect("migrate the template database");
            db.close().await.ok();
            // Fold the WAL into the main file so that a plain copy is complete,
            // from a fresh pool whose one connection is the only reader.
            let db = connect(&target).await.expect("reopen the template database");
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint");
            db.close().await.ok();
            (dir, path)
        })
        .await;
    path
}

/// The name of a PostgreSQL template database holding the current schema,
/// created on first use. An advisory lock keeps concurrent test processes
/// from building it twice.
async fn postgres_template(admin_url: &str) -> String {
    static NAME: OnceLock<String> = OnceLock::new();
    if let Some(name) = NAME.get() {
        return name.clone();
    }
    let name = format!("gigafibre_template_{}", gigafibre_db::SCHEMA_FINGERPRINT);
    let admin = Database::connect(admin_url).await.expect("connect to TEST_DATABASE_URL");
    admin.execute_unprepared("SELECT pg_advisory_lock(7265432)").await.expect("advisory lock");
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("look up the template")
        .is_some();
    if !exists {
        let building = format!("{name}_building");
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await.expect("drop");
        admin.execute_unprepared(&format!("CREATE DATABASE {building}")).await.expect("create the template");
        let target = DatabaseTarget::Postgres(with_database(admin_url, &building));
        let db = connect(&target).await.expect("open the template");
        migrate(&db).await.expect("migrate the template");
        db.close().await.ok();
        admin
            .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await
            .expect("publish the template");
    }
    admin.execute_unprepared("SELECT pg_advisory_unlock(7265432)").await.expect("advisory unlock");
    admin.close().await.ok();
    NAME.get_or_init(|| name).clone()
}

fn with_database(admin_url: &str, name: &str) -> String {
    match url::Url::parse(admin_url) {
        Ok(mut url) => {
            url.set_path(name);
            url.to_string()
        }
        Err(_) => admin_url.to_owned(),
    }
}
