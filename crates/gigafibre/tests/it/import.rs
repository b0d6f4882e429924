//! The legacy CSV export, imported as an operator would: twice, and broken.

use std::path::Path;

use gigafibre::db::testing::TestDatabase;
use gigafibre_db::entities::customer;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::support::{gigafibre, stats};

fn export(db: &TestDatabase, dir: &Path) -> std::path::PathBuf {
    let csv = dir.join("legacy");
    gigafibre(db, dir, &["seed", "--scale", "small", "--as-of", "2026-11-25", "--legacy-csv", csv.to_str().unwrap()])
        .success();
    csv
}

#[tokio::test]
async fn importing_twice_gives_the_same_counts_and_a_passing_check() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = export(&db, dir.path());
    let from = csv.to_str().unwrap();

    gigafibre(&db, dir.path(), &["import", "legacy", "--from", from]).success();
    let first = stats(&db, dir.path());
    assert_eq!(first["customers"], 200);
    assert!(first["invoices"].as_u64().unwrap() > 2_000);

    gigafibre(&db, dir.path(), &["import", "legacy", "--from", from]).success();
    assert_eq!(stats(&db, dir.path()), first, "a re-run updates, never duplicates");
    gigafibre(&db, dir.path(), &["check"]).success();
}

#[tokio::test]
async fn the_old_md5_passwords_are_never_imported() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = export(&db, dir.path());
    let customers = std::fs::read_to_string(csv.join("customers.csv")).unwrap();
    let hashes: Vec<String> = customers.lines().skip(1).map(|l| l.split(',').nth(13).unwrap().to_owned()).collect();
    assert!(hashes.iter().all(|h| h.len() == 32), "the export carries the legacy column");
    gigafibre(&db, dir.path(), &["import", "legacy", "--from", csv.to_str().unwrap()]).success();
    let stored = customer::Entity::find().into_json().all(&db.db).await.unwrap();
    assert_eq!(stored.len(), 200);
    let stored = serde_json::to_string(&stored).unwrap();
    assert!(!hashes.iter().any(|h| stored.contains(h.as_str())), "no MD5 hash in any customer column");
}

#[tokio::test]
async fn a_re_run_updates_what_changed_and_keeps_what_staff_wrote() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = export(&db, dir.path());
    let from = csv.to_str().unwrap();
    gigafibre(&db, dir.path(), &["import", "legacy", "--from", from]).success();
    db.db.execute_unprepared("UPDATE customers SET notes = 'Chien méchant' WHERE legacy_id = '20001'").await.unwrap();

    edit(&csv, "customers.csv", |mut lines| {
        let mut fields: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
        fields[3] = "Nouveau-Nom".to_owned();
        lines[1] = fields.join(",");
        lines
    });
    gigafibre(&db, dir.path(), &["import", "legacy", "--from", from]).success();
    let first =
        customer::Entity::find().filter(customer::Column::LegacyId.eq("20001")).one(&db.db).await.unwrap().unwrap();
    assert_eq!(first.last_name, "Nouveau-Nom", "the legacy change arrived");
    assert_eq!(first.notes, "Chien méchant", "the note written here survived");
    assert_eq!(stats(&db, dir.path())["customers"], 200);
}

/// Rewrites one file of the export.
fn edit(csv: &Path, file: &str, change: impl Fn(Vec<String>) -> Vec<String>) {
    let path = csv.join(file);
    let lines = std::fs::read_to_string(&path).unwrap().lines().map(str::to_owned).collect();
    std::fs::write(&path, change(lines).join("\n") + "\n").unwrap();
}

#[tokio::test]
async fn every_bad_row_is_reported_and_its_file_writes_nothing() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = export(&db, dir.path());
    edit(&csv, "customers.csv", |mut lines| {
        lines[2] = lines[2].replacen(",FR,", ",DE,", 1).replacen(",EN,", ",DE,", 1); // line 3
        lines[4] = "20005,residential,Too,Short".to_owned(); // line 5
        let duplicate = lines[6].clone();
        lines.push(duplicate); // the last line repeats line 7
        lines
    });
    let last_line = std::fs::read_to_string(csv.join("customers.csv")).unwrap().lines().count();

    let run = gigafibre(&db, dir.path(), &["import", "legacy", "--from", csv.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("customers.csv line 3: language 'DE' is neither FR nor EN"), "{}", run.stdout);
    assert!(
        run.stdout.contains("customers.csv line 5: malformed row: has 4 fields where the header has 20"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("customers.csv line {last_line}: duplicate id '20006' (first on line 7)")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("invoices.csv: not imported because customers.csv was rejected"));
    assert_eq!(stats(&db, dir.path())["customers"], 0, "the rejected file wrote nothing");
}

#[tokio::test]
async fn a_missing_column_rejects_the_file_by_name() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = export(&db, dir.path());
    edit(&csv, "tickets.csv", |lines| {
        lines.into_iter().map(|l| l.splitn(3, ',').filter(|_| true).take(2).collect::<Vec<_>>().join(",")).collect()
    });
    let run = gigafibre(&db, dir.path(), &["import", "legacy", "--from", csv.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("tickets.csv: missing column subject, category"), "{}", run.stdout);
    let counts = stats(&db, dir.path());
    assert_eq!(counts["customers"], 0, "one broken file and nothing is written");
    assert_eq!(counts["tickets"], 0);
}
