//! `/ops/clients`: every customer, alphabetically, with a search box and
//! filters, in pages that follow each other by key (no OFFSET, so the last
//! page is as quick as the first).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{customer, invoice, plan, service_location, subscription};
use sea_orm::sea_query::{Expr, ExprTrait, Query as SqlQuery};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Deserialize;

use crate::billing::money::Money;
use crate::i18n::{Lang, Messages};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{Allowed, AnyRole, EditClients, Staff};
use crate::ops::search::customers_named;
use crate::ops::search::fold::starts_with;
use crate::web::{AppState, PageError, RequestLang};

const PAGE_SIZE: u64 = 50;
const STATUSES: [&str; 4] = ["active", "suspended", "closed", "prospect"];

#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    overdue: String,
    /// The id of the last customer of the previous page.
    after: Option<i64>,
}

impl Filters {
    /// The filters as a query string, without the cursor.
    fn query_string(&self) -> String {
        let pairs = [
            ("q", self.q.trim()),
            ("status", self.status.as_str()),
            ("municipality", self.municipality.as_str()),
            ("plan", self.plan.as_str()),
            ("overdue", self.overdue.as_str()),
        ];
        let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }

    fn is_filtered(&self) -> bool {
        !self.query_string().is_empty()
    }
}

pub struct Row {
    id: i64,
    account: String,
    name: String,
    status: String,
    municipality: String,
    contact: String,
    balance: String,
    owes: bool,
}

#[derive(Template)]
#[template(path = "ops/clients/templates/list.html")]
struct ListPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    filters: Filters,
    statuses: [&'static str; 4],
    municipalities: Vec<String>,
    plans: Vec<(String, String)>,
    rows: Vec<Row>,
    /// The link to the next page, with the filters kept.
    next: Option<String>,
    first: Option<String>,
    can_create: bool,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AnyRole>,
    Query(filters): Query<Filters>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let db = &state.db;
    let today = state.clock.now().with_timezone(&Toronto).date_naive();
    let plans = plans(db).await.map_err(db_error)?;
    let words: Vec<String> = filters.q.split_whitespace().take(5).map(str::to_owned).collect();
    let named = if words.is_empty() { None } else { Some(customers_named(db, &words).await.map_err(db_error)?) };
    let found = Lookups { plan_id: plans.iter().find(|p| p.code == filters.plan).map(|p| p.id), named };
    let mut query = filtered(customer::Entity::find(), &filters, found, today);
    if let Some(after) = filters.after {
        query = after_cursor(db, query, after).await.map_err(db_error)?;
    }
    let mut found = query
        .order_by_asc(customer::Column::LastName)
        .order_by_asc(customer::Column::FirstName)
        .order_by_asc(customer::Column::Id)
        .limit(PAGE_SIZE + 1)
        .all(db)
        .await
        .map_err(db_error)?;
    let more = found.len() as u64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let base = filters.query_string();
    let link = |cursor: Option<i64>| {
        let cursor = cursor.map(|id| format!("after={id}")).unwrap_or_default();
        let joined: Vec<&str> = [base.as_str(), cursor.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        format!("/ops/clients?{}", joined.join("&"))
    };
    let next = found.last().filter(|_| more).map(|last| link(Some(last.id)));
    let page = ListPage {
        m: Messages::new(lang),
        current_path: "/ops/clients".into(),
        frame: Frame::new(&staff, Section::Clients),
        statuses: STATUSES,
        municipalities: municipalities(db).await.map_err(db_error)?,
        plans: plans.into_iter().map(|p| (p.code, if lang == Lang::En { p.name_en } else { p.name_fr })).collect(),
        rows: rows(db, found, lang).await.map_err(db_error)?,
        next,
        first: filters.after.map(|_| link(None)),
        can_create: EditClients::admits(staff.role),
        filters,
    };
    Ok(Html(page.render().map_err(|e| PageError::internal(lang, e))?).into_response())
}

/// What the filters needed looked up first.
struct Lookups {
    plan_id: Option<i64>,
    /// The customers whose name holds every word of the search box.
    named: Option<Vec<i64>>,
}

/// Narrows the customers by each filter that is set.
fn filtered(
    mut query: Select<customer::Entity>,
    f: &Filters,
    found: Lookups,
    today: chrono::NaiveDate,
) -> Select<customer::Entity> {
    if let Some(named) = found.named {
        let typed = f.q.trim().to_lowercase();
        query = query.filter(
            Condition::any()
                .add(customer::Column::Id.is_in(named))
                .add(Expr::cust("LOWER(customers.account_number)").like(starts_with(&typed)))
                .add(customer::Column::Email.like(starts_with(&typed))),
        );
    }
    if STATUSES.contains(&f.status.as_str()) {
        query = query.filter(customer::Column::Status.eq(f.status.as_str()));
    }
    if !f.municipality.is_empty() {
        let located = SqlQuery::select()
            .column(service_location::Column::CustomerId)
            .from(service_location::Entity)
            .and_where(service_location::Column::Municipality.eq(f.municipality.as_str()))
            .to_owned();
        query = query.filter(customer::Column::Id.in_subquery(located));
    }
    if let Some(plan_id) = found.plan_id {
        let subscribed = SqlQuery::select()
            .column(subscription::Column::CustomerId)
            .from(subscription::Entity)
            .and_where(subscription::Column::PlanId.eq(plan_id))
            .and_where(subscription::Column::Status.eq("active"))
            .to_owned();
        query = query.filter(customer::Column::Id.in_subquery(subscribed));
    }
    if f.overdue == "1" {
        let overdue = SqlQuery::select()
            .column(invoice::Column::CustomerId)
            .from(invoice::Entity)
            .and_where(invoice::Column::Status.eq("open"))
            .and_where(invoice::Column::DueDate.lt(today))
            .and_where(invoice::Column::BalanceCents.gt(0))
            .to_owned();
        query = query.filter(customer::Column::Id.in_subquery(overdue));
    }
    query
}

/// Customers after the one named by the cursor, in (last name, first name, id) order.
async fn after_cursor(
    db: &DatabaseConnection,
    query: Select<customer::Entity>,
    after: i64,
) -> Result<Select<customer::Entity>, DbErr> {
    let Some(last) = customer::Entity::find_by_id(after).one(db).await? else { return Ok(query) };
    let key = Expr::tuple([
        Expr::col((customer::Entity, customer::Column::LastName)),
        Expr::col((customer::Entity, customer::Column::FirstName)),
        Expr::col((customer::Entity, customer::Column::Id)),
    ]);
    Ok(query.filter(key.gt(Expr::tuple([Expr::val(last.last_name), Expr::val(last.first_name), Expr::val(last.id)]))))
}

async fn rows(db: &DatabaseConnection, customers: Vec<customer::Model>, lang: Lang) -> Result<Vec<Row>, DbErr> {
    let ids: Vec<i64> = customers.iter().map(|c| c.id).collect();
    let locations = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.is_in(ids))
        .order_by_asc(service_location::Column::Id)
        .all(db)
        .await?;
    Ok(customers
        .into_iter()
        .map(|c| Row {
            id: c.id,
            municipality: locations
                .iter()
                .find(|l| l.customer_id == c.id)
                .map(|l| l.municipality.clone())
                .unwrap_or_default(),
            name: display_name(&c),
            contact: c
                .cell
                .as_deref()
                .and_then(|p| crate::contact::phone::normalise_phone(p).ok())
                .map(|p| p.national())
                .or(c.email.clone())
                .unwrap_or_default(),
            balance: Money::from_cents(c.balance_cents).format(lang),
            owes: c.balance_cents > 0,
            account: c.account_number,
            status: c.status,
        })
        .collect())
}

async fn municipalities(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    service_location::Entity::find()
        .select_only()
        .column(service_location::Column::Municipality)
        .distinct()
        .order_by_asc(service_location::Column::Municipality)
        .into_tuple()
        .all(db)
        .await
}

async fn plans(db: &DatabaseConnection) -> Result<Vec<plan::Model>, DbErr> {
    plan::Entity::find().filter(plan::Column::Category.eq("plan")).order_by_asc(plan::Column::PriceCents).all(db).await
}
