//! Links made from the ops app: the section of a technician's team page
//! that makes a link for a day or one job (shown once, texted on request)
//! and lists the links still outstanding, each revocable. Dispatchers and
//! admins only (`Staff<ManageTeam>`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use gigafibre_db::entities::{dispatch_job, technician};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::day::{day_of, start_of_day};
use super::links::{self, IssueError, Request};
use super::today::clock;
use crate::i18n::{Lang, Messages, local_date, local_time};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ManageTeam, Staff};
use crate::ops::team::roster::actor;
use crate::web::{AppState, PageError, RequestLang};

/// A job the link may be bound to.
pub struct JobChoice {
    pub id: i64,
    pub label: String,
}

/// An outstanding link as the section lists it.
pub struct LinkRow {
    pub id: i64,
    pub scope: String,
    /// The catalogue key of its state.
    pub state: &'static str,
    pub created: String,
}

/// What the team page's link section shows.
pub struct LinkSection {
    pub technician_id: i64,
    pub today: String,
    pub jobs: Vec<JobChoice>,
    pub links: Vec<LinkRow>,
    pub has_phone: bool,
    pub active: bool,
}

/// Reads the section for one technician.
pub async fn section<C: ConnectionTrait>(
    conn: &C,
    lang: Lang,
    found: &technician::Model,
    now: DateTime<Utc>,
) -> Result<LinkSection, DbErr> {
    let today = day_of(now);
    let jobs = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::TechnicianId.eq(found.id))
        .filter(dispatch_job::Column::ScheduledStart.gte(start_of_day(today)))
        .filter(dispatch_job::Column::Status.is_not_in(["done", "cancelled"]))
        .order_by_asc(dispatch_job::Column::ScheduledStart)
        .limit(20)
        .all(conn)
        .await?;
    let m = Messages::new(lang);
    let jobs = jobs
        .into_iter()
        .map(|j| {
            let when = j.scheduled_start.map(|at| format!("{} {}", local_date(lang, day_of(at)), clock(at)));
            JobChoice {
                id: j.id, label: format!("#{} · {} · {}", j.id, when.unwrap_or_default(), m.code(&j.job_type))
            }
        })
        .collect();
    let links = links::outstanding(conn, found.id, now)
        .await?
        .into_iter()
        .map(|l| LinkRow {
            id: l.id,
            scope: match l.job_id {
                Some(job) => format!("{} #{job}", m.t("tech.issue.job")),
                None => local_date(lang, l.day),
            },
            state: if l.used_at.is_some() {
                "tech.issue.state.opened"
            } else if l.expires_at < now {
                "tech.issue.state.expired"
            } else {
                "tech.issue.state.waiting"
            },
            created: local_time(lang, l.created_at),
        })
        .collect();
    Ok(LinkSection {
        technician_id: found.id,
        today: today.to_string(),
        jobs,
        links,
        has_phone: found.phone.is_some(),
        active: found.active,
    })
}

#[derive(Template)]
#[template(path = "tech/issue/templates/made.html")]
struct MadePage {
    m: Messages,
    current_path: String,
    frame: Frame,
    technician_id: i64,
    name: String,
    url: String,
    expires: String,
    sms_queued: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct IssueForm {
    csrf: String,
    #[serde(default)]
    job: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    send: Option<String>,
}

/// `POST /ops/equipe/{id}/liens`: makes a link and shows it, once.
pub async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<IssueForm>,
) -> Result<Response, PageError> {
    let id = crate::ops::team::parse_id(&id, lang)?;
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let found = technician::Entity::find_by_id(id).one(&state.db).await.map_err(db_error)?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let m = Messages::new(lang);
    let job_id = form.job.trim().parse::<i64>().ok();
    let day = match form.day.trim() {
        "" => Ok(None),
        typed => NaiveDate::parse_from_str(typed, "%Y-%m-%d").map(Some),
    };
    let mut page = MadePage {
        m,
        current_path: format!("/ops/equipe/{id}"),
        frame: Frame::new(&staff, Section::Team),
        technician_id: id,
        name: found.name.clone(),
        url: String::new(),
        expires: String::new(),
        sms_queued: false,
        error: None,
    };
    let outcome = match day {
        Err(_) => Err(m.t("tech.issue.error.day").to_owned()),
        Ok(day) => {
            let issuer = actor(&staff);
            let request = Request { technician_id: id, job_id, day, issued_by: &issuer, send_sms: form.send.is_some() };
            match links::issue(&state.db, &state.config.public_url, request, state.clock.now()).await {
                Ok(issued) => Ok(issued),
                Err(IssueError::Database(e)) => return Err(db_error(e)),
                Err(IssueError::RateLimited(seconds)) => {
                    Err(m.t("tech.issue.error.rate_limited").replace("{minutes}", &((seconds + 59) / 60).to_string()))
                }
                Err(other) => Err(m.t(other.message_key()).to_owned()),
            }
        }
    };
    let status = match outcome {
        Ok(issued) => {
            page.url = issued.url;
            page.expires = local_time(lang, issued.link.expires_at);
            page.sms_queued = issued.sms_queued;
            StatusCode::OK
        }
        Err(message) => {
            page.error = Some(message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, [(axum::http::header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
}

/// `POST /ops/equipe/{id}/liens/{link}/revoquer`.
pub async fn revoke(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    Path((id, link)): Path<(String, String)>,
    axum::Form(form): axum::Form<RevokeForm>,
) -> Result<Response, PageError> {
    let id = crate::ops::team::parse_id(&id, lang)?;
    let link = crate::ops::team::parse_id(&link, lang)?;
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    if !links::revoke(&txn, id, link, now).await.map_err(db_error)? {
        return Err(PageError::not_found(lang));
    }
    let change = crate::audit::Change {
        action: "technician_link_revoke",
        entity: "technician",
        entity_id: Some(id),
        before: serde_json::json!({ "link": link }),
        after: serde_json::json!({ "revoked": true }),
    };
    crate::audit::record(&txn, &actor(&staff), change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/equipe/{id}?done=link_revoked#liens")).into_response())
}
