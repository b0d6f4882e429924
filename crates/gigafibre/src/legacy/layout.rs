//! The legacy system's CSV export, file by file. `docs/legacy-import.md`
//! describes the same layout for people. Every field is read as text and
//! checked by the import, so that a bad value is reported, not guessed.

use serde::{Deserialize, Serialize};

/// One file of the export: its name and the columns it must have.
pub trait LegacyFile: Serialize + for<'de> Deserialize<'de> {
    const FILE: &'static str;
    const COLUMNS: &'static [&'static str];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanRow {
    pub plan_code: String,
    pub name_fr: String,
    pub name_en: String,
    pub category: String,
    pub frequency: String,
    pub price: String,
}

impl LegacyFile for PlanRow {
    const FILE: &'static str = "plans.csv";
    const COLUMNS: &'static [&'static str] = &["plan_code", "name_fr", "name_en", "category", "frequency", "price"];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerRow {
    pub customer_id: String,
    pub account_type: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub email: String,
    pub billing_email: String,
    pub cell: String,
    pub home_phone: String,
    pub language: String,
    pub status: String,
    pub billing_day: String,
    pub created: String,
    /// Unsalted MD5 of the old password. Never imported: sign-in is passwordless.
    pub password_md5: String,
    pub address: String,
    pub unit: String,
    pub city: String,
    pub postal_code: String,
    pub latitude: String,
    pub longitude: String,
}

impl LegacyFile for CustomerRow {
    const FILE: &'static str = "customers.csv";
    const COLUMNS: &'static [&'static str] = &[
        "customer_id",
        "account_type",
        "first_name",
        "last_name",
        "company",
        "email",
        "billing_email",
        "cell",
        "home_phone",
        "language",
        "status",
        "billing_day",
        "created",
        "address",
        "unit",
        "city",
        "postal_code",
        "latitude",
        "longitude",
    ];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub subscription_id: String,
    pub customer_id: String,
    pub plan_code: String,
    pub quantity: String,
    pub unit_price: String,
    pub status: String,
    pub start_date: String,
    pub end_date: String,
}

impl LegacyFile for SubscriptionRow {
    const FILE: &'static str = "subscriptions.csv";
    const COLUMNS: &'static [&'static str] =
        &["subscription_id", "customer_id", "plan_code", "quantity", "unit_price", "status", "start_date", "end_date"];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub invoice_id: String,
    pub customer_id: String,
    pub number: String,
    pub status: String,
    pub issue_date: String,
    pub due_date: String,
    pub period_start: String,
    pub period_end: String,
    pub subtotal: String,
    pub gst: String,
    pub qst: String,
    pub total: String,
}

impl LegacyFile for InvoiceRow {
    const FILE: &'static str = "invoices.csv";
    const COLUMNS: &'static [&'static str] = &[
        "invoice_id",
        "customer_id",
        "number",
        "status",
        "issue_date",
        "due_date",
        "period_start",
        "period_end",
        "subtotal",
        "gst",
        "qst",
        "total",
    ];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceLineRow {
    pub invoice_id: String,
    pub line_no: String,
    pub subscription_id: String,
    pub plan_code: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    pub period_start: String,
    pub period_end: String,
}

impl LegacyFile for InvoiceLineRow {
    const FILE: &'static str = "invoice_lines.csv";
    const COLUMNS: &'static [&'static str] = &[
        "invoice_id",
        "line_no",
        "subscription_id",
        "plan_code",
        "description",
        "quantity",
        "unit_price",
        "amount",
        "period_start",
        "period_end",
    ];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentRow {
    pub payment_id: String,
    pub customer_id: String,
    pub invoice_id: String,
    pub amount: String,
    pub method: String,
    pub reference: String,
    pub received_at: String,
}

impl LegacyFile for PaymentRow {
    const FILE: &'static str = "payments.csv";
    const COLUMNS: &'static [&'static str] =
        &["payment_id", "customer_id", "invoice_id", "amount", "method", "reference", "received_at"];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketRow {
    pub ticket_id: String,
    pub customer_id: String,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub created_at: String,
    pub closed_at: String,
}

impl LegacyFile for TicketRow {
    const FILE: &'static str = "tickets.csv";
    const COLUMNS: &'static [&'static str] =
        &["ticket_id", "customer_id", "subject", "category", "priority", "status", "created_at", "closed_at"];
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreditNoteRow {
    pub number: String,
    pub customer_id: String,
    pub invoice_id: String,
    pub reason: String,
    pub subtotal: String,
    pub gst: String,
    pub qst: String,
    pub total: String,
    pub issued_at: String,
}

impl LegacyFile for CreditNoteRow {
    const FILE: &'static str = "credit_notes.csv";
    const COLUMNS: &'static [&'static str] =
        &["number", "customer_id", "invoice_id", "reason", "subtotal", "gst", "qst", "total", "issued_at"];
}
