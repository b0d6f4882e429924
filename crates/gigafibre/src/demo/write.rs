//! Writing a generated dataset into an empty database, all of it or nothing.

use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityName, EntityTrait, IdenStatic, Iterable, ModelTrait,
    PaginatorTrait, TransactionTrait,
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
    let progress = if show_progress { ProgressBar::new(row_count(data)) } else { ProgressBar::hidden() };
    progress.set_style(
        ProgressStyle::with_template("{msg:>22} [{bar:30}] {human_pos}/{human_len} rows ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );

    let txn = db.begin().await?;
    insert(&txn, &progress, &data.plans).await?;
    insert(&txn, &progress, &data.skills).await?;
    insert(&txn, &progress, &data.staff).await?;
    insert(&txn, &progress, &data.technicians).await?;
    insert(&txn, &progress, &data.technician_skills).await?;
    insert(&txn, &progress, &data.customers).await?;
    insert(&txn, &progress, &data.contacts).await?;
    insert(&txn, &progress, &data.locations).await?;
    insert(&txn, &progress, &data.subscriptions).await?;
    insert(&txn, &progress, &data.equipment).await?;
    insert(&txn, &progress, &data.movements).await?;
    insert(&txn, &progress, &data.invoices).await?;
    insert(&txn, &progress, &data.lines).await?;
    insert(&txn, &progress, &data.payments).await?;
    insert(&txn, &progress, &data.allocations).await?;
    insert(&txn, &progress, &data.credit_notes).await?;
    insert(&txn, &progress, &data.tickets).await?;
    insert(&txn, &progress, &data.ticket_messages).await?;
    insert(&txn, &progress, &data.jobs).await?;
    insert(&txn, &progress, &data.job_skills).await?;
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

/// Inserts models of one entity with every column, ids included.
pub async fn insert<M, C>(conn: &C, progress: &ProgressBar, models: &[M]) -> Result<u64, DbErr>
where
    M: ModelTrait,
    C: ConnectionTrait,
{
    let entity = <M::Entity as Default>::default();
    let table = entity.table_name();
    progress.set_message(table);
    let columns: Vec<&'static str> = <M::Entity as EntityTrait>::Column::iter().map(|c| c.as_str()).collect();
    let rows = models.iter().map(|model| <M::Entity as EntityTrait>::Column::iter().map(|c| model.get(c)).collect());
    BulkWriter::new(conn, table, &columns).progress(progress.clone()).write(rows).await
}

fn row_count(data: &Dataset) -> u64 {
    [
        data.plans.len(),
        data.skills.len(),
        data.staff.len(),
        data.technicians.len(),
        data.technician_skills.len(),
        data.customers.len(),
        data.contacts.len(),
        data.locations.len(),
        data.subscriptions.len(),
        data.equipment.len(),
        data.movements.len(),
        data.invoices.len(),
        data.lines.len(),
        data.payments.len(),
        data.allocations.len(),
        data.credit_notes.len(),
        data.tickets.len(),
        data.ticket_messages.len(),
        data.jobs.len(),
        data.job_skills.len(),
    ]
    .iter()
    .sum::<usize>() as u64
}
