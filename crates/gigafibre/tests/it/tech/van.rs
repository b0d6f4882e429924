//! Counting the van: a correction is a movement per device and an audit
//! entry for the count, never a silent overwrite.

use axum::http::StatusCode;
use gigafibre_db::entities::{audit_entry, equipment, equipment_movement};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::{busy_technician, issue, open, van_of};
use crate::ops::Ops;

#[tokio::test]
async fn a_count_marks_the_absent_missing_adds_the_found_and_logs_both() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    let van = van_of(&ops, technician).await;
    let page = phone.get(&ops, "/j/van").await;
    assert!(page.body.contains(&format!("Appareils dans le camion : {}", van.len())), "{}", page.body);
    let in_warehouse = equipment::Entity::find()
        .filter(equipment::Column::Status.eq("warehouse"))
        .order_by_asc(equipment::Column::Id)
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let absent = &van[0];
    let mut form: Vec<(&str, String)> = van[1..].iter().map(|d| ("present", d.id.to_string())).collect();
    form.push(("found", in_warehouse.barcode.clone().unwrap()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = phone.post(&ops, "/j/van/count", &form).await;
    assert_eq!((answer.status, answer.location()), (StatusCode::SEE_OTHER, "/j/van?missing=1&found=1"));
    let missing = equipment::Entity::find_by_id(absent.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(missing.status, "missing");
    let found = equipment::Entity::find_by_id(in_warehouse.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!((found.status.as_str(), found.technician_id), ("van", Some(technician)));
    for (id, from, to) in [(absent.id, "van", "missing"), (in_warehouse.id, "warehouse", "van")] {
        let moved = equipment_movement::Entity::find()
            .filter(equipment_movement::Column::EquipmentId.eq(id))
            .filter(equipment_movement::Column::ToStatus.eq(to))
            .one(&ops.db.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("device {id} has a movement to {to}"));
        assert_eq!(moved.from_status.as_deref(), Some(from));
    }
    let entry = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("van_count"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .expect("the count is in the audit log");
    assert!(entry.after.unwrap().contains(&absent.serial));
    let shown = phone.get(&ops, "/j/van?missing=1&found=1").await;
    assert!(shown.body.contains("1 manquant(s), 1 ajouté(s)"));
}

#[tokio::test]
async fn a_count_with_an_unknown_code_changes_nothing() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    let before = equipment_movement::Entity::find().count(&ops.db.db).await.unwrap();
    let in_van = van_of(&ops, technician).await.len();
    let answer = phone.post(&ops, "/j/van/count", &[("found", "NOSUCH123")]).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("NOSUCH123"), "{}", answer.body);
    assert_eq!(van_of(&ops, technician).await.len(), in_van, "nothing marked missing");
    assert_eq!(equipment_movement::Entity::find().count(&ops.db.db).await.unwrap(), before);
}
