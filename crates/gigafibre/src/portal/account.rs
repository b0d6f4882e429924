//! What a signed-in customer sees: the dashboard and their invoices.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use gigafibre_db::entities::{customer, invoice, invoice_line};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::current::CurrentCustomer;
use crate::billing::money::Money;
use crate::i18n::Messages;
use crate::web::{AppState, PageError, RequestLang};

/// Invoices per page: years of monthly invoices stay quick to scan.
const PAGE_SIZE: u64 = 12;

#[derive(Template)]
#[template(path = "portal/templates/dashboard.html")]
struct Dashboard {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    name: String,
    balance: String,
    owes: bool,
    /// Card payments are set up and the customer (not staff looking as them) is here.
    can_pay: bool,
    /// The customer has saved cards at Stripe to manage.
    can_manage_cards: bool,
    /// Whether automatic payment is on, when card payments are set up.
    autopay: Option<bool>,
    next_invoice: Option<String>,
    recent: Vec<InvoiceRow>,
}

/// One invoice as the lists show it.
pub struct InvoiceRow {
    number: String,
    issued: String,
    total: String,
    balance: String,
    status_key: &'static str,
}

fn row(m: &Messages, invoice: &invoice::Model) -> InvoiceRow {
    InvoiceRow {
        number: invoice.number.clone(),
        issued: date(m, invoice.issue_date),
        total: Money::from_cents(invoice.total_cents).format(m.lang),
        balance: Money::from_cents(invoice.balance_cents).format(m.lang),
        status_key: match invoice.status.as_str() {
            "paid" => "portal.invoice.paid",
            "void" => "portal.invoice.void",
            _ if invoice.balance_cents > 0 => "portal.invoice.due",
            _ => "portal.invoice.paid",
        },
    }
}

fn date(m: &Messages, day: NaiveDate) -> String {
    match m.lang {
        crate::i18n::Lang::Fr => day.format("%d/%m/%Y").to_string(),
        crate::i18n::Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let db_error = |e| PageError::database(lang, e);
    let customer = customer::Entity::find_by_id(current.customer_id).one(&state.db).await.map_err(db_error)?;
    let Some(customer) = customer else { return Err(PageError::not_found(lang)) };
    let recent = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(customer.id))
        .order_by_desc(invoice::Column::IssueDate)
        .order_by_desc(invoice::Column::Id)
        .paginate(&state.db, 3)
        .fetch_page(0)
        .await
        .map_err(db_error)?;
    let can_pay = state.config.stripe.is_configured() && current.impersonated_by.is_none();
    let can_manage_cards =
        can_pay && super::payments::stripe_customer_of(&state.db, customer.id).await.map_err(db_error)?.is_some();
    let autopay = if state.config.stripe.is_configured() {
        Some(crate::billing::autopay::enrollment_of(&state.db, customer.id).await.map_err(db_error)?.is_some())
    } else {
        None
    };
    let today = state.clock.now().date_naive();
    let next_invoice = next_billing_date(today, customer.billing_day).map(|d| date(&m, d));
    let page = Dashboard {
        current_path: "/portal".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        name: customer
            .company_name
            .clone()
            .unwrap_or_else(|| format!("{} {}", customer.first_name, customer.last_name)),
        balance: Money::from_cents(customer.balance_cents).format(lang),
        owes: customer.balance_cents > 0,
        can_pay,
        can_manage_cards,
        autopay,
        next_invoice,
        recent: recent.iter().map(|i| row(&m, i)).collect(),
        m,
    };
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

/// The next day of the month the customer is billed on, from `today`.
fn next_billing_date(today: NaiveDate, billing_day: i16) -> Option<NaiveDate> {
    use chrono::Datelike;
    let day = u32::try_from(billing_day).ok()?;
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), day)?;
    if this_month > today { Some(this_month) } else { this_month.checked_add_months(chrono::Months::new(1)) }
}

#[derive(Template)]
#[template(path = "portal/templates/invoices.html")]
struct InvoiceList {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    invoices: Vec<InvoiceRow>,
    page: u64,
    pages: u64,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn invoices(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let db_error = |e| PageError::database(lang, e);
    let paginator = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(current.customer_id))
        .order_by_desc(invoice::Column::IssueDate)
        .order_by_desc(invoice::Column::Id)
        .paginate(&state.db, PAGE_SIZE);
    let pages = paginator.num_pages().await.map_err(db_error)?.max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await.map_err(db_error)?;
    let list = InvoiceList {
        current_path: "/portal/invoices".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        invoices: rows.iter().map(|i| row(&m, i)).collect(),
        page,
        pages,
        m,
    };
    Ok(Html(list.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

#[derive(Template)]
#[template(path = "portal/templates/invoice.html")]
struct InvoicePage {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    invoice: InvoiceRow,
    /// The invoice still owes and the customer can pay it online.
    can_pay: bool,
    due: String,
    lines: Vec<(String, String)>,
    subtotal: String,
    gst: String,
    qst: String,
}

/// One invoice, only if it is the signed-in customer's: anyone else's
/// number is answered exactly like a number that does not exist.
pub async fn invoice(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let db_error = |e| PageError::database(lang, e);
    let found = invoice::Entity::find()
        .filter(invoice::Column::Number.eq(number.as_str()))
        .filter(invoice::Column::CustomerId.eq(current.customer_id))
        .one(&state.db)
        .await
        .map_err(db_error)?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let lines = invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.eq(found.id))
        .order_by_asc(invoice_line::Column::Position)
        .all(&state.db)
        .await
        .map_err(db_error)?;
    let page = InvoicePage {
        current_path: format!("/portal/invoices/{}", found.number),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        can_pay: state.config.stripe.is_configured()
            && current.impersonated_by.is_none()
            && found.status == "open"
            && found.balance_cents > 0,
        due: date(&m, found.due_date),
        lines: lines.iter().map(|l| (l.description.clone(), Money::from_cents(l.amount_cents).format(lang))).collect(),
        subtotal: Money::from_cents(found.subtotal_cents).format(lang),
        gst: Money::from_cents(found.gst_cents).format(lang),
        qst: Money::from_cents(found.qst_cents).format(lang),
        invoice: row(&m, &found),
        m,
    };
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_bill_is_this_month_or_next() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(next_billing_date(day(2026, 11, 25), 28), Some(day(2026, 11, 28)));
        assert_eq!(next_billing_date(day(2026, 11, 25), 3), Some(day(2026, 12, 3)));
        assert_eq!(next_billing_date(day(2026, 12, 25), 25), Some(day(2027, 1, 25)));
    }
}
