//! `gigafibre import legacy`: reads the legacy CSV export into the database.
//!
//! Idempotent: rows are keyed by their legacy id, so a re-run updates and
//! never duplicates. Every rejected row is reported with its file, line and
//! reason, and a file with any rejected row writes nothing (each file is one
//! transaction); the files that depend on it are then skipped.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use indicatif::ProgressBar;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityName, EntityTrait, IdenStatic, Iterable,
    ModelTrait, Statement, TransactionTrait, Value,
};

use super::layout::{
    CustomerRow, InvoiceLineRow, InvoiceRow, LegacyFile, PaymentRow, PlanRow, SubscriptionRow, TicketRow,
};
use super::parse::{self, Field};
use crate::billing::balances;
use crate::db::BulkWriter;
use gigafibre_db::entities::{
    customer, invoice, invoice_line, payment, payment_allocation, plan, service_location, subscription, ticket,
};

/// One row the import refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: &'static str,
    /// 1-based line in the file (the header is line 1); 0 for the whole file.
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{} line {}: {}", self.file, self.line, self.reason)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub name: &'static str,
    pub imported: u64,
    pub rejected: Vec<Rejection>,
}

#[derive(Debug, Clone)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    /// Advanced by every row written.
    progress: ProgressBar,
}

impl ImportReport {
    pub fn is_clean(&self) -> bool {
        self.files.iter().all(|f| f.rejected.is_empty())
    }

    pub fn rejections(&self) -> impl Iterator<Item = &Rejection> {
        self.files.iter().flat_map(|f| &f.rejected)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0} is not a folder holding the legacy CSV export")]
    NoFolder(String),
    #[error("import failed and was rolled back: {0}")]
    Database(#[from] DbErr),
}

/// Imports every file of the export found in `dir`, in dependency order.
pub async fn import(db: &DatabaseConnection, dir: &Path, progress: &ProgressBar) -> Result<ImportReport, ImportError> {
    if !dir.is_dir() {
        return Err(ImportError::NoFolder(dir.display().to_string()));
    }
    let mut report = ImportReport { files: Vec::new(), progress: progress.clone() };
    import_file(db, dir, &mut report, plan_models).await?;
    let customers_ok = import_customers(db, dir, &mut report).await?;
    let subscriptions_ok = match customers_ok {
        true => import_file(db, dir, &mut report, subscription_models).await?,
        false => skip::<SubscriptionRow>(&mut report, CustomerRow::FILE),
    };
    let invoices_ok = match customers_ok {
        true => import_file(db, dir, &mut report, invoice_models).await?,
        false => skip::<InvoiceRow>(&mut report, CustomerRow::FILE),
    };
    match invoices_ok && subscriptions_ok {
        true => import_file(db, dir, &mut report, line_models).await?,
        false => skip::<InvoiceLineRow>(&mut report, InvoiceRow::FILE),
    };
    match invoices_ok {
        true => import_payments(db, dir, &mut report).await?,
        false => skip::<PaymentRow>(&mut report, InvoiceRow::FILE),
    };
    match customers_ok {
        true => import_file(db, dir, &mut report, ticket_models).await?,
        false => skip::<TicketRow>(&mut report, CustomerRow::FILE),
    };
    let txn = db.begin().await?;
    balances::recompute_all(&txn).await?;
    txn.commit().await?;
    Ok(report)
}

fn skip<R: LegacyFile>(report: &mut ImportReport, because: &'static str) -> bool {
    report.files.push(FileReport {
        name: R::FILE,
        imported: 0,
        rejected: vec![Rejection {
            file: R::FILE,
            line: 0,
            reason: format!("not imported because {because} was rejected"),
        }],
    });
    false
}

/// A file's rows with their line numbers, and the rows that could not be read.
type FileRows<R> = (Vec<(u64, R)>, Vec<Rejection>);

/// Reads a file's rows with their line numbers, and the rows that could not
/// be read. A missing file or column rejects the whole file.
fn read<R: LegacyFile>(dir: &Path) -> Result<FileRows<R>, Vec<Rejection>> {
    let whole = |reason: String| vec![Rejection { file: R::FILE, line: 0, reason }];
    let path = dir.join(R::FILE);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .flexible(true)
        .from_path(&path)
        .map_err(|e| whole(format!("cannot read {}: {e}", path.display())))?;
    let headers = reader.headers().map_err(|e| whole(format!("cannot read the header line: {e}")))?.clone();
    let missing: Vec<&str> = R::COLUMNS.iter().copied().filter(|c| !headers.iter().any(|h| h == *c)).collect();
    if !missing.is_empty() {
        return Err(whole(format!("missing column {}", missing.join(", "))));
    }
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for record in reader.records() {
        let outcome = record.map_err(|e| (e.position().map_or(0, |p| p.line()), e.to_string())).and_then(|record| {
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != headers.len() {
                let reason = format!("has {} fields where the header has {}", record.len(), headers.len());
                return Err((line, reason));
            }
            record.deserialize::<R>(Some(&headers)).map(|row| (line, row)).map_err(|e| (line, e.to_string()))
        });
        match outcome {
            Ok(row) => rows.push(row),
            Err((line, error)) => {
                rejected.push(Rejection { file: R::FILE, line, reason: format!("malformed row: {error}") })
            }
        }
    }
    Ok((rows, rejected))
}

/// The ids already in the database, by legacy id (or plan code).
#[derive(Default)]
struct Known {
    plans: HashMap<String, i64>,
    customers: HashMap<String, i64>,
    locations: HashMap<i64, i64>,
    subscriptions: HashMap<String, i64>,
    invoices: HashMap<String, (i64, i64)>,
}

impl Known {
    async fn load<C: ConnectionTrait>(conn: &C) -> Result<Known, DbErr> {
        let pairs = |sql: &'static str| async move {
            let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
            rows.into_iter()
                .map(|row| Ok((row.try_get_by_index::<String>(0)?, row.try_get_by_index::<i64>(1)?)))
                .collect::<Result<Vec<_>, DbErr>>()
        };
        let mut known = Known {
            plans: pairs("SELECT code, id FROM plans").await?.into_iter().collect(),
            customers: pairs("SELECT legacy_id, id FROM customers WHERE legacy_id IS NOT NULL")
                .await?
                .into_iter()
                .collect(),
            subscriptions: pairs("SELECT legacy_id, id FROM subscriptions WHERE legacy_id IS NOT NULL")
                .await?
                .into_iter()
                .collect(),
            ..Known::default()
        };
        let rows = conn
            .query_all_raw(Statement::from_string(
                conn.get_database_backend(),
                "SELECT legacy_id, id, customer_id FROM invoices WHERE legacy_id IS NOT NULL",
            ))
            .await?;
        for row in rows {
            known.invoices.insert(row.try_get_by_index(0)?, (row.try_get_by_index(1)?, row.try_get_by_index(2)?));
        }
        let rows = conn
            .query_all_raw(Statement::from_string(
                conn.get_database_backend(),
                "SELECT customer_id, MIN(id) FROM service_locations GROUP BY customer_id",
            ))
            .await?;
        for row in rows {
            known.locations.insert(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        }
        Ok(known)
    }

    fn customer(&self, legacy: &str) -> Field<i64> {
        self.customers.get(legacy.trim()).copied().ok_or_else(|| format!("unknown customer_id '{}'", legacy.trim()))
    }

    fn plan(&self, code: &str) -> Field<i64> {
        self.plans.get(code.trim()).copied().ok_or_else(|| format!("unknown plan_code '{}'", code.trim()))
    }

    fn invoice(&self, legacy: &str) -> Field<(i64, i64)> {
        self.invoices.get(legacy.trim()).copied().ok_or_else(|| format!("unknown invoice_id '{}'", legacy.trim()))
    }
}

/// Turns one file's rows into models: the models and the rows refused.
type Convert<R, M> = fn(&Known, &[(u64, R)]) -> (Vec<M>, Vec<Rejection>);

/// Reads, checks and writes one file whose models upsert on `legacy_id` (or
/// the key their model names).
async fn import_file<R, M>(
    db: &DatabaseConnection,
    dir: &Path,
    report: &mut ImportReport,
    convert: Convert<R, M>,
) -> Result<bool, DbErr>
where
    R: LegacyFile,
    M: ModelTrait + Keyed,
{
    let (rows, unreadable) = match read::<R>(dir) {
        Ok(read) => read,
        Err(rejected) => return Ok(reject(report, R::FILE, rejected)),
    };
    let known = Known::load(db).await?;
    let (models, rejected) = convert(&known, &rows);
    let rejected = merge(unreadable, rejected);
    if !rejected.is_empty() {
        return Ok(reject(report, R::FILE, rejected));
    }
    let txn = db.begin().await?;
    let imported = upsert(&txn, &models, &report.progress).await?;
    txn.commit().await?;
    report.files.push(FileReport { name: R::FILE, imported, rejected: Vec::new() });
    Ok(true)
}

/// All of a file's rejections in line order.
fn merge(mut unreadable: Vec<Rejection>, rejected: Vec<Rejection>) -> Vec<Rejection> {
    unreadable.extend(rejected);
    unreadable.sort_by_key(|r| r.line);
    unreadable
}

fn reject(report: &mut ImportReport, name: &'static str, rejected: Vec<Rejection>) -> bool {
    report.files.push(FileReport { name, imported: 0, rejected });
    false
}

/// How a model is matched against the rows already there, and which columns
/// an import must never overwrite (what staff edit in this system).
trait Keyed {
    const KEY: &'static [&'static str];
    const KEEP: &'static [&'static str] = &[];
}

impl Keyed for plan::Model {
    const KEY: &'static [&'static str] = &["code"];
}
impl Keyed for customer::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
    const KEEP: &'static [&'static str] = &["notes", "balance_cents"];
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
impl Keyed for invoice_line::Model {
    const KEY: &'static [&'static str] = &["invoice_id", "position"];
}
impl Keyed for payment::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
}
impl Keyed for ticket::Model {
    const KEY: &'static [&'static str] = &["legacy_id"];
    const KEEP: &'static [&'static str] = &["description", "assigned_staff_id"];
}

/// Inserts or updates models on their key; the `id` is left to the database
/// and the kept columns to what people changed since.
async fn upsert<M: ModelTrait + Keyed>(
    txn: &DatabaseTransaction,
    models: &[M],
    progress: &ProgressBar,
) -> Result<u64, DbErr> {
    let table = <M::Entity as Default>::default().table_name();
    let columns: Vec<<M::Entity as EntityTrait>::Column> =
        <M::Entity as EntityTrait>::Column::iter().filter(|c| c.as_str() != "id").collect();
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

/// Runs `convert` on each row, keeping the models and the rejections apart,
/// and refusing a second row with the same legacy id.
fn convert_rows<R, M>(
    rows: &[(u64, R)],
    legacy_id: impl Fn(&R) -> String,
    convert: impl Fn(&R) -> Field<M>,
) -> (Vec<M>, Vec<Rejection>)
where
    R: LegacyFile,
{
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut models = Vec::with_capacity(rows.len());
    let mut rejected = Vec::new();
    for (line, row) in rows {
        let id = legacy_id(row);
        if let Some(first) = seen.get(&id) {
            rejected.push(Rejection {
                file: R::FILE,
                line: *line,
                reason: format!("duplicate id '{id}' (first on line {first})"),
            });
            continue;
        }
        seen.insert(id, *line);
        match convert(row) {
            Ok(model) => models.push(model),
            Err(reason) => rejected.push(Rejection { file: R::FILE, line: *line, reason }),
        }
    }
    (models, rejected)
}

fn plan_models(_: &Known, rows: &[(u64, PlanRow)]) -> (Vec<plan::Model>, Vec<Rejection>) {
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
                price_cents: non_negative("price", parse::money("price", &r.price)?.cents())?,
                taxable: true,
                active: true,
                created_at: chrono::DateTime::UNIX_EPOCH,
            })
        },
    )
}

async fn import_customers(db: &DatabaseConnection, dir: &Path, report: &mut ImportReport) -> Result<bool, DbErr> {
    let (rows, unreadable) = match read::<CustomerRow>(dir) {
        Ok(read) => read,
        Err(rejected) => return Ok(reject(report, CustomerRow::FILE, rejected)),
    };
    let (customers, rejected) = convert_rows(&rows, |r| r.customer_id.trim().to_owned(), customer_model);
    let rejected = merge(unreadable, rejected);
    if !rejected.is_empty() {
        return Ok(reject(report, CustomerRow::FILE, rejected));
    }
    let txn = db.begin().await?;
    let imported = upsert(&txn, &customers, &report.progress).await?;
    // Each legacy customer had one address: it becomes their service location.
    let known = Known::load(&txn).await?;
    let mut locations = Vec::with_capacity(rows.len());
    for (_, row) in &rows {
        let Ok(customer_id) = known.customer(&row.customer_id) else { continue };
        locations.push(service_location::Model {
            id: 0,
            customer_id,
            legacy_id: Some(row.customer_id.trim().to_owned()),
            street: row.address.trim().to_owned(),
            unit: parse::optional(&row.unit),
            municipality: row.city.trim().to_owned(),
            province: "QC".into(),
            postal_code: row.postal_code.trim().to_uppercase(),
            latitude: parse::coordinate("latitude", &row.latitude, -90.0..=90.0).ok().flatten(),
            longitude: parse::coordinate("longitude", &row.longitude, -180.0..=180.0).ok().flatten(),
            fibre_drop: None,
            olt_port: None,
            created_at: parse::local_time("created", &row.created).unwrap_or(chrono::DateTime::UNIX_EPOCH),
        });
    }
    upsert(&txn, &locations, &report.progress).await?;
    txn.commit().await?;
    report.files.push(FileReport { name: CustomerRow::FILE, imported, rejected: Vec::new() });
    Ok(true)
}

fn customer_model(r: &CustomerRow) -> Field<customer::Model> {
    let legacy = parse::required("customer_id", &r.customer_id)?.to_owned();
    let billing_day = parse::integer("billing_day", &r.billing_day)?;
    if !(1..=28).contains(&billing_day) {
        return Err(format!("billing_day {billing_day} is outside 1 to 28"));
    }
    let language = match crate::i18n::Lang::from_code(&r.language) {
        Some(lang) => lang.code().to_owned(),
        None => return Err(format!("language '{}' is neither FR nor EN", r.language.trim())),
    };
    if r.last_name.trim().is_empty() && r.company.trim().is_empty() {
        return Err("last_name and company are both empty".into());
    }
    parse::coordinate("latitude", &r.latitude, -90.0..=90.0)?;
    parse::coordinate("longitude", &r.longitude, -180.0..=180.0)?;
    parse::required("address", &r.address)?;
    parse::required("city", &r.city)?;
    let created = parse::local_time("created", &r.created)?;
    Ok(customer::Model {
        id: 0,
        account_number: format!("L{legacy}"),
        legacy_id: Some(legacy),
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
        created_at: created,
        updated_at: created,
    })
}

fn subscription_models(known: &Known, rows: &[(u64, SubscriptionRow)]) -> (Vec<subscription::Model>, Vec<Rejection>) {
    convert_rows(
        rows,
        |r| r.subscription_id.trim().to_owned(),
        |r| {
            let customer_id = known.customer(&r.customer_id)?;
            let quantity = parse::integer("quantity", &r.quantity)?;
            if !(1..=1000).contains(&quantity) {
                return Err(format!("quantity {quantity} is outside 1 to 1000"));
            }
            let start_date = parse::date("start_date", &r.start_date)?;
            let end_date = parse::optional_date("end_date", &r.end_date)?;
            if end_date.is_some_and(|end| end < start_date) {
                return Err("end_date is before start_date".into());
            }
            let created_at = start_date.and_time(chrono::NaiveTime::MIN).and_utc();
            Ok(subscription::Model {
                id: 0,
                legacy_id: Some(parse::required("subscription_id", &r.subscription_id)?.to_owned()),
                customer_id,
                service_location_id: known.locations.get(&customer_id).copied(),
                plan_id: known.plan(&r.plan_code)?,
                quantity: quantity as i32,
                unit_price_cents: non_negative("unit_price", parse::money("unit_price", &r.unit_price)?.cents())?,
                status: parse::one_of("status", &r.status, &["active", "paused", "cancelled"])?,
                start_date,
                end_date,
                created_at,
                updated_at: created_at,
            })
        },
    )
}

fn invoice_models(known: &Known, rows: &[(u64, InvoiceRow)]) -> (Vec<invoice::Model>, Vec<Rejection>) {
    let (models, mut rejected) = convert_rows(
        rows,
        |r| r.invoice_id.trim().to_owned(),
        |r| {
            let subtotal = parse::money("subtotal", &r.subtotal)?;
            let gst = parse::money("gst", &r.gst)?;
            let qst = parse::money("qst", &r.qst)?;
            let total = parse::money("total", &r.total)?;
            if subtotal + gst + qst != total {
                return Err(format!("total {total} is not subtotal + GST + QST = {}", subtotal + gst + qst));
            }
            let issue_date = parse::date("issue_date", &r.issue_date)?;
            Ok(invoice::Model {
                id: 0,
                number: parse::required("number", &r.number)?.to_owned(),
                legacy_id: Some(parse::required("invoice_id", &r.invoice_id)?.to_owned()),
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
                created_at: issue_date.and_time(chrono::NaiveTime::MIN).and_utc(),
            })
        },
    );
    // Invoice numbers are unique too: name both lines of a repeated number.
    let mut numbers: HashMap<&str, u64> = HashMap::new();
    for (line, row) in rows {
        if let Some(first) = numbers.insert(row.number.trim(), *line) {
            rejected.push(Rejection {
                file: InvoiceRow::FILE,
                line: *line,
                reason: format!("duplicate number '{}' (first on line {first})", row.number.trim()),
            });
        }
    }
    (models, rejected)
}

fn line_models(known: &Known, rows: &[(u64, InvoiceLineRow)]) -> (Vec<invoice_line::Model>, Vec<Rejection>) {
    convert_rows(
        rows,
        |r| format!("{}/{}", r.invoice_id.trim(), r.line_no.trim()),
        |r| {
            let (invoice_id, _) = known.invoice(&r.invoice_id)?;
            let quantity = parse::integer("quantity", &r.quantity)?;
            let unit_price = parse::money("unit_price", &r.unit_price)?;
            let amount = parse::money("amount", &r.amount)?;
            if amount.cents() != unit_price.cents() * quantity {
                return Err(format!("amount {amount} is not quantity × unit_price"));
            }
            let subscription_id = match parse::optional(&r.subscription_id) {
                Some(legacy) => Some(
                    known
                        .subscriptions
                        .get(&legacy)
                        .copied()
                        .ok_or_else(|| format!("unknown subscription_id '{legacy}'"))?,
                ),
                None => None,
            };
            let plan_id = match parse::optional(&r.plan_code) {
                Some(code) => Some(known.plan(&code)?),
                None => None,
            };
            Ok(invoice_line::Model {
                id: 0,
                invoice_id,
                position: parse::integer("line_no", &r.line_no)? as i32,
                subscription_id,
                plan_id,
                description: parse::required("description", &r.description)?.to_owned(),
                quantity: quantity as i32,
                unit_price_cents: unit_price.cents(),
                amount_cents: amount.cents(),
                period_start: parse::optional_date("period_start", &r.period_start)?,
                period_end: parse::optional_date("period_end", &r.period_end)?,
            })
        },
    )
}

/// Payments, and their allocation to the invoice each one paid.
async fn import_payments(db: &DatabaseConnection, dir: &Path, report: &mut ImportReport) -> Result<bool, DbErr> {
    let (rows, unreadable) = match read::<PaymentRow>(dir) {
        Ok(read) => read,
        Err(rejected) => return Ok(reject(report, PaymentRow::FILE, rejected)),
    };
    let known = Known::load(db).await?;
    let mut paid_invoice: HashMap<String, (i64, i64)> = HashMap::new();
    let (payments, rejected) = convert_rows(
        &rows,
        |r| r.payment_id.trim().to_owned(),
        |r| {
            let legacy = parse::required("payment_id", &r.payment_id)?.to_owned();
            let customer_id = known.customer(&r.customer_id)?;
            let amount = parse::money("amount", &r.amount)?;
            if amount.cents() <= 0 {
                return Err(format!("amount {amount} is not positive"));
            }
            if let Some(invoice) = parse::optional(&r.invoice_id) {
                let (_, invoice_customer) = known.invoice(&invoice)?;
                if invoice_customer != customer_id {
                    return Err(format!("invoice_id '{invoice}' belongs to another customer"));
                }
            }
            let received_at = parse::local_time("received_at", &r.received_at)?;
            Ok(payment::Model {
                id: 0,
                legacy_id: Some(legacy),
                customer_id,
                amount_cents: amount.cents(),
                method: parse::one_of("method", &r.method, &["cash", "cheque", "interac", "bank", "card"])?,
                reference: r.reference.trim().to_owned(),
                received_at,
                created_at: received_at,
            })
        },
    );
    let rejected = merge(unreadable, rejected);
    if !rejected.is_empty() {
        return Ok(reject(report, PaymentRow::FILE, rejected));
    }
    for (_, row) in &rows {
        if let (Some(invoice), Ok(amount)) = (parse::optional(&row.invoice_id), parse::money("amount", &row.amount))
            && let Ok((invoice_id, _)) = known.invoice(&invoice)
        {
            paid_invoice.insert(row.payment_id.trim().to_owned(), (invoice_id, amount.cents()));
        }
    }
    let txn = db.begin().await?;
    let imported = upsert(&txn, &payments, &report.progress).await?;
    // Allocations follow the file: clear those of these payments, then write.
    let ids = legacy_payment_ids(&txn).await?;
    let payment_ids: Vec<i64> =
        payments.iter().filter_map(|p| p.legacy_id.as_ref().and_then(|legacy| ids.get(legacy)).copied()).collect();
    for chunk in payment_ids.chunks(10_000) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        txn.execute_unprepared(&format!("DELETE FROM payment_allocations WHERE payment_id IN ({})", list.join(",")))
            .await?;
    }
    let allocations: Vec<payment_allocation::Model> = paid_invoice
        .iter()
        .filter_map(|(legacy, (invoice_id, amount))| {
            ids.get(legacy).map(|payment_id| payment_allocation::Model {
                id: 0,
                payment_id: *payment_id,
                invoice_id: *invoice_id,
                amount_cents: *amount,
            })
        })
        .collect();
    let columns = ["payment_id", "invoice_id", "amount_cents"];
    let rows = allocations.iter().map(|a| vec![a.payment_id.into(), a.invoice_id.into(), a.amount_cents.into()]);
    BulkWriter::new(&txn, "payment_allocations", &columns).write(rows).await?;
    txn.commit().await?;
    report.files.push(FileReport { name: PaymentRow::FILE, imported, rejected: Vec::new() });
    Ok(true)
}

async fn legacy_payment_ids<C: ConnectionTrait>(conn: &C) -> Result<HashMap<String, i64>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT legacy_id, id FROM payments WHERE legacy_id IS NOT NULL",
        ))
        .await?;
    rows.into_iter().map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))).collect()
}

fn ticket_models(known: &Known, rows: &[(u64, TicketRow)]) -> (Vec<ticket::Model>, Vec<Rejection>) {
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

fn non_negative(name: &str, cents: i64) -> Field<i64> {
    if cents < 0 { Err(format!("{name} is negative")) } else { Ok(cents) }
}
