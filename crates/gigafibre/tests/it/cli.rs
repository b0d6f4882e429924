//! The command line as an operator uses it.

use gigafibre::db::testing::TestDatabase;

use crate::support::{gigafibre, gigafibre_at, is_postgres, stats};

#[tokio::test]
async fn seed_then_stats_and_check() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let seeded = gigafibre(&db, dir.path(), &["seed", "--scale", "small", "--as-of", "2026-11-25"]).success();
    assert!(seeded.stdout.contains("200 customers"), "{}", seeded.stdout);

    let counts = stats(&db, dir.path());
    for key in ["customers", "subscriptions", "invoices", "payments", "tickets", "technicians", "equipment"] {
        assert!(counts[key].as_u64().unwrap() > 0, "{key} in {counts}");
    }
    assert_eq!(counts["customers"], 200);

    let check = gigafibre(&db, dir.path(), &["check"]).success();
    assert!(check.stdout.contains("All 9 checks passed"), "{}", check.stdout);
}

#[tokio::test]
async fn seeding_twice_is_refused_and_changes_nothing() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    gigafibre(&db, dir.path(), &["seed", "--scale", "small"]).success();
    let before = stats(&db, dir.path());
    let again = gigafibre(&db, dir.path(), &["seed", "--scale", "small"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already holds 200 customers"), "{}", again.stderr);
    assert_eq!(stats(&db, dir.path()), before);
}

#[tokio::test]
async fn an_unparseable_database_url_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = gigafibre_at("mysql://root@localhost/db", dir.path(), &["stats"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: DATABASE_URL 'mysql://root@localhost/db' is not understood"));
}

#[tokio::test]
async fn an_unwritable_data_directory_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "a file, not a folder").unwrap();
    let url = format!("sqlite:{}/gigafibre.db", blocked.display());
    let run = gigafibre_at(&url, dir.path(), &["migrate"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot create the data directory"), "{}", run.stderr);
}

#[tokio::test]
async fn a_typo_in_a_command_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let run = gigafibre_at("sqlite::memory:", dir.path(), &["stat"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("stats"), "{}", run.stderr);
}

#[tokio::test]
async fn config_check_names_each_setting_and_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gigafibre"))
        .args(["config", "check"])
        .current_dir(dir.path())
        .env("DATABASE_URL", "postgres://app:hunter2@db.example/prod")
        .env("GIGAFIBRE_SECRET_KEY", "very-secret-value")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("database_url  postgres://app:***@db.example/prod  (environment)"), "{stdout}");
    assert!(!stdout.contains("hunter2") && !stdout.contains("very-secret-value"));
}

#[tokio::test]
async fn backup_copies_a_live_sqlite_database_and_refuses_postgres() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    gigafibre(&db, dir.path(), &["seed", "--scale", "small"]).success();
    let backup_file = dir.path().join("copy.db");
    let run = gigafibre(&db, dir.path(), &["backup", "--to", backup_file.to_str().unwrap()]);
    if is_postgres(&db) {
        assert_eq!(run.code, 1);
        assert!(run.stderr.contains("pg_dump"), "{}", run.stderr);
        return;
    }
    run.success();
    let copy = format!("sqlite:{}", backup_file.display());
    let counts = gigafibre_at(&copy, dir.path(), &["stats", "--json"]).success();
    assert!(counts.stdout.contains("\"customers\": 200"), "{}", counts.stdout);
    let again = gigafibre(&db, dir.path(), &["backup", "--to", backup_file.to_str().unwrap()]);
    assert_eq!(again.code, 1, "never overwrites a backup");
}
