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
    assert!(check.stdout.contains("All 11 checks passed"), "{}", check.stdout);
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
async fn a_mistyped_database_path_is_named_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("gigafibr.db");
    for command in [&["stats"][..], &["check"], &["backup", "--to", "copy.db"]] {
        let run = gigafibre_at(&format!("sqlite:{}", typo.display()), dir.path(), command);
        assert_eq!(run.code, 1, "{command:?}");
        assert!(run.stderr.contains("there is no database at"), "{}", run.stderr);
    }
    assert!(!typo.exists(), "no empty database was left behind");
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

/// Asks the server for `path` over plain HTTP; `None` until it listens.
fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

#[cfg(unix)]
#[tokio::test]
async fn the_server_stops_cleanly_on_sigterm() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_gigafibre"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env("DATABASE_URL", db.url())
        .env("GIGAFIBRE_DATA_DIR", dir.path().join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut answer = None;
    for _ in 0..100 {
        answer = http_get(port, "/healthz");
        if answer.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(answer.unwrap_or_default().ends_with("ok"), "the server answered /healthz");
    let killed = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "a SIGTERM ends the server with success, not a crash: {status}");
}
