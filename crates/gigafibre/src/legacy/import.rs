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
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};

use super::known::Known;
use super::layout::{CreditNoteRow, CustomerRow, InvoiceRow, LegacyFile, PlanRow, SubscriptionRow};
use super::parse::Field;
use super::steps::{Credits, Customers, Invoices, Lines, Payments, Plans, Subscriptions, Tickets};
use crate::billing::balances;

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
    #[error("the import failed and was rolled back, nothing changed: {0}")]
    Database(#[from] DbErr),
}

/// Imports every file of the export found in `dir`, in dependency order,
/// in one transaction: any rejected row leaves the database as it was.
pub async fn import(db: &DatabaseConnection, dir: &Path, progress: &ProgressBar) -> Result<ImportReport, ImportError> {
    if !dir.is_dir() {
        return Err(ImportError::NoFolder(dir.display().to_string()));
    }
    let mut report = ImportReport { files: Vec::new(), progress: progress.clone() };
    let txn = crate::db::begin_write(db).await?;
    let plans = step::<Plans>(&txn, dir, &mut report, &[]).await?;
    let customers = step::<Customers>(&txn, dir, &mut report, &[]).await?;
    let subscriptions =
        step::<Subscriptions>(&txn, dir, &mut report, &[(customers, CustomerRow::FILE), (plans, PlanRow::FILE)])
            .await?;
    let invoices = step::<Invoices>(&txn, dir, &mut report, &[(customers, CustomerRow::FILE)]).await?;
    let invoices_and_subscriptions = [(invoices, InvoiceRow::FILE), (subscriptions, SubscriptionRow::FILE)];
    step::<Lines>(&txn, dir, &mut report, &invoices_and_subscriptions).await?;
    let credits = step::<Credits>(&txn, dir, &mut report, &[(invoices, InvoiceRow::FILE)]).await?;
    step::<Payments>(&txn, dir, &mut report, &[(invoices, InvoiceRow::FILE), (credits, CreditNoteRow::FILE)]).await?;
    step::<Tickets>(&txn, dir, &mut report, &[(customers, CustomerRow::FILE)]).await?;
    if report.is_clean() {
        balances::recompute_all(&txn).await?;
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(report)
}

/// One file of the import: how its rows become models, and how they are
/// written.
pub trait Step {
    type Row: LegacyFile;
    type Prepared;
    fn convert(known: &Known, rows: &[(u64, Self::Row)]) -> (Vec<Self::Prepared>, Vec<Rejection>);
    fn write(
        txn: &DatabaseTransaction,
        prepared: Vec<Self::Prepared>,
        progress: &ProgressBar,
    ) -> impl Future<Output = Result<u64, DbErr>>;
}

/// Reads, checks and writes one file, unless a file it depends on was
/// rejected. Returns whether the file went in.
async fn step<S: Step>(
    txn: &DatabaseTransaction,
    dir: &Path,
    report: &mut ImportReport,
    depends_on: &[(bool, &'static str)],
) -> Result<bool, DbErr> {
    let file = S::Row::FILE;
    if let Some((_, because)) = depends_on.iter().find(|(ok, _)| !ok) {
        let reason = format!("not imported because {because} was rejected");
        return Ok(reject(report, file, vec![Rejection { file, line: 0, reason }]));
    }
    let (rows, unreadable) = match read::<S::Row>(dir) {
        Ok(read) => read,
        Err(rejected) => return Ok(reject(report, file, rejected)),
    };
    let known = Known::load(txn).await?;
    let (prepared, rejected) = S::convert(&known, &rows);
    let rejected = merge(unreadable, rejected);
    if !rejected.is_empty() {
        return Ok(reject(report, file, rejected));
    }
    let imported = S::write(txn, prepared, &report.progress).await?;
    report.files.push(FileReport { name: file, imported, rejected: Vec::new() });
    Ok(true)
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

/// Runs `convert` on each row, keeping the models and the rejections apart,
/// and refusing a second row with the same legacy id.
pub fn convert_rows<R, M>(
    rows: &[(u64, R)],
    legacy_id: impl Fn(&R) -> String,
    mut convert: impl FnMut(&R) -> Field<M>,
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
