//! `/j`: the technician's jobs of the day in route order, and one job's
//! page (`/j/job/{id}`) with the devices at its address and what the
//! visit recorded (checklist, photos, signature).

mod cards;

pub use cards::{JobCard, Phone, clock, maps_url, phone};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use gigafibre_db::entities::equipment;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::current::CurrentTechnician;
use super::links::Scope;
use super::scope;
use crate::dispatch::onsite::records::{self, SiteRecords};
use crate::i18n::{Lang, Messages, local_date};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "tech/today/templates/today.html")]
struct TodayPage {
    m: Messages,
    current_path: String,
    csrf: String,
    who: String,
    /// The day shown, as the reader writes it; empty for a one-job link.
    day: String,
    jobs: Vec<JobCard>,
}

/// Pages with a technician's data are never stored by the browser's HTTP
/// cache (the service worker keeps its own copy of today's page).
pub fn private() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "private, no-store")]
}

/// `GET /j`.
pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let scope = technician.scope();
    let jobs = scope::jobs(&state.db, technician.id(), scope).await.map_err(db_error)?;
    let jobs = cards::cards(&state.db, &jobs).await.map_err(db_error)?;
    let day = match scope {
        Scope::Day(day) => local_date(lang, day),
        Scope::Job(_) => String::new(),
    };
    let page = TodayPage {
        m: Messages::new(lang),
        current_path: "/j".into(),
        csrf: technician.csrf_token.clone(),
        who: technician.technician.name.clone(),
        day,
        jobs,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((private(), Html(html)).into_response())
}

/// A device at the job's address.
pub struct DeviceRow {
    pub serial: String,
    pub model: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "tech/today/templates/job.html")]
struct JobPage {
    m: Messages,
    current_path: String,
    csrf: String,
    who: String,
    job: JobCard,
    devices: Vec<DeviceRow>,
    /// The devices in service at the customer, which the visit may remove.
    removable: Vec<DeviceRow>,
    /// The devices in the technician's van, which the visit may install.
    van: Vec<DeviceRow>,
    site: SiteRecords,
}

fn rows(devices: Vec<equipment::Model>) -> Vec<DeviceRow> {
    devices.into_iter().map(|d| DeviceRow { serial: d.serial, model: d.model, status: d.status }).collect()
}

fn parse_id(raw: &str, lang: Lang) -> Result<i64, PageError> {
    raw.trim().parse().map_err(|_| PageError::not_found(lang))
}

/// `GET /j/job/{id}`: one job of the link's scope; any other is not found.
pub async fn job(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let found = scope::job(&state.db, technician.id(), technician.scope(), id).await.map_err(db_error)?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let devices = equipment::Entity::find()
        .filter(equipment::Column::CustomerId.eq(found.customer_id))
        .order_by_asc(equipment::Column::Serial)
        .all(&state.db)
        .await
        .map_err(db_error)?;
    let removable = devices
        .iter()
        .filter(|d| d.status == "installed" && d.service_location_id == Some(found.service_location_id))
        .cloned()
        .collect();
    let van = equipment::Entity::find()
        .filter(equipment::Column::TechnicianId.eq(technician.id()))
        .filter(equipment::Column::Status.eq("van"))
        .order_by_asc(equipment::Column::Serial)
        .all(&state.db)
        .await
        .map_err(db_error)?;
    let site = records::load(&state.db, &found, lang).await.map_err(db_error)?;
    let job = cards::cards(&state.db, std::slice::from_ref(&found)).await.map_err(db_error)?;
    let Some(job) = job.into_iter().next() else { return Err(PageError::not_found(lang)) };
    let page = JobPage {
        m: Messages::new(lang),
        current_path: format!("/j/job/{id}"),
        csrf: technician.csrf_token.clone(),
        who: technician.technician.name.clone(),
        job,
        devices: rows(devices),
        removable: rows(removable),
        van: rows(van),
        site,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((private(), Html(html)).into_response())
}
