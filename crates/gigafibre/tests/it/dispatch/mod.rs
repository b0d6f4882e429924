//! Dispatch jobs over HTTP: a job created from a ticket, booked, driven to
//! and completed through the JSON API the technician app calls, with what
//! the customer is told, the equipment moved and the ticket closed. The ops
//! app's harness serves them (small demo data, a session per role).

mod api;
mod onsite;
mod pages;
mod reminders;
mod workflow;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{customer, dispatch_job, equipment, outbox_message, service_location, technician, ticket};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::ops::{Answer, Member, Ops};

/// An open ticket of a customer who has an e-mail and a cell and no job
/// yet, with the address the visit goes to.
pub struct Case {
    pub ticket: ticket::Model,
    pub customer: customer::Model,
    pub location: service_location::Model,
}

pub async fn reachable_case(ops: &Ops, language: &str) -> Case {
    for c in ops.reachable_customers(language).await {
        let open = ops.open_ticket_of(c.id).await;
        let location = service_location::Entity::find()
            .filter(service_location::Column::CustomerId.eq(c.id))
            .order_by_asc(service_location::Column::Id)
            .one(&ops.db.db)
            .await
            .unwrap();
        let jobs = dispatch_job::Entity::find()
            .filter(dispatch_job::Column::CustomerId.eq(c.id))
            .count(&ops.db.db)
            .await
            .unwrap();
        if let (Some(ticket), Some(location), 0) = (open, location, jobs) {
            return Case { ticket, customer: c, location };
        }
    }
    panic!("the demo has an open ticket of a reachable {language} customer");
}

/// A local time in Québec, as UTC.
pub fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Toronto.from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

/// Creates a job from the ticket through the ops form, the customer
/// available on the 26th from 8:00 to 12:00.
pub async fn create_job(ops: &Ops, who: &Member, case: &Case, job_type: &str, duration: &str) -> Answer {
    create_job_on(ops, who, case, job_type, duration, "2026-11-26").await
}

/// The same, the customer available on `day` (`YYYY-MM-DD`) from 8:00 to 12:00.
pub async fn create_job_on(ops: &Ops, who: &Member, case: &Case, job_type: &str, duration: &str, day: &str) -> Answer {
    let ticket = case.ticket.id.to_string();
    let location = case.location.id.to_string();
    let form = [
        ("ticket", ticket.as_str()),
        ("job_type", job_type),
        ("duration", duration),
        ("priority", "high"),
        ("location", location.as_str()),
        ("day", day),
        ("from", "08:00"),
        ("until", "12:00"),
    ];
    ops.post("/ops/jobs/new", who, &form).await
}

pub fn job_id_of(answer: &Answer) -> i64 {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    answer.location().trim_start_matches("/ops/jobs/").parse().unwrap()
}

pub async fn job(ops: &Ops, id: i64) -> dispatch_job::Model {
    dispatch_job::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap()
}

/// A JSON request to the API as the technician app sends it.
pub async fn api(ops: &Ops, who: &Member, path: &str, key: &str, body: &serde_json::Value) -> Answer {
    let headers = [("cookie", who.cookie.as_str()), ("content-type", "application/json"), ("idempotency-key", key)];
    ops.send(Method::POST, path, &headers, Some(body.to_string())).await
}

/// An active technician with devices in their van, and one of those devices.
pub async fn technician_with_stock(ops: &Ops) -> (technician::Model, equipment::Model) {
    let in_vans = equipment::Entity::find()
        .filter(equipment::Column::Status.eq("van"))
        .order_by_asc(equipment::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap();
    for device in in_vans {
        let owner = technician::Entity::find_by_id(device.technician_id.unwrap()).one(&ops.db.db).await.unwrap();
        if let Some(owner) = owner.filter(|t| t.active) {
            return (owner, device);
        }
    }
    panic!("the demo stocks the vans of active technicians");
}

/// The devices in service at the case's address.
pub async fn installed_at(ops: &Ops, case: &Case) -> Vec<equipment::Model> {
    equipment::Entity::find()
        .filter(equipment::Column::CustomerId.eq(case.customer.id))
        .filter(equipment::Column::ServiceLocationId.eq(case.location.id))
        .filter(equipment::Column::Status.eq("installed"))
        .all(&ops.db.db)
        .await
        .unwrap()
}

/// The messages queued for the customer, oldest first.
pub async fn outbox_of(ops: &Ops, customer_id: i64) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::CustomerId.eq(customer_id))
        .order_by_asc(outbox_message::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap()
}

/// Books the job with `technician` from `start` through the API.
pub async fn book(ops: &Ops, who: &Member, job_id: i64, technician_id: i64, start: DateTime<Utc>) -> Answer {
    let body = serde_json::json!({ "status": "scheduled", "technician_id": technician_id, "scheduled_start": start });
    api(ops, who, &format!("/api/v1/jobs/{job_id}/status"), &format!("book-{job_id}-{}", start.timestamp()), &body)
        .await
}

/// Books the job with `technician` on `day` at the first half hour of the
/// morning the board's rules allow (the technician's other jobs take some).
pub async fn book_free(ops: &Ops, who: &Member, job_id: i64, technician_id: i64, day: NaiveDate) -> Answer {
    let mut answer = book(ops, who, job_id, technician_id, local(day, 8)).await;
    for half_hours in 1..=8 {
        if answer.status == StatusCode::OK {
            break;
        }
        let start = local(day, 8) + chrono::Duration::minutes(30 * half_hours);
        answer = book(ops, who, job_id, technician_id, start).await;
    }
    answer
}
