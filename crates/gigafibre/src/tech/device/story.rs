//! Everything the device page shows, read in a few queries.

use gigafibre_db::entities::{
    customer, dispatch_job, equipment, equipment_movement, plan, service_location, subscription, ticket,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::i18n::{Lang, local_time};
use crate::ops::clients::detail::address_line;
use crate::ops::dashboard::display_name;
use crate::tech::today::{Phone, phone};

pub struct Story {
    pub device: equipment::Model,
    pub customer: Option<CustomerView>,
    pub address: Option<(String, String)>,
    pub subscription: Option<(String, String)>,
    pub tickets: Vec<Line>,
    pub jobs: Vec<Line>,
    pub movements: Vec<Move>,
}

pub struct CustomerView {
    pub name: String,
    pub account: String,
    pub phone: Option<Phone>,
}

/// A dated line: when, what (a code shown in words), and its status.
pub struct Line {
    pub when: String,
    pub what: String,
    pub status: String,
}

pub struct Move {
    pub when: String,
    pub from: Option<String>,
    pub to: String,
    pub note: String,
}

/// How many of each history the page lists.
const HISTORY: u64 = 20;

pub async fn load<C: ConnectionTrait>(conn: &C, lang: Lang, device: equipment::Model) -> Result<Story, DbErr> {
    let customer = match device.customer_id {
        Some(id) => customer::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let location = match device.service_location_id {
        Some(id) => service_location::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let subscription = match device.subscription_id {
        Some(id) => subscription::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let plan = match &subscription {
        Some(s) => plan::Entity::find_by_id(s.plan_id).one(conn).await?,
        None => None,
    };
    let (tickets, jobs) = match &customer {
        Some(c) => (open_tickets(conn, lang, c.id).await?, jobs(conn, lang, c.id).await?),
        None => (Vec::new(), Vec::new()),
    };
    let movements = equipment_movement::Entity::find()
        .filter(equipment_movement::Column::EquipmentId.eq(device.id))
        .order_by_desc(equipment_movement::Column::At)
        .order_by_desc(equipment_movement::Column::Id)
        .limit(HISTORY)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| Move { when: local_time(lang, m.at), from: m.from_status, to: m.to_status, note: m.note })
        .collect();
    Ok(Story {
        customer: customer.as_ref().map(|c| CustomerView {
            name: display_name(c),
            account: c.account_number.clone(),
            phone: c.cell.as_deref().or(c.home_phone.as_deref()).and_then(phone),
        }),
        address: location.as_ref().map(|l| {
            let line = address_line(l);
            let url = crate::tech::today::maps_url(&line, l.latitude.zip(l.longitude));
            (line, url)
        }),
        subscription: subscription.map(|s| {
            let name = plan.map(|p| if lang == Lang::En { p.name_en } else { p.name_fr }).unwrap_or_default();
            (name, s.status)
        }),
        device,
        tickets,
        jobs,
        movements,
    })
}

async fn open_tickets<C: ConnectionTrait>(conn: &C, lang: Lang, customer_id: i64) -> Result<Vec<Line>, DbErr> {
    let rows = ticket::Entity::find()
        .filter(ticket::Column::CustomerId.eq(customer_id))
        .filter(ticket::Column::Status.ne("closed"))
        .order_by_desc(ticket::Column::CreatedAt)
        .limit(HISTORY)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| Line { when: local_time(lang, t.created_at), what: t.subject, status: t.status })
        .collect())
}

async fn jobs<C: ConnectionTrait>(conn: &C, lang: Lang, customer_id: i64) -> Result<Vec<Line>, DbErr> {
    let rows = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::CustomerId.eq(customer_id))
        .order_by_desc(dispatch_job::Column::ScheduledStart)
        .order_by_desc(dispatch_job::Column::Id)
        .limit(HISTORY)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|j| Line {
            when: j.scheduled_start.map(|at| local_time(lang, at)).unwrap_or_default(),
            what: j.job_type,
            status: j.status,
        })
        .collect())
}
