//! The printable invoice: one document, in the customer's language, with
//! the provider's GST and QST registration numbers, opened from the ops
//! app or from the portal as a print view or as a PDF file. Staff who read
//! receivables open any invoice; a customer only their own (another's is
//! unknown: 404).

mod document;
mod pdf;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use gigafibre_db::entities::invoice;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::i18n::Lang;
use crate::ops::roles::{AnyRole, ReadReceivables, Staff};
use crate::portal::CurrentCustomer;
use crate::web::{AppState, PageError, RequestLang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/invoices/{id}/print", get(for_staff))
        .route("/portal/invoices/{number}/print", get(for_customer))
        .route("/ops/invoices/{id}/pdf", get(pdf_for_staff))
        .route("/portal/invoices/{number}/pdf", get(pdf_for_customer))
}

/// Any member of staff who reads a customer's page may print their invoices.
async fn for_staff(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    _staff: Staff<AnyRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = invoice_by_id(&state, lang, &id).await?;
    render(&state, lang, found).await
}

/// The invoice an ops address names by id.
async fn invoice_by_id(state: &AppState, lang: Lang, raw: &str) -> Result<Option<invoice::Model>, PageError> {
    let id = raw.trim().parse::<i64>().map_err(|_| PageError::not_found(lang))?;
    invoice::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))
}

/// A customer prints only their own invoices.
async fn for_customer(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let found = own_invoice(&state, lang, &current, &number).await?;
    render(&state, lang, found).await
}

async fn own_invoice(
    state: &AppState,
    lang: Lang,
    current: &CurrentCustomer,
    number: &str,
) -> Result<Option<invoice::Model>, PageError> {
    invoice::Entity::find()
        .filter(invoice::Column::Number.eq(number.trim()))
        .filter(invoice::Column::CustomerId.eq(current.customer_id))
        .one(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))
}

/// The PDF for staff who read receivables.
async fn pdf_for_staff(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    _staff: Staff<ReadReceivables>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let found = invoice_by_id(&state, lang, &id).await?;
    pdf_file(&state, lang, found).await
}

/// The PDF of one of the signed-in customer's invoices.
async fn pdf_for_customer(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let found = own_invoice(&state, lang, &current, &number).await?;
    pdf_file(&state, lang, found).await
}

async fn pdf_file(state: &AppState, lang: Lang, found: Option<invoice::Model>) -> Result<Response, PageError> {
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let file_name: String = found.number.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let doc = document::load(&state.db, &state.config, found).await.map_err(|e| PageError::database(lang, e))?;
    let bytes = pdf::render(&doc.ok_or_else(|| PageError::not_found(lang))?);
    let headers = [
        (header::CONTENT_TYPE, "application/pdf".to_owned()),
        (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file_name}.pdf\"")),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}

async fn render(state: &AppState, lang: Lang, found: Option<invoice::Model>) -> Result<Response, PageError> {
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let page = document::load(&state.db, &state.config, found).await.map_err(|e| PageError::database(lang, e))?;
    let html = page.ok_or_else(|| PageError::not_found(lang))?.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(Html(html).into_response())
}
