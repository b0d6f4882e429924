//! The life of a job from its ticket to its end: booked (the customer is
//! told), on the way (told again), done: the ticket closed, the devices
//! moved, every move in the equipment's log.

use axum::http::StatusCode;
use chrono::{Days, NaiveDate};
use gigafibre_db::entities::{equipment, equipment_movement, staff, ticket, ticket_message};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::{
    api, book, book_free, create_job, installed_at, job, job_id_of, local, outbox_of, reachable_case,
    technician_with_stock,
};
use crate::ops::Ops;

fn tomorrow() -> NaiveDate {
    crate::ops::start_of_test().date_naive() + Days::new(1)
}

#[tokio::test]
async fn ticket_to_job_to_done_closes_the_ticket_moves_the_equipment_and_logs_every_move() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let (technician, new_device) = technician_with_stock(&ops).await;
    let old_device = installed_at(&ops, &case).await.into_iter().next().expect("the customer has a device in service");

    // The form from the ticket's page: the type's duration filled in.
    let ticket_page = ops.get(&format!("/ops/tickets/{}", case.ticket.id), Some(&dispatcher)).await;
    assert!(ticket_page.body.contains(&format!("/ops/jobs/new?ticket={}", case.ticket.id)));
    let form = ops.get(&format!("/ops/jobs/new?ticket={}", case.ticket.id), Some(&dispatcher)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("data-minutes=\"45\""), "each type carries its duration");
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "equipment_swap", "").await);
    let created = job(&ops, id).await;
    assert_eq!((created.status.as_str(), created.ticket_id), ("unscheduled", Some(case.ticket.id)));
    assert_eq!(created.duration_minutes, 45, "the type's duration");
    assert!(
        ops.get(&format!("/ops/tickets/{}", case.ticket.id), Some(&dispatcher))
            .await
            .body
            .contains(&format!("/ops/jobs/{id}\""))
    );

    // Booked: the customer is told when and where, by e-mail and by text.
    let booked = book(&ops, &dispatcher, id, technician.id, local(tomorrow(), 9)).await;
    assert_eq!(booked.status, StatusCode::OK, "{}", booked.body);
    let told = outbox_of(&ops, case.customer.id).await;
    assert_eq!(told.len(), 2, "one e-mail and one text");
    assert!(told.iter().all(|m| m.ticket_id == Some(case.ticket.id)));
    let email = told.iter().find(|m| m.channel == "email").unwrap();
    assert_eq!(email.subject.as_deref(), Some("Votre rendez-vous Gigafibre est confirmé"));
    assert!(email.body_text.contains("Échange d'appareil") && email.body_text.contains(&case.location.street));
    assert!(email.body_text.contains("entre 8 h 00 et 12 h 00"), "the customer's window: {}", email.body_text);

    // On the way: told again, with the technician's first name.
    let on_the_way = json!({ "status": "en_route" });
    let answer = api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/status"), "road-1", &on_the_way).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let told = outbox_of(&ops, case.customer.id).await;
    assert_eq!(told.len(), 4);
    let first_name = technician.name.split_whitespace().next().unwrap();
    assert!(told[2..].iter().all(|m| m.body_text.contains("en route") && m.body_text.contains(first_name)));

    // Done: the customer signs, the old device out as faulty, the new one in.
    assert_eq!(super::onsite::sign(&ops, &dispatcher.cookie, id, "sign-1").await.status, StatusCode::OK);
    let completion = json!({
        "note": "ONT remplacé, signal rétabli.",
        "installed": [new_device.serial],
        "removed": [{ "serial": old_device.serial, "defective": true }],
    });
    let done = api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/completion"), "done-1", &completion).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let answer: serde_json::Value = serde_json::from_str(&done.body).unwrap();
    assert_eq!(answer["ticket_status"], "closed");

    let finished = job(&ops, id).await;
    assert_eq!((finished.status.as_str(), finished.outcome_note.as_str()), ("done", "ONT remplacé, signal rétabli."));
    let closed = ticket::Entity::find_by_id(case.ticket.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(closed.status, "closed");
    assert!(closed.closed_at.is_some());
    let installed = equipment::Entity::find_by_id(new_device.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(
        (installed.status.as_str(), installed.customer_id, installed.service_location_id, installed.technician_id),
        ("installed", Some(case.customer.id), Some(case.location.id), None)
    );
    let removed = equipment::Entity::find_by_id(old_device.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(
        (removed.status.as_str(), removed.customer_id, removed.technician_id),
        ("defective", None, Some(technician.id))
    );
    let log = equipment_movement::Entity::find()
        .filter(equipment_movement::Column::JobId.eq(id))
        .all(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().any(|m| m.equipment_id == old_device.id
        && m.from_status.as_deref() == Some("installed")
        && m.to_status == "defective"));
    assert!(log.iter().any(|m| m.equipment_id == new_device.id
        && m.from_status.as_deref() == Some("van")
        && m.to_status == "installed"));

    // The job's page tells the story.
    let page = ops.get(&format!("/ops/jobs/{id}"), Some(&dispatcher)).await;
    assert_eq!(page.status, StatusCode::OK);
    for words in ["Créée", "Planifiée", "En route", "Terminée", "ONT remplacé", &new_device.serial, &old_device.serial]
    {
        assert!(page.body.contains(words), "the page shows {words}");
    }
    assert!(!page.body.contains("/complete\""), "a finished job has no actions left");
    let name = staff::Entity::find_by_id(dispatcher.id).one(&ops.db.db).await.unwrap().unwrap().name;
    assert!(page.body.contains(&format!("· {name}")), "each change names who made it");
}

#[tokio::test]
async fn when_the_problem_remains_the_ticket_stays_open_with_a_note() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "en").await;
    let (technician, _) = technician_with_stock(&ops).await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "repair", "90").await);
    assert_eq!(job(&ops, id).await.duration_minutes, 90, "the duration typed");
    assert_eq!(book_free(&ops, &dispatcher, id, technician.id, tomorrow()).await.status, StatusCode::OK);
    let notes_before = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(case.ticket.id))
        .count(&ops.db.db)
        .await
        .unwrap();

    let completion = json!({ "note": "Replaced the drop connector.", "problem_remains": true });
    let done = api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/completion"), "k-remains", &completion).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let still = ticket::Entity::find_by_id(case.ticket.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(still.status, "open");
    assert!(still.closed_at.is_none());
    let finished = job(&ops, id).await;
    assert!(finished.ticket_left_open);
    let notes = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(case.ticket.id))
        .all(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(notes.len() as u64, notes_before + 1);
    let note = notes.iter().max_by_key(|n| n.id).unwrap();
    assert!(note.internal, "the customer does not see it");
    assert!(note.body.contains("persiste") || note.body.contains("remains"), "{}", note.body);
    assert!(note.body.contains("Replaced the drop connector."));
    let page = ops.get(&format!("/ops/jobs/{id}"), Some(&dispatcher)).await;
    assert!(page.body.contains("Le problème persiste : le billet reste ouvert."));
}
