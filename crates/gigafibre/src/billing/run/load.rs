//! The bulk reads a run starts with: customers, plans, subscriptions and
//! pauses in a few statements, and how far each subscription is billed.

use std::collections::HashMap;

use chrono::NaiveDate;
use gigafibre_db::entities::{customer, invoice_line, plan, subscription, subscription_billing, subscription_pause};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::billing::periods::Frequency;
use crate::billing::proration::Pause;

pub struct Customer {
    pub id: i64,
    pub account_number: String,
    pub billing_day: i16,
    pub english: bool,
}

pub struct Plan {
    pub name_fr: String,
    pub name_en: String,
    /// `None` when the stored frequency is not one the run knows.
    pub frequency: Option<Frequency>,
    pub prorate: bool,
    pub taxable: bool,
}

pub struct Subscription {
    pub id: i64,
    pub plan_id: i64,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub status: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    /// What the invoice lines written before the run kept track say, for a
    /// subscription it has never settled: the latest day a line started on
    /// (`None` for a one-time charge's line, which has no period).
    pub last_line_start: Option<NaiveDate>,
    /// Whether any line bills it (a one-time charge's line has no period).
    pub has_lines: bool,
}

/// Everything a run reads up front; the billed-through dates of a batch are
/// read again inside its write transaction.
pub struct Book {
    /// In id order, each with its subscriptions in id order.
    pub customers: Vec<(Customer, Vec<Subscription>)>,
    pub plans: HashMap<i64, Plan>,
}

pub async fn book<C: ConnectionTrait>(conn: &C) -> Result<Book, DbErr> {
    let plans = plan::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| {
            let plan = Plan {
                frequency: Frequency::parse(&p.billing_frequency),
                name_fr: p.name_fr,
                name_en: p.name_en,
                prorate: p.prorate,
                taxable: p.taxable,
            };
            (p.id, plan)
        })
        .collect();

    let mut pauses: HashMap<i64, Vec<Pause>> = HashMap::new();
    let rows: Vec<(i64, NaiveDate, Option<NaiveDate>)> = subscription_pause::Entity::find()
        .select_only()
        .columns([
            subscription_pause::Column::SubscriptionId,
            subscription_pause::Column::StartsOn,
            subscription_pause::Column::EndsOn,
        ])
        .into_tuple()
        .all(conn)
        .await?;
    for (subscription_id, from, until) in rows {
        pauses.entry(subscription_id).or_default().push(Pause { from, until });
    }

    let customers: Vec<(i64, String, i16, String)> = customer::Entity::find()
        .select_only()
        .columns([
            customer::Column::Id,
            customer::Column::AccountNumber,
            customer::Column::BillingDay,
            customer::Column::Language,
        ])
        .order_by_asc(customer::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    type Row = (i64, i64, i64, i32, i64, String, NaiveDate, Option<NaiveDate>);
    let rows: Vec<Row> = subscription::Entity::find()
        .select_only()
        .columns([
            subscription::Column::Id,
            subscription::Column::CustomerId,
            subscription::Column::PlanId,
            subscription::Column::Quantity,
            subscription::Column::UnitPriceCents,
            subscription::Column::Status,
            subscription::Column::StartDate,
            subscription::Column::EndDate,
        ])
        .order_by_asc(subscription::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let mut subscriptions_of: HashMap<i64, Vec<Subscription>> = HashMap::new();
    for (id, customer_id, plan_id, quantity, unit_price_cents, status, start, end) in rows {
        subscriptions_of.entry(customer_id).or_default().push(Subscription {
            id,
            plan_id,
            quantity,
            unit_price_cents,
            status,
            start,
            end,
            pauses: pauses.remove(&id).unwrap_or_default(),
            last_line_start: None,
            has_lines: false,
        });
    }
    let customers = customers
        .into_iter()
        .filter_map(|(id, account_number, billing_day, language)| {
            let subscriptions = subscriptions_of.remove(&id)?;
            Some((Customer { id, account_number, billing_day, english: language == "en" }, subscriptions))
        })
        .collect();
    Ok(Book { customers, plans })
}

impl Book {
    pub fn subscription_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.customers.iter().flat_map(|(_, subscriptions)| subscriptions.iter().map(|s| s.id))
    }

    /// Reads the invoice lines of the subscriptions `stored` has no date
    /// for (billed before the run kept track, or imported): the run carries
    /// on after the latest. One grouped read on the unique index, and none
    /// once every subscription has a date.
    pub async fn read_history<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        stored: &HashMap<i64, NaiveDate>,
    ) -> Result<(), DbErr> {
        let unsettled: Vec<i64> = self.subscription_ids().filter(|id| !stored.contains_key(id)).collect();
        let mut history: HashMap<i64, Option<NaiveDate>> = HashMap::new();
        for chunk in unsettled.chunks(10_000) {
            let rows: Vec<(i64, Option<NaiveDate>)> = invoice_line::Entity::find()
                .select_only()
                .column(invoice_line::Column::SubscriptionId)
                .column_as(invoice_line::Column::PeriodStart.max(), "last_start")
                .filter(invoice_line::Column::SubscriptionId.is_in(chunk.iter().copied()))
                .group_by(invoice_line::Column::SubscriptionId)
                .into_tuple()
                .all(conn)
                .await?;
            history.extend(rows);
        }
        for (_, subscriptions) in &mut self.customers {
            for subscription in subscriptions {
                if let Some(last) = history.get(&subscription.id) {
                    subscription.last_line_start = *last;
                    subscription.has_lines = true;
                }
            }
        }
        Ok(())
    }
}

/// Every billed-through date.
pub async fn all_billed_through<C: ConnectionTrait>(conn: &C) -> Result<HashMap<i64, NaiveDate>, DbErr> {
    let rows: Vec<(i64, NaiveDate)> = subscription_billing::Entity::find()
        .select_only()
        .columns([subscription_billing::Column::SubscriptionId, subscription_billing::Column::BilledThrough])
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The billed-through dates stored for these subscriptions.
pub async fn billed_through<C: ConnectionTrait>(
    conn: &C,
    subscription_ids: &[i64],
) -> Result<HashMap<i64, NaiveDate>, DbErr> {
    let mut found = HashMap::with_capacity(subscription_ids.len());
    for chunk in subscription_ids.chunks(10_000) {
        let rows: Vec<(i64, NaiveDate)> = subscription_billing::Entity::find()
            .select_only()
            .columns([subscription_billing::Column::SubscriptionId, subscription_billing::Column::BilledThrough])
            .filter(subscription_billing::Column::SubscriptionId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}
