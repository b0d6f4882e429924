//! What staff do to a ticket: answer the customer, write an internal note,
//! assign it, change its status or priority. Each is a POST with the CSRF
//! token. An htmx request gets the part of the page it changed (422 with the
//! error beside the field, 409 when the ticket changed meanwhile); a plain
//! form post is redirected back to the ticket (303), or shown the page again
//! with the error.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, Utc};
use gigafibre_db::entities::staff;
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::detail::{Screen, ticket_id};
use super::rules;
use super::store::{self, Changer, Field, Outcome};
use super::views;
use crate::audit::Actor;
use crate::i18n::{Lang, text};
use crate::ops::roles::{Staff, WorkTickets};
use crate::outbox::Channel;
use crate::web::{AppState, PageError, RequestLang};

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

fn actor(staff: &Staff<WorkTickets>) -> Actor {
    Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() }
}

fn back_to(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/ops/tickets/{id}{anchor}")).into_response()
}

#[derive(Deserialize)]
pub struct TextForm {
    csrf: String,
    #[serde(default)]
    body: String,
    /// `email` or `sms`, among the customer's; the first one when absent.
    channel: Option<String>,
}

/// Answers the customer: a message in the thread (and the portal), an
/// e-mail or SMS in their language through the outbox, the ticket now
/// waiting for them.
pub async fn reply(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<TextForm>,
) -> Result<Response, PageError> {
    let id = ticket_id(lang, &id)?;
    staff.check_csrf(&form.csrf, lang)?;
    let htmx = is_htmx(&headers);
    let found = store::load(&state.db, id).await.map_err(|e| PageError::database(lang, e))?;
    let customer = found.ok_or_else(|| PageError::not_found(lang))?.customer;
    let contacts = rules::contacts(&customer);
    let wanted = form.channel.as_deref().filter(|c| !c.is_empty());
    let contact = match wanted {
        Some(code) => contacts.iter().find(|c| c.channel.as_str() == code).cloned(),
        None => contacts.first().cloned(),
    };
    let channel_error = (contact.is_none() && !contacts.is_empty()).then_some("ops.tickets.reply.channel_unavailable");
    let body_error = rules::check_text(&form.body);
    if body_error.is_some() || channel_error.is_some() {
        let mut screen = Screen::load(&state, lang, &staff, id).await?;
        screen.thread.contacts = views::contact_choices(lang, &customer, wanted);
        screen.thread.reply = form.body;
        screen.thread.reply_error = body_error;
        screen.thread.channel_error = channel_error;
        return refuse_text(screen, htmx);
    }
    let done = reply_outcome(&state, contact.as_ref().map(|c| c.channel));
    let reply = store::Reply {
        body: &form.body,
        contact,
        language: Lang::from_code(&customer.language).unwrap_or_default(),
        messages_url: portal_messages_url(&state),
    };
    let sent = store::reply(&state.db, id, reply, &actor(&staff), state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    if sent.is_none() {
        return Err(PageError::not_found(lang));
    }
    if !htmx {
        return Ok(back_to(id, "#thread"));
    }
    let mut screen = Screen::load(&state, lang, &staff, id).await?;
    screen.thread.done = Some(done);
    screen.thread(StatusCode::OK)
}

/// What became of a reply, as the agent is told: on its way, kept in the
/// sandbox (no provider for that channel), or in the portal only.
fn reply_outcome(state: &AppState, channel: Option<Channel>) -> &'static str {
    let delivered = match channel {
        None => return "ops.tickets.reply.portal_only",
        Some(Channel::Email) => state.config.smtp.is_configured(),
        Some(Channel::Sms) => state.config.sms.is_configured(),
    };
    if delivered { "ops.tickets.reply.sent" } else { "ops.tickets.reply.sandboxed" }
}

fn portal_messages_url(state: &AppState) -> String {
    let base = &state.config.public_url;
    base.join("portal/messages").map_or_else(|_| format!("{base}portal/messages"), |url| url.to_string())
}

/// Writes an internal note: for staff only, never sent, never in the portal.
pub async fn note(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<TextForm>,
) -> Result<Response, PageError> {
    let id = ticket_id(lang, &id)?;
    staff.check_csrf(&form.csrf, lang)?;
    let htmx = is_htmx(&headers);
    if let Some(error) = rules::check_text(&form.body) {
        let mut screen = Screen::load(&state, lang, &staff, id).await?;
        screen.thread.note = form.body;
        screen.thread.note_error = Some(error);
        return refuse_text(screen, htmx);
    }
    let written = store::note(&state.db, id, &form.body, &actor(&staff), state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    if written.is_none() {
        return Err(PageError::not_found(lang));
    }
    if !htmx {
        return Ok(back_to(id, "#thread"));
    }
    let mut screen = Screen::load(&state, lang, &staff, id).await?;
    screen.thread.done = Some("ops.tickets.note.added");
    screen.thread(StatusCode::OK)
}

/// A reply or a note that cannot be saved: the text stays, the reason shows
/// beside it, nothing is written.
fn refuse_text(screen: Screen, htmx: bool) -> Result<Response, PageError> {
    if htmx { screen.thread(StatusCode::UNPROCESSABLE_ENTITY) } else { screen.page(StatusCode::UNPROCESSABLE_ENTITY) }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    csrf: String,
    /// The ticket's version when the page was shown (see `rules::version_of`).
    #[serde(default)]
    version: String,
    status: Option<String>,
    priority: Option<String>,
    assignee: Option<String>,
}

/// Which control a refused value belongs to.
#[derive(Clone, Copy)]
enum Control {
    Status,
    Priority,
    Assignee,
}

pub async fn status(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ChangeForm>,
) -> Result<Response, PageError> {
    let value = form.status.as_deref().and_then(rules::status).map(|(code, _)| Field::Status(code));
    let field = value.ok_or((Control::Status, "ops.tickets.invalid_status"));
    change(&state, lang, staff, &headers, &id, &form, field).await
}

pub async fn priority(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ChangeForm>,
) -> Result<Response, PageError> {
    let value = form.priority.as_deref().and_then(rules::priority).map(|(code, _)| Field::Priority(code));
    let field = value.ok_or((Control::Priority, "ops.tickets.invalid_priority"));
    change(&state, lang, staff, &headers, &id, &form, field).await
}

/// Gives the ticket to a member of staff who works tickets, or to no one
/// (an empty value).
pub async fn assign(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<WorkTickets>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ChangeForm>,
) -> Result<Response, PageError> {
    let refused = (Control::Assignee, "ops.tickets.invalid_assignee");
    let field = match form.assignee.as_deref().map(str::trim) {
        Some("") => Ok(Field::Assignee(None)),
        Some(raw) => match raw.parse::<i64>() {
            Ok(member_id) => {
                let member = staff::Entity::find_by_id(member_id)
                    .one(&state.db)
                    .await
                    .map_err(|e| PageError::database(lang, e))?;
                member.filter(views::works_tickets).map(|m| Field::Assignee(Some(m.id))).ok_or(refused)
            }
            Err(_) => Err(refused),
        },
        None => Err(refused),
    };
    change(&state, lang, staff, &headers, &id, &form, field).await
}

async fn change(
    state: &AppState,
    lang: Lang,
    staff: Staff<WorkTickets>,
    headers: &HeaderMap,
    raw_id: &str,
    form: &ChangeForm,
    field: Result<Field, (Control, &'static str)>,
) -> Result<Response, PageError> {
    let id = ticket_id(lang, raw_id)?;
    staff.check_csrf(&form.csrf, lang)?;
    let htmx = is_htmx(headers);
    let field = match field {
        Ok(field) => field,
        Err((control, error)) => {
            let mut screen = Screen::load(state, lang, &staff, id).await?;
            match control {
                Control::Status => screen.controls.status_error = Some(error),
                Control::Priority => screen.controls.priority_error = Some(error),
                Control::Assignee => screen.controls.assignee_error = Some(error),
            }
            return refuse_change(screen, htmx, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    // A form without a readable version cannot show what it changes from.
    let version = form.version.trim().parse::<i64>().unwrap_or(i64::MIN);
    let outcome = store::set(&state.db, id, version, field, &actor(&staff), state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    match outcome {
        Outcome::Missing => Err(PageError::not_found(lang)),
        Outcome::Stale => {
            // Both engines store years 1 to 9999; a forged version asks from the start.
            let since = DateTime::<Utc>::from_timestamp_micros(version).filter(|at| (1..=9999).contains(&at.year()));
            let who = store::who_changed(&state.db, id, since).await.map_err(|e| PageError::database(lang, e))?;
            let who = match who {
                Changer::Staff(name) => name,
                Changer::Customer => text(lang, "ops.tickets.stale.customer").to_owned(),
                Changer::Unknown => text(lang, "ops.tickets.stale.someone").to_owned(),
            };
            let mut screen = Screen::load(state, lang, &staff, id).await?;
            screen.controls.stale = Some(text(lang, "ops.tickets.stale").replace("{who}", &who));
            refuse_change(screen, htmx, StatusCode::CONFLICT)
        }
        Outcome::Saved | Outcome::Unchanged if htmx => {
            let mut screen = Screen::load(state, lang, &staff, id).await?;
            screen.controls.saved = true;
            screen.controls(StatusCode::OK)
        }
        Outcome::Saved | Outcome::Unchanged => Ok(back_to(id, "")),
    }
}

fn refuse_change(screen: Screen, htmx: bool, status: StatusCode) -> Result<Response, PageError> {
    if htmx { screen.controls(status) } else { screen.page(status) }
}
