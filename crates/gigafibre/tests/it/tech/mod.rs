//! The technician app over HTTP, on the small demo data. This file holds
//! the harness: links made as a dispatcher would, opened as a phone would.

mod cli;
mod conflicts;
mod queue;
mod screens;
mod sign_in;
mod van;

use axum::http::{Method, StatusCode, header};
use gigafibre::audit::Actor;
use gigafibre::clock::Clock;
use gigafibre::tech::day::{day_of, end_of_day, start_of_day};
use gigafibre::tech::links::{self, Issued, Request};
use gigafibre_db::entities::{dispatch_job, equipment};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::ops::{Answer, Ops};

/// A technician's phone, signed in.
pub struct Phone {
    pub cookie: String,
    pub csrf: String,
}

pub fn dispatcher() -> Actor {
    Actor { kind: "system", id: None, label: "test".into() }
}

/// Makes a link for a technician's day (today) or one job.
pub async fn issue(ops: &Ops, technician_id: i64, job_id: Option<i64>) -> Issued {
    let request = Request { technician_id, job_id, day: None, issued_by: &dispatcher(), send_sms: false };
    links::issue(&ops.db.db, &url::Url::parse("http://localhost:8080/").unwrap(), request, ops.clock.now())
        .await
        .unwrap()
}

/// The token in a link.
pub fn token(issued: &Issued) -> String {
    issued.url.split("token=").nth(1).unwrap().to_owned()
}

/// The person's click on the link's page.
pub async fn confirm(ops: &Ops, token: &str) -> Answer {
    let body = serde_urlencoded::to_string([("token", token)]).unwrap();
    ops.send(Method::POST, "/j/auth", &[("content-type", "application/x-www-form-urlencoded")], Some(body)).await
}

/// Opens a link as the technician does, and returns the signed-in phone.
pub async fn open(ops: &Ops, issued: &Issued) -> Phone {
    let answer = confirm(ops, &token(issued)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = answer
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let page = ops.send(Method::GET, "/j/van", &[("cookie", cookie.as_str())], None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    Phone { cookie, csrf }
}

impl Phone {
    pub async fn get(&self, ops: &Ops, uri: &str) -> Answer {
        ops.send(Method::GET, uri, &[("cookie", self.cookie.as_str())], None).await
    }

    /// A JSON call to the API as the app's offline queue sends it.
    pub async fn api(&self, ops: &Ops, path: &str, key: &str, body: &serde_json::Value) -> Answer {
        let headers = [
            ("cookie", self.cookie.as_str()),
            ("content-type", "application/json"),
            ("idempotency-key", key),
            ("origin", "http://127.0.0.1:8080"),
        ];
        ops.send(Method::POST, path, &headers, Some(body.to_string())).await
    }

    /// A form post with this phone's CSRF token.
    pub async fn post(&self, ops: &Ops, uri: &str, form: &[(&str, &str)]) -> Answer {
        let mut fields = vec![("csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let headers = [("content-type", "application/x-www-form-urlencoded"), ("cookie", self.cookie.as_str())];
        ops.send(Method::POST, uri, &headers, Some(body)).await
    }
}

/// The hidden value of a form field on a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} field")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// Today's scheduled jobs, by technician, in route order.
pub async fn todays_jobs(ops: &Ops) -> Vec<dispatch_job::Model> {
    let today = day_of(ops.clock.now());
    dispatch_job::Entity::find()
        .filter(dispatch_job::Column::ScheduledStart.gte(start_of_day(today)))
        .filter(dispatch_job::Column::ScheduledStart.lt(end_of_day(today)))
        .order_by_asc(dispatch_job::Column::TechnicianId)
        .order_by_asc(dispatch_job::Column::ScheduledStart)
        .all(&ops.db.db)
        .await
        .unwrap()
}

/// A technician with jobs today, and those jobs.
pub async fn busy_technician(ops: &Ops) -> (i64, Vec<dispatch_job::Model>) {
    let jobs = todays_jobs(ops).await;
    let technician = jobs.first().and_then(|j| j.technician_id).expect("the demo has jobs today");
    (technician, jobs.into_iter().filter(|j| j.technician_id == Some(technician)).collect())
}

/// The devices in a technician's van.
pub async fn van_of(ops: &Ops, technician_id: i64) -> Vec<equipment::Model> {
    equipment::Entity::find()
        .filter(equipment::Column::TechnicianId.eq(technician_id))
        .filter(equipment::Column::Status.eq("van"))
        .order_by_asc(equipment::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap()
}
