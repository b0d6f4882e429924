//! The JSON API as the technician app's offline queue uses it: a request
//! replayed with its key does its work once; a key reused for another
//! request, an illegal move, a caller without the right are refused with
//! `application/problem+json` and nothing changes.

use axum::http::{Method, StatusCode};
use chrono::Days;
use gigafibre_db::entities::{
    audit_entry, equipment_movement, job_required_skill, skill, technician, technician_skill, ticket_message,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::{
    api, book, create_job, installed_at, job, job_id_of, local, outbox_of, reachable_case, technician_with_stock,
};
use crate::ops::{Answer, Ops};

fn problem(answer: &Answer) -> serde_json::Value {
    assert_eq!(answer.headers["content-type"], "application/problem+json", "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

/// What a completion leaves behind, to compare before and after.
async fn traces(ops: &Ops, job_id: i64, ticket_id: i64) -> (u64, u64, u64) {
    let moves = equipment_movement::Entity::find()
        .filter(equipment_movement::Column::JobId.eq(job_id))
        .count(&ops.db.db)
        .await
        .unwrap();
    let notes = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(ticket_id))
        .count(&ops.db.db)
        .await
        .unwrap();
    let audit = audit_entry::Entity::find().count(&ops.db.db).await.unwrap();
    (moves, notes, audit)
}

#[tokio::test]
async fn a_completion_replayed_with_its_key_is_done_once_and_another_body_is_refused() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let (technician, device) = technician_with_stock(&ops).await;
    let old = installed_at(&ops, &case).await.into_iter().next().unwrap();
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "equipment_swap", "").await);
    let day = crate::ops::start_of_test().date_naive() + Days::new(1);
    assert_eq!(book(&ops, &dispatcher, id, technician.id, local(day, 9)).await.status, StatusCode::OK);
    let path = format!("/api/v1/jobs/{id}/completion");
    let body = json!({
        "note": "Routeur échangé.",
        "installed": [device.serial],
        "removed": [{ "serial": old.serial }],
    });

    // An equipment swap wants the customer's signature first.
    let unsigned = api(&ops, &dispatcher, &path, "queue-7f39", &body).await;
    assert_eq!(unsigned.status, StatusCode::CONFLICT);
    assert_eq!(super::onsite::sign(&ops, &dispatcher.cookie, id, "sign-7f39").await.status, StatusCode::OK);
    let first = api(&ops, &dispatcher, &path, "queue-7f3a", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let after_first = traces(&ops, id, case.ticket.id).await;
    assert_eq!(after_first.0, 2, "two moves");
    let version = job(&ops, id).await.version;

    // The phone never saw the answer and sends it again.
    let replay = api(&ops, &dispatcher, &path, "queue-7f3a", &body).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(replay.body, first.body, "the first answer, as it was");
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(traces(&ops, id, case.ticket.id).await, after_first, "nothing done twice");
    assert_eq!(job(&ops, id).await.version, version);

    // The same key with another body is a mistake, not a replay.
    let other = json!({ "note": "Autre chose." });
    let reused = api(&ops, &dispatcher, &path, "queue-7f3a", &other).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(&reused)["type"], "/api/v1/problems/idempotency-key-reused");
    assert_eq!(traces(&ops, id, case.ticket.id).await, after_first);
    assert_eq!(job(&ops, id).await.outcome_note, "Routeur échangé.");
}

#[tokio::test]
async fn an_illegal_move_is_refused_and_changes_nothing() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "repair", "").await);
    let before = job(&ops, id).await;

    // Nobody drives to a visit that was never booked.
    let answer =
        api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/status"), "k1", &json!({ "status": "en_route" })).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    let refusal = problem(&answer);
    assert_eq!(refusal["type"], "/api/v1/problems/illegal-transition");
    assert_eq!(refusal["detail"], "Une intervention « À planifier » ne peut pas passer à « En route ».");
    // A job not yet done cannot be completed either.
    let completion = json!({ "note": "Fait." });
    let answer = api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/completion"), "k2", &completion).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(job(&ops, id).await, before, "the job is as it was");
    assert!(outbox_of(&ops, case.customer.id).await.is_empty(), "no one was told anything");

    // Cancelling takes a reason.
    let answer =
        api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/status"), "k3", &json!({ "status": "cancelled" })).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(job(&ops, id).await, before);
    // A version the caller saw that is no longer the job's.
    let stale = json!({ "status": "cancelled", "reason": "Client absent", "version": before.version + 1 });
    let answer = api(&ops, &dispatcher, &format!("/api/v1/jobs/{id}/status"), "k4", &stale).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(job(&ops, id).await, before);
}

#[tokio::test]
async fn the_api_wants_a_key_json_and_a_role_that_manages_jobs() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let agent = ops.staff("agent").await;
    let case = reachable_case(&ops, "fr").await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "repair", "").await);
    let path = format!("/api/v1/jobs/{id}/status");
    let body = json!({ "status": "cancelled", "reason": "Doublon" }).to_string();

    let anonymous = ops
        .send(
            Method::POST,
            &path,
            &[("content-type", "application/json"), ("idempotency-key", "a")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem(&anonymous)["status"], 401);
    let as_agent = api(&ops, &agent, &path, "a", &serde_json::from_str(&body).unwrap()).await;
    assert_eq!(as_agent.status, StatusCode::FORBIDDEN);
    problem(&as_agent);
    let no_key = ops
        .send(
            Method::POST,
            &path,
            &[("cookie", &dispatcher.cookie), ("content-type", "application/json")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(no_key.status, StatusCode::BAD_REQUEST);
    assert_eq!(problem(&no_key)["type"], "/api/v1/problems/idempotency-key-required");
    let not_json = ops
        .send(
            Method::POST,
            &path,
            &[("cookie", &dispatcher.cookie), ("content-type", "text/plain"), ("idempotency-key", "b")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let unreadable = api(&ops, &dispatcher, &path, "c", &json!({ "state": "cancelled" })).await;
    assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
    let missing =
        api(&ops, &dispatcher, "/api/v1/jobs/999999/status", "d", &serde_json::from_str(&body).unwrap()).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    problem(&missing);
    assert_eq!(job(&ops, id).await.status, "unscheduled", "nothing got through");

    let english = ops
        .send(
            Method::POST,
            &path,
            &[
                ("cookie", &dispatcher.cookie),
                ("content-type", "application/json"),
                ("idempotency-key", "e"),
                ("accept-language", "en"),
            ],
            Some(json!({ "status": "on_site" }).to_string()),
        )
        .await;
    assert_eq!(problem(&english)["detail"], "A “To schedule” job cannot become “On site”.");
}

#[tokio::test]
async fn booking_through_the_api_keeps_the_boards_rules() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "installation", "").await);
    // The job asks for the first skill at the top level.
    let skill = skill::Entity::find().one(&ops.db.db).await.unwrap().expect("the demo has skills");
    let need = job_required_skill::Model { job_id: id, skill_id: skill.id, min_level: 5 };
    job_required_skill::Entity::insert(job_required_skill::ActiveModel::from(need.clone()))
        .exec_without_returning(&ops.db.db)
        .await
        .unwrap();
    let mut unskilled = None;
    for candidate in
        technician::Entity::find().filter(technician::Column::Active.eq(true)).all(&ops.db.db).await.unwrap()
    {
        let held = technician_skill::Entity::find()
            .filter(technician_skill::Column::TechnicianId.eq(candidate.id))
            .filter(technician_skill::Column::SkillId.eq(need.skill_id))
            .filter(technician_skill::Column::Level.gte(need.min_level))
            .count(&ops.db.db)
            .await
            .unwrap();
        if held == 0 {
            unskilled = Some(candidate);
            break;
        }
    }
    let unskilled = unskilled.expect("a technician without the installation skill");
    let before = job(&ops, id).await;
    let day = crate::ops::start_of_test().date_naive() + Days::new(1);

    let answer = book(&ops, &dispatcher, id, unskilled.id, local(day, 9)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = problem(&answer);
    assert_eq!(refusal["type"], "/api/v1/problems/placement-refused");
    let detail = refusal["detail"].as_str().unwrap();
    assert!(detail.starts_with("Ce technicien n'a pas la compétence « "), "{detail}");
    assert_eq!(job(&ops, id).await, before, "the job stays waiting");
    assert!(outbox_of(&ops, case.customer.id).await.is_empty(), "no booking was announced");
}
