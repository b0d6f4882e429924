//! Creating a customer (with a first service location if one is known) and
//! adding a service location to an existing customer.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{customer, service_location};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::Deserialize;
use serde_json::json;

use super::fields::Field;
use super::location::{Location, LocationErrors, LocationInput};
use crate::audit::{self, Actor, Change};
use crate::i18n::{Lang, Messages};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{EditClients, Staff};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize, Default, Clone)]
pub struct NewCustomerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    cell: String,
    #[serde(default)]
    home_phone: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    billing_day: String,
    #[serde(flatten)]
    location: LocationInput,
}

/// The problem with each field, as catalogue keys.
#[derive(Default)]
struct CustomerErrors {
    first_name: Option<&'static str>,
    last_name: Option<&'static str>,
    company_name: Option<&'static str>,
    email: Option<&'static str>,
    cell: Option<&'static str>,
    home_phone: Option<&'static str>,
    billing_day: Option<&'static str>,
    location: LocationErrors,
}

#[derive(Template)]
#[template(path = "ops/clients/templates/new.html")]
struct NewCustomerPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    form: NewCustomerForm,
    errors: CustomerErrors,
    has_errors: bool,
}

fn render_new(
    lang: Lang,
    staff: &Staff<EditClients>,
    form: NewCustomerForm,
    errors: CustomerErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let has_errors = status != StatusCode::OK;
    let page = NewCustomerPage {
        m: Messages::new(lang),
        current_path: "/ops/clients/new".into(),
        frame: Frame::new(staff, Section::Clients),
        form,
        errors,
        has_errors,
    };
    Ok((status, Html(page.render().map_err(|e| PageError::internal(lang, e))?)).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
) -> Result<Response, PageError> {
    let today = state.clock.now().with_timezone(&Toronto).date_naive();
    let form = NewCustomerForm {
        kind: "residential".into(),
        language: "fr".into(),
        billing_day: today.day().min(28).to_string(),
        ..NewCustomerForm::default()
    };
    render_new(lang, &staff, form, CustomerErrors::default(), StatusCode::OK)
}

/// A customer ready to store.
struct Checked {
    first_name: String,
    last_name: String,
    company_name: Option<String>,
    email: Option<String>,
    cell: Option<String>,
    home_phone: Option<String>,
    language: String,
    billing_day: i16,
    location: Option<Location>,
}

fn check(form: &NewCustomerForm) -> Result<Checked, Box<CustomerErrors>> {
    let mut errors = CustomerErrors::default();
    let mut take = |field: Field, typed: &str, slot: fn(&mut CustomerErrors) -> &mut Option<&'static str>| {
        field.check(typed).map_err(|e| *slot(&mut errors) = Some(e)).ok().flatten()
    };
    let first_name = take(Field::FirstName, &form.first_name, |e| &mut e.first_name);
    let last_name = take(Field::LastName, &form.last_name, |e| &mut e.last_name);
    let company_name = take(Field::CompanyName, &form.company_name, |e| &mut e.company_name);
    let email = take(Field::Email, &form.email, |e| &mut e.email);
    let cell = take(Field::Cell, &form.cell, |e| &mut e.cell);
    let home_phone = take(Field::HomePhone, &form.home_phone, |e| &mut e.home_phone);
    if form.kind == "business" && company_name.is_none() && errors.company_name.is_none() {
        errors.company_name = Some("ops.clients.company_required");
    }
    if email.is_none() && cell.is_none() && errors.email.is_none() && errors.cell.is_none() {
        // The portal sends sign-in links there.
        errors.email = Some("ops.clients.contact_required");
    }
    let billing_day = form.billing_day.trim().parse::<i16>().ok().filter(|d| (1..=28).contains(d));
    if billing_day.is_none() {
        errors.billing_day = Some("ops.clients.billing_day_invalid");
    }
    let location =
        if form.location.is_blank() { None } else { form.location.check().map_err(|e| errors.location = e).ok() };
    let any = [errors.first_name, errors.last_name, errors.company_name, errors.email, errors.cell]
        .iter()
        .chain([errors.home_phone, errors.billing_day].iter())
        .any(Option::is_some)
        || errors.location.any();
    match (first_name, last_name, billing_day) {
        (Some(first_name), Some(last_name), Some(billing_day)) if !any => Ok(Checked {
            first_name,
            last_name,
            company_name,
            email,
            cell,
            home_phone,
            language: Lang::from_code(&form.language).unwrap_or_default().code().to_owned(),
            billing_day,
            location,
        }),
        _ => Err(Box::new(errors)),
    }
}

pub async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    axum::Form(form): axum::Form<NewCustomerForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let checked = match check(&form) {
        Ok(checked) => checked,
        Err(errors) => return render_new(lang, &staff, form, *errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let kind = if form.kind == "business" { "business" } else { "residential" };
    let row = customer::ActiveModel {
        id: NotSet,
        account_number: Set(next_account_number(&txn).await.map_err(db_error)?),
        legacy_id: Set(None),
        kind: Set(kind.into()),
        first_name: Set(checked.first_name),
        last_name: Set(checked.last_name),
        company_name: Set(checked.company_name),
        email: Set(checked.email),
        billing_email: Set(None),
        cell: Set(checked.cell),
        home_phone: Set(checked.home_phone),
        language: Set(checked.language),
        status: Set("active".into()),
        billing_day: Set(checked.billing_day),
        balance_cents: Set(0),
        notes: Set(String::new()),
        notify_by_email: Set(true),
        notify_by_sms: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let created = row.insert(&txn).await.map_err(db_error)?;
    let after = json!({ "account_number": created.account_number, "name": display_name(&created) });
    let change = Change {
        action: "customer_create",
        entity: "customer",
        entity_id: Some(created.id),
        before: json!(null),
        after,
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    if let Some(location) = checked.location {
        add_location(&txn, &actor, created.id, location, now).await.map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/clients/{}", created.id)).into_response())
}

/// The next `GF-` number; the write transaction keeps two creations apart.
async fn next_account_number<C: ConnectionTrait>(conn: &C) -> Result<String, DbErr> {
    let newest = customer::Entity::find()
        .filter(customer::Column::AccountNumber.like("GF-%"))
        .order_by_desc(customer::Column::AccountNumber)
        .one(conn)
        .await?;
    let last = newest.and_then(|c| c.account_number.trim_start_matches("GF-").parse::<u64>().ok()).unwrap_or(100_000);
    Ok(format!("GF-{:06}", last + 1))
}

async fn add_location<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    customer_id: i64,
    location: Location,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = service_location::ActiveModel {
        id: NotSet,
        customer_id: Set(customer_id),
        legacy_id: Set(None),
        street: Set(location.street),
        unit: Set(location.unit),
        municipality: Set(location.municipality),
        province: Set("QC".into()),
        postal_code: Set(location.postal_code),
        latitude: Set(None),
        longitude: Set(None),
        fibre_drop: Set(None),
        olt_port: Set(None),
        created_at: Set(now),
    };
    let created = row.insert(conn).await?;
    let change = Change {
        action: "location_create",
        entity: "customer",
        entity_id: Some(customer_id),
        before: json!(null),
        after: json!({ "location": super::detail::address_line(&created) }),
    };
    audit::record(conn, actor, change, now).await
}

#[derive(Template)]
#[template(path = "ops/clients/templates/new_location.html")]
struct NewLocationPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    customer_id: i64,
    name: String,
    form: LocationInput,
    errors: LocationErrors,
}

#[derive(Deserialize)]
pub struct NewLocationForm {
    csrf: String,
    #[serde(flatten)]
    location: LocationInput,
}

async fn customer_or_404(state: &AppState, lang: Lang, id: i64) -> Result<customer::Model, PageError> {
    let found = customer::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    found.ok_or_else(|| PageError::not_found(lang))
}

fn render_location(
    lang: Lang,
    staff: &Staff<EditClients>,
    found: &customer::Model,
    form: LocationInput,
    errors: LocationErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = NewLocationPage {
        m: Messages::new(lang),
        current_path: format!("/ops/clients/{}/locations/new", found.id),
        frame: Frame::new(staff, Section::Clients),
        customer_id: found.id,
        name: display_name(found),
        form,
        errors,
    };
    Ok((status, Html(page.render().map_err(|e| PageError::internal(lang, e))?)).into_response())
}

pub async fn new_location_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let found = customer_or_404(&state, lang, id).await?;
    render_location(lang, &staff, &found, LocationInput::default(), LocationErrors::default(), StatusCode::OK)
}

pub async fn create_location(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<NewLocationForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let found = customer_or_404(&state, lang, id).await?;
    let location = match form.location.check() {
        Ok(location) => location,
        Err(errors) => {
            return render_location(lang, &staff, &found, form.location, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    add_location(&txn, &actor, id, location, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/clients/{id}")).into_response())
}
