//! `/ops/invoices`: every invoice, newest first, filtered by status, by
//! customer (name, account number) or invoice number, and by issue date, in
//! pages that follow each other by id (no OFFSET, so the last page is as
//! quick as the first).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use gigafibre_db::entities::{customer, invoice};
use sea_orm::sea_query::{Expr, ExprTrait, Query as SqlQuery};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use crate::billing::money::Money;
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ReadReceivables, Staff};
use crate::ops::search::customers_named;
use crate::ops::search::fold::starts_with;
use crate::web::{AppState, PageError, RequestLang};

const PAGE_SIZE: u64 = 50;
/// The statuses an invoice goes through, with the catalogue key of each.
pub const STATUSES: [(&str, &str); 4] = [
    ("draft", "ops.invoices.status.draft"),
    ("open", "ops.invoices.status.open"),
    ("paid", "ops.invoices.status.paid"),
    ("void", "ops.invoices.status.void"),
];

/// The catalogue key of a status (a stored status outside the list shows as open).
pub fn status_key(status: &str) -> &'static str {
    STATUSES.iter().find(|(code, _)| *code == status).map_or("ops.invoices.status.open", |(_, key)| key)
}

#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    /// Issued on or after, `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    /// Issued on or before, `YYYY-MM-DD`.
    #[serde(default)]
    to: String,
    /// The id of the last invoice of the previous page.
    after: Option<i64>,
}

impl Filters {
    /// The filters as a query string, without the cursor.
    fn query_string(&self) -> String {
        let pairs = [("q", self.q.trim()), ("status", self.status.as_str()), ("from", &self.from), ("to", &self.to)];
        let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }

    fn is_filtered(&self) -> bool {
        !self.query_string().is_empty()
    }
}

/// A date typed in a filter: none when empty, an error key when unreadable.
fn day(typed: &str) -> Result<Option<NaiveDate>, &'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(typed, "%Y-%m-%d").map(Some).map_err(|_| "ops.receivables.date_invalid")
}

pub struct Row {
    id: i64,
    number: String,
    customer_id: i64,
    customer: String,
    status: String,
    status_key: &'static str,
    issued: String,
    due: String,
    total: String,
    balance: String,
    owes: bool,
}

#[derive(Template)]
#[template(path = "ops/invoices/templates/list.html")]
struct ListPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    filters: Filters,
    statuses: [(&'static str, &'static str); 4],
    date_error: Option<&'static str>,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Query(filters): Query<Filters>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let db = &state.db;
    let (from, to) = (day(&filters.from), day(&filters.to));
    let date_error = from.err().or(to.err());
    let mut query = invoice::Entity::find();
    if !filters.q.trim().is_empty() {
        query = query.filter(searched(db, &filters.q).await.map_err(db_error)?);
    }
    if STATUSES.iter().any(|(code, _)| *code == filters.status) {
        query = query.filter(invoice::Column::Status.eq(filters.status.as_str()));
    }
    if let Ok(Some(from)) = from {
        query = query.filter(invoice::Column::IssueDate.gte(from));
    }
    if let Ok(Some(to)) = to {
        query = query.filter(invoice::Column::IssueDate.lte(to));
    }
    if let Some(after) = filters.after {
        query = query.filter(invoice::Column::Id.lt(after));
    }
    let mut found = query.order_by_desc(invoice::Column::Id).limit(PAGE_SIZE + 1).all(db).await.map_err(db_error)?;
    let more = found.len() as u64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let base = filters.query_string();
    let link = |cursor: Option<i64>| {
        let cursor = cursor.map(|id| format!("after={id}")).unwrap_or_default();
        let joined: Vec<&str> = [base.as_str(), cursor.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        format!("/ops/invoices?{}", joined.join("&"))
    };
    let page = ListPage {
        m: Messages::new(lang),
        current_path: "/ops/invoices".into(),
        frame: Frame::new(&staff, Section::Receivables),
        statuses: STATUSES,
        date_error,
        next: found.last().filter(|_| more).map(|last| link(Some(last.id))),
        first: filters.after.map(|_| link(None)),
        rows: rows(db, found, lang).await.map_err(db_error)?,
        filters,
    };
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

/// The invoices the search box names: by invoice number, or by customer
/// (every word of the name, or the start of the account number).
async fn searched(db: &DatabaseConnection, typed: &str) -> Result<Condition, DbErr> {
    let words: Vec<String> = typed.split_whitespace().take(5).map(str::to_owned).collect();
    let named = customers_named(db, &words).await?;
    let typed = typed.trim().to_lowercase();
    let customers = SqlQuery::select()
        .column(customer::Column::Id)
        .from(customer::Entity)
        .cond_where(
            Condition::any()
                .add(customer::Column::Id.is_in(named))
                .add(Expr::cust("LOWER(customers.account_number)").like(starts_with(&typed))),
        )
        .to_owned();
    Ok(Condition::any()
        .add(invoice::Column::CustomerId.in_subquery(customers))
        .add(Expr::cust("LOWER(invoices.number)").like(starts_with(&typed))))
}

async fn rows(db: &DatabaseConnection, invoices: Vec<invoice::Model>, lang: Lang) -> Result<Vec<Row>, DbErr> {
    let ids: Vec<i64> = invoices.iter().map(|i| i.customer_id).collect();
    let customers = customer::Entity::find().filter(customer::Column::Id.is_in(ids)).all(db).await?;
    let name = |id: i64| customers.iter().find(|c| c.id == id).map(display_name).unwrap_or_default();
    Ok(invoices
        .into_iter()
        .map(|i| Row {
            id: i.id,
            customer: name(i.customer_id),
            customer_id: i.customer_id,
            issued: local_date(lang, i.issue_date),
            due: local_date(lang, i.due_date),
            total: Money::from_cents(i.total_cents).format(lang),
            balance: Money::from_cents(i.balance_cents).format(lang),
            owes: i.balance_cents > 0 && i.status == "open",
            number: i.number,
            status_key: status_key(&i.status),
            status: i.status,
        })
        .collect())
}
