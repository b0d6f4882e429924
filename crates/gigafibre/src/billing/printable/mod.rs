//! The printable invoice: one document, in the customer's language, with
//! the provider's GST and QST registration numbers, opened from the ops
//! app or from the portal and printed (or saved as PDF) by the browser.

mod document;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use gigafibre_db::entities::invoice;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::ops::roles::{AnyRole, Staff};
use crate::portal::CurrentCustomer;
use crate::web::{AppState, PageError, RequestLang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/invoices/{id}/print", get(for_staff))
        .route("/portal/invoices/{number}/print", get(for_customer))
}

/// Any member of staff who reads a customer's page may print their invoices.
async fn for_staff(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    _staff: Staff<AnyRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id.trim().parse::<i64>().map_err(|_| PageError::not_found(lang))?;
    let found = invoice::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    render(&state, lang, found).await
}

/// A customer prints only their own invoices.
async fn for_customer(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let found = invoice::Entity::find()
        .filter(invoice::Column::Number.eq(number.trim()))
        .filter(invoice::Column::CustomerId.eq(current.customer_id))
        .one(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    render(&state, lang, found).await
}

async fn render(
    state: &AppState,
    lang: crate::i18n::Lang,
    found: Option<invoice::Model>,
) -> Result<Response, PageError> {
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let page = document::load(&state.db, &state.config, found).await.map_err(|e| PageError::database(lang, e))?;
    let html = page.ok_or_else(|| PageError::not_found(lang))?.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(Html(html).into_response())
}
