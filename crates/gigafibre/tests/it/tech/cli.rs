//! `gigafibre tech list` and `gigafibre tech link` as an operator uses them.

use gigafibre::db::testing::TestDatabase;
use gigafibre_db::entities::{outbox_message, technician, technician_link};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::gigafibre;

async fn seeded() -> (TestDatabase, tempfile::TempDir) {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    gigafibre(&db, dir.path(), &["seed", "--scale", "small"]).success();
    (db, dir)
}

#[tokio::test]
async fn tech_list_and_link_by_id_email_or_phone() {
    let (db, dir) = seeded().await;
    let listed = gigafibre(&db, dir.path(), &["tech", "list", "--json"]).success();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).unwrap();
    let first = technician::Entity::find().order_by_asc(technician::Column::Id).one(&db.db).await.unwrap().unwrap();
    assert_eq!(rows.len() as u64, technician::Entity::find().count(&db.db).await.unwrap());
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["active", "email", "id", "name", "phone"]);
    assert_eq!(rows[0]["id"], first.id);
    let table = gigafibre(&db, dir.path(), &["tech", "list"]).success();
    assert!(table.stdout.contains(&first.name), "{}", table.stdout);

    let email = first.email.clone().unwrap().to_uppercase();
    let phone = first.phone.clone().unwrap();
    let written = format!("({}) {}-{}", &phone[2..5], &phone[5..8], &phone[8..]);
    for named in [first.id.to_string(), email, written] {
        let run = gigafibre(&db, dir.path(), &["tech", "link", &named]).success();
        assert!(run.stdout.contains("/j/auth?token="), "{}", run.stdout);
        assert!(run.stdout.contains(&first.name), "{}", run.stdout);
    }
    let made = technician_link::Entity::find()
        .filter(technician_link::Column::TechnicianId.eq(first.id))
        .count(&db.db)
        .await
        .unwrap();
    assert_eq!(made, 3);
}

#[tokio::test]
async fn tech_link_sends_by_sms_and_refuses_unknown_ambiguous_and_wrong_jobs() {
    let (db, dir) = seeded().await;
    let first = technician::Entity::find().order_by_asc(technician::Column::Id).one(&db.db).await.unwrap().unwrap();
    let sent = gigafibre(&db, dir.path(), &["tech", "link", &first.id.to_string(), "--send"]).success();
    assert!(sent.stdout.contains("Text message queued"), "{}", sent.stdout);
    let texted = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(first.phone.clone().unwrap()))
        .count(&db.db)
        .await
        .unwrap();
    assert_eq!(texted, 1);

    let unknown = gigafibre(&db, dir.path(), &["tech", "link", "nobody@example.ca"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("no technician matches 'nobody@example.ca'"), "{}", unknown.stderr);
    let ambiguous = gigafibre(&db, dir.path(), &["tech", "link", "e"]);
    assert_eq!(ambiguous.code, 1);
    assert!(
        ambiguous.stderr.contains("matches") && ambiguous.stderr.contains("name one by its id"),
        "{}",
        ambiguous.stderr
    );
    let wrong_job = gigafibre(&db, dir.path(), &["tech", "link", &first.id.to_string(), "--job", "999999"]);
    assert_eq!(wrong_job.code, 1);
    assert!(wrong_job.stderr.contains("job 999999 is not assigned"), "{}", wrong_job.stderr);
    let typo = gigafibre(&db, dir.path(), &["tech", "lnik", "1"]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("link"), "{}", typo.stderr);
    let bad_day = gigafibre(&db, dir.path(), &["tech", "link", "1", "--day", "demain"]);
    assert_eq!(bad_day.code, 2);
    assert!(bad_day.stderr.contains("write it as YYYY-MM-DD"), "{}", bad_day.stderr);
}
