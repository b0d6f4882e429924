//! Placing a job: the board's script drops it (and reads a JSON answer),
//! or the per-job "Assign to…" page posts the same form from the keyboard.
//! A refusal says why in the reader's language and changes nothing; a
//! drop sent with an old version of the job is refused as stale.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime, Timelike};
use gigafibre_db::entities::{dispatch_job, skill};
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::json;

use super::board::Choice;
use crate::dispatch::planning::day::{self, BoardJob};
use crate::dispatch::planning::explain;
use crate::dispatch::planning::place::{self, Outcome, Target};
use crate::dispatch::planning::rules::local_minute;
use crate::i18n::{Lang, Messages};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Dispatch, Staff};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Debug, Deserialize)]
pub struct PlaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    /// A technician's id; empty to unassign.
    #[serde(default)]
    technician: String,
    #[serde(default)]
    day: String,
    /// `HH:MM`, Québec time.
    #[serde(default)]
    start: String,
    /// The board's query, to come back to the same board.
    #[serde(default)]
    back: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    day: Option<String>,
    back: Option<String>,
}

#[derive(Template)]
#[template(path = "ops/dispatch/templates/assign.html")]
struct AssignPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    id: i64,
    kind: String,
    summary: String,
    version: i32,
    locked: bool,
    assigned: bool,
    day: String,
    start: String,
    back: String,
    technicians: Vec<Choice>,
    error: Option<String>,
}

/// Whether the caller is the board's script, which reads JSON.
fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// The board's address from a posted `back`, kept to our own board.
fn board_href(back: &str) -> String {
    let query: Vec<(String, String)> = url::form_urlencoded::parse(back.as_bytes())
        .filter(|(k, _)| matches!(k.as_ref(), "day" | "proposal" | "type" | "priority" | "skill"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    format!("/ops/dispatch?{}", serde_urlencoded::to_string(&query).unwrap_or_default())
}

async fn load_job(state: &AppState, lang: Lang, id: i64) -> Result<BoardJob, PageError> {
    let model = dispatch_job::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    let model = model.ok_or_else(|| PageError::not_found(lang))?;
    let mut found =
        day::with_needs_and_places(&state.db, vec![model]).await.map_err(|e| PageError::database(lang, e))?;
    found.pop().ok_or_else(|| PageError::not_found(lang))
}

/// `GET /ops/dispatch/jobs/{id}/place`: the keyboard's way to place a job.
pub async fn form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Path(id): Path<i64>,
    Query(query): Query<FormQuery>,
) -> Result<Response, PageError> {
    let job = load_job(&state, lang, id).await?;
    let day = query
        .day
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .or_else(|| job.model.scheduled_start.or(job.model.window_start).map(|t| local(t).date_naive()))
        .unwrap_or_else(|| local(state.clock.now()).date_naive());
    let back = query.back.unwrap_or_else(|| format!("day={}", day.format("%Y-%m-%d")));
    render_form(&state, lang, &staff, job, day, &back, None, StatusCode::OK).await
}

fn local(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono_tz::Tz> {
    at.with_timezone(&chrono_tz::America::Toronto)
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    lang: Lang,
    staff: &Staff<Dispatch>,
    job: BoardJob,
    day: NaiveDate,
    back: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let board = day::load(&state.db, day).await.map_err(|e| PageError::database(lang, e))?;
    let facts = job.facts();
    let qualified = |skills: &std::collections::HashMap<i64, i16>| {
        facts.needs.iter().all(|n| skills.get(&n.skill_id).is_some_and(|l| *l >= n.min_level))
    };
    let technicians = board
        .technicians
        .iter()
        .map(|t| Choice {
            value: t.model.id.to_string(),
            label: if qualified(&t.skills) {
                format!("{} ✓", t.model.name)
            } else {
                format!("{} — {}", t.model.name, m.t("ops.dispatch.assign.lacks_skill"))
            },
            selected: job.model.technician_id == Some(t.model.id),
        })
        .collect();
    let start =
        job.model.scheduled_start.or(job.model.window_start).map_or_else(|| "08:00".to_owned(), super::view::clock);
    let model = &job.model;
    let window = match (model.window_start, model.window_end) {
        (Some(s), Some(e)) => format!("{}–{}", super::view::clock(s), super::view::clock(e)),
        _ => m.t("ops.dispatch.any_time").to_owned(),
    };
    let page = AssignPage {
        m,
        current_path: format!("/ops/dispatch/jobs/{}/place", model.id),
        frame: Frame::new(staff, Section::Dispatch),
        id: model.id,
        kind: m.code(&model.job_type),
        summary: format!(
            "{} · {} min · {} · {}",
            job.location.as_ref().map(|l| l.municipality.as_str()).unwrap_or_default(),
            model.duration_minutes,
            window,
            m.code(&model.status)
        ),
        version: model.version,
        locked: model.locked,
        assigned: model.technician_id.is_some(),
        day: day.format("%Y-%m-%d").to_string(),
        start,
        back: back.to_owned(),
        technicians,
        error,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// What the form asks for, or why it cannot be read.
fn target(form: &PlaceForm) -> Option<Target> {
    if form.technician.trim().is_empty() {
        return Some(Target::Unassigned);
    }
    let id = form.technician.trim().parse().ok()?;
    let day = NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(form.start.trim(), "%H:%M").ok()?;
    let minute = i32::try_from(time.hour() * 60 + time.minute()).ok()?;
    Some(Target::Technician { id, start: local_minute(day, minute) })
}

/// `POST /ops/dispatch/jobs/{id}/place`.
pub async fn place(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<PlaceForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let json = wants_json(&headers);
    let m = Messages::new(lang);
    let (Some(target), Ok(version)) = (target(&form), form.version.trim().parse::<i32>()) else {
        return refuse(
            &state,
            lang,
            &staff,
            id,
            &form,
            json,
            StatusCode::UNPROCESSABLE_ENTITY,
            m.t("ops.dispatch.unreadable"),
        )
        .await;
    };
    let actor = crate::audit::Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let outcome = place::place(&state.db, &actor, id, version, target, state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    match outcome {
        Outcome::Saved(version) => {
            if json {
                return Ok(Json::ok(version));
            }
            Ok(Redirect::to(&board_href(&form.back)).into_response())
        }
        Outcome::NotFound => Err(PageError::not_found(lang)),
        Outcome::Stale => {
            refuse(&state, lang, &staff, id, &form, json, StatusCode::CONFLICT, m.t("dispatch.refused.stale")).await
        }
        Outcome::Refused(refusal) => {
            let skills = skill::Entity::find().all(&state.db).await.map_err(|e| PageError::database(lang, e))?;
            let reason = explain(lang, refusal, &skills);
            refuse(&state, lang, &staff, id, &form, json, StatusCode::UNPROCESSABLE_ENTITY, &reason).await
        }
    }
}

/// The JSON the board's script reads.
struct Json;

impl Json {
    fn ok(version: i32) -> Response {
        axum::Json(json!({ "ok": true, "version": version })).into_response()
    }

    fn refused(status: StatusCode, reason: &str) -> Response {
        let stale = status == StatusCode::CONFLICT;
        (status, axum::Json(json!({ "ok": false, "stale": stale, "reason": reason }))).into_response()
    }
}

#[allow(clippy::too_many_arguments)]
async fn refuse(
    state: &AppState,
    lang: Lang,
    staff: &Staff<Dispatch>,
    id: i64,
    form: &PlaceForm,
    json: bool,
    status: StatusCode,
    reason: &str,
) -> Result<Response, PageError> {
    if json {
        return Ok(Json::refused(status, reason));
    }
    let job = load_job(state, lang, id).await?;
    let day = NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| local(state.clock.now()).date_naive());
    render_form(state, lang, staff, job, day, &form.back, Some(reason.to_owned()), status).await
}

#[derive(Debug, Deserialize)]
pub struct LockForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    locked: String,
    #[serde(default)]
    back: String,
}

/// `POST /ops/dispatch/jobs/{id}/lock`: pin the job (planning leaves it) or let it go.
pub async fn lock(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<LockForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let json = wants_json(&headers);
    let m = Messages::new(lang);
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return Ok(Json::refused(StatusCode::UNPROCESSABLE_ENTITY, m.t("ops.dispatch.unreadable")));
    };
    let actor = crate::audit::Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let locked = form.locked == "1";
    let outcome = place::set_locked(&state.db, &actor, id, version, locked, state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    match outcome {
        Outcome::Saved(version) if json => Ok(Json::ok(version)),
        Outcome::Saved(_) => Ok(Redirect::to(&board_href(&form.back)).into_response()),
        Outcome::NotFound => Err(PageError::not_found(lang)),
        Outcome::Stale | Outcome::Refused(_) => {
            let back = PlaceForm {
                csrf: String::new(),
                version: form.version.clone(),
                technician: String::new(),
                day: url::form_urlencoded::parse(form.back.as_bytes())
                    .find(|(k, _)| k == "day")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default(),
                start: String::new(),
                back: form.back.clone(),
            };
            refuse(&state, lang, &staff, id, &back, json, StatusCode::CONFLICT, m.t("dispatch.refused.stale")).await
        }
    }
}
