//! A customer's support requests: the list, opening one, the thread and
//! replying. Internal notes never show here.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gigafibre_db::entities::{ticket, ticket_message};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Deserialize;

use super::current::CurrentCustomer;
use crate::i18n::{Lang, Messages, local_time};
use crate::web::{AppState, PageError, RequestLang};

const PAGE_SIZE: u64 = 15;
/// The categories a customer can pick, with their catalogue keys.
const CATEGORIES: &[(&str, &str)] = &[
    ("no_internet", "portal.category.no_internet"),
    ("slow_speed", "portal.category.slow_speed"),
    ("wifi", "portal.category.wifi"),
    ("billing", "portal.category.billing"),
    ("tv", "portal.category.tv"),
    ("phone", "portal.category.phone"),
    ("move", "portal.category.move"),
    ("other", "portal.category.other"),
];

pub struct TicketRow {
    id: i64,
    subject: String,
    opened: String,
    status_key: &'static str,
}

fn status_key(status: &str) -> &'static str {
    match status {
        "open" => "portal.ticket.open",
        "pending" => "portal.ticket.pending",
        "resolved" => "portal.ticket.resolved",
        _ => "portal.ticket.closed",
    }
}

#[derive(Template)]
#[template(path = "portal/templates/tickets.html")]
struct TicketList {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    tickets: Vec<TicketRow>,
    page: u64,
    pages: u64,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let paginator = ticket::Entity::find()
        .filter(ticket::Column::CustomerId.eq(current.customer_id))
        .order_by_desc(ticket::Column::CreatedAt)
        .order_by_desc(ticket::Column::Id)
        .paginate(&state.db, PAGE_SIZE);
    let pages = paginator.num_pages().await.map_err(db_error)?.max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await.map_err(db_error)?;
    let list = TicketList {
        m: Messages::new(lang),
        current_path: "/portal/tickets".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        tickets: rows
            .iter()
            .map(|t| TicketRow {
                id: t.id,
                subject: t.subject.clone(),
                opened: local_time(lang, t.created_at),
                status_key: status_key(&t.status),
            })
            .collect(),
        page,
        pages,
    };
    Ok(Html(list.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

#[derive(Template)]
#[template(path = "portal/templates/ticket_new.html")]
struct NewTicketPage {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    /// (code, catalogue key, selected)
    categories: Vec<(&'static str, &'static str, bool)>,
    subject: String,
    body: String,
    subject_error: Option<&'static str>,
    body_error: Option<&'static str>,
}

fn category_options(selected: &str) -> Vec<(&'static str, &'static str, bool)> {
    CATEGORIES.iter().map(|(code, key)| (*code, *key, *code == selected)).collect()
}

pub async fn new_form(RequestLang(lang): RequestLang, current: CurrentCustomer) -> Result<Response, PageError> {
    let page = NewTicketPage {
        m: Messages::new(lang),
        current_path: "/portal/tickets/new".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        categories: category_options("no_internet"),
        subject: String::new(),
        body: String::new(),
        subject_error: None,
        body_error: None,
    };
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

#[derive(Deserialize)]
pub struct NewTicketForm {
    csrf: String,
    category: String,
    subject: String,
    body: String,
}

/// What a person may write: the reason when it is not acceptable.
fn check_subject(subject: &str) -> Option<&'static str> {
    let length = subject.trim().chars().count();
    if length < 3 {
        Some("portal.ticket.subject_short")
    } else if length > 150 {
        Some("portal.ticket.subject_long")
    } else {
        None
    }
}

fn check_body(body: &str) -> Option<&'static str> {
    let length = body.trim().chars().count();
    if length == 0 {
        Some("portal.ticket.body_empty")
    } else if length > 5_000 {
        Some("portal.ticket.body_long")
    } else {
        None
    }
}

pub async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    axum::Form(form): axum::Form<NewTicketForm>,
) -> Result<Response, PageError> {
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let category = CATEGORIES.iter().find(|(code, _)| *code == form.category).map_or("other", |(code, _)| code);
    let (subject_error, body_error) = (check_subject(&form.subject), check_body(&form.body));
    if subject_error.is_some() || body_error.is_some() {
        let page = NewTicketPage {
            m: Messages::new(lang),
            current_path: "/portal/tickets/new".into(),
            csrf: current.csrf_token.clone(),
            impersonating: current.impersonator.clone(),
            categories: category_options(category),
            subject: form.subject,
            body: form.body,
            subject_error,
            body_error,
        };
        let html = page.render().map_err(|e| PageError::internal(lang, e))?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    }
    let id = open_ticket(&state.db, current.customer_id, category, &form.subject, &form.body, state.clock.now())
        .await
        .map_err(|e| PageError::database(lang, e))?;
    Ok(Redirect::to(&format!("/portal/tickets/{id}")).into_response())
}

/// A new ticket with the customer's first message, in one transaction.
async fn open_ticket(
    db: &DatabaseConnection,
    customer_id: i64,
    category: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let txn = db.begin().await?;
    let location = gigafibre_db::entities::service_location::Entity::find()
        .filter(gigafibre_db::entities::service_location::Column::CustomerId.eq(customer_id))
        .one(&txn)
        .await?
        .map(|l| l.id);
    let created = ticket::Entity::insert(ticket::ActiveModel {
        id: NotSet,
        legacy_id: Set(None),
        customer_id: Set(customer_id),
        service_location_id: Set(location),
        subject: Set(subject.trim().to_owned()),
        description: Set(body.trim().to_owned()),
        category: Set(category.to_owned()),
        priority: Set("normal".into()),
        status: Set("open".into()),
        assigned_staff_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
    })
    .exec(&txn)
    .await?;
    add_message(&txn, created.last_insert_id, body, now).await?;
    txn.commit().await?;
    Ok(created.last_insert_id)
}

async fn add_message<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ticket_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    ticket_message::Entity::insert(ticket_message::ActiveModel {
        id: NotSet,
        ticket_id: Set(ticket_id),
        author_kind: Set("customer".into()),
        author_staff_id: Set(None),
        channel: Set("portal".into()),
        internal: Set(false),
        body: Set(body.trim().to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await
    .map(|_| ())
}

pub struct ThreadMessage {
    from_customer: bool,
    at: String,
    body: String,
}

#[derive(Template)]
#[template(path = "portal/templates/ticket.html")]
struct TicketPage {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    id: i64,
    subject: String,
    status_key: &'static str,
    closed: bool,
    messages: Vec<ThreadMessage>,
    reply: String,
    reply_error: Option<&'static str>,
}

/// The customer's own ticket, or `None` (another's looks like a missing one).
async fn own_ticket(db: &DatabaseConnection, customer_id: i64, id: i64) -> Result<Option<ticket::Model>, DbErr> {
    ticket::Entity::find_by_id(id).filter(ticket::Column::CustomerId.eq(customer_id)).one(db).await
}

async fn thread_page(
    state: &AppState,
    lang: Lang,
    current: CurrentCustomer,
    found: ticket::Model,
    reply: String,
    reply_error: Option<&'static str>,
) -> Result<TicketPage, PageError> {
    let messages = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(found.id))
        .filter(ticket_message::Column::Internal.eq(false))
        .order_by_asc(ticket_message::Column::CreatedAt)
        .order_by_asc(ticket_message::Column::Id)
        .all(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    let mut thread: Vec<ThreadMessage> = messages
        .iter()
        .map(|m| ThreadMessage {
            from_customer: m.author_kind == "customer",
            at: local_time(lang, m.created_at),
            body: m.body.clone(),
        })
        .collect();
    if thread.is_empty() && !found.description.is_empty() {
        thread.push(ThreadMessage {
            from_customer: true,
            at: local_time(lang, found.created_at),
            body: found.description.clone(),
        });
    }
    Ok(TicketPage {
        m: Messages::new(lang),
        current_path: format!("/portal/tickets/{}", found.id),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        id: found.id,
        subject: found.subject,
        status_key: status_key(&found.status),
        closed: found.status == "closed",
        messages: thread,
        reply,
        reply_error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let found = own_ticket(&state.db, current.customer_id, id).await.map_err(|e| PageError::database(lang, e))?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let page = thread_page(&state, lang, current, found, String::new(), None).await?;
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

#[derive(Deserialize)]
pub struct ReplyForm {
    csrf: String,
    body: String,
}

/// A reply reopens a ticket that was waiting on the customer or resolved.
pub async fn reply(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<ReplyForm>,
) -> Result<Response, PageError> {
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let db_error = |e| PageError::database(lang, e);
    let found = own_ticket(&state.db, current.customer_id, id).await.map_err(db_error)?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let problem = if found.status == "closed" { Some("portal.ticket.closed_notice") } else { check_body(&form.body) };
    if let Some(error) = problem {
        let page = thread_page(&state, lang, current, found, form.body, Some(error)).await?;
        let html = page.render().map_err(|e| PageError::internal(lang, e))?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    }
    let now = state.clock.now();
    let txn = state.db.begin().await.map_err(db_error)?;
    add_message(&txn, found.id, &form.body, now).await.map_err(db_error)?;
    let reopen = found.status != "open";
    let mut update = ticket::Entity::update_many().col_expr(ticket::Column::UpdatedAt, now.into());
    if reopen {
        update = update.col_expr(ticket::Column::Status, "open".into());
    }
    update.filter(ticket::Column::Id.eq(found.id)).exec(&txn).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/portal/tickets/{}", found.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_messages_have_sensible_lengths() {
        assert_eq!(check_subject("  "), Some("portal.ticket.subject_short"));
        assert_eq!(check_subject("Panne"), None);
        assert_eq!(check_subject(&"x".repeat(151)), Some("portal.ticket.subject_long"));
        assert_eq!(check_body(" \n "), Some("portal.ticket.body_empty"));
        assert_eq!(check_body("Bonjour"), None);
    }
}
