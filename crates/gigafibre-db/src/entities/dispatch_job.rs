//! A visit by a technician: what, where, how long, when, by whom.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dispatch_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub customer_id: i64,
    pub service_location_id: i64,
    /// `installation`, `repair`, `equipment_swap`, `site_survey`, …
    pub job_type: String,
    pub duration_minutes: i32,
    pub priority: String,
    /// `unscheduled`, `scheduled`, `en_route`, `on_site`, `done`, `cancelled`
    /// or `not_completed`.
    pub status: String,
    pub technician_id: Option<i64>,
    pub scheduled_start: Option<DateTimeUtc>,
    pub scheduled_end: Option<DateTimeUtc>,
    /// The customer's time window.
    pub window_start: Option<DateTimeUtc>,
    pub window_end: Option<DateTimeUtc>,
    /// What was done, as the technician or dispatcher wrote it.
    pub outcome_note: String,
    /// Why the job was cancelled or could not be completed.
    pub outcome_reason: Option<String>,
    /// Completed, but the technician said the ticket's problem remains.
    pub ticket_left_open: bool,
    pub completed_at: Option<DateTimeUtc>,
    /// Bumped by every change: a write that carries an older one is refused.
    pub version: i32,
    /// The local day of the visit whose day-before reminder went out.
    pub reminded_for: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Pinned by a dispatcher: planning never moves it.
    pub locked: bool,
}

impl ActiveModelBehavior for ActiveModel {}
