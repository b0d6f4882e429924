//! Opening a ticket for a customer (`/ops/tickets/new?customer={id}`, linked
//! from the client's page): the form, then the ticket, open and audited.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{customer, service_location, staff};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::rules;
use super::store::{self, NewTicket};
use super::views::{self, Choice};
use crate::audit::Actor;
use crate::i18n::{Lang, Messages};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Staff, WorkTickets};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "ops/tickets/templates/new.html")]
struct NewPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    customer_id: i64,
    customer: String,
    account: String,
    categories: Vec<Choice>,
    priorities: Vec<Choice>,
    locations: Vec<Choice>,
    assignees: Vec<Choice>,
    subject: String,
    description: String,
    subject_error: Option<&'static str>,
    description_error: Option<&'static str>,
    category_error: Option<&'static str>,
    priority_error: Option<&'static str>,
    location_error: Option<&'static str>,
    assignee_error: Option<&'static str>,
}

/// What the form holds, as typed.
#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    assignee: String,
}

#[derive(Deserialize)]
pub struct NewQuery {
    customer: Option<String>,
}

async fn find_customer(db: &DatabaseConnection, raw: &str) -> Result<Option<customer::Model>, DbErr> {
    match raw.trim().parse::<i64>() {
        Ok(id) => customer::Entity::find_by_id(id).one(db).await,
        Err(_) => Ok(None),
    }
}

async fn locations_of(db: &DatabaseConnection, customer_id: i64) -> Result<Vec<service_location::Model>, DbErr> {
    service_location::Entity::find()
        .filter(service_location::Column::CustomerId.eq(customer_id))
        .order_by_asc(service_location::Column::Id)
        .all(db)
        .await
}

fn location_label(l: &service_location::Model) -> String {
    let unit = l.unit.as_deref().filter(|u| !u.trim().is_empty()).map(|u| format!(", app. {u}")).unwrap_or_default();
    format!("{}{unit}, {}", l.street, l.municipality)
}

/// The page, filled with what was typed (the defaults on a first visit).
fn new_page(
    lang: Lang,
    frame: Frame,
    customer: &customer::Model,
    locations: &[service_location::Model],
    staff: &[staff::Model],
    form: &NewForm,
) -> NewPage {
    let location = if form.location.is_empty() {
        locations.first().map(|l| l.id.to_string()).unwrap_or_default()
    } else {
        form.location.clone()
    };
    let assignee = form.assignee.trim().parse::<i64>().ok();
    NewPage {
        m: Messages::new(lang),
        current_path: format!("/ops/tickets/new?customer={}", customer.id),
        frame,
        customer_id: customer.id,
        customer: display_name(customer),
        account: customer.account_number.clone(),
        categories: views::category_choices(lang, &form.category),
        priorities: views::priority_choices(lang, if form.priority.is_empty() { "normal" } else { &form.priority }),
        locations: locations
            .iter()
            .map(|l| Choice {
                value: l.id.to_string(),
                label: location_label(l),
                selected: l.id.to_string() == location,
            })
            .collect(),
        assignees: views::assignee_choices(staff, None)
            .into_iter()
            .map(|c| Choice { selected: Some(c.value.as_str()) == assignee.map(|a| a.to_string()).as_deref(), ..c })
            .collect(),
        subject: form.subject.clone(),
        description: form.description.clone(),
        subject_error: None,
        description_error: None,
        category_error: None,
        priority_error: None,
        location_error: None,
        assignee_error: None,
    }
}

pub async fn form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let raw = query.customer.unwrap_or_default();
    let customer = find_customer(&state.db, &raw).await.map_err(db_error)?.ok_or_else(|| PageError::not_found(lang))?;
    let locations = locations_of(&state.db, customer.id).await.map_err(db_error)?;
    let staff_rows = store::all_staff(&state.db).await.map_err(db_error)?;
    let page =
        new_page(lang, Frame::new(&staff, Section::Tickets), &customer, &locations, &staff_rows, &NewForm::default());
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    axum::Form(form): axum::Form<NewForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let customer =
        find_customer(&state.db, &form.customer).await.map_err(db_error)?.ok_or_else(|| PageError::not_found(lang))?;
    let locations = locations_of(&state.db, customer.id).await.map_err(db_error)?;
    let staff_rows = store::all_staff(&state.db).await.map_err(db_error)?;

    let category = rules::category(&form.category).map(|(code, _)| code);
    let priority = rules::priority(&form.priority).map(|(code, _)| code);
    // Only one of this customer's addresses, or none.
    let location = match form.location.trim() {
        "" => Ok(None),
        raw => raw.parse::<i64>().ok().filter(|id| locations.iter().any(|l| l.id == *id)).map(Some).ok_or(()),
    };
    let assignee = match form.assignee.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|id| staff_rows.iter().any(|m| m.id == *id && views::works_tickets(m)))
            .map(Some)
            .ok_or(()),
    };
    let subject_error = rules::check_subject(&form.subject);
    let description_error = rules::check_description(&form.description);
    let (Some(category), Some(priority), Ok(location_id), Ok(assignee), None, None) =
        (category, priority, location, assignee, subject_error, description_error)
    else {
        let mut page = new_page(lang, Frame::new(&staff, Section::Tickets), &customer, &locations, &staff_rows, &form);
        page.subject_error = subject_error;
        page.description_error = description_error;
        page.category_error = category.is_none().then_some("ops.tickets.new.invalid_category");
        page.priority_error = priority.is_none().then_some("ops.tickets.invalid_priority");
        page.location_error = location.is_err().then_some("ops.tickets.new.invalid_location");
        page.assignee_error = assignee.is_err().then_some("ops.tickets.invalid_assignee");
        let html = page.render().map_err(|e| PageError::internal(lang, e))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    let new = NewTicket {
        customer_id: customer.id,
        location_id,
        category,
        priority,
        subject: form.subject,
        description: form.description,
        assignee,
    };
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let id = store::create(&state.db, new, &actor, state.clock.now()).await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/tickets/{id}")).into_response())
}
