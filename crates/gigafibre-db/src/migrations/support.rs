//! Small helpers shared by the migrations: foreign keys and indexes read the
//! same everywhere.

use sea_orm_migration::prelude::*;

/// A foreign key from `table.column` to `parent.id`, refusing the delete of a
/// parent that still has children.
pub fn fk(table: impl IntoIden, column: impl IntoIden, parent: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(table)
        .from_col(column)
        .to_tbl(parent)
        .to_col(Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A foreign key whose child rows go away with the parent (lines of an invoice,
/// messages of a ticket).
pub fn fk_cascade(table: impl IntoIden, column: impl IntoIden, parent: impl IntoIden) -> ForeignKeyCreateStatement {
    fk(table, column, parent).on_delete(ForeignKeyAction::Cascade).to_owned()
}

/// A plain index named `idx_<table>_<columns>`.
pub fn index<T, C>(table: T, columns: &[C]) -> IndexCreateStatement
where
    T: IntoIden + Clone,
    C: IntoIden + Clone,
{
    let table_name = table.clone().into_iden().to_string();
    let mut name = format!("idx_{table_name}");
    let mut statement = Index::create();
    statement.table(table);
    for column in columns {
        name.push('_');
        name.push_str(&column.clone().into_iden().to_string());
        statement.col(column.clone());
    }
    statement.name(name).to_owned()
}

/// A unique index named `uq_<table>_<columns>`.
pub fn unique<T, C>(table: T, columns: &[C]) -> IndexCreateStatement
where
    T: IntoIden + Clone,
    C: IntoIden + Clone,
{
    let mut statement = index(table, columns);
    let name = statement.get_index_spec().get_name().unwrap_or_default().replacen("idx_", "uq_", 1);
    statement.name(name).unique().to_owned()
}

/// Creates every index in order.
pub async fn create_indexes(manager: &SchemaManager<'_>, indexes: Vec<IndexCreateStatement>) -> Result<(), DbErr> {
    for statement in indexes {
        manager.create_index(statement).await?;
    }
    Ok(())
}
