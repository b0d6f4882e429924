//! What the API refuses a technician, and how: a job dispatch took off
//! their day meanwhile is a conflict that says what happened and when (the
//! phone shows it); a job outside their link does not exist for them; after
//! sign-out or from another site nothing is applied.

use axum::http::StatusCode;
use chrono::Duration;
use gigafibre::clock::Clock;
use gigafibre::dispatch::planning::place::{self, Outcome, Target};
use gigafibre_db::entities::{dispatch_job, outbox_message, technician};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::queue::{Visit, job, problem, visit};
use super::{dispatcher, issue, open, todays_jobs};
use crate::ops::Ops;

/// Gives the job to another technician the board's rules allow; their id.
async fn reassign(ops: &Ops, booked: &dispatch_job::Model) -> i64 {
    let start = booked.scheduled_start.unwrap();
    let others = technician::Entity::find()
        .filter(technician::Column::Active.eq(true))
        .filter(technician::Column::Id.ne(booked.technician_id.unwrap()))
        .all(&ops.db.db)
        .await
        .unwrap();
    for other in others {
        let target = Target::Technician { id: other.id, start };
        let outcome =
            place::place(&ops.db.db, &dispatcher(), booked.id, booked.version, target, ops.clock.now()).await.unwrap();
        if let Outcome::Saved(_) = outcome {
            return other.id;
        }
    }
    panic!("another technician can take job {}", booked.id);
}

async fn messages(ops: &Ops) -> u64 {
    outbox_message::Entity::find().count(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn a_job_reassigned_meanwhile_is_a_conflict_that_says_so_and_changes_nothing() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, .. } = visit(&ops).await;
    ops.clock.advance(Duration::minutes(12));
    let other = reassign(&ops, &booked).await;
    let (before, sent) = (job(&ops, booked.id).await, messages(&ops).await);

    let path = format!("/api/v1/jobs/{}/status", booked.id);
    let answer = phone.api(&ops, &path, "late-en-route", &json!({ "status": "en_route" })).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    let refusal = problem(&answer);
    assert_eq!(refusal["type"], "/api/v1/problems/job-taken-away");
    assert_eq!(refusal["detail"], "Ce travail a été réassigné à un autre technicien à 10 h 12.");
    let completion = json!({ "note": "Fait." });
    let done = phone.api(&ops, &format!("/api/v1/jobs/{}/completion", booked.id), "late-done", &completion).await;
    assert_eq!(done.status, StatusCode::CONFLICT);
    assert_eq!(job(&ops, booked.id).await, before, "the job stays the other technician's");
    assert_eq!(before.technician_id, Some(other));
    assert_eq!(messages(&ops).await, sent, "the customer is told nothing");

    // The phone may speak English.
    let english = ops
        .send(
            axum::http::Method::POST,
            &path,
            &[
                ("cookie", phone.cookie.as_str()),
                ("content-type", "application/json"),
                ("idempotency-key", "late-en-route"),
                ("accept-language", "en-CA"),
            ],
            Some(json!({ "status": "en_route" }).to_string()),
        )
        .await;
    assert_eq!(problem(&english)["detail"], "This job was reassigned to another technician at 10:12 AM.");
}

#[tokio::test]
async fn a_job_taken_off_the_day_meanwhile_is_a_conflict_too() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, .. } = visit(&ops).await;
    let outcome =
        place::place(&ops.db.db, &dispatcher(), booked.id, booked.version, Target::Unassigned, ops.clock.now()).await;
    assert!(matches!(outcome.unwrap(), Outcome::Saved(_)));
    let answer =
        phone.api(&ops, &format!("/api/v1/jobs/{}/status", booked.id), "k", &json!({ "status": "en_route" })).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(problem(&answer)["detail"], "Ce travail a été retiré de votre journée à 10 h 00.");
    assert_eq!(job(&ops, booked.id).await.status, "unscheduled");
}

#[tokio::test]
async fn another_technicians_job_and_another_job_than_the_links_are_not_found() {
    let ops = Ops::new().await;
    let today = todays_jobs(&ops).await;
    let mine: Vec<_> = today
        .iter()
        .filter(|j| today.iter().filter(|o| o.technician_id == j.technician_id).count() >= 2)
        .filter(|j| j.technician_id.is_some())
        .cloned()
        .collect();
    let technician = mine.first().and_then(|j| j.technician_id).expect("a technician with two jobs today");
    let mine: Vec<_> = mine.into_iter().filter(|j| j.technician_id == Some(technician)).collect();
    let theirs = today.into_iter().find(|j| j.technician_id != Some(technician)).unwrap();
    let en_route = json!({ "status": "en_route" });

    let day = open(&ops, &issue(&ops, technician, None).await).await;
    let answer = day.api(&ops, &format!("/api/v1/jobs/{}/status", theirs.id), "x1", &en_route).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(problem(&answer)["type"], "/api/v1/problems/not-found");
    let missing = day.api(&ops, "/api/v1/jobs/999999/status", "x1", &en_route).await;
    assert_eq!(missing.body, answer.body, "the same answer as for a job that does not exist");

    let one_job = open(&ops, &issue(&ops, technician, Some(mine[0].id)).await).await;
    let sibling = one_job.api(&ops, &format!("/api/v1/jobs/{}/status", mine[1].id), "x2", &en_route).await;
    assert_eq!(sibling.status, StatusCode::NOT_FOUND);
    let completion = json!({ "note": "Fait." });
    let sibling_done = one_job.api(&ops, &format!("/api/v1/jobs/{}/completion", mine[1].id), "x3", &completion).await;
    assert_eq!(sibling_done.status, StatusCode::NOT_FOUND);
    assert_eq!(job(&ops, theirs.id).await, theirs);
    assert_eq!(job(&ops, mine[1].id).await, mine[1]);
    let own = one_job.api(&ops, &format!("/api/v1/jobs/{}/status", mine[0].id), "x4", &en_route).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
}

#[tokio::test]
async fn nothing_is_applied_after_sign_out_or_from_another_site() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, .. } = visit(&ops).await;
    let path = format!("/api/v1/jobs/{}/status", booked.id);
    let body = json!({ "status": "en_route" }).to_string();
    let foreign = ops
        .send(
            axum::http::Method::POST,
            &path,
            &[
                ("cookie", phone.cookie.as_str()),
                ("content-type", "application/json"),
                ("idempotency-key", "f1"),
                ("origin", "https://evil.example"),
            ],
            Some(body),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);

    assert_eq!(phone.post(&ops, "/j/sign-out", &[]).await.status, StatusCode::SEE_OTHER);
    let after = phone.api(&ops, &path, "f2", &json!({ "status": "en_route" })).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    problem(&after);
    assert_eq!(job(&ops, booked.id).await, booked);
}
