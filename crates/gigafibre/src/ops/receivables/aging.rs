//! `/ops/receivables`: what every customer owes, by how late it is —
//! current (not yet due), 1–30, 31–60, 61–90 and over 90 days past due.
//! One grouped query over the open invoices, whatever their number.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use gigafibre_db::entities::{customer, invoice};
use sea_orm::sea_query::{Alias, CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::form::today;
use crate::billing::money::Money;
use crate::i18n::Messages;
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ReadReceivables, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// The buckets, in order, with their words.
pub const BUCKETS: [&str; 5] = [
    "ops.receivables.bucket.current",
    "ops.receivables.bucket.1_30",
    "ops.receivables.bucket.31_60",
    "ops.receivables.bucket.61_90",
    "ops.receivables.bucket.over_90",
];

/// How many customers the page lists, the most owed first.
const TOP: u64 = 50;

/// What is owed in each bucket, and on how many invoices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aging {
    pub owed: [Money; 5],
    pub invoices: [i64; 5],
}

impl Aging {
    pub fn total(&self) -> Money {
        self.owed.iter().copied().sum()
    }
}

#[derive(FromQueryResult)]
struct BucketRow {
    bucket: i32,
    invoices: i64,
    owed: Option<i64>,
}

/// `0` for not yet due, then `1` to `4` for 1–30, 31–60, 61–90 and over 90 days late.
fn bucket_of_due_date(today: NaiveDate) -> CaseStatement {
    let due = || Expr::col((invoice::Entity, invoice::Column::DueDate));
    CaseStatement::new()
        .case(due().gte(today), 0)
        .case(due().gte(today - Duration::days(30)), 1)
        .case(due().gte(today - Duration::days(60)), 2)
        .case(due().gte(today - Duration::days(90)), 3)
        .finally(4)
}

/// The aging of every open invoice on `today`: one grouped query.
pub async fn aging<C: ConnectionTrait>(conn: &C, today: NaiveDate) -> Result<Aging, DbErr> {
    let rows = invoice::Entity::find()
        .select_only()
        .column_as(Expr::expr(bucket_of_due_date(today)), "bucket")
        .column_as(Expr::col(invoice::Column::Id).count(), "invoices")
        .column_as(Expr::cust("CAST(SUM(balance_cents) AS BIGINT)"), "owed")
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .group_by(Expr::col(Alias::new("bucket")))
        .into_model::<BucketRow>()
        .all(conn)
        .await?;
    let mut found = Aging::default();
    for row in rows {
        let at = usize::try_from(row.bucket).unwrap_or(4).min(4);
        found.owed[at] = Money::from_cents(row.owed.unwrap_or(0));
        found.invoices[at] = row.invoices;
    }
    Ok(found)
}

#[derive(FromQueryResult)]
struct CustomerRow {
    customer_id: i64,
    current: Option<i64>,
    late_30: Option<i64>,
    late_60: Option<i64>,
    late_90: Option<i64>,
    late_more: Option<i64>,
    owed: Option<i64>,
}

/// One customer's line: what they owe in each bucket.
pub struct CustomerAging {
    pub id: i64,
    pub name: String,
    pub account: String,
    pub owed: [Money; 5],
    pub total: Money,
}

/// The customers who owe the most, with their buckets: the same CASE, summed per customer.
async fn most_owed<C: ConnectionTrait>(conn: &C, today: NaiveDate) -> Result<Vec<CustomerAging>, DbErr> {
    let in_bucket = |n: i32| {
        let amount = CaseStatement::new()
            .case(Expr::expr(bucket_of_due_date(today)).eq(n), Expr::col(invoice::Column::BalanceCents))
            .finally(0);
        Expr::expr(amount).sum().cast_as(Alias::new("BIGINT"))
    };
    let rows = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::CustomerId)
        .column_as(in_bucket(0), "current")
        .column_as(in_bucket(1), "late_30")
        .column_as(in_bucket(2), "late_60")
        .column_as(in_bucket(3), "late_90")
        .column_as(in_bucket(4), "late_more")
        .column_as(Expr::cust("CAST(SUM(balance_cents) AS BIGINT)"), "owed")
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .group_by(invoice::Column::CustomerId)
        .order_by_desc(Expr::cust("CAST(SUM(balance_cents) AS BIGINT)"))
        .order_by_asc(invoice::Column::CustomerId)
        .limit(TOP)
        .into_model::<CustomerRow>()
        .all(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    let customers = customer::Entity::find().filter(customer::Column::Id.is_in(ids)).all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let who = customers.iter().find(|c| c.id == r.customer_id);
            let cents = |v: Option<i64>| Money::from_cents(v.unwrap_or(0));
            CustomerAging {
                id: r.customer_id,
                name: who.map(display_name).unwrap_or_default(),
                account: who.map(|c| c.account_number.clone()).unwrap_or_default(),
                owed: [cents(r.current), cents(r.late_30), cents(r.late_60), cents(r.late_90), cents(r.late_more)],
                total: cents(r.owed),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "ops/receivables/templates/aging.html")]
struct AgingPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    on: String,
    buckets: Vec<(&'static str, String, i64)>,
    total: String,
    customers: Vec<CustomerLine>,
}

/// A customer's line as the page shows it.
struct CustomerLine {
    id: i64,
    name: String,
    account: String,
    owed: Vec<String>,
    total: String,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
) -> Result<Response, PageError> {
    let day = today(state.clock.now());
    let db_error = |e| PageError::database(lang, e);
    let found = aging(&state.db, day).await.map_err(db_error)?;
    let customers = most_owed(&state.db, day).await.map_err(db_error)?;
    let page = AgingPage {
        m: Messages::new(lang),
        current_path: "/ops/receivables".into(),
        frame: Frame::new(&staff, Section::Receivables),
        on: crate::i18n::local_date(lang, day),
        buckets: BUCKETS
            .iter()
            .zip(found.owed.iter().zip(found.invoices))
            .map(|(key, (owed, n))| (*key, owed.format(lang), n))
            .collect(),
        total: found.total().format(lang),
        customers: customers
            .into_iter()
            .map(|c| CustomerLine {
                id: c.id,
                name: c.name,
                account: c.account,
                owed: c.owed.iter().map(|o| o.format(lang)).collect(),
                total: c.total.format(lang),
            })
            .collect(),
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(Html(html).into_response())
}
