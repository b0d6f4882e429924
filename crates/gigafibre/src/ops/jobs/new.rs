//! Creating a job from a ticket (`/ops/jobs/new?ticket={id}`, linked from
//! the ticket's page): the type (its duration filled in), the customer's
//! window, the priority, the address and the skills it needs; then the job,
//! waiting to be booked, linked to its ticket.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{customer, job_type, service_location, skill, ticket};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use crate::audit::Actor;
use crate::dispatch::create::{self, NewJob, Window};
use crate::dispatch::job_types;
use crate::dispatch::notices::address;
use crate::i18n::{Lang, Messages};
use crate::ops::dashboard::{PRIORITIES, display_name};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Dispatch, Staff};
use crate::web::{AppState, PageError, RequestLang};

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
    /// A type's duration in minutes; empty when it has none.
    pub minutes: String,
}

pub struct SkillChoice {
    pub id: i64,
    pub name: String,
    /// The minimum level asked, `""` for none.
    pub level: String,
}

#[derive(Template)]
#[template(path = "ops/jobs/templates/new.html")]
struct NewPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    ticket_id: i64,
    ticket_subject: String,
    customer_id: i64,
    customer: String,
    account: String,
    types: Vec<Choice>,
    priorities: Vec<Choice>,
    locations: Vec<Choice>,
    skills: Vec<SkillChoice>,
    form: NewForm,
    type_error: Option<&'static str>,
    duration_error: Option<&'static str>,
    priority_error: Option<&'static str>,
    location_error: Option<&'static str>,
    window_error: Option<&'static str>,
    skill_error: Option<&'static str>,
}

/// What the form holds, as typed.
#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    job_type: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    /// `skill_{id}` → minimum level.
    #[serde(flatten)]
    levels: HashMap<String, String>,
}

#[derive(Deserialize)]
pub struct NewQuery {
    ticket: Option<String>,
}

/// The ticket, its customer and their addresses.
struct Context {
    ticket: ticket::Model,
    customer: customer::Model,
    locations: Vec<service_location::Model>,
    types: Vec<job_type::Model>,
    skills: Vec<skill::Model>,
}

async fn context(db: &DatabaseConnection, raw: &str) -> Result<Option<Context>, DbErr> {
    let Ok(id) = raw.trim().parse::<i64>() else { return Ok(None) };
    let Some((ticket, Some(customer))) =
        ticket::Entity::find_by_id(id).find_also_related(customer::Entity).one(db).await?
    else {
        return Ok(None);
    };
    let locations = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.eq(customer.id))
        .order_by_asc(service_location::Column::Id)
        .all(db)
        .await?;
    let types = job_types::active(db).await?;
    let skills = skill::Entity::find().order_by_asc(skill::Column::Id).all(db).await?;
    Ok(Some(Context { ticket, customer, locations, types, skills }))
}

/// The type a ticket's category suggests.
fn suggested_type(category: &str) -> &'static str {
    match category {
        "installation" | "move" => "installation",
        "tv" | "phone" => "equipment_swap",
        "cancellation" => "disconnection",
        _ => "repair",
    }
}

/// The form as first shown: the suggested type and its duration, the
/// ticket's priority and address.
fn first_form(context: &Context) -> NewForm {
    let code = suggested_type(&context.ticket.category);
    let minutes = context.types.iter().find(|t| t.code == code).and_then(|t| t.default_duration_minutes);
    let location = context.ticket.service_location_id.or(context.locations.first().map(|l| l.id));
    NewForm {
        job_type: code.to_owned(),
        duration: minutes.map(|m| m.to_string()).unwrap_or_default(),
        priority: context.ticket.priority.clone(),
        location: location.map(|l| l.to_string()).unwrap_or_default(),
        ..NewForm::default()
    }
}

fn page(lang: Lang, frame: Frame, context: &Context, form: NewForm) -> NewPage {
    let m = Messages::new(lang);
    NewPage {
        current_path: format!("/ops/jobs/new?ticket={}", context.ticket.id),
        frame,
        ticket_id: context.ticket.id,
        ticket_subject: context.ticket.subject.clone(),
        customer_id: context.customer.id,
        customer: display_name(&context.customer),
        account: context.customer.account_number.clone(),
        types: context
            .types
            .iter()
            .map(|t| Choice {
                value: t.code.clone(),
                label: job_types::name(t, lang).to_owned(),
                selected: t.code == form.job_type,
                minutes: t.default_duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
            })
            .collect(),
        priorities: PRIORITIES
            .iter()
            .map(|(code, key)| Choice {
                value: (*code).to_owned(),
                label: m.t(key).to_owned(),
                selected: *code == form.priority,
                minutes: String::new(),
            })
            .collect(),
        locations: context
            .locations
            .iter()
            .map(|l| Choice {
                value: l.id.to_string(),
                label: address(l),
                selected: l.id.to_string() == form.location,
                minutes: String::new(),
            })
            .collect(),
        skills: context
            .skills
            .iter()
            .map(|s| SkillChoice {
                id: s.id,
                name: if lang == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() },
                level: form.levels.get(&format!("skill_{}", s.id)).cloned().unwrap_or_default(),
            })
            .collect(),
        m,
        form,
        type_error: None,
        duration_error: None,
        priority_error: None,
        location_error: None,
        window_error: None,
        skill_error: None,
    }
}

pub async fn form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    let raw = query.ticket.unwrap_or_default();
    let context = context(&state.db, &raw).await.map_err(|e| PageError::database(lang, e))?;
    let context = context.ok_or_else(|| PageError::not_found(lang))?;
    let form = first_form(&context);
    let html = page(lang, Frame::new(&staff, Section::Tickets), &context, form).render();
    Ok(Html(html.map_err(|e| PageError::internal(lang, e))?).into_response())
}

/// A local day and time typed in the form, as UTC.
fn local(day: NaiveDate, time: &str) -> Option<DateTime<Utc>> {
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    day.and_time(time).and_local_timezone(Toronto).earliest().map(|at| at.with_timezone(&Utc))
}

/// The window typed: nothing, or a day with both times.
fn typed_window(form: &NewForm) -> Result<Option<Window>, &'static str> {
    let blank = |s: &str| s.trim().is_empty();
    if blank(&form.day) && blank(&form.from) && blank(&form.until) {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d").ok();
    let at = |time: &str| day.and_then(|d| local(d, time));
    create::window(at(&form.from), at(&form.until)).and_then(|w| w.ok_or("dispatch.new.window_invalid").map(Some))
}

/// The skills asked, each a known skill at a level from 1 to 5.
fn typed_skills(form: &NewForm, skills: &[skill::Model]) -> Result<Vec<(i64, i16)>, &'static str> {
    let mut asked = Vec::new();
    for (name, level) in &form.levels {
        let Some(raw_id) = name.strip_prefix("skill_") else { continue };
        if level.trim().is_empty() {
            continue;
        }
        let id = raw_id.parse::<i64>().ok().filter(|id| skills.iter().any(|s| s.id == *id));
        let level = level.trim().parse::<i16>().ok().filter(|l| (1..=5).contains(l));
        match (id, level) {
            (Some(id), Some(level)) => asked.push((id, level)),
            _ => return Err("ops.jobs.new.skill_invalid"),
        }
    }
    asked.sort_unstable();
    Ok(asked)
}

pub async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<Dispatch>,
    axum::Form(form): axum::Form<NewForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let context = context(&state.db, &form.ticket).await.map_err(|e| PageError::database(lang, e))?;
    let context = context.ok_or_else(|| PageError::not_found(lang))?;
    let kind = context.types.iter().find(|t| t.code == form.job_type);
    let duration = kind.map(|k| create::duration(k, &form.duration));
    let priority = PRIORITIES.iter().find(|(code, _)| *code == form.priority).map(|(code, _)| *code);
    let location = form.location.trim().parse::<i64>().ok().filter(|id| context.locations.iter().any(|l| l.id == *id));
    let window = typed_window(&form);
    let skills = typed_skills(&form, &context.skills);
    let (Some(kind), Some(Ok(duration)), Some(priority), Some(location_id), Ok(window), Ok(skills)) =
        (kind, &duration, priority, location, &window, &skills)
    else {
        let type_error = kind.is_none().then_some("ops.jobs.new.type_invalid");
        let duration_error = duration.and_then(Result::err);
        let priority_error = priority.is_none().then_some("ops.tickets.invalid_priority");
        let location_error = location.is_none().then_some("ops.jobs.new.location_invalid");
        let window_error = window.err();
        let skill_error = skills.err();
        let mut refused = page(lang, Frame::new(&staff, Section::Tickets), &context, form);
        refused.type_error = type_error;
        refused.duration_error = duration_error;
        refused.priority_error = priority_error;
        refused.location_error = location_error;
        refused.window_error = window_error;
        refused.skill_error = skill_error;
        let html = refused.render().map_err(|e| PageError::internal(lang, e))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    let new = NewJob {
        ticket_id: context.ticket.id,
        customer_id: context.customer.id,
        location_id,
        job_type: kind.code.clone(),
        duration_minutes: *duration,
        priority,
        window: *window,
        skills: skills.clone(),
    };
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let id =
        create::create(&state.db, new, &actor, state.clock.now()).await.map_err(|e| PageError::database(lang, e))?;
    Ok(Redirect::to(&format!("/ops/jobs/{id}")).into_response())
}
