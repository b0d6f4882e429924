//! The list's queries as SQLite plans them: every filter the list offers
//! (and the dashboard links into) is served by an index, never by reading
//! and sorting the whole table. SQLite plans without statistics, so a
//! migrated empty database plans as the full-size one does.

use chrono::{TimeZone, Utc};
use gigafibre_db::entities::ticket;
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, QueryTrait, Statement};

use super::list::{Filters, ListQuery, after_cursor, newest_first};
use crate::db::DatabaseTarget;

fn filters(pairs: &[(&str, &str)]) -> Filters {
    let text = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let query: ListQuery = serde_urlencoded::from_str(&text).unwrap_or_default();
    Filters::read(&query)
}

/// The plan's lines for the first page, or the page after a cursor.
async fn plan(db: &sea_orm::DatabaseConnection, pairs: &[(&str, &str)], cursor: bool) -> String {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap();
    let filters = filters(pairs);
    let mut query = filters.apply(ticket::Entity::find(), 2, now);
    if cursor {
        let at = now - chrono::Duration::days(3);
        let model = ticket::Model {
            id: 1_000,
            legacy_id: None,
            customer_id: 1,
            service_location_id: None,
            subject: String::new(),
            description: String::new(),
            category: String::new(),
            priority: String::new(),
            status: String::new(),
            assigned_staff_id: None,
            created_at: at,
            updated_at: at,
            closed_at: None,
        };
        query = after_cursor(query, &model);
    }
    let sql = sea_orm::QuerySelect::limit(newest_first(query, &filters, DatabaseBackend::Sqlite), 51)
        .build(DatabaseBackend::Sqlite);
    let explain = Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        format!("EXPLAIN QUERY PLAN {}", sql.sql),
        sql.values.map(|v| v.0).unwrap_or_default(),
    );
    let rows = db.query_all_raw(explain).await.unwrap();
    rows.iter().map(|row| row.try_get::<String>("", "detail").unwrap()).collect::<Vec<_>>().join(" | ")
}

#[tokio::test]
async fn every_filter_of_the_list_is_served_by_an_index() {
    let db = crate::db::open(&DatabaseTarget::SqliteMemory).await.unwrap();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[], "USING INDEX idx_tickets_status_created_at_id"),
        (&[("priority", "urgent"), ("age", "today")], "USING INDEX idx_tickets_status_priority_created_at"),
        (&[("assignee", "none")], "USING INDEX idx_tickets_assigned_staff_id_status_created_at_id"),
        (&[("assignee", "me")], "USING INDEX idx_tickets_assigned_staff_id_status_created_at_id"),
        (&[("status", "closed")], "USING INDEX idx_tickets_status_created_at_id"),
        (
            &[("status", "closed"), ("assignee", "none")],
            "USING INDEX idx_tickets_assigned_staff_id_status_created_at_id",
        ),
        (&[("status", "all")], "USING INDEX idx_tickets_created_at_id"),
        (&[("status", "all"), ("assignee", "none")], "USING INDEX idx_tickets_assigned_staff_id_created_at_id"),
        (&[("status", "all"), ("category", "wifi")], "USING INDEX idx_tickets_created_at_id"),
        (&[("status", "all"), ("priority", "low")], "USING INDEX idx_tickets_created_at_id"),
    ];
    for (pairs, index) in cases {
        for cursor in [false, true] {
            let plan = plan(&db, pairs, cursor).await;
            assert!(plan.contains(index), "{pairs:?} (cursor: {cursor}): {plan}");
            let sorted = plan.contains("TEMP B-TREE");
            // Only the tickets to handle (few by nature) are sorted once found.
            let active = !pairs.iter().any(|(k, _)| *k == "status");
            assert!(!sorted || active, "{pairs:?} (cursor: {cursor}) sorts: {plan}");
        }
    }
}
