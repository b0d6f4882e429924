//! The billing run on the demo data, through the real binary: idempotent,
//! catching up, crash-safe, safe to start twice at once, and `check` clean.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use gigafibre::db::testing::TestDatabase;
use gigafibre::demo::{self, Scale};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::support::gigafibre;

/// The day the demo data is as of: every customer's current period is billed.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

async fn seeded() -> (TestDatabase, tempfile::TempDir) {
    let data = demo::generate(Scale::Small, demo::DEFAULT_SEED, as_of());
    let db = TestDatabase::with_demo(&data).await;
    (db, tempfile::tempdir().unwrap())
}

fn counts(db: &TestDatabase, dir: &tempfile::TempDir, date: &str) -> (i64, i64, i64) {
    let run = gigafibre(db, dir.path(), &["billing", "run", "--date", date, "--json"]).success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json prints JSON");
    let field = |name: &str| json[name].as_i64().unwrap_or_else(|| panic!("{name} in {json}"));
    (field("invoices_created"), field("lines"), field("total_cents"))
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Every invoice the run issued, as a customer would see it.
async fn issued(db: &DatabaseConnection) -> Vec<(String, i64, String, i64, i64)> {
    let sql = "SELECT i.number, i.customer_id, CAST(i.period_start AS TEXT), i.total_cents, \
               CAST((SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) AS BIGINT) \
               FROM invoices i WHERE i.legacy_id IS NULL ORDER BY i.number";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
                r.try_get_by_index(3).unwrap(),
                r.try_get_by_index(4).unwrap(),
            )
        })
        .collect()
}

/// The numbers follow on from the demo's last one with no gap and no repeat.
fn assert_gapless(invoices: &[(String, i64, String, i64, i64)], first: i64) {
    let numbers: Vec<i64> = invoices.iter().map(|i| i.0.trim_start_matches("F-").parse().unwrap()).collect();
    let expected: Vec<i64> = (first..first + numbers.len() as i64).collect();
    assert_eq!(numbers, expected, "invoice numbers have a gap or a repeat");
}

async fn last_demo_number(db: &DatabaseConnection) -> i64 {
    scalar(db, "SELECT CAST(COUNT(*) AS BIGINT) FROM invoices").await
}

#[tokio::test]
async fn a_run_bills_the_next_period_once_and_check_still_passes() {
    let (db, dir) = seeded().await;
    let before = last_demo_number(&db.db).await;
    let (invoices, lines, total) = counts(&db, &dir, "2026-12-25");
    assert!(invoices > 100, "most of the 200 customers have a period starting by 25 December: {invoices}");
    assert!(lines >= invoices && total > 0);
    let issued = issued(&db.db).await;
    assert_eq!(issued.len() as i64, invoices);
    assert_gapless(&issued, before + 1);
    let sum = scalar(&db.db, "SELECT CAST(SUM(total_cents) AS BIGINT) FROM invoices WHERE legacy_id IS NULL").await;
    assert_eq!(sum, total);

    assert_eq!(counts(&db, &dir, "2026-12-25"), (0, 0, 0), "the same run again adds nothing");
    let check = gigafibre(&db, dir.path(), &["check"]).success();
    assert!(check.stdout.contains("checks passed"), "{}", check.stdout);

    let runs = scalar(&db.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM billing_runs WHERE status = 'finished'").await;
    assert_eq!(runs, 2);
}

#[tokio::test]
async fn a_dry_run_prints_what_it_would_issue_and_writes_nothing() {
    let (db, dir) = seeded().await;
    let before = last_demo_number(&db.db).await;
    let run = gigafibre(&db, dir.path(), &["billing", "run", "--date", "2026-12-25", "--dry-run"]).success();
    assert!(run.stdout.contains("would issue"), "{}", run.stdout);
    assert!(run.stdout.contains("Dry run: nothing was written."), "{}", run.stdout);
    assert!(run.stdout.lines().any(|l| l.starts_with("GF-1") && l.contains("2026-12")), "{}", run.stdout);
    assert_eq!(last_demo_number(&db.db).await, before);
    assert_eq!(scalar(&db.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM billing_runs").await, 0);
}

#[tokio::test]
async fn a_bad_date_is_refused_with_the_format_to_use() {
    let (db, dir) = seeded().await;
    let run = gigafibre(&db, dir.path(), &["billing", "run", "--date", "2026-13-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("write it as YYYY-MM-DD"), "{}", run.stderr);
}

#[tokio::test]
async fn three_days_missed_are_caught_up_as_daily_runs_would_have() {
    let (daily, daily_dir) = seeded().await;
    for date in ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"] {
        counts(&daily, &daily_dir, date);
    }
    let (late, late_dir) = seeded().await;
    counts(&late, &late_dir, "2026-12-01");
    let (invoices, _, _) = counts(&late, &late_dir, "2026-12-04");
    assert!(invoices > 0, "customers billed on the 2nd, 3rd and 4th");

    // Same customers, periods, lines and totals; only the issue dates differ.
    let key = |rows: Vec<(String, i64, String, i64, i64)>| -> BTreeSet<(i64, String, i64, i64)> {
        rows.into_iter().map(|(_, customer, period, total, lines)| (customer, period, total, lines)).collect()
    };
    assert_eq!(key(issued(&late.db).await), key(issued(&daily.db).await));
}

#[tokio::test]
async fn two_runs_started_together_bill_once() {
    let (db, dir) = seeded().await;
    let before = last_demo_number(&db.db).await;
    let url = db.url();
    let start = |url: String, path: std::path::PathBuf| {
        std::thread::spawn(move || {
            crate::support::gigafibre_at(&url, &path, &["billing", "run", "--date", "2027-02-25", "--json"]).success()
        })
    };
    let first = start(url.clone(), dir.path().to_owned());
    let second = start(url, dir.path().to_owned());
    let (first, second) = (first.join().unwrap(), second.join().unwrap());
    let created = |run: &crate::support::Run| -> i64 {
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        json["invoices_created"].as_i64().unwrap()
    };
    let issued = issued(&db.db).await;
    assert_eq!(created(&first) + created(&second), issued.len() as i64, "each invoice counted by one run");
    assert_gapless(&issued, before + 1);

    let (alone, alone_dir) = seeded().await;
    counts(&alone, &alone_dir, "2027-02-25");
    assert_eq!(issued, self::issued(&alone.db).await, "the same invoices as one run alone");
}

#[tokio::test]
async fn a_run_killed_half_way_is_finished_by_the_next_without_a_gap() {
    // Two years of periods to catch up: thousands of invoices, many batches.
    let date = "2028-11-25";
    let (uninterrupted, plain_dir) = seeded().await;
    counts(&uninterrupted, &plain_dir, date);
    let expected = issued(&uninterrupted.db).await;

    let (db, dir) = seeded().await;
    let demo_invoices = last_demo_number(&db.db).await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gigafibre"))
        .args(["billing", "run", "--date", date, "--json"])
        .current_dir(dir.path())
        .env("DATABASE_URL", db.url())
        .env_remove("GIGAFIBRE_CONFIG")
        .env("GIGAFIBRE_DATA_DIR", dir.path().join("data"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while last_demo_number(&db.db).await == demo_invoices {
        assert!(Instant::now() < deadline, "the run wrote nothing in a minute");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up.
    child.wait().unwrap();

    let partial = issued(&db.db).await;
    assert!(!partial.is_empty() && partial.len() < expected.len(), "killed half way: {} invoices", partial.len());
    let customers: BTreeSet<i64> = partial.iter().map(|i| i.1).collect();
    for customer in customers {
        let whole = expected.iter().filter(|i| i.1 == customer).count();
        let kept = partial.iter().filter(|i| i.1 == customer).count();
        assert_eq!(kept, whole, "customer {customer} is billed wholly or not at all");
    }

    counts(&db, &dir, date);
    assert_eq!(issued(&db.db).await, expected, "same invoices, same numbers as an uninterrupted run");
    gigafibre(&db, dir.path(), &["check"]).success();
}

#[tokio::test]
async fn the_schedule_runs_once_a_day_from_five_in_the_morning() {
    let (db, _dir) = seeded().await;
    let toronto =
        |h: u32| chrono_tz::America::Toronto.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap().with_timezone(&Utc);
    let tick = gigafibre::billing::run::schedule::tick;
    assert!(tick(&db.db, toronto(4)).await.unwrap().is_none(), "not before 05:00 in Québec");
    let (a, b) = tokio::join!(tick(&db.db, toronto(6)), tick(&db.db, toronto(6)));
    let ran: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(ran.len(), 1, "two instances looking at once: one run");
    assert!(ran[0].invoices_created > 0);
    assert!(tick(&db.db, toronto(7)).await.unwrap().is_none(), "once a day");
    let scheduled =
        scalar(&db.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM billing_runs WHERE trigger = 'schedule'").await;
    assert_eq!(scheduled, 1);
}
