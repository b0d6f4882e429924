//! Each file of the legacy export: how its rows are checked and turned into
//! models, and how they are written.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveTime};
use indicatif::ProgressBar;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbErr, EntityName, EntityTrait, IdenStatic, Iterable, ModelTrait, Value,
};

use super::import::{Rejection, Step, convert_rows};
use super::known::{self, Known};
use super::layout::{
    CreditNoteRow, CustomerRow, InvoiceLineRow, InvoiceRow, LegacyFile, PaymentRow, PlanRow, SubscriptionRow, TicketRow,
};
use super::parse::{self, Field};
use crate::billing::money::Money;
use crate::db::BulkWriter;
use gigafibre_db::entities::{
    credit_note, customer, invoice, invoice_line, payment, payment_allocation, plan, service_location, subscription,
    ticket,
};

/// How a model is matched against the rows already there, and which columns
/// an import must never overwrite (what staff change in this system).
trait Keyed {
    const KEY: &'static [&'static str];
    const KEEP: &'static [&'static str] = &[];
}

impl Keyed for plan::Model {
    const KEY: &'static [&'static str] = &["code"];
    const KEEP: &'static [&'static str] = &["active", "taxable", "prorate", "created_at"];
}
impl Keyed for customer::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
    const KEEP: &'static [&'static str] = &["notes", "balance_cents", "notify_by_email", "notify_by_sms"];
}
impl Keyed for service_location::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
    const KEEP: &'static [&'static str] = &["fibre_drop", "olt_port"];
}
impl Keyed for subscription::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
}
impl Keyed for invoice::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
    const KEEP: &'static [&'static str] = &["balance_cents"];
}
impl Keyed for credit_note::Model {
    const KEY: &'static [&'static str] = &["number"];
}
impl Keyed for payment::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
}
impl Keyed for ticket::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
    const KEEP: &'static [&'static str] = &["description", "assigned_staff_id"];
}

/// The columns of an entity, less its generated `id`.
fn columns_without_id<M: ModelTrait>() -> Vec<<M::Entity as EntityTrait>::Column> {
    <M::Entity as EntityTrait>::Column::iter().filter(|c| c.as_str() != "id").collect()
}

/// Inserts or updates models on their key; the `id` is left to the database
/// and the kept columns to what people changed since.
async fn upsert<M: ModelTrait + Keyed>(
    txn: &DatabaseTransaction,
    models: &[M],
    progress: &ProgressBar,
) -> Result<u64, DbErr> {
    let table = <M::Entity as Default>::default().table_name();
    let columns = columns_without_id::<M>();
    let names: Vec<&'static str> = columns.iter().map(|c| c.as_str()).collect();
    let rows = models.iter().map(|m| columns.iter().map(|c| m.get(*c)).collect::<Vec<Value>>());
    progress.set_message(table);
    BulkWriter::new(txn, table, &names)
        .upsert_on(M::KEY)
        .keep_on_conflict(M::KEEP)
        .progress(progress.clone())
        .write(rows)
        .await
}

/// Plain inserts, for rows that were cleared first.
async fn insert<M: ModelTrait>(txn: &DatabaseTransaction, models: &[M], progress: &ProgressBar) -> Result<u64, DbErr> {
    let table = <M::Entity as Default>::default().table_name();
    let columns = columns_without_id::<M>();
    let names: Vec<&'static str> = columns.iter().map(|c| c.as_str()).collect();
    let rows = models.iter().map(|m| columns.iter().map(|c| m.get(*c)).collect::<Vec<Value>>());
    progress.set_message(table);
    BulkWriter::new(txn, table, &names).progress(progress.clone()).write(rows).await
}

/// Deletes the rows of `table` whose `column` is one of `ids`.
async fn delete_where_in(txn: &DatabaseTransaction, table: &str, column: &str, ids: &[i64]) -> Result<(), DbErr> {
    for chunk in ids.chunks(10_000) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        txn.execute_unprepared(&format!("DELETE FROM {table} WHERE {column} IN ({})", list.join(","))).await?;
    }
    Ok(())
}

fn midnight(day: chrono::NaiveDate) -> DateTime<chrono::Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

fn non_negative(name: &str, money: Money) -> Field<i64> {
    if money.is_negative() { Err(format!("{name} is negative")) } else { Ok(money.cents()) }
}

/// subtotal + GST + QST must equal the total, without overflowing.
fn taxed_total(subtotal: Money, gst: Money, qst: Money, total: Money) -> Field<()> {
    let sum = subtotal.checked_add(gst).and_then(|s| s.checked_add(qst)).ok_or("the amounts are too large")?;
    if sum == total { Ok(()) } else { Err(format!("total {total} is not subtotal + GST + QST = {sum}")) }
}

fn whole_in(name: &str, value: &str, range: std::ops::RangeInclusive<i64>) -> Field<i32> {
    let number = parse::integer(name, value)?;
    if !range.contains(&number) {
        return Err(format!("{name} {number} is outside {} to {}", range.start(), range.end()));
    }
    i32::try_from(number).map_err(|_| format!("{name} {number} is too large"))
}

pub struct Plans;

impl Step for Plans {
    type Row = PlanRow;
    type Prepared = plan::Model;

    fn convert(_: &Known, rows: &[(u64, PlanRow)]) -> (Vec<plan::Model>, Vec<Rejection>) {
        convert_rows(
            rows,
            |r| r.plan_code.trim().to_owned(),
            |r| {
                let frequency = parse::one_of("frequency", &r.frequency, &["monthly", "yearly", "once"])?;
                Ok(plan::Model {
                    id: 0,
                    code: parse::required("plan_code", &r.plan_code)?.to_owned(),
                    name_fr: parse::required("name_fr", &r.name_fr)?.to_owned(),
                    name_en: parse::required("name_en", &r.name_en)?.to_owned(),
                    category: parse::one_of("category", &r.category, &["plan", "addon"])?,
                    prorate: frequency == "monthly",
                    billing_frequency: frequency,
                    price_cents: non_negative("price", parse::money("price", &r.price)?)?,
                    taxable: true,
                    active: true,
                    created_at: DateTime::UNIX_EPOCH,
                })
            },
        )
    }

    async fn write(txn: &DatabaseTransaction, plans: Vec<plan::Model>, progress: &ProgressBar) -> Result<u64, DbErr> {
        upsert(txn, &plans, progress).await
    }
}

/// Each legacy customer had one address: it becomes their service location.
pub struct Customers;

impl Step for Customers {
    type Row = CustomerRow;
    type Prepared = (customer::Model, service_location::Model);

    fn convert(_: &Known, rows: &[(u64, CustomerRow)]) -> (Vec<Self::Prepared>, Vec<Rejection>) {
        convert_rows(rows, |r| r.customer_id.trim().to_owned(), customer_and_location)
    }

    async fn write(
        txn: &DatabaseTransaction,
        prepared: Vec<Self::Prepared>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        let (customers, mut locations): (Vec<_>, Vec<_>) = prepared.into_iter().unzip();
        let imported = upsert(txn, &customers, progress).await?;
        let known = Known::load(txn).await?;
        for location in &mut locations {
            location.customer_id =
                known.customers.get(location.legacy_id.as_deref().unwrap_or_default()).copied().unwrap_or(0);
        }
        upsert(txn, &locations, progress).await?;
        Ok(imported)
    }
}

fn customer_and_location(r: &CustomerRow) -> Field<(customer::Model, service_location::Model)> {
    let legacy = parse::required("customer_id", &r.customer_id)?.to_owned();
    let billing_day = whole_in("billing_day", &r.billing_day, 1..=28)?;
    let language = match crate::i18n::Lang::from_code(&r.language) {
        Some(lang) => lang.code().to_owned(),
        None => return Err(format!("language '{}' is neither FR nor EN", r.language.trim())),
    };
    if r.last_name.trim().is_empty() && r.company.trim().is_empty() {
        return Err("last_name and company are both empty".into());
    }
    let created = parse::local_time("created", &r.created)?;
    let customer = customer::Model {
        id: 0,
        account_number: format!("L{legacy}"),
        legacy_id: Some(legacy.clone()),
        kind: parse::one_of("account_type", &r.account_type, &["residential", "business"])?,
        first_name: r.first_name.trim().to_owned(),
        last_name: r.last_name.trim().to_owned(),
        company_name: parse::optional(&r.company),
        email: parse::email("email", &r.email)?,
        billing_email: parse::email("billing_email", &r.billing_email)?,
        cell: parse::phone("cell", &r.cell)?,
        home_phone: parse::phone("home_phone", &r.home_phone)?,
        language,
        status: parse::one_of("status", &r.status, &["active", "suspended", "closed", "prospect"])?,
        billing_day: billing_day as i16,
        balance_cents: 0,
        notes: String::new(),
        notify_by_email: true,
        notify_by_sms: true,
        created_at: created,
        updated_at: created,
    };
    let location = service_location::Model {
        id: 0,
        customer_id: 0,
        legacy_id: Some(legacy),
        street: parse::required("address", &r.address)?.to_owned(),
        unit: parse::optional(&r.unit),
        municipality: parse::required("city", &r.city)?.to_owned(),
        province: "QC".into(),
        postal_code: r.postal_code.trim().to_uppercase(),
        latitude: parse::coordinate("latitude", &r.latitude, -90.0..=90.0)?,
        longitude: parse::coordinate("longitude", &r.longitude, -180.0..=180.0)?,
        fibre_drop: None,
        olt_port: None,
        created_at: created,
    };
    Ok((customer, location))
}

pub struct Subscriptions;

impl Step for Subscriptions {
    type Row = SubscriptionRow;
    type Prepared = subscription::Model;

    fn convert(known: &Known, rows: &[(u64, SubscriptionRow)]) -> (Vec<subscription::Model>, Vec<Rejection>) {
        convert_rows(
            rows,
            |r| r.subscription_id.trim().to_owned(),
            |r| {
                let customer_id = known.customer(&r.customer_id)?;
                let start_date = parse::date("start_date", &r.start_date)?;
                let end_date = parse::optional_date("end_date", &r.end_date)?;
                if end_date.is_some_and(|end| end < start_date) {
                    return Err("end_date is before start_date".into());
                }
                Ok(subscription::Model {
                    id: 0,
                    legacy_id: Some(parse::required("subscription_id", &r.subscription_id)?.to_owned()),
                    customer_id,
                    service_location_id: known.locations.get(&customer_id).copied(),
                    plan_id: known.plan(&r.plan_code)?,
                    quantity: whole_in("quantity", &r.quantity, 1..=1000)?,
                    unit_price_cents: non_negative("unit_price", parse::money("unit_price", &r.unit_price)?)?,
                    status: parse::one_of("status", &r.status, &["active", "paused", "cancelled"])?,
                    start_date,
                    end_date,
                    created_at: midnight(start_date),
                    updated_at: midnight(start_date),
                })
            },
        )
    }

    async fn write(
        txn: &DatabaseTransaction,
        subscriptions: Vec<subscription::Model>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        upsert(txn, &subscriptions, progress).await
    }
}

pub struct Invoices;

impl Step for Invoices {
    type Row = InvoiceRow;
    type Prepared = invoice::Model;

    fn convert(known: &Known, rows: &[(u64, InvoiceRow)]) -> (Vec<invoice::Model>, Vec<Rejection>) {
        let mut numbers: HashMap<String, u64> = HashMap::new();
        convert_rows(
            rows,
            |r| r.invoice_id.trim().to_owned(),
            |r| {
                let legacy = parse::required("invoice_id", &r.invoice_id)?.to_owned();
                let number = parse::required("number", &r.number)?.to_owned();
                if let Some(other) = known.invoice_numbers.get(&number).filter(|other| **other != legacy) {
                    return Err(format!("number '{number}' already belongs to invoice '{other}'"));
                }
                let subtotal = parse::money("subtotal", &r.subtotal)?;
                let gst = parse::money("gst", &r.gst)?;
                let qst = parse::money("qst", &r.qst)?;
                let total = parse::money("total", &r.total)?;
                taxed_total(subtotal, gst, qst, total)?;
                let issue_date = parse::date("issue_date", &r.issue_date)?;
                Ok(invoice::Model {
                    id: 0,
                    number,
                    legacy_id: Some(legacy),
                    customer_id: known.customer(&r.customer_id)?,
                    status: parse::one_of("status", &r.status, &["draft", "open", "paid", "void"])?,
                    issue_date,
                    due_date: parse::date("due_date", &r.due_date)?,
                    period_start: parse::optional_date("period_start", &r.period_start)?,
                    period_end: parse::optional_date("period_end", &r.period_end)?,
                    subtotal_cents: subtotal.cents(),
                    gst_cents: gst.cents(),
                    qst_cents: qst.cents(),
                    total_cents: total.cents(),
                    balance_cents: total.cents(),
                    created_at: midnight(issue_date),
                })
            },
        )
        .and_also(rows, |(line, row)| {
            let number = row.number.trim().to_owned();
            numbers.insert(number.clone(), *line).map(|first| Rejection {
                file: InvoiceRow::FILE,
                line: *line,
                reason: format!("duplicate number '{number}' (first on line {first})"),
            })
        })
    }

    async fn write(
        txn: &DatabaseTransaction,
        invoices: Vec<invoice::Model>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        upsert(txn, &invoices, progress).await
    }
}

/// Adds a second pass of checks over the rows to a conversion's rejections.
trait AndAlso<M> {
    fn and_also<R>(self, rows: &[(u64, R)], check: impl FnMut(&(u64, R)) -> Option<Rejection>) -> Self;
}

impl<M> AndAlso<M> for (Vec<M>, Vec<Rejection>) {
    fn and_also<R>(mut self, rows: &[(u64, R)], check: impl FnMut(&(u64, R)) -> Option<Rejection>) -> Self {
        self.1.extend(rows.iter().filter_map(check));
        self.1.sort_by_key(|r| r.line);
        self
    }
}

/// An invoice's lines follow the file: the lines of every invoice the file
/// names are replaced, so a line removed in the legacy system goes too.
pub struct Lines;

impl Step for Lines {
    type Row = InvoiceLineRow;
    type Prepared = invoice_line::Model;

    fn convert(known: &Known, rows: &[(u64, InvoiceLineRow)]) -> (Vec<invoice_line::Model>, Vec<Rejection>) {
        let key = |r: &InvoiceLineRow| {
            let position =
                r.line_no.trim().parse::<i64>().map_or_else(|_| r.line_no.trim().to_owned(), |n| n.to_string());
            format!("{} line {position}", r.invoice_id.trim())
        };
        convert_rows(rows, key, |r| {
            let invoice = known.invoice(&r.invoice_id)?;
            let quantity = whole_in("quantity", &r.quantity, 1..=1000)?;
            let unit_price = parse::money("unit_price", &r.unit_price)?;
            let amount = parse::money("amount", &r.amount)?;
            if unit_price.checked_mul(i64::from(quantity)) != Some(amount) {
                return Err(format!("amount {amount} is not quantity × unit_price"));
            }
            let subscription_id = match parse::optional(&r.subscription_id) {
                Some(legacy) => Some(known.subscription(&legacy)?),
                None => None,
            };
            let plan_id = match parse::optional(&r.plan_code) {
                Some(code) => Some(known.plan(&code)?),
                None => None,
            };
            Ok(invoice_line::Model {
                id: 0,
                invoice_id: invoice.id,
                position: whole_in("line_no", &r.line_no, 1..=1000)?,
                subscription_id,
                plan_id,
                description: parse::required("description", &r.description)?.to_owned(),
                quantity,
                unit_price_cents: unit_price.cents(),
                amount_cents: amount.cents(),
                period_start: parse::optional_date("period_start", &r.period_start)?,
                period_end: parse::optional_date("period_end", &r.period_end)?,
            })
        })
    }

    async fn write(
        txn: &DatabaseTransaction,
        lines: Vec<invoice_line::Model>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        let invoices: HashSet<i64> = lines.iter().map(|l| l.invoice_id).collect();
        let invoices: Vec<i64> = invoices.into_iter().collect();
        delete_where_in(txn, "invoice_lines", "invoice_id", &invoices).await?;
        insert(txn, &lines, progress).await
    }
}

pub struct Credits;

impl Step for Credits {
    type Row = CreditNoteRow;
    type Prepared = credit_note::Model;

    fn convert(known: &Known, rows: &[(u64, CreditNoteRow)]) -> (Vec<credit_note::Model>, Vec<Rejection>) {
        convert_rows(
            rows,
            |r| r.number.trim().to_owned(),
            |r| {
                let customer_id = known.customer(&r.customer_id)?;
                let invoice_id = match parse::optional(&r.invoice_id) {
                    Some(legacy) => {
                        let invoice = known.invoice(&legacy)?;
                        if invoice.customer_id != customer_id {
                            return Err(format!("invoice_id '{legacy}' belongs to another customer"));
                        }
                        Some(invoice.id)
                    }
                    None => None,
                };
                let subtotal = parse::money("subtotal", &r.subtotal)?;
                let gst = parse::money("gst", &r.gst)?;
                let qst = parse::money("qst", &r.qst)?;
                let total = parse::money("total", &r.total)?;
                taxed_total(subtotal, gst, qst, total)?;
                Ok(credit_note::Model {
                    id: 0,
                    number: parse::required("number", &r.number)?.to_owned(),
                    customer_id,
                    invoice_id,
                    reason: r.reason.trim().to_owned(),
                    subtotal_cents: non_negative("subtotal", subtotal)?,
                    gst_cents: gst.cents(),
                    qst_cents: qst.cents(),
                    total_cents: non_negative("total", total)?,
                    issued_at: parse::local_time("issued_at", &r.issued_at)?,
                })
            },
        )
    }

    async fn write(
        txn: &DatabaseTransaction,
        credits: Vec<credit_note::Model>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        upsert(txn, &credits, progress).await
    }
}

/// Payments, each with the part of it that settles the invoice it names (at
/// most what that invoice still owes; the rest stays as credit).
pub struct Payments;

impl Step for Payments {
    type Row = PaymentRow;
    type Prepared = (payment::Model, Option<(i64, i64)>);

    fn convert(known: &Known, rows: &[(u64, PaymentRow)]) -> (Vec<Self::Prepared>, Vec<Rejection>) {
        let mut still_owed: HashMap<i64, i64> = HashMap::new();
        convert_rows(
            rows,
            |r| r.payment_id.trim().to_owned(),
            |r| {
                let customer_id = known.customer(&r.customer_id)?;
                let amount = parse::money("amount", &r.amount)?;
                if amount.cents() <= 0 {
                    return Err(format!("amount {amount} is not positive"));
                }
                let received_at = parse::local_time("received_at", &r.received_at)?;
                let payment = payment::Model {
                    id: 0,
                    legacy_id: Some(parse::required("payment_id", &r.payment_id)?.to_owned()),
                    customer_id,
                    amount_cents: amount.cents(),
                    method: parse::one_of("method", &r.method, &["cash", "cheque", "interac", "bank", "card"])?,
                    reference: r.reference.trim().to_owned(),
                    received_at,
                    created_at: received_at,
                };
                let allocation = match parse::optional(&r.invoice_id) {
                    Some(legacy) => {
                        let invoice = known.invoice(&legacy)?;
                        if invoice.customer_id != customer_id {
                            return Err(format!("invoice_id '{legacy}' belongs to another customer"));
                        }
                        let owed = still_owed.entry(invoice.id).or_insert(invoice.payable_cents);
                        let settled = amount.cents().min(*owed).max(0);
                        *owed -= settled;
                        (settled > 0).then_some((invoice.id, settled))
                    }
                    None => None,
                };
                Ok((payment, allocation))
            },
        )
    }

    async fn write(
        txn: &DatabaseTransaction,
        prepared: Vec<Self::Prepared>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        let (payments, allocations): (Vec<_>, Vec<_>) = prepared.into_iter().unzip();
        let imported = upsert(txn, &payments, progress).await?;
        let ids = known::pairs(txn, "SELECT legacy_id, id FROM payments WHERE legacy_id IS NOT NULL").await?;
        let payment_ids: Vec<i64> =
            payments.iter().filter_map(|p| p.legacy_id.as_ref().and_then(|l| ids.get(l))).copied().collect();
        delete_where_in(txn, "payment_allocations", "payment_id", &payment_ids).await?;
        let allocations: Vec<payment_allocation::Model> = payments
            .iter()
            .zip(allocations)
            .filter_map(|(payment, allocation)| {
                let payment_id = *ids.get(payment.legacy_id.as_deref()?)?;
                let (invoice_id, amount_cents) = allocation?;
                Some(payment_allocation::Model { id: 0, payment_id, invoice_id, amount_cents })
            })
            .collect();
        insert(txn, &allocations, progress).await?;
        Ok(imported)
    }
}

pub struct Tickets;

impl Step for Tickets {
    type Row = TicketRow;
    type Prepared = ticket::Model;

    fn convert(known: &Known, rows: &[(u64, TicketRow)]) -> (Vec<ticket::Model>, Vec<Rejection>) {
        convert_rows(
            rows,
            |r| r.ticket_id.trim().to_owned(),
            |r| {
                let customer_id = known.customer(&r.customer_id)?;
                let created_at = parse::local_time("created_at", &r.created_at)?;
                let closed_at = parse::optional_local_time("closed_at", &r.closed_at)?;
                Ok(ticket::Model {
                    id: 0,
                    legacy_id: Some(parse::required("ticket_id", &r.ticket_id)?.to_owned()),
                    customer_id,
                    service_location_id: known.locations.get(&customer_id).copied(),
                    subject: parse::required("subject", &r.subject)?.to_owned(),
                    description: String::new(),
                    category: parse::required("category", &r.category)?.to_lowercase(),
                    priority: parse::one_of("priority", &r.priority, &["low", "normal", "high", "urgent"])?,
                    status: parse::one_of("status", &r.status, &["open", "pending", "resolved", "closed"])?,
                    assigned_staff_id: None,
                    created_at,
                    updated_at: closed_at.unwrap_or(created_at),
                    closed_at,
                })
            },
        )
    }

    async fn write(
        txn: &DatabaseTransaction,
        tickets: Vec<ticket::Model>,
        progress: &ProgressBar,
    ) -> Result<u64, DbErr> {
        upsert(txn, &tickets, progress).await
    }
}
