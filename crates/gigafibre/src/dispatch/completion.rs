//! Completing a job: what was done, the devices removed and installed (a
//! swap is both), and the ticket it came from closed, or left open when the
//! technician says the problem remains. All of it in the caller's one
//! transaction: either everything is recorded or nothing is.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{dispatch_job, equipment};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::JobError;
use super::status::Status;
use super::store::{self, Locked};
use super::ticket_link;
use super::transitions::{MAX_TEXT, check};
use crate::audit::Actor;
use crate::equipment::moves::{self, Destination, Move, Visit};
use crate::i18n::{Lang, text};

/// A device taken out at the visit.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Removal {
    pub serial: String,
    /// Faulty: set aside instead of back in the van's stock.
    #[serde(default)]
    pub defective: bool,
}

/// What the technician (or a dispatcher, for them) reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Completion {
    /// What was done.
    pub note: String,
    /// Serials of the devices put in service.
    #[serde(default)]
    pub installed: Vec<String>,
    #[serde(default)]
    pub removed: Vec<Removal>,
    /// The ticket's problem is still there: the ticket stays open.
    #[serde(default)]
    pub problem_remains: bool,
    /// The job's version the caller saw; refused when it changed since.
    #[serde(default)]
    pub version: Option<i32>,
}

/// What a completion recorded, as the API answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Completed {
    pub job_id: i64,
    pub status: &'static str,
    pub version: i32,
    pub ticket_id: Option<i64>,
    pub ticket_status: Option<&'static str>,
    pub installed: Vec<String>,
    pub removed: Vec<Removal>,
}

/// The serials named, trimmed; refused when one is named twice.
fn serials(completion: &Completion) -> Result<Vec<String>, JobError> {
    let named = completion.removed.iter().map(|r| &r.serial).chain(&completion.installed);
    let mut seen: Vec<String> = Vec::new();
    for serial in named.map(|s| s.trim().to_owned()) {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(&serial)) {
            return Err(JobError::DeviceTwice(serial));
        }
        seen.push(serial);
    }
    Ok(seen)
}

/// The device a serial (or barcode) names.
async fn device<C: ConnectionTrait>(conn: &C, serial: &str) -> Result<Option<equipment::Model>, DbErr> {
    let serial = serial.trim();
    let found = equipment::Entity::find().filter(equipment::Column::Serial.eq(serial)).one(conn).await?;
    match found {
        Some(found) => Ok(Some(found)),
        None => equipment::Entity::find().filter(equipment::Column::Barcode.eq(serial)).one(conn).await,
    }
}

/// Moves each device, removals first (a swap frees the spot, then fills it).
async fn move_devices<C: ConnectionTrait>(
    conn: &C,
    completion: &Completion,
    visit: Visit,
    now: DateTime<Utc>,
) -> Result<(), JobError> {
    let removals = completion.removed.iter().map(|r| {
        let destination = if r.defective { Destination::Defective } else { Destination::Van };
        (r.serial.trim(), Move::Remove(destination))
    });
    let installs = completion.installed.iter().map(|s| (s.trim(), Move::Install));
    let note = format!("job #{}", visit.job_id);
    for (serial, action) in removals.chain(installs) {
        let found = device(conn, serial).await?.ok_or_else(|| JobError::UnknownDevice(serial.to_owned()))?;
        let to = moves::plan(&found, action, visit)
            .map_err(|refused| JobError::Device { serial: serial.to_owned(), refused })?;
        moves::apply(conn, found, &to, visit, &note, now).await?;
    }
    Ok(())
}

/// Records the completion of the locked job.
pub async fn complete(
    locked: &Locked,
    completion: Completion,
    lang: Lang,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Completed, JobError> {
    let job = &locked.job;
    check(job, Status::Done, completion.version)?;
    let note = completion.note.trim().to_owned();
    match note.chars().count() {
        0 => return Err(JobError::NoteMissing),
        n if n > MAX_TEXT => return Err(JobError::TooLong),
        _ => {}
    }
    let named = serials(&completion)?;
    let conn = &locked.txn;
    if !named.is_empty() {
        let technician_id = job.technician_id.ok_or(JobError::UnknownTechnician)?;
        let visit =
            Visit { job_id: job.id, customer_id: job.customer_id, location_id: job.service_location_id, technician_id };
        move_devices(conn, &completion, visit, now).await?;
    }
    let saved = save_done(conn, job, &note, &completion, actor, now).await?;
    let ticket_status = match job.ticket_id {
        Some(ticket_id) => {
            let key =
                if completion.problem_remains { "dispatch.ticket_note.remains" } else { "dispatch.ticket_note.done" };
            let ticket_note = text(lang, key).replace("{job}", &job.id.to_string()).replace("{note}", &note);
            let remains = completion.problem_remains;
            ticket_link::record_visit(conn, ticket_id, job.id, remains, &ticket_note, actor, now).await?
        }
        None => None,
    };
    Ok(Completed {
        job_id: job.id,
        status: Status::Done.code(),
        version: saved.version,
        ticket_id: job.ticket_id,
        ticket_status,
        installed: completion.installed.iter().map(|s| s.trim().to_owned()).collect(),
        removed: completion.removed,
    })
}

async fn save_done<C: ConnectionTrait>(
    conn: &C,
    job: &dispatch_job::Model,
    note: &str,
    completion: &Completion,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<dispatch_job::Model, DbErr> {
    let mut row = job.clone().into_active_model();
    row.status = Set(Status::Done.code().to_owned());
    row.outcome_note = Set(note.to_owned());
    row.ticket_left_open = Set(completion.problem_remains && job.ticket_id.is_some());
    row.completed_at = Set(Some(now));
    let before = json!({ "status": job.status });
    let after = json!({
        "status": Status::Done.code(),
        "note": note,
        "installed": completion.installed,
        "removed": completion.removed,
        "problem_remains": completion.problem_remains,
    });
    store::save(conn, job, row, ("job_completed", before, after), actor, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_named_twice_is_refused() {
        let completion = Completion {
            note: "Swapped".into(),
            installed: vec!["ZTEG01".into()],
            removed: vec![Removal { serial: " zteg01 ".into(), defective: true }],
            ..Completion::default()
        };
        assert!(matches!(serials(&completion), Err(JobError::DeviceTwice(_))));
        let fine = Completion { installed: vec!["A1".into(), "B2".into()], ..Completion::default() };
        assert_eq!(serials(&fine).unwrap(), vec!["A1".to_owned(), "B2".to_owned()]);
    }
}
