//! The database of Gigafibre FSM: one schema and one set of entities that
//! serve both SQLite (the embedded default) and PostgreSQL.
//!
//! Kept in its own crate because the derive-heavy code here is slow to
//! compile and changes rarely.

pub mod entities;
pub mod migrations;

pub use migrations::Migrator;
pub use sea_orm;
pub use sea_orm_migration::MigratorTrait;

/// Changes whenever a migration file is added or edited.
pub const SCHEMA_FINGERPRINT: &str = env!("GIGAFIBRE_SCHEMA_FINGERPRINT");
