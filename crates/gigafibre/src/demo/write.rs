//! Writing a generated dataset into an empty database, all of it or nothing.

use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    DatabaseConnection, DbErr, EntityName, EntityTrait, IdenStatic, Iterable, ModelTrait, PaginatorTrait,
    TransactionTrait, Value,
};

use super::Dataset;
use crate::db::{BulkWriter, reset_id_sequences};
use gigafibre_db::entities::customer;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database already holds {0} customers; seed only into an empty database")]
    NotEmpty(u64),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Writes every table in one transaction: a failure half way leaves the
/// database as it was.
pub async fn write_dataset(db: &DatabaseConnection, data: &Dataset, show_progress: bool) -> Result<(), SeedError> {
    let existing = customer::Entity::find().count(db).await?;
    if existing > 0 {
        return Err(SeedError::NotEmpty(existing));
    }
    let tables = data.tables();
    let progress = if show_progress {
        ProgressBar::new(tables.iter().map(|t| t.rows.len() as u64).sum())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{msg:>22} [{bar:30}] {human_pos}/{human_len} rows ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );

    let txn = db.begin().await?;
    for table in tables {
        progress.set_message(table.name);
        BulkWriter::new(&txn, table.name, &table.columns).progress(progress.clone()).write(table.rows).await?;
    }
    reset_id_sequences(&txn, SEQUENCED_TABLES).await?;
    progress.set_message("committing");
    txn.commit().await?;
    progress.finish_and_clear();
    Ok(())
}

/// Tables whose ids the generator assigned (every table with an `id`).
const SEQUENCED_TABLES: &[&str] = &[
    "plans",
    "skills",
    "staff",
    "technicians",
    "customers",
    "contacts",
    "service_locations",
    "subscriptions",
    "equipment",
    "equipment_movements",
    "invoices",
    "invoice_lines",
    "payments",
    "payment_allocations",
    "credit_notes",
    "tickets",
    "ticket_messages",
    "dispatch_jobs",
];

/// One table's rows, every column included, ready for a bulk insert.
pub struct TableRows {
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl TableRows {
    fn of<M: ModelTrait>(models: &[M]) -> TableRows {
        let columns: Vec<<M::Entity as EntityTrait>::Column> = <M::Entity as EntityTrait>::Column::iter().collect();
        TableRows {
            name: <M::Entity as Default>::default().table_name(),
            columns: columns.iter().map(|c| c.as_str()).collect(),
            rows: models.iter().map(|model| columns.iter().map(|c| model.get(*c)).collect()).collect(),
        }
    }
}

impl Dataset {
    /// Every table, parents before children, as rows of values.
    pub fn tables(&self) -> Vec<TableRows> {
        vec![
            TableRows::of(&self.plans),
            TableRows::of(&self.skills),
            TableRows::of(&self.staff),
            TableRows::of(&self.technicians),
            TableRows::of(&self.technician_skills),
            TableRows::of(&self.customers),
            TableRows::of(&self.contacts),
            TableRows::of(&self.locations),
            TableRows::of(&self.subscriptions),
            TableRows::of(&self.equipment),
            TableRows::of(&self.movements),
            TableRows::of(&self.invoices),
            TableRows::of(&self.lines),
            TableRows::of(&self.payments),
            TableRows::of(&self.allocations),
            TableRows::of(&self.credit_notes),
            TableRows::of(&self.tickets),
            TableRows::of(&self.ticket_messages),
            TableRows::of(&self.jobs),
            TableRows::of(&self.job_skills),
        ]
    }
}
