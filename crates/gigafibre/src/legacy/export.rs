//! Writing demo data the way the legacy system exported it: phones as people
//! typed them, amounts as decimals, local date-times, and the old MD5
//! password column.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::America::Toronto;
use md5::{Digest, Md5};

use super::layout::{
    CreditNoteRow, CustomerRow, InvoiceLineRow, InvoiceRow, LegacyFile, PaymentRow, PlanRow, SubscriptionRow, TicketRow,
};
use crate::billing::money::Money;
use crate::contact::phone::normalise_phone;
use crate::demo::Dataset;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot create {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(String, csv::Error),
}

/// Writes every file of the export into `dir`; returns how many files.
pub fn export(dir: &Path, data: &Dataset) -> Result<usize, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Folder(dir.display().to_string(), e))?;
    let legacy_id = |id: Option<&String>| id.cloned().unwrap_or_default();
    let plan_code =
        |plan_id: i64| data.plans.iter().find(|p| p.id == plan_id).map(|p| p.code.clone()).unwrap_or_default();
    let customer_legacy = |customer_id: i64| legacy_id(data.customers[(customer_id - 1) as usize].legacy_id.as_ref());

    write(
        dir,
        data.plans.iter().map(|p| PlanRow {
            plan_code: p.code.clone(),
            name_fr: p.name_fr.clone(),
            name_en: p.name_en.clone(),
            category: p.category.clone(),
            frequency: p.billing_frequency.clone(),
            price: money(p.price_cents),
        }),
    )?;

    write(
        dir,
        data.customers.iter().zip(&data.locations).map(|(c, l)| CustomerRow {
            customer_id: legacy_id(c.legacy_id.as_ref()),
            account_type: c.kind.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            company: c.company_name.clone().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
            billing_email: c.billing_email.clone().unwrap_or_default(),
            cell: c.cell.as_deref().map(as_typed).unwrap_or_default(),
            home_phone: c.home_phone.as_deref().map(as_typed).unwrap_or_default(),
            language: c.language.to_uppercase(),
            status: c.status.clone(),
            billing_day: c.billing_day.to_string(),
            created: local(c.created_at),
            password_md5: hex::encode(Md5::digest(format!("motdepasse{}", c.id))),
            address: l.street.clone(),
            unit: l.unit.clone().unwrap_or_default(),
            city: l.municipality.clone(),
            postal_code: l.postal_code.clone(),
            latitude: l.latitude.map(|v| format!("{v:.6}")).unwrap_or_default(),
            longitude: l.longitude.map(|v| format!("{v:.6}")).unwrap_or_default(),
        }),
    )?;

    write(
        dir,
        data.subscriptions.iter().map(|s| SubscriptionRow {
            subscription_id: legacy_id(s.legacy_id.as_ref()),
            customer_id: customer_legacy(s.customer_id),
            plan_code: plan_code(s.plan_id),
            quantity: s.quantity.to_string(),
            unit_price: money(s.unit_price_cents),
            status: s.status.clone(),
            start_date: s.start_date.to_string(),
            end_date: date(s.end_date),
        }),
    )?;

    write(
        dir,
        data.invoices.iter().map(|i| InvoiceRow {
            invoice_id: legacy_id(i.legacy_id.as_ref()),
            customer_id: customer_legacy(i.customer_id),
            number: i.number.clone(),
            status: i.status.clone(),
            issue_date: i.issue_date.to_string(),
            due_date: i.due_date.to_string(),
            period_start: date(i.period_start),
            period_end: date(i.period_end),
            subtotal: money(i.subtotal_cents),
            gst: money(i.gst_cents),
            qst: money(i.qst_cents),
            total: money(i.total_cents),
        }),
    )?;

    write(
        dir,
        data.lines.iter().map(|l| InvoiceLineRow {
            invoice_id: legacy_id(data.invoices[(l.invoice_id - 1) as usize].legacy_id.as_ref()),
            line_no: l.position.to_string(),
            subscription_id: l
                .subscription_id
                .map(|id| legacy_id(data.subscriptions[(id - 1) as usize].legacy_id.as_ref()))
                .unwrap_or_default(),
            plan_code: l.plan_id.map(plan_code).unwrap_or_default(),
            description: l.description.clone(),
            quantity: l.quantity.to_string(),
            unit_price: money(l.unit_price_cents),
            amount: money(l.amount_cents),
            period_start: date(l.period_start),
            period_end: date(l.period_end),
        }),
    )?;

    let invoice_legacy = |invoice_id: i64| legacy_id(data.invoices[(invoice_id - 1) as usize].legacy_id.as_ref());
    write(
        dir,
        data.credit_notes.iter().map(|n| CreditNoteRow {
            number: n.number.clone(),
            customer_id: customer_legacy(n.customer_id),
            invoice_id: n.invoice_id.map(invoice_legacy).unwrap_or_default(),
            reason: n.reason.clone(),
            subtotal: money(n.subtotal_cents),
            gst: money(n.gst_cents),
            qst: money(n.qst_cents),
            total: money(n.total_cents),
            issued_at: local(n.issued_at),
        }),
    )?;

    write(
        dir,
        data.payments.iter().zip(&data.allocations).map(|(p, a)| PaymentRow {
            payment_id: legacy_id(p.legacy_id.as_ref()),
            customer_id: customer_legacy(p.customer_id),
            invoice_id: legacy_id(data.invoices[(a.invoice_id - 1) as usize].legacy_id.as_ref()),
            amount: money(p.amount_cents),
            method: p.method.clone(),
            reference: p.reference.clone(),
            received_at: local(p.received_at),
        }),
    )?;

    write(
        dir,
        data.tickets.iter().map(|t| TicketRow {
            ticket_id: legacy_id(t.legacy_id.as_ref()),
            customer_id: customer_legacy(t.customer_id),
            subject: t.subject.clone(),
            category: t.category.clone(),
            priority: t.priority.clone(),
            status: t.status.clone(),
            created_at: local(t.created_at),
            closed_at: t.closed_at.map(local).unwrap_or_default(),
        }),
    )?;
    Ok(8)
}

fn write<R: LegacyFile>(dir: &Path, rows: impl Iterator<Item = R>) -> Result<(), ExportError> {
    let path = dir.join(R::FILE);
    let error = |e: csv::Error| ExportError::Write(path.display().to_string(), e);
    let mut writer = csv::Writer::from_path(&path).map_err(error)?;
    for row in rows {
        writer.serialize(row).map_err(error)?;
    }
    writer.flush().map_err(|e| error(e.into()))
}

fn money(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

fn date(day: Option<NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// The legacy system stored local time without a zone.
fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Toronto).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `(450) 555-1234`: how the old forms stored numbers.
fn as_typed(e164: &str) -> String {
    match normalise_phone(e164) {
        Ok(phone) => {
            let national = phone.national();
            format!("({}) {}", &national[..3], &national[4..])
        }
        Err(_) => e164.to_owned(),
    }
}
