//! `/ops/clients/{id}`: everything about one customer on one page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{
    contact, customer, dispatch_job, equipment, invoice, outbox_message, plan, service_location, subscription,
    technician, ticket,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::edit::FieldView;
use super::fields::Field;
use crate::billing::money::Money;
use crate::i18n::{Lang, Messages, local_date, local_time};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::records::audit::{AuditRow, trail_for};
use crate::ops::roles::{Allowed, AnyRole, EditClients, HandleMoney, ReadReceivables, Staff, WorkTickets};
use crate::web::{AppState, PageError, RequestLang};

/// How many of each kind of record the page lists (the newest).
const RECENT: u64 = 12;

pub struct LocationRow {
    pub address: String,
    pub fibre_drop: String,
}

pub struct SubscriptionRow {
    plan: String,
    quantity: i32,
    price: String,
    status: String,
    since: String,
}

pub struct DeviceRow {
    serial: String,
    model: String,
    kind: String,
    status: String,
}

pub struct InvoiceRow {
    id: i64,
    number: String,
    issued: String,
    due: String,
    total: String,
    balance: String,
    status: String,
    overdue: bool,
}

pub struct TicketRow {
    id: i64,
    subject: String,
    status: String,
    priority: String,
    opened: String,
}

pub struct MessageRow {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    status: String,
    at: String,
}

pub struct JobRow {
    id: i64,
    job_type: String,
    status: String,
    when: String,
    technician: String,
}

#[derive(Template)]
#[template(path = "ops/clients/templates/detail.html")]
struct DetailPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    can_edit: bool,
    can_open_tickets: bool,
    can_handle_money: bool,
    can_read_receivables: bool,
    access: Option<&'static str>,
    customer: customer::Model,
    name: String,
    balance: String,
    owes: bool,
    fields: Vec<FieldView>,
    contacts: Vec<contact::Model>,
    locations: Vec<LocationRow>,
    subscriptions: Vec<SubscriptionRow>,
    devices: Vec<DeviceRow>,
    invoices: Vec<InvoiceRow>,
    tickets: Vec<TicketRow>,
    messages: Vec<MessageRow>,
    jobs: Vec<JobRow>,
    /// The record's history, newest first.
    trail: Vec<AuditRow>,
    since: String,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    /// A field to show in edit mode (the link without JavaScript).
    edit: Option<String>,
    /// What became of a request to end the customer's access (`ended`, `unconfirmed`).
    access: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    Path(id): Path<i64>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let editing = query.edit.as_deref().and_then(Field::from_code).filter(|_| EditClients::admits(staff.role));
    let found = customer::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let editing = editing
        .map(|field| FieldView { editing: true, ..FieldView::read(&found, field, lang, true, &staff.csrf_token) });
    let access = query.access.as_deref().and_then(|a| match a {
        "ended" => Some("ops.client.access_ended"),
        "unconfirmed" => Some("ops.client.access_unconfirmed"),
        _ => None,
    });
    render(&state, lang, &staff, id, View { editing, access }, StatusCode::OK).await
}

/// What the page shows beyond the record: a field open for editing, the
/// outcome of ending the customer's access.
#[derive(Default)]
pub struct View {
    pub editing: Option<FieldView>,
    pub access: Option<&'static str>,
}

/// The page, with one field possibly in edit mode (with its error).
pub async fn render<R: Allowed>(
    state: &AppState,
    lang: Lang,
    staff: &Staff<R>,
    id: i64,
    view: View,
    status: StatusCode,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let db = &state.db;
    let found = customer::Entity::find_by_id(id).one(db).await.map_err(db_error)?;
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let can_edit = EditClients::admits(staff.role);
    let mut editing = view.editing;
    let fields = Field::ALL
        .into_iter()
        .map(|field| match editing.take_if(|view| view.code == field.code()) {
            Some(view) => view,
            None => FieldView::read(&found, field, lang, can_edit, &staff.csrf_token),
        })
        .collect();
    let today = state.clock.now().with_timezone(&Toronto).date_naive();
    let page = DetailPage {
        m: Messages::new(lang),
        current_path: format!("/ops/clients/{id}"),
        frame: Frame::new(staff, Section::Clients),
        can_edit,
        can_open_tickets: WorkTickets::admits(staff.role),
        can_handle_money: HandleMoney::admits(staff.role),
        can_read_receivables: ReadReceivables::admits(staff.role),
        access: view.access,
        name: display_name(&found),
        balance: Money::from_cents(found.balance_cents).format(lang),
        owes: found.balance_cents > 0,
        fields,
        contacts: contact::Entity::find().filter(contact::Column::CustomerId.eq(id)).all(db).await.map_err(db_error)?,
        locations: locations(db, id).await.map_err(db_error)?,
        subscriptions: subscriptions(db, id, lang).await.map_err(db_error)?,
        devices: devices(db, id).await.map_err(db_error)?,
        invoices: invoices(db, id, lang, today).await.map_err(db_error)?,
        tickets: tickets(db, id, lang).await.map_err(db_error)?,
        messages: messages(db, id, lang).await.map_err(db_error)?,
        jobs: jobs(db, id, lang).await.map_err(db_error)?,
        trail: trail_for(db, "customer", id, 20).await.map_err(db_error)?,
        since: local_date(lang, found.created_at.with_timezone(&Toronto).date_naive()),
        customer: found,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// A street address on one line, as a person writes it.
pub fn address_line(l: &service_location::Model) -> String {
    let unit = l.unit.as_deref().filter(|u| !u.is_empty()).map(|u| format!(", app. {u}")).unwrap_or_default();
    format!("{}{unit}, {} {} {}", l.street, l.municipality, l.province, l.postal_code)
}

async fn locations(db: &DatabaseConnection, id: i64) -> Result<Vec<LocationRow>, DbErr> {
    let rows = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.eq(id))
        .order_by_asc(service_location::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|l| LocationRow { address: address_line(l), fibre_drop: l.fibre_drop.clone().unwrap_or_default() })
        .collect())
}

async fn subscriptions(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<SubscriptionRow>, DbErr> {
    let rows = subscription::Entity::find()
        .filter(subscription::Column::CustomerId.eq(id))
        .order_by_desc(subscription::Column::StartDate)
        .all(db)
        .await?;
    let plan_ids: Vec<i64> = rows.iter().map(|s| s.plan_id).collect();
    let plans = plan::Entity::find().filter(plan::Column::Id.is_in(plan_ids)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|s| SubscriptionRow {
            plan: plans
                .iter()
                .find(|p| p.id == s.plan_id)
                .map(|p| if lang == Lang::En { p.name_en.clone() } else { p.name_fr.clone() })
                .unwrap_or_default(),
            quantity: s.quantity,
            price: Money::from_cents(s.unit_price_cents).format(lang),
            status: s.status,
            since: local_date(lang, s.start_date),
        })
        .collect())
}

async fn devices(db: &DatabaseConnection, id: i64) -> Result<Vec<DeviceRow>, DbErr> {
    let rows = equipment::Entity::find().filter(equipment::Column::CustomerId.eq(id)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|e| DeviceRow { serial: e.serial, model: e.model, kind: e.kind, status: e.status })
        .collect())
}

async fn invoices(db: &DatabaseConnection, id: i64, lang: Lang, today: NaiveDate) -> Result<Vec<InvoiceRow>, DbErr> {
    let rows = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(id))
        .order_by_desc(invoice::Column::IssueDate)
        .order_by_desc(invoice::Column::Id)
        .limit(RECENT)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|i| InvoiceRow {
            id: i.id,
            overdue: i.status == "open" && i.balance_cents > 0 && i.due_date < today,
            number: i.number,
            issued: local_date(lang, i.issue_date),
            due: local_date(lang, i.due_date),
            total: Money::from_cents(i.total_cents).format(lang),
            balance: Money::from_cents(i.balance_cents).format(lang),
            status: i.status,
        })
        .collect())
}

async fn tickets(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<TicketRow>, DbErr> {
    let rows = ticket::Entity::find()
        .filter(ticket::Column::CustomerId.eq(id))
        .order_by_desc(ticket::Column::CreatedAt)
        .order_by_desc(ticket::Column::Id)
        .limit(RECENT)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| TicketRow {
            id: t.id,
            subject: t.subject,
            status: t.status,
            priority: t.priority,
            opened: local_time(lang, t.created_at),
        })
        .collect())
}

/// The messages sent to the customer. Bodies stay on the outbox page, which
/// hides sign-in links and codes.
async fn messages(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<MessageRow>, DbErr> {
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::CustomerId.eq(id))
        .order_by_desc(outbox_message::Column::Id)
        .limit(RECENT)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|o| MessageRow {
            id: o.id,
            subject: o.subject.unwrap_or_default(),
            channel: o.channel,
            recipient: o.recipient,
            status: o.status,
            at: local_time(lang, o.created_at),
        })
        .collect())
}

async fn jobs(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<JobRow>, DbErr> {
    let rows = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::CustomerId.eq(id))
        .order_by_desc(dispatch_job::Column::CreatedAt)
        .limit(RECENT)
        .all(db)
        .await?;
    let technician_ids: Vec<i64> = rows.iter().filter_map(|j| j.technician_id).collect();
    let technicians = technician::Entity::find().filter(technician::Column::Id.is_in(technician_ids)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|j| JobRow {
            id: j.id,
            technician: j
                .technician_id
                .and_then(|t| technicians.iter().find(|tech| tech.id == t))
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            when: j.scheduled_start.map(|at| local_time(lang, at)).unwrap_or_default(),
            job_type: j.job_type,
            status: j.status,
        })
        .collect())
}
