//! `/ops/invoices/{id}`: one invoice — its customer, dates, lines, GST and
//! QST, the payments allocated to it, its credit notes and what it still
//! owes — with the print view and the money actions billing may take.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{credit_note, invoice, invoice_line, payment, payment_allocation};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::list::status_key;
use crate::billing::money::Money;
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::dashboard::display_name;
use crate::ops::frame::Frame;
use crate::ops::receivables::form::customer_of;
use crate::ops::roles::{Allowed, HandleMoney, ReadReceivables, Role, Staff};
use crate::web::{AppState, PageError, RequestLang};

pub struct Line {
    description: String,
    period: Option<String>,
    quantity: i32,
    unit_price: String,
    amount: String,
}

pub struct Allocated {
    received: String,
    method: String,
    reference: String,
    amount: String,
    payment_id: i64,
}

pub struct Credited {
    number: String,
    issued: String,
    reason: String,
    total: String,
}

/// A message shown above the invoice: what was just done, or why not.
pub enum Notice {
    Done(&'static str),
    Refused(&'static str),
}

#[derive(Template)]
#[template(path = "ops/invoices/templates/detail.html")]
struct DetailPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    invoice: invoice::Model,
    status_key: &'static str,
    customer_name: String,
    account: String,
    issued: String,
    due: String,
    period: Option<String>,
    lines: Vec<Line>,
    subtotal: String,
    gst: String,
    qst: String,
    total: String,
    allocated: Vec<Allocated>,
    credited: Vec<Credited>,
    balance: String,
    owes: bool,
    notice: Option<Notice>,
    can_pay: bool,
    can_credit: bool,
    can_void: bool,
    /// Billing may refund the payments listed.
    money: bool,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let id = id.trim().parse::<i64>().map_err(|_| PageError::not_found(lang))?;
    let notice = query.done.filter(|d| d == "void").map(|_| Notice::Done("ops.invoices.voided"));
    let screen = Screen { frame: Frame::new(&staff, crate::ops::frame::Section::Receivables), role: staff.role };
    screen.render(&state, lang, id, notice, StatusCode::OK).await
}

/// Who the invoice page is shown to.
pub struct Screen {
    pub frame: Frame,
    pub role: Role,
}

impl Screen {
    pub async fn render(
        self,
        state: &AppState,
        lang: Lang,
        id: i64,
        notice: Option<Notice>,
        status: StatusCode,
    ) -> Result<Response, PageError> {
        let db_error = |e| PageError::database(lang, e);
        let found = invoice::Entity::find_by_id(id).one(&state.db).await.map_err(db_error)?;
        let found = found.ok_or_else(|| PageError::not_found(lang))?;
        let customer = customer_of(&state.db, found.customer_id, lang).await?;
        let money = HandleMoney::admits(self.role);
        let period = |start: Option<chrono::NaiveDate>, end: Option<chrono::NaiveDate>| {
            start.zip(end).map(|(s, e)| format!("{} – {}", local_date(lang, s), local_date(lang, e)))
        };
        let page = DetailPage {
            m: Messages::new(lang),
            current_path: format!("/ops/invoices/{id}"),
            frame: self.frame,
            status_key: status_key(&found.status),
            customer_name: display_name(&customer),
            account: customer.account_number,
            issued: local_date(lang, found.issue_date),
            due: local_date(lang, found.due_date),
            period: period(found.period_start, found.period_end),
            lines: lines(&state.db, id, lang).await.map_err(db_error)?,
            subtotal: Money::from_cents(found.subtotal_cents).format(lang),
            gst: Money::from_cents(found.gst_cents).format(lang),
            qst: Money::from_cents(found.qst_cents).format(lang),
            total: Money::from_cents(found.total_cents).format(lang),
            allocated: allocated(&state.db, id, lang).await.map_err(db_error)?,
            credited: credited(&state.db, id, lang).await.map_err(db_error)?,
            balance: Money::from_cents(if found.status == "void" { 0 } else { found.balance_cents }).format(lang),
            owes: found.status == "open" && found.balance_cents > 0,
            notice,
            can_pay: money && found.status == "open" && found.balance_cents > 0,
            can_credit: money && matches!(found.status.as_str(), "open" | "paid"),
            can_void: money && found.status == "draft",
            money,
            invoice: found,
        };
        let html = page.render().map_err(|e| PageError::internal(lang, e))?;
        Ok((status, Html(html)).into_response())
    }
}

async fn lines(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<Line>, DbErr> {
    let found = invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.eq(id))
        .order_by_asc(invoice_line::Column::Position)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .map(|l| Line {
            period: l
                .period_start
                .zip(l.period_end)
                .map(|(s, e)| format!("{} – {}", local_date(lang, s), local_date(lang, e))),
            description: l.description,
            quantity: l.quantity,
            unit_price: Money::from_cents(l.unit_price_cents).format(lang),
            amount: Money::from_cents(l.amount_cents).format(lang),
        })
        .collect())
}

/// The payments allocated to the invoice, oldest first.
async fn allocated(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<Allocated>, DbErr> {
    let shares =
        payment_allocation::Entity::find().filter(payment_allocation::Column::InvoiceId.eq(id)).all(db).await?;
    let ids: Vec<i64> = shares.iter().map(|s| s.payment_id).collect();
    let paid = payment::Entity::find()
        .filter(payment::Column::Id.is_in(ids))
        .order_by_asc(payment::Column::ReceivedAt)
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?;
    Ok(paid
        .into_iter()
        .map(|p| Allocated {
            received: local_date(lang, p.received_at.with_timezone(&Toronto).date_naive()),
            amount: shares
                .iter()
                .find(|s| s.payment_id == p.id)
                .map(|s| Money::from_cents(s.amount_cents).format(lang))
                .unwrap_or_default(),
            method: p.method,
            reference: p.reference,
            payment_id: p.id,
        })
        .collect())
}

async fn credited(db: &DatabaseConnection, id: i64, lang: Lang) -> Result<Vec<Credited>, DbErr> {
    let notes = credit_note::Entity::find()
        .filter(credit_note::Column::InvoiceId.eq(id))
        .order_by_asc(credit_note::Column::IssuedAt)
        .all(db)
        .await?;
    Ok(notes
        .into_iter()
        .map(|n| Credited {
            issued: local_date(lang, n.issued_at.with_timezone(&Toronto).date_naive()),
            total: Money::from_cents(n.total_cents).format(lang),
            number: n.number,
            reason: n.reason,
        })
        .collect())
}
