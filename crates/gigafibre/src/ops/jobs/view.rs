//! What a job's page shows, read from the database and put in the reader's
//! words: the visit, the customer and address, the ticket, the skills, the
//! equipment, and the job's history from the audit log.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{
    audit_entry, customer, dispatch_job, equipment, equipment_movement, job_required_skill, service_location, skill,
    staff, technician, ticket,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::dispatch::notices::{address, spoken_day, spoken_time};
use crate::dispatch::status::Status;
use crate::dispatch::{job_types, transitions};
use crate::i18n::{Lang, Messages, local_time};
use crate::ops::dashboard::display_name;

pub struct TicketLink {
    pub id: i64,
    pub subject: String,
    pub status: String,
}

pub struct DeviceRow {
    pub serial: String,
    pub model: String,
    pub kind: String,
}

pub struct MoveRow {
    pub at: String,
    pub serial: String,
    pub from: String,
    pub to: String,
}

pub struct HistoryRow {
    pub at: String,
    pub who: String,
    /// The status the job took (a catalogue code), or `created`.
    pub status: String,
    pub detail: String,
}

/// A job as its page shows it.
pub struct JobView {
    pub id: i64,
    pub version: i32,
    pub type_name: String,
    pub status: String,
    pub duration: i32,
    pub priority: String,
    pub window: Option<String>,
    pub booked: Option<String>,
    pub technician: Option<String>,
    pub customer_id: i64,
    pub customer_name: String,
    pub account: String,
    pub cell: Option<String>,
    pub address: String,
    pub ticket: Option<TicketLink>,
    pub skills: Vec<(String, i16)>,
    pub requires_signature: bool,
    pub outcome_note: String,
    pub outcome_reason: Option<String>,
    pub ticket_left_open: bool,
    pub completed: Option<String>,
    pub equipment_here: Vec<DeviceRow>,
    pub moves: Vec<MoveRow>,
    pub history: Vec<HistoryRow>,
    pub can_complete: bool,
    pub can_stop: bool,
    pub can_cancel: bool,
}

/// `mardi 1 décembre, 8 h 00 – 12 h 00`.
pub fn span(lang: Lang, from: DateTime<Utc>, until: Option<DateTime<Utc>>) -> String {
    let start = format!("{}, {}", spoken_day(lang, from), spoken_time(lang, from));
    match until {
        Some(until) => format!("{start} – {}", spoken_time(lang, until)),
        None => start,
    }
}

pub async fn load(db: &DatabaseConnection, lang: Lang, id: i64) -> Result<Option<JobView>, DbErr> {
    let Some(job) = dispatch_job::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let Some(client) = customer::Entity::find_by_id(job.customer_id).one(db).await? else { return Ok(None) };
    let location = service_location::Entity::find_by_id(job.service_location_id).one(db).await?;
    let kind = job_types::by_code(db, &job.job_type).await?;
    let technician = match job.technician_id {
        Some(tid) => technician::Entity::find_by_id(tid).one(db).await?.map(|t| t.name),
        None => None,
    };
    let ticket = match job.ticket_id {
        Some(tid) => ticket::Entity::find_by_id(tid).one(db).await?.map(|t| TicketLink {
            id: t.id,
            subject: t.subject,
            status: t.status,
        }),
        None => None,
    };
    let status = transitions::current(&job);
    Ok(Some(JobView {
        id: job.id,
        version: job.version,
        type_name: kind.as_ref().map_or_else(|| job.job_type.clone(), |k| job_types::name(k, lang).to_owned()),
        status: job.status.clone(),
        duration: job.duration_minutes,
        priority: job.priority.clone(),
        window: job.window_start.map(|from| span(lang, from, job.window_end)),
        booked: job.scheduled_start.map(|from| span(lang, from, job.scheduled_end)),
        technician,
        customer_id: client.id,
        customer_name: display_name(&client),
        account: client.account_number.clone(),
        cell: client.cell.clone(),
        address: location.as_ref().map(address).unwrap_or_default(),
        ticket,
        skills: skills(db, lang, id).await?,
        requires_signature: kind.as_ref().is_some_and(|k| k.requires_signature),
        outcome_note: job.outcome_note.clone(),
        outcome_reason: job.outcome_reason.clone(),
        ticket_left_open: job.ticket_left_open,
        completed: job.completed_at.map(|at| local_time(lang, at)),
        equipment_here: equipment_here(db, &job).await?,
        moves: moves(db, lang, id).await?,
        history: history(db, lang, id).await?,
        can_complete: status.can_become(Status::Done),
        can_stop: status.can_become(Status::NotCompleted),
        can_cancel: status.can_become(Status::Cancelled),
    }))
}

async fn skills(db: &DatabaseConnection, lang: Lang, job_id: i64) -> Result<Vec<(String, i16)>, DbErr> {
    let needs = job_required_skill::Entity::find().filter(job_required_skill::Column::JobId.eq(job_id)).all(db).await?;
    let ids: Vec<i64> = needs.iter().map(|n| n.skill_id).collect();
    let known = skill::Entity::find().filter(skill::Column::Id.is_in(ids)).all(db).await?;
    Ok(needs
        .into_iter()
        .filter_map(|need| {
            let found = known.iter().find(|s| s.id == need.skill_id)?;
            let name = if lang == Lang::Fr { &found.name_fr } else { &found.name_en };
            Some((name.clone(), need.min_level))
        })
        .collect())
}

/// The devices in service at the job's address for its customer.
async fn equipment_here(db: &DatabaseConnection, job: &dispatch_job::Model) -> Result<Vec<DeviceRow>, DbErr> {
    let rows = equipment::Entity::find()
        .filter(equipment::Column::CustomerId.eq(job.customer_id))
        .filter(equipment::Column::ServiceLocationId.eq(job.service_location_id))
        .order_by_asc(equipment::Column::Kind)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|d| DeviceRow { serial: d.serial, model: d.model, kind: d.kind }).collect())
}

/// The devices this job moved, in order.
async fn moves(db: &DatabaseConnection, lang: Lang, job_id: i64) -> Result<Vec<MoveRow>, DbErr> {
    let rows = equipment_movement::Entity::find()
        .filter(equipment_movement::Column::JobId.eq(job_id))
        .order_by_asc(equipment_movement::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|m| m.equipment_id).collect();
    let devices = equipment::Entity::find().filter(equipment::Column::Id.is_in(ids)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|m| MoveRow {
            at: local_time(lang, m.at),
            serial: devices.iter().find(|d| d.id == m.equipment_id).map(|d| d.serial.clone()).unwrap_or_default(),
            from: m.from_status.unwrap_or_default(),
            to: m.to_status,
        })
        .collect())
}

/// The job's history, oldest first: its creation and each status it took.
async fn history(db: &DatabaseConnection, lang: Lang, job_id: i64) -> Result<Vec<HistoryRow>, DbErr> {
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("dispatch_job"))
        .filter(audit_entry::Column::EntityId.eq(job_id))
        .order_by_asc(audit_entry::Column::At)
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await?;
    let staff_ids: Vec<i64> = entries.iter().filter(|e| e.actor_kind == "staff").filter_map(|e| e.actor_id).collect();
    let members = staff::Entity::find().filter(staff::Column::Id.is_in(staff_ids)).all(db).await?;
    let m = Messages::new(lang);
    Ok(entries
        .into_iter()
        .map(|entry| {
            let after: serde_json::Value =
                entry.after.as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
            let status = if entry.action == "job_created" {
                "created".to_owned()
            } else {
                after["status"].as_str().unwrap_or_default().to_owned()
            };
            let detail = after["reason"].as_str().or(after["note"].as_str()).unwrap_or_default().to_owned();
            let member = members.iter().find(|s| entry.actor_kind == "staff" && Some(s.id) == entry.actor_id);
            let who = match member {
                Some(member) => member.name.clone(),
                None if entry.actor_kind == "system" => m.t("ops.jobs.history.system").to_owned(),
                None => entry.actor_label,
            };
            HistoryRow { at: local_time(lang, entry.at), who, status, detail }
        })
        .collect())
}

/// A job as a ticket's or a customer's page lists it.
pub struct JobLink {
    pub id: i64,
    pub type_name: String,
    pub status: String,
    /// When it is booked, else the customer's window; empty when neither.
    pub when: String,
    pub technician: String,
}

/// The jobs of a ticket, newest first.
pub async fn for_ticket(db: &DatabaseConnection, lang: Lang, ticket_id: i64) -> Result<Vec<JobLink>, DbErr> {
    let jobs = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::TicketId.eq(ticket_id))
        .order_by_desc(dispatch_job::Column::Id)
        .all(db)
        .await?;
    links(db, lang, jobs).await
}

/// The jobs in the words of a list: type name, when, technician.
pub async fn links(db: &DatabaseConnection, lang: Lang, jobs: Vec<dispatch_job::Model>) -> Result<Vec<JobLink>, DbErr> {
    let types = job_types::active(db).await?;
    let technician_ids: Vec<i64> = jobs.iter().filter_map(|j| j.technician_id).collect();
    let technicians = technician::Entity::find().filter(technician::Column::Id.is_in(technician_ids)).all(db).await?;
    Ok(jobs
        .into_iter()
        .map(|job| JobLink {
            id: job.id,
            type_name: job_types::name_of(&types, &job.job_type, lang).to_owned(),
            when: job
                .scheduled_start
                .map(|at| span(lang, at, job.scheduled_end))
                .or(job.window_start.map(|at| span(lang, at, job.window_end)))
                .unwrap_or_default(),
            technician: job
                .technician_id
                .and_then(|id| technicians.iter().find(|t| t.id == id))
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            status: job.status,
        })
        .collect())
}
