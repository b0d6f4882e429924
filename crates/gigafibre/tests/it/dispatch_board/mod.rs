//! The dispatch board over HTTP: each hard rule refuses a drop and changes
//! nothing, a good drop is saved, a stale drop is refused, another
//! dispatcher's change reaches the change feed, "Plan this day" proposes a
//! plan that keeps the rules and accepting it applies it. Each test plays
//! on a day of its own, away from the demo's jobs.

mod drops;
mod feed;
mod plan;

use axum::http::Method;
use chrono::{DateTime, NaiveDate, Utc};
use gigafibre::clock::Clock;
use gigafibre::dispatch::planning::rules::local_minute;
use gigafibre_db::entities::{dispatch_job, job_required_skill, service_location, skill, technician, technician_skill};
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::ops::{Answer, Member, Ops};

/// A Tuesday with nothing on it in the demo.
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()
}

/// `hour:minute` on the test day, Québec time.
pub fn at(hour: i32, minute: i32) -> DateTime<Utc> {
    local_minute(day(), hour * 60 + minute)
}

/// Two technicians of our own beside the demo's: one with the skill at
/// level 3, one without it; and a skill the demo gives nobody at level 5.
pub struct Scene {
    pub ops: Ops,
    pub dispatcher: Member,
    pub skill: skill::Model,
    pub qualified: i64,
    pub unqualified: i64,
    location: service_location::Model,
}

/// A job to add: how long, which window, what level, where it already is.
pub struct NewJob {
    pub duration: i32,
    pub window: Option<(i32, i32)>,
    pub level: i16,
    pub placed: Option<(i64, i32)>,
    pub locked: bool,
}

impl Default for NewJob {
    fn default() -> Self {
        NewJob { duration: 60, window: Some((8, 12)), level: 2, placed: None, locked: false }
    }
}

impl Scene {
    pub async fn new() -> Scene {
        let ops = Ops::new().await;
        let dispatcher = ops.staff("dispatcher").await;
        let skill = skill::Entity::find().order_by_asc(skill::Column::Id).one(&ops.db.db).await.unwrap().unwrap();
        let location = service_location::Entity::find()
            .filter(service_location::Column::Latitude.is_not_null())
            .order_by_asc(service_location::Column::Id)
            .one(&ops.db.db)
            .await
            .unwrap()
            .unwrap();
        let mut scene = Scene { ops, dispatcher, skill, qualified: 0, unqualified: 0, location };
        scene.qualified = scene.technician("Aaron Qualifié", Some(3)).await;
        scene.unqualified = scene.technician("Aaron Sans-compétence", None).await;
        scene
    }

    async fn technician(&self, name: &str, level: Option<i16>) -> i64 {
        let row = technician::ActiveModel {
            id: NotSet,
            name: Set(name.into()),
            email: Set(None),
            phone: Set(None),
            home_base_label: Set("Laval".into()),
            home_base_latitude: Set(self.location.latitude.unwrap() + 0.01),
            home_base_longitude: Set(self.location.longitude.unwrap() + 0.01),
            shift_start_minute: Set(8 * 60),
            shift_end_minute: Set(16 * 60 + 30),
            active: Set(true),
            created_at: Set(self.ops.clock.now()),
        };
        let id = technician::Entity::insert(row).exec(&self.ops.db.db).await.unwrap().last_insert_id;
        if let Some(level) = level {
            let held = technician_skill::ActiveModel {
                technician_id: Set(id),
                skill_id: Set(self.skill.id),
                level: Set(level),
            };
            technician_skill::Entity::insert(held).exec_without_returning(&self.ops.db.db).await.unwrap();
        }
        id
    }

    pub async fn job(&self, new: NewJob) -> i64 {
        let (technician, start) = match new.placed {
            Some((technician, minute)) => (Some(technician), Some(local_minute(day(), minute))),
            None => (None, None),
        };
        let row = dispatch_job::ActiveModel {
            id: NotSet,
            ticket_id: Set(None),
            customer_id: Set(self.location.customer_id),
            service_location_id: Set(self.location.id),
            job_type: Set("repair".into()),
            duration_minutes: Set(new.duration),
            priority: Set("normal".into()),
            status: Set(if technician.is_some() { "scheduled" } else { "unscheduled" }.into()),
            technician_id: Set(technician),
            scheduled_start: Set(start),
            scheduled_end: Set(start.map(|s| s + chrono::Duration::minutes(i64::from(new.duration)))),
            window_start: Set(new.window.map(|(from, _)| at(from, 0))),
            window_end: Set(new.window.map(|(_, to)| at(to, 0))),
            outcome_note: Set(String::new()),
            outcome_reason: Set(None),
            ticket_left_open: Set(false),
            completed_at: Set(None),
            reminded_for: Set(None),
            created_at: Set(self.ops.clock.now()),
            updated_at: Set(self.ops.clock.now()),
            version: Set(0),
            locked: Set(new.locked),
        };
        let id = dispatch_job::Entity::insert(row).exec(&self.ops.db.db).await.unwrap().last_insert_id;
        let need = job_required_skill::ActiveModel {
            job_id: Set(id),
            skill_id: Set(self.skill.id),
            min_level: Set(new.level),
        };
        job_required_skill::Entity::insert(need).exec_without_returning(&self.ops.db.db).await.unwrap();
        id
    }

    pub async fn stored(&self, id: i64) -> dispatch_job::Model {
        dispatch_job::Entity::find_by_id(id).one(&self.ops.db.db).await.unwrap().unwrap()
    }

    /// A drop as the board's script sends it (JSON answer).
    pub async fn drop(&self, who: &Member, job: i64, version: i32, technician: Option<i64>, start: &str) -> Answer {
        let version = version.to_string();
        let technician = technician.map(|t| t.to_string()).unwrap_or_default();
        let day = day().format("%Y-%m-%d").to_string();
        let fields = [
            ("csrf", who.csrf.as_str()),
            ("version", version.as_str()),
            ("technician", technician.as_str()),
            ("day", day.as_str()),
            ("start", start),
            ("back", "day=2026-12-15"),
        ];
        let body = serde_urlencoded::to_string(fields).unwrap();
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "application/json"),
            ("cookie", who.cookie.as_str()),
        ];
        self.ops.send(Method::POST, &format!("/ops/dispatch/jobs/{job}/place"), &headers, Some(body)).await
    }
}

/// The JSON the board's script reads.
pub fn json(answer: &Answer) -> serde_json::Value {
    serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("not JSON: {}", answer.body))
}
