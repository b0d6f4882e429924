//! Creating a job from a ticket: the rules a new job's fields follow, and
//! the job, waiting to be booked, linked to its ticket and audited.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{dispatch_job, job_required_skill, job_type};
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};
use serde_json::json;

use super::status::Status;
use crate::audit::{self, Actor, Change};

/// The longest visit a job may be booked for: a full day.
pub const MAX_DURATION: i32 = 600;

/// The duration a new job gets: the one typed, else its type's. A type with
/// no estimate and nothing typed has none, and a job with no length cannot
/// be booked (it would overbook the day), so it is refused.
pub fn duration(kind: &job_type::Model, typed: &str) -> Result<i32, &'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return kind.default_duration_minutes.filter(|m| *m > 0).ok_or("dispatch.new.duration_missing");
    }
    match typed.parse::<i32>() {
        Ok(minutes) if (1..=MAX_DURATION).contains(&minutes) => Ok(minutes),
        _ => Err("dispatch.new.duration_invalid"),
    }
}

/// The hours a customer asked the visit to fall in: from, until.
pub type Window = (DateTime<Utc>, DateTime<Utc>);

/// The customer's window: both ends or neither, the end after the start.
pub fn window(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Result<Option<Window>, &'static str> {
    match (start, end) {
        (None, None) => Ok(None),
        (Some(start), Some(end)) if end > start => Ok(Some((start, end))),
        _ => Err("dispatch.new.window_invalid"),
    }
}

/// A job to create, already checked.
pub struct NewJob {
    pub ticket_id: i64,
    pub customer_id: i64,
    pub location_id: i64,
    pub job_type: String,
    pub duration_minutes: i32,
    pub priority: &'static str,
    pub window: Option<Window>,
    /// Skill id and minimum level (1 to 5).
    pub skills: Vec<(i64, i16)>,
}

pub async fn create(db: &DatabaseConnection, new: NewJob, actor: &Actor, now: DateTime<Utc>) -> Result<i64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let row = dispatch_job::ActiveModel {
        id: NotSet,
        ticket_id: Set(Some(new.ticket_id)),
        customer_id: Set(new.customer_id),
        service_location_id: Set(new.location_id),
        job_type: Set(new.job_type.clone()),
        duration_minutes: Set(new.duration_minutes),
        priority: Set(new.priority.to_owned()),
        status: Set(Status::Unscheduled.code().to_owned()),
        technician_id: Set(None),
        scheduled_start: Set(None),
        scheduled_end: Set(None),
        window_start: Set(new.window.map(|w| w.0)),
        window_end: Set(new.window.map(|w| w.1)),
        outcome_note: Set(String::new()),
        outcome_reason: Set(None),
        ticket_left_open: Set(false),
        completed_at: Set(None),
        version: Set(0),
        locked: Set(false),
        reminded_for: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let id = dispatch_job::Entity::insert(row).exec(&txn).await?.last_insert_id;
    for (skill_id, min_level) in &new.skills {
        let skill =
            job_required_skill::ActiveModel { job_id: Set(id), skill_id: Set(*skill_id), min_level: Set(*min_level) };
        job_required_skill::Entity::insert(skill).exec_without_returning(&txn).await?;
    }
    let change = Change {
        action: "job_created",
        entity: "dispatch_job",
        entity_id: Some(id),
        before: serde_json::Value::Null,
        after: json!({
            "status": Status::Unscheduled.code(),
            "ticket_id": new.ticket_id,
            "job_type": new.job_type,
            "duration_minutes": new.duration_minutes,
            "priority": new.priority,
        }),
    };
    audit::record(&txn, actor, change, now).await?;
    txn.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(minutes: Option<i32>) -> job_type::Model {
        job_type::Model {
            id: 1,
            code: "repair".into(),
            name_fr: "Réparation".into(),
            name_en: "Repair".into(),
            default_duration_minutes: minutes,
            requires_signature: false,
            checklist_fr: String::new(),
            checklist_en: String::new(),
            active: true,
        }
    }

    #[test]
    fn a_job_takes_the_duration_typed_else_its_types() {
        assert_eq!(duration(&kind(Some(60)), ""), Ok(60));
        assert_eq!(duration(&kind(Some(60)), " 90 "), Ok(90));
        assert_eq!(duration(&kind(Some(60)), "0"), Err("dispatch.new.duration_invalid"));
        assert_eq!(duration(&kind(Some(60)), "1 h"), Err("dispatch.new.duration_invalid"));
        assert_eq!(duration(&kind(Some(60)), "601"), Err("dispatch.new.duration_invalid"));
    }

    #[test]
    fn a_type_without_an_estimate_gives_no_duration_to_book() {
        assert_eq!(duration(&kind(None), ""), Err("dispatch.new.duration_missing"));
        assert_eq!(duration(&kind(None), "45"), Ok(45));
    }

    #[test]
    fn a_window_has_both_ends_in_order() {
        let at = |h: i64| DateTime::<Utc>::from_timestamp(h * 3600, 0).unwrap();
        assert_eq!(window(None, None), Ok(None));
        assert_eq!(window(Some(at(8)), Some(at(12))), Ok(Some((at(8), at(12)))));
        assert!(window(Some(at(12)), Some(at(8))).is_err());
        assert!(window(Some(at(8)), None).is_err());
    }
}
