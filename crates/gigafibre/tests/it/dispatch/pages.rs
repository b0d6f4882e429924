//! The ops pages of a job: creating one from a ticket (with its refusals),
//! and a dispatcher's actions on it from its page.

use axum::http::StatusCode;
use gigafibre_db::entities::{dispatch_job, job_type};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

use super::{book_free, create_job, job, job_id_of, reachable_case, technician_with_stock};
use crate::ops::Ops;

async fn jobs_of_ticket(ops: &Ops, ticket_id: i64) -> u64 {
    dispatch_job::Entity::find().filter(dispatch_job::Column::TicketId.eq(ticket_id)).count(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn a_job_type_without_a_duration_cannot_give_a_job_to_book() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    job_type::Entity::update_many()
        .col_expr(job_type::Column::DefaultDurationMinutes, Expr::value(Option::<i32>::None))
        .filter(job_type::Column::Code.eq("site_survey"))
        .exec(&ops.db.db)
        .await
        .unwrap();

    let form = ops.get(&format!("/ops/jobs/new?ticket={}", case.ticket.id), Some(&dispatcher)).await;
    assert!(form.body.contains("value=\"site_survey\" data-minutes=\"\""), "no duration to fill in");
    let refused = create_job(&ops, &dispatcher, &case, "site_survey", "").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("pas de durée estimée"), "the reason is shown beside the field");
    assert_eq!(jobs_of_ticket(&ops, case.ticket.id).await, 0, "no zero-length job on any board");

    // Once a duration is given, it can be booked.
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "site_survey", "40").await);
    let (technician, _) = technician_with_stock(&ops).await;
    let day = crate::ops::start_of_test().date_naive() + chrono::Days::new(1);
    assert_eq!(book_free(&ops, &dispatcher, id, technician.id, day).await.status, StatusCode::OK);
    let booked = job(&ops, id).await;
    assert_eq!(booked.scheduled_end.unwrap() - booked.scheduled_start.unwrap(), chrono::Duration::minutes(40));
}

#[tokio::test]
async fn the_create_form_refuses_what_it_cannot_use_and_keeps_what_was_typed() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let ticket = case.ticket.id.to_string();
    let form = [
        ("ticket", ticket.as_str()),
        ("job_type", "teleportation"),
        ("duration", "0"),
        ("priority", "whenever"),
        ("location", "0"),
        ("day", "2026-11-26"),
        ("from", "12:00"),
        ("until", "08:00"),
        ("skill_1", "9"),
    ];
    let refused = ops.post("/ops/jobs/new", &dispatcher, &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for reason in [
        "intervention de la liste.",
        "Choisissez une des adresses du client.",
        "la fin après le début",
        "Choisissez un niveau de 1 à 5",
    ] {
        assert!(refused.body.contains(reason), "{reason}");
    }
    assert!(refused.body.contains("value=\"12:00\""), "what was typed stays");
    assert_eq!(jobs_of_ticket(&ops, case.ticket.id).await, 0);
    let page = ops.get(&format!("/ops/jobs/new?ticket={}", case.ticket.id), Some(&dispatcher)).await;
    assert!(page.body.contains("Créer une intervention"));
}

#[tokio::test]
async fn a_dispatcher_cancels_with_a_reason_and_the_page_says_why() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "repair", "").await);
    let version = job(&ops, id).await.version.to_string();

    let no_reason =
        ops.post(&format!("/ops/jobs/{id}/cancel"), &dispatcher, &[("version", &version), ("reason", " ")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Indiquez la raison."));
    assert_eq!(job(&ops, id).await.status, "unscheduled");

    let cancelled = ops
        .post(
            &format!("/ops/jobs/{id}/cancel"),
            &dispatcher,
            &[("version", &version), ("reason", "Le client a réglé le problème lui-même.")],
        )
        .await;
    assert_eq!((cancelled.status, cancelled.location()), (StatusCode::SEE_OTHER, format!("/ops/jobs/{id}").as_str()));
    let stopped = job(&ops, id).await;
    assert_eq!(
        (stopped.status.as_str(), stopped.outcome_reason.as_deref()),
        ("cancelled", Some("Le client a réglé le problème lui-même."))
    );
    let page = ops.get(&format!("/ops/jobs/{id}"), Some(&dispatcher)).await;
    assert!(page.body.contains("Le client a réglé le problème lui-même.") && page.body.contains("Annulé"));

    // The same old page posted again: the job has moved on.
    let again =
        ops.post(&format!("/ops/jobs/{id}/cancel"), &dispatcher, &[("version", &version), ("reason", "Encore")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(job(&ops, id).await, stopped);
}

#[tokio::test]
async fn a_completion_naming_a_device_that_is_not_there_changes_nothing() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let (technician, device) = technician_with_stock(&ops).await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "installation", "").await);
    let day = crate::ops::start_of_test().date_naive() + chrono::Days::new(1);
    assert_eq!(book_free(&ops, &dispatcher, id, technician.id, day).await.status, StatusCode::OK);
    let before = job(&ops, id).await;
    let version = before.version.to_string();

    let form = [
        ("version", version.as_str()),
        ("note", "Installation complète."),
        ("installed", device.serial.as_str()),
        ("removed_van", "NO-SUCH-SERIAL"),
    ];
    let refused = ops.post(&format!("/ops/jobs/{id}/complete"), &dispatcher, &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Aucun appareil ne porte le numéro de série NO-SUCH-SERIAL."));
    assert!(refused.body.contains("Installation complète."), "the note typed stays");
    assert_eq!(job(&ops, id).await, before);
    let still =
        gigafibre_db::entities::equipment::Entity::find_by_id(device.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(still.status, "van", "the first device did not move either");

    let form =
        [("version", version.as_str()), ("note", "Installation complète."), ("installed", device.serial.as_str())];
    let done = ops.post(&format!("/ops/jobs/{id}/complete"), &dispatcher, &form).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(job(&ops, id).await.status, "done");
}

#[tokio::test]
async fn agents_read_a_job_but_cannot_change_it_and_clients_link_their_jobs() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let agent = ops.staff("agent").await;
    let case = reachable_case(&ops, "fr").await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "repair", "").await);

    let page = ops.get(&format!("/ops/jobs/{id}"), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Réparation") && !page.body.contains("/cancel\""), "no actions for an agent");
    let ticket_page = ops.get(&format!("/ops/tickets/{}", case.ticket.id), Some(&agent)).await;
    assert!(ticket_page.body.contains(&format!("/ops/jobs/{id}\"")) && !ticket_page.body.contains("/ops/jobs/new"));
    let client = ops.get(&format!("/ops/clients/{}", case.customer.id), Some(&agent)).await;
    assert!(client.body.contains(&format!("/ops/jobs/{id}\"")));
    let english = ops
        .send(
            axum::http::Method::GET,
            &format!("/ops/jobs/{id}"),
            &[("cookie", &dispatcher.cookie), ("accept-language", "en")],
            None,
        )
        .await;
    assert!(english.body.contains("Job #") && english.body.contains("Cancel the job"));
}
