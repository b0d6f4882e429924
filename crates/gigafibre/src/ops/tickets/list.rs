//! `/ops/tickets`: the tickets, newest first, narrowed by a GET form whose
//! filters stay in the URL (the dashboard links into it). Pages follow each
//! other by a cursor (`before=<id>`: the tickets opened before that one),
//! never by an offset, so the 242,000th ticket costs what the first does.
//!
//! Every filter is served by an index (see the migration
//! `m20261125_000010_ticket_list`): `(status, created_at, id)` for the status
//! alone, `(status, priority, created_at)` with a priority,
//! `(assigned_staff_id, status, created_at, id)` for an assignee (or no one)
//! within a status, `(assigned_staff_id, created_at, id)` over every status,
//! `(created_at, id)` for every status and no assignee.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use gigafibre_db::entities::{customer, staff, ticket};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::Deserialize;

use super::rules;
use super::store;
use super::views::{self, Choice};
use crate::i18n::{Lang, Messages, local_time, text};
use crate::ops::dashboard::{ACTIVE_STATUSES, AGES, PRIORITIES, display_name, of_age};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{AnyRole, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// Tickets on one page.
pub const PAGE_SIZE: u64 = 50;

/// The status filter's values: `active` (open and pending, the default),
/// each status, or `all`.
const STATUS_FILTERS: [(&str, &str); 6] = [
    ("active", "ops.tickets.status.active"),
    ("open", "ops.tickets.status.open"),
    ("pending", "ops.tickets.status.pending"),
    ("resolved", "ops.tickets.status.resolved"),
    ("closed", "ops.tickets.status.closed"),
    ("all", "ops.tickets.status.all"),
];

/// The query string as it comes; every field optional, unknown values ignored.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    priority: Option<String>,
    category: Option<String>,
    assignee: Option<String>,
    age: Option<String>,
    q: Option<String>,
    before: Option<String>,
}

/// Whose tickets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignee {
    Anyone,
    NoOne,
    Me,
    Member(i64),
}

/// The filters, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    pub status: &'static str,
    pub priority: Option<&'static str>,
    pub category: Option<String>,
    pub assignee: Assignee,
    pub age: Option<&'static str>,
    pub q: Option<String>,
}

impl Filters {
    pub fn read(query: &ListQuery) -> Filters {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let pick = |v: &Option<String>, known: &[(&'static str, &'static str)]| {
            given(v).and_then(|v| known.iter().find(|(code, _)| *code == v).map(|(code, _)| *code))
        };
        let assignee = match given(&query.assignee).as_deref() {
            None => Assignee::Anyone,
            Some("none") => Assignee::NoOne,
            Some("me") => Assignee::Me,
            Some(id) => id.parse().map_or(Assignee::Anyone, Assignee::Member),
        };
        Filters {
            status: pick(&query.status, &STATUS_FILTERS).unwrap_or("active"),
            priority: pick(&query.priority, &PRIORITIES),
            category: given(&query.category).filter(|c| c.chars().count() <= 60),
            assignee,
            age: pick(&query.age, &AGES),
            q: given(&query.q).map(|q| q.chars().take(100).collect()),
        }
    }

    /// The filters as a query string, to carry into the pager's links.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("status", self.status.to_owned())];
        if let Some(priority) = self.priority {
            pairs.push(("priority", priority.to_owned()));
        }
        if let Some(category) = &self.category {
            pairs.push(("category", category.clone()));
        }
        match &self.assignee {
            Assignee::Anyone => {}
            Assignee::NoOne => pairs.push(("assignee", "none".into())),
            Assignee::Me => pairs.push(("assignee", "me".into())),
            Assignee::Member(id) => pairs.push(("assignee", id.to_string())),
        }
        if let Some(age) = self.age {
            pairs.push(("age", age.to_owned()));
        }
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    /// The tickets the filters keep, for the member of staff `me`.
    pub fn apply(&self, mut query: Select<ticket::Entity>, me: i64, now: DateTime<Utc>) -> Select<ticket::Entity> {
        query = match self.status {
            "active" => query.filter(ticket::Column::Status.is_in(ACTIVE_STATUSES)),
            "all" => query,
            status => query.filter(ticket::Column::Status.eq(status)),
        };
        if let Some(priority) = self.priority {
            query = query.filter(ticket::Column::Priority.eq(priority));
        }
        if let Some(category) = &self.category {
            query = query.filter(ticket::Column::Category.eq(category.as_str()));
        }
        query = match self.assignee {
            Assignee::Anyone => query,
            Assignee::NoOne => query.filter(ticket::Column::AssignedStaffId.is_null()),
            Assignee::Me => query.filter(ticket::Column::AssignedStaffId.eq(me)),
            Assignee::Member(id) => query.filter(ticket::Column::AssignedStaffId.eq(id)),
        };
        if let Some(age) = self.age {
            query = of_age(query, age, now);
        }
        if let Some(q) = &self.q {
            let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
            let subject = Func::lower(Expr::col((ticket::Entity, ticket::Column::Subject)));
            query = query.filter(Expr::expr(subject).like(LikeExpr::new(pattern).escape('\\')));
        }
        query
    }

    fn is_default(&self) -> bool {
        *self == Filters::read(&ListQuery::default())
    }
}

/// `%`, `_` and `\` typed in the search box match themselves.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// After the ticket `cursor`, in the list's order (`created_at desc, id desc`).
/// The `created_at <=` bound is what an index can seek to; the rest breaks
/// ties between tickets opened at the same moment.
pub(super) fn after_cursor(query: Select<ticket::Entity>, cursor: &ticket::Model) -> Select<ticket::Entity> {
    query.filter(ticket::Column::CreatedAt.lte(cursor.created_at)).filter(
        Condition::any().add(ticket::Column::CreatedAt.lt(cursor.created_at)).add(ticket::Column::Id.lt(cursor.id)),
    )
}

/// Newest first. With an assignee among the tickets to handle, SQLite is
/// made to sort what it finds (`+column` keeps an index from serving the
/// order): left to itself it would rather walk that assignee's whole history
/// in date order (`assigned_staff_id, created_at`) than sort the few open and
/// pending tickets the assignee and status find. Everywhere else the plain
/// order lets it stop reading once the page is full. PostgreSQL weighs this
/// itself, with the statistics the migration gives it.
pub(super) fn newest_first(
    query: Select<ticket::Entity>,
    filters: &Filters,
    backend: DatabaseBackend,
) -> Select<ticket::Entity> {
    if backend == DatabaseBackend::Sqlite && filters.status == "active" && filters.assignee != Assignee::Anyone {
        query
            .order_by(Expr::cust(r#"+"tickets"."created_at""#), Order::Desc)
            .order_by(Expr::cust(r#"+"tickets"."id""#), Order::Desc)
    } else {
        query.order_by_desc(ticket::Column::CreatedAt).order_by_desc(ticket::Column::Id)
    }
}

/// One page of tickets and whether another follows.
pub async fn page_of(
    db: &DatabaseConnection,
    filters: &Filters,
    before: Option<i64>,
    me: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<ticket::Model>, bool), DbErr> {
    let mut query = filters.apply(ticket::Entity::find(), me, now);
    if let Some(before) = before
        && let Some(cursor) = ticket::Entity::find_by_id(before).one(db).await?
    {
        query = after_cursor(query, &cursor);
    }
    let mut rows = newest_first(query, filters, db.get_database_backend()).limit(PAGE_SIZE + 1).all(db).await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

struct Row {
    id: i64,
    subject: String,
    customer_id: i64,
    customer: String,
    account: String,
    category: String,
    priority: String,
    priority_label: String,
    status: String,
    status_label: String,
    assignee: Option<String>,
    opened: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "ops/tickets/templates/list.html")]
struct ListPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    rows: Vec<Row>,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
    categories: Vec<Choice>,
    ages: Vec<Choice>,
    assignee_me: bool,
    assignee_none: bool,
    assignees: Vec<Choice>,
    q: String,
    filtered: bool,
    /// The first page's address with the same filters, when not on it.
    first: Option<String>,
    next: Option<String>,
}

fn choices(lang: Lang, options: &[(&'static str, &'static str)], selected: Option<&str>) -> Vec<Choice> {
    options
        .iter()
        .map(|(code, key)| Choice {
            value: (*code).to_owned(),
            label: text(lang, key).to_owned(),
            selected: Some(*code) == selected,
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let filters = Filters::read(&query);
    let before = query.before.as_deref().and_then(|b| b.trim().parse::<i64>().ok());
    let (tickets, more) =
        page_of(&state.db, &filters, before, staff.member.id, state.clock.now()).await.map_err(db_error)?;
    let staff_rows = store::all_staff(&state.db).await.map_err(db_error)?;
    let customers = customers_of(&state.db, &tickets).await.map_err(db_error)?;
    let rows = rows(lang, tickets, &customers, &staff_rows);
    let query_string = filters.query_string();
    let member = match filters.assignee {
        Assignee::Member(id) => Some(id),
        _ => None,
    };
    let mut categories = views::category_choices(lang, filters.category.as_deref().unwrap_or_default());
    if let Some(other) = filters.category.as_deref().filter(|c| rules::category(c).is_none()) {
        categories.push(Choice { value: other.to_owned(), label: other.to_owned(), selected: true });
    }
    let list = ListPage {
        m: Messages::new(lang),
        current_path: format!("/ops/tickets?{query_string}"),
        frame: Frame::new(&staff, Section::Tickets),
        next: more.then(|| rows.last().map(|r| format!("/ops/tickets?{query_string}&before={}", r.id))).flatten(),
        first: before.map(|_| format!("/ops/tickets?{query_string}")),
        rows,
        statuses: choices(lang, &STATUS_FILTERS, Some(filters.status)),
        priorities: choices(lang, &PRIORITIES, filters.priority),
        categories,
        ages: choices(lang, &AGES, filters.age),
        assignee_me: filters.assignee == Assignee::Me,
        assignee_none: filters.assignee == Assignee::NoOne,
        assignees: staff_rows
            .iter()
            .filter(|m| views::works_tickets(m) || Some(m.id) == member)
            .map(|m| Choice { value: m.id.to_string(), label: m.name.clone(), selected: Some(m.id) == member })
            .collect(),
        q: filters.q.clone().unwrap_or_default(),
        filtered: !filters.is_default(),
    };
    Ok(Html(list.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

/// The customers of a page of tickets, in one query.
async fn customers_of(
    db: &DatabaseConnection,
    tickets: &[ticket::Model],
) -> Result<HashMap<i64, customer::Model>, DbErr> {
    let mut ids: Vec<i64> = tickets.iter().map(|t| t.customer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = customer::Entity::find().filter(customer::Column::Id.is_in(ids)).all(db).await?;
    Ok(found.into_iter().map(|c| (c.id, c)).collect())
}

fn rows(
    lang: Lang,
    tickets: Vec<ticket::Model>,
    customers: &HashMap<i64, customer::Model>,
    staff: &[staff::Model],
) -> Vec<Row> {
    let names: HashMap<i64, &str> = staff.iter().map(|m| (m.id, m.name.as_str())).collect();
    tickets
        .into_iter()
        .map(|t| {
            let customer = customers.get(&t.customer_id);
            Row {
                id: t.id,
                customer_id: t.customer_id,
                customer: customer.map(display_name).unwrap_or_default(),
                account: customer.map(|c| c.account_number.clone()).unwrap_or_default(),
                category: rules::category_label(lang, &t.category),
                priority_label: views::priority_label(lang, &t.priority),
                priority: t.priority,
                status_label: views::status_label(lang, &t.status),
                status: t.status,
                assignee: t
                    .assigned_staff_id
                    .map(|id| names.get(&id).map_or_else(|| format!("#{id}"), |n| (*n).to_owned())),
                opened: local_time(lang, t.created_at),
                updated: local_time(lang, t.updated_at),
                subject: t.subject,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Filters {
        let query: ListQuery = serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).unwrap()).unwrap();
        Filters::read(&query)
    }

    #[test]
    fn the_default_is_the_tickets_to_handle_and_unknown_values_are_ignored() {
        let default = read(&[]);
        assert_eq!(default.status, "active");
        assert_eq!(default.assignee, Assignee::Anyone);
        let odd = read(&[("status", "deleted"), ("priority", "critical"), ("age", "ancient"), ("assignee", "x")]);
        assert_eq!(odd, default);
        assert!(read(&[("status", ""), ("q", "  ")]).is_default(), "an empty form field is no filter");
    }

    #[test]
    fn the_dashboard_links_read_as_filters_and_survive_the_pager() {
        let urgent_today = read(&[("status", "active"), ("priority", "urgent"), ("age", "today")]);
        assert_eq!((urgent_today.priority, urgent_today.age), (Some("urgent"), Some("today")));
        assert_eq!(urgent_today.query_string(), "status=active&priority=urgent&age=today");
        let unassigned = read(&[("status", "active"), ("assignee", "none")]);
        assert_eq!(unassigned.assignee, Assignee::NoOne);
        let mine = read(&[("assignee", "me"), ("q", "fibre & co"), ("category", "wifi")]);
        assert_eq!(mine.query_string(), "status=active&category=wifi&assignee=me&q=fibre+%26+co");
        assert_eq!(read(&[("assignee", "7")]).assignee, Assignee::Member(7));
    }

    #[test]
    fn wildcards_typed_in_the_search_match_themselves() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
    }
}
