//! `/ops/clients/{id}/statement`: every invoice, payment, refund and credit
//! note of a customer in date order with the running balance, which ends at
//! the balance the client page shows.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{credit_note, invoice, payment, refund};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::form::{customer_of, name_of};
use crate::billing::money::Money;
use crate::i18n::{Messages, local_date};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Allowed, HandleMoney, ReadReceivables, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// What a line of the statement records, in the order lines of one day show.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Invoice,
    CreditNote,
    Payment,
    Refund,
}

/// One line of the statement.
pub struct Line {
    day: NaiveDate,
    kind: Kind,
    id: i64,
    /// Number, or method and reference.
    label: String,
    status: String,
    charge: Money,
    credit: Money,
    /// Filled once the lines are in order.
    running: Money,
}

impl Line {
    pub fn date(&self, m: &Messages) -> String {
        local_date(m.lang, self.day)
    }

    pub fn kind_key(&self) -> &'static str {
        match self.kind {
            Kind::Invoice => "ops.receivables.kind.invoice",
            Kind::CreditNote => "ops.receivables.kind.credit_note",
            Kind::Payment => "ops.receivables.kind.payment",
            Kind::Refund => "ops.receivables.kind.refund",
        }
    }

    /// A payment shows its method in words, then its reference.
    pub fn words(&self, m: &Messages) -> String {
        match self.kind {
            Kind::Payment => match self.label.split_once(" · ") {
                Some((method, reference)) => format!("{} · {reference}", m.code(method)),
                None => m.code(&self.label),
            },
            _ => self.label.clone(),
        }
    }

    pub fn charge(&self, m: &Messages) -> String {
        if self.charge == Money::ZERO { String::new() } else { self.charge.format(m.lang) }
    }

    pub fn credit(&self, m: &Messages) -> String {
        if self.credit == Money::ZERO { String::new() } else { self.credit.format(m.lang) }
    }

    pub fn running(&self, m: &Messages) -> String {
        self.running.format(m.lang)
    }

    /// Where staff who move money act on the line: a refund for a payment,
    /// a credit note for an issued invoice.
    pub fn action(&self) -> Option<(String, &'static str)> {
        match self.kind {
            Kind::Payment => Some((format!("/ops/payments/{}/refund", self.id), "ops.receivables.refund")),
            Kind::Invoice if matches!(self.status.as_str(), "open" | "paid") => {
                Some((format!("/ops/invoices/{}/credit-note", self.id), "ops.receivables.credit_note"))
            }
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "ops/receivables/templates/statement.html")]
struct StatementPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    customer_id: i64,
    name: String,
    account: String,
    lines: Vec<Line>,
    balance: String,
    owes: bool,
    can_handle_money: bool,
    done: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct StatementQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Path(id): Path<i64>,
    Query(query): Query<StatementQuery>,
) -> Result<Response, PageError> {
    let found = customer_of(&state.db, id, lang).await?;
    let lines = lines(&state.db, id).await.map_err(|e| PageError::database(lang, e))?;
    let balance = lines.last().map_or(Money::ZERO, |l| l.running);
    let done = query.done.as_deref().and_then(|d| match d {
        "payment" => Some("ops.receivables.done.payment"),
        "refund" => Some("ops.receivables.done.refund"),
        "credit_note" => Some("ops.receivables.done.credit_note"),
        _ => None,
    });
    let page = StatementPage {
        m: Messages::new(lang),
        current_path: format!("/ops/clients/{id}/statement"),
        frame: Frame::new(&staff, Section::Clients),
        customer_id: id,
        name: name_of(&found),
        account: found.account_number.clone(),
        balance: balance.format(lang),
        owes: balance > Money::ZERO,
        lines,
        can_handle_money: HandleMoney::admits(staff.role),
        done,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(Html(html).into_response())
}

/// Every movement of the customer's account, oldest first, with the running balance.
pub async fn lines(db: &DatabaseConnection, customer_id: i64) -> Result<Vec<Line>, DbErr> {
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&Toronto).date_naive();
    let line = |day, kind, id, label: String, status: &str, charge, credit| Line {
        day,
        kind,
        id,
        label,
        status: status.to_owned(),
        charge: Money::from_cents(charge),
        credit: Money::from_cents(credit),
        running: Money::ZERO,
    };
    let mut lines = Vec::new();
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(customer_id))
        .filter(invoice::Column::Status.ne("void"))
        .all(db)
        .await?;
    for i in invoices {
        lines.push(line(i.issue_date, Kind::Invoice, i.id, i.number, &i.status, i.total_cents, 0));
    }
    let notes = credit_note::Entity::find().filter(credit_note::Column::CustomerId.eq(customer_id)).all(db).await?;
    for n in notes {
        lines.push(line(local(n.issued_at), Kind::CreditNote, n.id, n.number, "", 0, n.total_cents));
    }
    let paid = payment::Entity::find().filter(payment::Column::CustomerId.eq(customer_id)).all(db).await?;
    for p in &paid {
        let label = if p.reference.is_empty() { p.method.clone() } else { format!("{} · {}", p.method, p.reference) };
        lines.push(line(local(p.received_at), Kind::Payment, p.id, label, &p.method, 0, p.amount_cents));
    }
    let refunds = refund::Entity::find().filter(refund::Column::CustomerId.eq(customer_id)).all(db).await?;
    for r in refunds {
        lines.push(line(local(r.refunded_at), Kind::Refund, r.id, r.reason, "", r.amount_cents, 0));
    }
    lines.sort_by_key(|l| (l.day, l.kind, l.id));
    let mut running = Money::ZERO;
    for l in &mut lines {
        running += l.charge - l.credit;
        l.running = running;
    }
    Ok(lines)
}
