//! Ticking the job type's checklist: each line's state is kept with who
//! changed it last and when. The checklist is a record, not a gate: a job
//! completes with lines unticked.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::job_checklist_item::{self, Column, Entity};
use gigafibre_db::entities::{dispatch_job, job_type};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::ensure_open;
use super::error::SiteError;
use crate::audit::{self, Actor, Change};
use crate::dispatch::job_types;
use crate::i18n::Lang;

/// A line as the API answers it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Ticked {
    pub job_id: i64,
    pub index: usize,
    pub text: String,
    pub checked: bool,
    pub changed_at: DateTime<Utc>,
}

/// The job's type, if it still exists.
pub async fn type_of<C: ConnectionTrait>(
    conn: &C,
    job: &dispatch_job::Model,
) -> Result<Option<job_type::Model>, DbErr> {
    job_types::by_code(conn, &job.job_type).await
}

/// Ticks (or unticks) line `index` of the job's checklist.
pub async fn set<C: ConnectionTrait>(
    conn: &C,
    job: &dispatch_job::Model,
    (index, checked): (usize, bool),
    lang: Lang,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Ticked, SiteError> {
    ensure_open(job)?;
    let kind = type_of(conn, job).await?;
    let lines = kind.map(|k| job_types::checklist(&k, lang)).unwrap_or_default();
    let text = lines.get(index).ok_or(SiteError::UnknownItem)?.clone();
    let position = i32::try_from(index).map_err(|_| SiteError::UnknownItem)?;
    let row = job_checklist_item::ActiveModel {
        id: NotSet,
        job_id: Set(job.id),
        item_index: Set(position),
        item_text: Set(text.clone()),
        checked: Set(checked),
        changed_by: Set(actor.label.clone()),
        changed_at: Set(now),
    };
    let update = [Column::ItemText, Column::Checked, Column::ChangedBy, Column::ChangedAt];
    let upsert = OnConflict::columns([Column::JobId, Column::ItemIndex]).update_columns(update).to_owned();
    Entity::insert(row).on_conflict(upsert).exec_without_returning(conn).await?;
    let after = json!({ "index": index, "item": text, "checked": checked });
    let change = Change {
        action: "job_checklist_ticked",
        entity: "job_checklist",
        entity_id: Some(job.id),
        before: json!({}),
        after,
    };
    audit::record(conn, actor, change, now).await?;
    Ok(Ticked { job_id: job.id, index, text, checked, changed_at: now })
}

/// The states kept for a job's lines, by line.
pub async fn states<C: ConnectionTrait>(conn: &C, job_id: i64) -> Result<Vec<job_checklist_item::Model>, DbErr> {
    Entity::find().filter(Column::JobId.eq(job_id)).order_by_asc(Column::ItemIndex).all(conn).await
}
