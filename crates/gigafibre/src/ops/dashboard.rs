//! `/ops`: today at a glance. Every figure links to the list it counts.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{customer, dispatch_job, invoice, ticket};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use super::frame::{Frame, Section};
use super::roles::{AnyRole, Staff};
use crate::billing::money::Money;
use crate::i18n::{Lang, Messages};
use crate::web::{AppState, PageError, RequestLang};

/// Priorities, most pressing first, with their catalogue keys.
pub const PRIORITIES: [(&str, &str); 4] = [
    ("urgent", "ops.priority.urgent"),
    ("high", "ops.priority.high"),
    ("normal", "ops.priority.normal"),
    ("low", "ops.priority.low"),
];

/// How old an open ticket is, as the tickets list filters it (`age=`).
pub const AGES: [(&str, &str); 3] = [("today", "ops.age.today"), ("week", "ops.age.week"), ("older", "ops.age.older")];

/// Keeps the tickets of an age bucket of `AGES`; any other value keeps all.
pub fn of_age(query: Select<ticket::Entity>, age: &str, now: DateTime<Utc>) -> Select<ticket::Entity> {
    let day = now - Duration::hours(24);
    let week = now - Duration::days(7);
    match age {
        "today" => query.filter(ticket::Column::CreatedAt.gte(day)),
        "week" => query.filter(ticket::Column::CreatedAt.gte(week)).filter(ticket::Column::CreatedAt.lt(day)),
        "older" => query.filter(ticket::Column::CreatedAt.lt(week)),
        _ => query,
    }
}

/// Tickets someone still has to act on.
pub const ACTIVE_STATUSES: [&str; 2] = ["open", "pending"];

struct PriorityRow {
    code: &'static str,
    key: &'static str,
    /// Count per age bucket, in the order of `AGES`.
    by_age: Vec<u64>,
    total: u64,
}

struct NewTicket {
    id: i64,
    subject: String,
    customer: String,
    priority: &'static str,
    opened: String,
}

#[derive(Template)]
#[template(path = "ops/templates/dashboard.html")]
struct Dashboard {
    m: Messages,
    current_path: String,
    frame: Frame,
    ages: [(&'static str, &'static str); 3],
    priorities: Vec<PriorityRow>,
    active_total: u64,
    unassigned_tickets: u64,
    jobs_today: u64,
    jobs_unassigned: u64,
    overdue_total: String,
    overdue_customers: u64,
    newest: Vec<NewTicket>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let today = now.with_timezone(&Toronto).date_naive();
    let priorities = open_tickets(&state.db, now).await.map_err(db_error)?;
    let (jobs_today, jobs_unassigned) = jobs(&state.db, today).await.map_err(db_error)?;
    let (overdue, overdue_customers) = overdue(&state.db, today).await.map_err(db_error)?;
    let page = Dashboard {
        m: Messages::new(lang),
        current_path: "/ops".into(),
        frame: Frame::new(&staff, Section::Dashboard),
        ages: AGES,
        active_total: priorities.iter().map(|p| p.total).sum(),
        unassigned_tickets: unassigned_tickets(&state.db).await.map_err(db_error)?,
        priorities,
        jobs_today,
        jobs_unassigned,
        overdue_total: overdue.format(lang),
        overdue_customers,
        newest: newest_tickets(&state.db, lang).await.map_err(db_error)?,
    };
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

async fn open_tickets(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<PriorityRow>, DbErr> {
    let mut rows = Vec::new();
    for (code, key) in PRIORITIES {
        let mut by_age = Vec::new();
        for (age, _) in AGES {
            let query = ticket::Entity::find()
                .filter(ticket::Column::Status.is_in(ACTIVE_STATUSES))
                .filter(ticket::Column::Priority.eq(code));
            by_age.push(of_age(query, age, now).count(db).await?);
        }
        rows.push(PriorityRow { code, key, total: by_age.iter().sum(), by_age });
    }
    Ok(rows)
}

async fn unassigned_tickets(db: &DatabaseConnection) -> Result<u64, DbErr> {
    ticket::Entity::find()
        .filter(ticket::Column::Status.is_in(ACTIVE_STATUSES))
        .filter(ticket::Column::AssignedStaffId.is_null())
        .count(db)
        .await
}

/// Jobs booked for today, and jobs no one has been given yet.
async fn jobs(db: &DatabaseConnection, today: NaiveDate) -> Result<(u64, u64), DbErr> {
    let (start, end) = local_day(today);
    let booked = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::ScheduledStart.gte(start))
        .filter(dispatch_job::Column::ScheduledStart.lt(end))
        .filter(dispatch_job::Column::Status.is_not_in(["cancelled"]))
        .count(db)
        .await?;
    let unassigned =
        dispatch_job::Entity::find().filter(dispatch_job::Column::Status.eq("unscheduled")).count(db).await?;
    Ok((booked, unassigned))
}

/// Midnight to midnight in Québec, in UTC.
fn local_day(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let at_midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(Toronto).earliest())
            .map_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
    };
    (at_midnight(day), at_midnight(day + Duration::days(1)))
}

#[derive(FromQueryResult)]
struct Overdue {
    total: Option<i64>,
    customers: i64,
}

/// What open invoices past their due date still owe, and how many customers owe it.
async fn overdue(db: &DatabaseConnection, today: NaiveDate) -> Result<(Money, u64), DbErr> {
    let found = invoice::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(balance_cents) AS BIGINT)"), "total")
        .column_as(Expr::cust("COUNT(DISTINCT customer_id)"), "customers")
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::DueDate.lt(today))
        .filter(invoice::Column::BalanceCents.gt(0))
        .into_model::<Overdue>()
        .one(db)
        .await?;
    let found = found.unwrap_or(Overdue { total: None, customers: 0 });
    Ok((Money::from_cents(found.total.unwrap_or(0)), u64::try_from(found.customers).unwrap_or(0)))
}

async fn newest_tickets(db: &DatabaseConnection, lang: Lang) -> Result<Vec<NewTicket>, DbErr> {
    let rows = ticket::Entity::find()
        .find_also_related(customer::Entity)
        .order_by_desc(ticket::Column::CreatedAt)
        .order_by_desc(ticket::Column::Id)
        .limit(8)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(t, c)| NewTicket {
            id: t.id,
            subject: t.subject,
            customer: c.map(|c| display_name(&c)).unwrap_or_default(),
            priority: PRIORITIES.iter().find(|(code, _)| *code == t.priority).map_or("ops.priority.normal", |p| p.1),
            opened: crate::i18n::local_time(lang, t.created_at),
        })
        .collect())
}

/// How staff name a customer: the company for a business, else the person.
pub fn display_name(c: &customer::Model) -> String {
    match &c.company_name {
        Some(company) if !company.trim().is_empty() => company.clone(),
        _ => format!("{} {}", c.first_name, c.last_name),
    }
}
