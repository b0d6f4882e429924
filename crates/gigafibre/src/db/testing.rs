//! A fresh database for every test, on either engine.
//!
//! Without `TEST_DATABASE_URL` each test gets a copy of a SQLite file that
//! was migrated once per test process. With `TEST_DATABASE_URL=postgres://…`
//! each test gets its own PostgreSQL database, cloned from a template that is
//! migrated once per schema version, and dropped when the test ends.
//! [`TestDatabase::with_demo`] adds the demo generator's data; on PostgreSQL
//! they too are written once, into a template named by their content, since
//! writing them row by row is most of a test's set-up there. The templates
//! (`gigafibre_template_*`, `gigafibre_demo_*`) may be dropped whenever no
//! test runs; they are made again on first use.

#![allow(clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use rand::RngExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use sha2::{Digest, Sha256};

use super::{DatabaseTarget, connect, migrate};
use crate::demo::{self, Dataset};

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
        match postgres_url() {
            Some(url) => {
                let template = schema_template(&url).await;
                Self::postgres(&url, &template).await
            }
            None => Self::sqlite().await,
        }
    }

    /// A fresh database holding `data`, as `demo::write_dataset` leaves it.
    pub async fn with_demo(data: &Dataset) -> TestDatabase {
        match postgres_url() {
            Some(url) => {
                let template = demo_template(&url, data).await;
                Self::postgres(&url, &template).await
            }
            None => {
                let db = Self::sqlite().await;
                demo::write_dataset(&db.db, data, false).await.expect("write the demo data");
                db
            }
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

    async fn postgres(admin_url: &str, template: &str) -> TestDatabase {
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

fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().map(|url| url.trim().to_owned()).filter(|url| !url.is_empty())
}

/// The PostgreSQL template holding the current schema.
async fn schema_template(admin_url: &str) -> String {
    let name = format!("gigafibre_template_{}", gigafibre_db::SCHEMA_FINGERPRINT);
    postgres_template(admin_url, &name, None, async |db| migrate(db).await.expect("migrate the template")).await;
    name
}

/// The PostgreSQL template holding the current schema and `data`.
async fn demo_template(admin_url: &str, data: &Dataset) -> String {
    let mut hash = Sha256::new();
    hash.update(gigafibre_db::SCHEMA_FINGERPRINT);
    hash.update(format!("{data:?}"));
    let name = format!("gigafibre_demo_{}", &hex::encode(hash.finalize())[..16]);
    let schema = schema_template(admin_url).await;
    let fill = async |db: &DatabaseConnection| demo::write_dataset(db, data, false).await.expect("write the demo data");
    postgres_template(admin_url, &name, Some(&schema), fill).await;
    name
}

/// Makes the template database `name` unless it exists: a copy of `source`
/// (or an empty database) that `fill` completes, published under its name
/// only once complete. An advisory lock keeps concurrent test processes from
/// building it twice.
async fn postgres_template(
    admin_url: &str,
    name: &str,
    source: Option<&str>,
    fill: impl AsyncFnOnce(&DatabaseConnection),
) {
    static KNOWN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let known = |name: &str| KNOWN.lock().map(|set| set.as_ref().is_some_and(|s| s.contains(name))).unwrap_or(false);
    if known(name) {
        return;
    }
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
        let copy = source.map(|source| format!(" TEMPLATE {source}")).unwrap_or_default();
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await.expect("drop");
        admin.execute_unprepared(&format!("CREATE DATABASE {building}{copy}")).await.expect("create the template");
        let target = DatabaseTarget::Postgres(with_database(admin_url, &building));
        let db = connect(&target).await.expect("open the template");
        fill(&db).await;
        db.close().await.ok();
        admin
            .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await
            .expect("publish the template");
    }
    admin.execute_unprepared("SELECT pg_advisory_unlock(7265432)").await.expect("advisory unlock");
    admin.close().await.ok();
    if let Ok(mut set) = KNOWN.lock() {
        set.get_or_insert_with(HashSet::new).insert(name.to_owned());
    }
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
