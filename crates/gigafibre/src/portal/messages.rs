//! Every message exchanged with support, across the customer's requests,
//! newest first. Internal notes never show.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use gigafibre_db::entities::{ticket, ticket_message};
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::current::CurrentCustomer;
use crate::i18n::Messages;
use crate::i18n::local_time;
use crate::web::{AppState, PageError, RequestLang};

const PAGE_SIZE: u64 = 20;

pub struct Entry {
    ticket_id: i64,
    subject: String,
    from_customer: bool,
    at: String,
    body: String,
}

#[derive(Template)]
#[template(path = "portal/templates/messages.html")]
struct MessagesPage {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    entries: Vec<Entry>,
    page: u64,
    pages: u64,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    // A customer has tens of tickets, not thousands: their ids fit one query.
    let tickets: HashMap<i64, String> = ticket::Entity::find()
        .filter(ticket::Column::CustomerId.eq(current.customer_id))
        .all(&state.db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|t| (t.id, t.subject))
        .collect();
    let paginator = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.is_in(tickets.keys().copied()))
        .filter(ticket_message::Column::Internal.eq(false))
        .order_by_desc(ticket_message::Column::CreatedAt)
        .order_by_desc(ticket_message::Column::Id)
        .paginate(&state.db, PAGE_SIZE);
    let pages = paginator.num_pages().await.map_err(db_error)?.max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await.map_err(db_error)?;
    let entries = rows
        .into_iter()
        .map(|message| Entry {
            ticket_id: message.ticket_id,
            subject: tickets.get(&message.ticket_id).cloned().unwrap_or_default(),
            from_customer: message.author_kind == "customer",
            at: local_time(lang, message.created_at),
            body: message.body,
        })
        .collect();
    let view = MessagesPage {
        m: Messages::new(lang),
        current_path: "/portal/messages".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        entries,
        page,
        pages,
    };
    Ok(Html(view.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}
