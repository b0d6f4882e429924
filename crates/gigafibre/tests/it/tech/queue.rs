//! The phone's offline queue replayed against the API: an action sent
//! twice, three times, out of order, or again after its answer was lost is
//! applied once, and the customer hears once that the technician is coming.

use axum::http::StatusCode;
use gigafibre_db::entities::{audit_entry, customer, dispatch_job, equipment, equipment_movement, outbox_message};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::{Phone, issue, open, todays_jobs, van_of};
use crate::ops::{Answer, Ops};

/// A job of today whose customer takes texts and has a device in service
/// at the address, its technician's phone, and one device of their van.
pub struct Visit {
    pub job: dispatch_job::Model,
    pub phone: Phone,
    pub installed: equipment::Model,
    pub spare: equipment::Model,
}

pub async fn visit(ops: &Ops) -> Visit {
    for job in todays_jobs(ops).await {
        let Some(technician) = job.technician_id else { continue };
        let customer = customer::Entity::find_by_id(job.customer_id).one(&ops.db.db).await.unwrap().unwrap();
        if customer.cell.is_none() || !customer.notify_by_sms {
            continue;
        }
        let installed = equipment::Entity::find()
            .filter(equipment::Column::ServiceLocationId.eq(job.service_location_id))
            .filter(equipment::Column::Status.eq("installed"))
            .one(&ops.db.db)
            .await
            .unwrap();
        let spare = van_of(ops, technician).await.into_iter().next();
        if let (Some(installed), Some(spare)) = (installed, spare) {
            let phone = open(ops, &issue(ops, technician, None).await).await;
            return Visit { job, phone, installed, spare };
        }
    }
    panic!("the demo has a visit today at a customer who takes texts, with a device to swap");
}

pub fn problem(answer: &Answer) -> serde_json::Value {
    assert_eq!(answer.headers["content-type"], "application/problem+json", "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

pub async fn job(ops: &Ops, id: i64) -> dispatch_job::Model {
    dispatch_job::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap()
}

/// The "on the way" texts the customer of `job` was sent.
pub async fn on_the_way_texts(ops: &Ops, job: &dispatch_job::Model) -> u64 {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::CustomerId.eq(job.customer_id))
        .filter(outbox_message::Column::Channel.eq("sms"))
        .filter(
            Condition::any()
                .add(outbox_message::Column::BodyText.contains("est en route"))
                .add(outbox_message::Column::BodyText.contains("is on the way")),
        )
        .count(&ops.db.db)
        .await
        .unwrap()
}

async fn movements(ops: &Ops, job_id: i64) -> u64 {
    equipment_movement::Entity::find()
        .filter(equipment_movement::Column::JobId.eq(job_id))
        .count(&ops.db.db)
        .await
        .unwrap()
}

async fn audit_entries(ops: &Ops) -> u64 {
    audit_entry::Entity::find().count(&ops.db.db).await.unwrap()
}

fn status(id: i64) -> String {
    format!("/api/v1/jobs/{id}/status")
}

#[tokio::test]
async fn en_route_sent_three_times_moves_the_job_once_and_texts_the_customer_once() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, .. } = visit(&ops).await;
    let body = json!({ "status": "en_route" });
    let first = phone.api(&ops, &status(booked.id), "3f0c9a4e-en-route", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let after = (job(&ops, booked.id).await, audit_entries(&ops).await);
    assert_eq!(after.0.status, "en_route");
    assert_eq!(on_the_way_texts(&ops, &booked).await, 1, "the customer is told by text");

    for _ in 0..2 {
        let again = phone.api(&ops, &status(booked.id), "3f0c9a4e-en-route", &body).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.headers["idempotent-replayed"], "true");
        assert_eq!(again.body, first.body, "the first answer, as it was");
    }
    assert_eq!((job(&ops, booked.id).await, audit_entries(&ops).await), after, "nothing done again");
    assert_eq!(on_the_way_texts(&ops, &booked).await, 1, "one text, not three");
}

#[tokio::test]
async fn on_site_before_en_route_is_refused_then_the_right_order_works() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, .. } = visit(&ops).await;
    let on_site = json!({ "status": "on_site" });
    let early = phone.api(&ops, &status(booked.id), "b-on-site", &on_site).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let refusal = problem(&early);
    assert_eq!(refusal["type"], "/api/v1/problems/en-route-first");
    assert_eq!(refusal["detail"], "Indiquez d'abord « En route » : le client est prévenu de votre arrivée.");
    assert_eq!(job(&ops, booked.id).await, booked, "nothing changed");

    let en_route = phone.api(&ops, &status(booked.id), "a-en-route", &json!({ "status": "en_route" })).await;
    assert_eq!(en_route.status, StatusCode::OK);
    // The refused action was not kept under its key: sent again in order, it applies.
    let in_order = phone.api(&ops, &status(booked.id), "b-on-site", &on_site).await;
    assert_eq!(in_order.status, StatusCode::OK, "{}", in_order.body);
    assert!(in_order.headers.get("idempotent-replayed").is_none());
    assert_eq!(job(&ops, booked.id).await.status, "on_site");
}

#[tokio::test]
async fn a_swap_whose_answer_was_lost_is_sent_again_and_recorded_once() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, installed, spare } = visit(&ops).await;
    let en_route = json!({ "status": "en_route" });
    assert_eq!(phone.api(&ops, &status(booked.id), "k-en-route", &en_route).await.status, StatusCode::OK);
    let path = format!("/api/v1/jobs/{}/completion", booked.id);
    let swap = json!({
        "note": "Routeur défectueux remplacé.",
        "installed": [spare.serial],
        "removed": [{ "serial": installed.serial, "defective": true }],
    });
    let first = phone.api(&ops, &path, "k-done", &swap).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let after = (job(&ops, booked.id).await, movements(&ops, booked.id).await, audit_entries(&ops).await);
    assert_eq!((after.0.status.as_str(), after.1), ("done", 2), "one removal, one install");

    // The phone lost the answers (the server had committed) and sends both again, in order.
    let en_route_again = phone.api(&ops, &status(booked.id), "k-en-route", &en_route).await;
    assert_eq!(en_route_again.headers["idempotent-replayed"], "true");
    let again = phone.api(&ops, &path, "k-done", &swap).await;
    assert_eq!((again.status, again.body.as_str()), (StatusCode::OK, first.body.as_str()));
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let now = (job(&ops, booked.id).await, movements(&ops, booked.id).await, audit_entries(&ops).await);
    assert_eq!(now, after, "one completion, one movement per device");
    assert_eq!(on_the_way_texts(&ops, &booked).await, 1);
    let old = equipment::Entity::find_by_id(installed.id).one(&ops.db.db).await.unwrap().unwrap();
    let new = equipment::Entity::find_by_id(spare.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!((old.status.as_str(), new.status.as_str()), ("defective", "installed"));
}

#[tokio::test]
async fn could_not_complete_takes_a_reason_and_staff_moves_stay_with_dispatch() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, .. } = visit(&ops).await;
    let path = status(booked.id);
    assert_eq!(phone.api(&ops, &path, "n1", &json!({ "status": "en_route" })).await.status, StatusCode::OK);
    let silent = phone.api(&ops, &path, "n2", &json!({ "status": "not_completed", "reason": "  " })).await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(&silent)["detail"], "Indiquez la raison.");
    let reason = json!({ "status": "not_completed", "reason": "Personne sur place." });
    assert_eq!(phone.api(&ops, &path, "n3", &reason).await.status, StatusCode::OK);
    assert_eq!(job(&ops, booked.id).await.outcome_reason.as_deref(), Some("Personne sur place."));

    for (key, body) in [
        ("s1", json!({ "status": "cancelled", "reason": "Je préfère pas" })),
        ("s2", json!({ "status": "unscheduled" })),
    ] {
        let refused = phone.api(&ops, &path, key, &body).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(problem(&refused)["detail"], "Seul le répartiteur peut faire ce changement.");
    }
    assert_eq!(job(&ops, booked.id).await.status, "not_completed");
}

#[tokio::test]
async fn the_pages_offer_the_status_buttons_and_a_completion_with_the_vans_devices() {
    let ops = Ops::new().await;
    let Visit { job: booked, phone, installed, spare } = visit(&ops).await;
    let today = phone.get(&ops, "/j").await;
    assert!(today.body.contains(&format!("data-job=\"{}\" data-status=\"scheduled\"", booked.id)));
    assert!(today.body.contains("data-queue-status=\"en_route\""), "the en route button");
    assert!(today.body.contains("data-one=\"1 action en attente de synchronisation\""), "the queue's words");
    assert!(today.body.contains("src=\"/static/tech-queue.js\""));

    let page = phone.get(&ops, &format!("/j/job/{}", booked.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"completion\""));
    assert!(page.body.contains(&format!("name=\"removed\" value=\"{}\"", installed.serial)), "what is in service here");
    assert!(page.body.contains(&format!("name=\"defective\" value=\"{}\"", installed.serial)));
    assert!(page.body.contains(&format!("name=\"installed\" value=\"{}\"", spare.serial)), "what the van holds");

    let english = ops
        .send(axum::http::Method::GET, "/j", &[("cookie", phone.cookie.as_str()), ("accept-language", "en")], None)
        .await;
    assert!(english.body.contains("data-many=\"{n} actions waiting to sync\""));

    let worker = ops.send(axum::http::Method::GET, "/j/sw.js", &[], None).await;
    assert!(worker.body.contains("request.method !== \"GET\""), "only GETs are answered from the copy");
    // Today's page and a job's page open without signal: the worker keeps
    // every file they load.
    for body in [&today.body, &page.body] {
        for asset in static_files_in(body) {
            assert!(worker.body.contains(&format!("\"{asset}\"")), "{asset} is precached");
        }
    }
    assert!(page.body.contains("src=\"/static/tech-onsite.js\""), "the job page's records");
}

/// The `/static/…` files a page loads through `href` or `src`.
fn static_files_in(body: &str) -> Vec<&str> {
    ["href=\"/static/", "src=\"/static/"]
        .iter()
        .flat_map(|attribute| body.match_indices(attribute).map(move |(at, _)| &body[at + attribute.len() - 8..]))
        .filter_map(|rest| rest.split('"').next())
        .collect()
}
