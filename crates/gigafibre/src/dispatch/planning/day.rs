//! Everything about one local day the board and the planner read: the
//! technicians with their skills, the jobs on the day, the jobs waiting for
//! it, and where each one is.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use gigafibre_db::entities::{dispatch_job, job_required_skill, service_location, skill, technician, technician_skill};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::rules::{JobFacts, Need, Span, TechnicianFacts, local_minute, shift_on};

/// A technician on the board.
#[derive(Debug, Clone)]
pub struct Tech {
    pub model: technician::Model,
    /// Skill id → level.
    pub skills: HashMap<i64, i16>,
}

impl Tech {
    pub fn facts(&self, day: NaiveDate) -> TechnicianFacts {
        TechnicianFacts {
            active: self.model.active,
            shift: shift_on(day, self.model.shift_start_minute, self.model.shift_end_minute),
            skills: self.skills.clone(),
        }
    }
}

/// A job on the board, with what it needs and where it is.
#[derive(Debug, Clone)]
pub struct BoardJob {
    pub model: dispatch_job::Model,
    pub needs: Vec<Need>,
    pub location: Option<service_location::Model>,
}

impl BoardJob {
    pub fn facts(&self) -> JobFacts {
        let window = match (self.model.window_start, self.model.window_end) {
            (Some(start), Some(end)) => Some(Span { start, end }),
            _ => None,
        };
        JobFacts {
            id: self.model.id,
            duration_minutes: self.model.duration_minutes,
            needs: self.needs.clone(),
            window,
            status: self.model.status.clone(),
        }
    }

    /// Where it is on a technician's day, if it is on one.
    pub fn span(&self) -> Option<Span> {
        Some(Span { start: self.model.scheduled_start?, end: self.model.scheduled_end? })
    }

    /// Longitude and latitude of the service location.
    pub fn place(&self) -> Option<(f64, f64)> {
        let location = self.location.as_ref()?;
        Some((location.longitude?, location.latitude?))
    }
}

/// One local day of dispatch.
#[derive(Debug, Clone)]
pub struct Day {
    pub day: NaiveDate,
    /// Active technicians, by name.
    pub technicians: Vec<Tech>,
    /// Jobs on a technician's day, and (unassigned) jobs whose window opens
    /// that day or who have none.
    pub jobs: Vec<BoardJob>,
    pub skills: Vec<skill::Model>,
}

impl Day {
    /// The day's span in Québec time.
    pub fn span(day: NaiveDate) -> Span {
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        Span { start: local_minute(day, 0), end: local_minute(next, 0) }
    }

    pub fn technician(&self, id: i64) -> Option<&Tech> {
        self.technicians.iter().find(|t| t.model.id == id)
    }

    /// The jobs on a technician's day, with their times.
    pub fn occupied(&self, technician_id: i64) -> Vec<(i64, Span)> {
        self.jobs
            .iter()
            .filter(|job| job.model.technician_id == Some(technician_id) && occupies(&job.model.status))
            .filter_map(|job| Some((job.model.id, job.span()?)))
            .collect()
    }

    pub fn unassigned(&self) -> impl Iterator<Item = &BoardJob> {
        self.jobs.iter().filter(|job| job.model.technician_id.is_none() && job.model.status == "unscheduled")
    }
}

/// Whether a job with this status takes the technician's time.
pub fn occupies(status: &str) -> bool {
    matches!(status, "scheduled" | "en_route" | "on_site" | "done")
}

/// Loads `day`.
pub async fn load<C: ConnectionTrait>(conn: &C, day: NaiveDate) -> Result<Day, DbErr> {
    let span = Day::span(day);
    let mut technicians: Vec<Tech> = technician::Entity::find()
        .filter(technician::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| Tech { model, skills: HashMap::new() })
        .collect();
    technicians.sort_by_key(|t| t.model.name.to_lowercase());
    for row in technician_skill::Entity::find().all(conn).await? {
        if let Some(tech) = technicians.iter_mut().find(|t| t.model.id == row.technician_id) {
            tech.skills.insert(row.skill_id, row.level);
        }
    }
    let on_day = Condition::all()
        .add(dispatch_job::Column::ScheduledStart.lt(span.end))
        .add(dispatch_job::Column::ScheduledEnd.gt(span.start));
    let waiting = Condition::all().add(dispatch_job::Column::TechnicianId.is_null()).add(
        Condition::any()
            .add(dispatch_job::Column::WindowStart.is_null())
            .add(dispatch_job::Column::WindowStart.gte(span.start).and(dispatch_job::Column::WindowStart.lt(span.end))),
    );
    let models = dispatch_job::Entity::find()
        .filter(Condition::any().add(on_day).add(waiting))
        .order_by_asc(dispatch_job::Column::ScheduledStart)
        .order_by_asc(dispatch_job::Column::Id)
        .all(conn)
        .await?;
    let jobs = with_needs_and_places(conn, models).await?;
    let skills = skill::Entity::find().order_by_asc(skill::Column::Id).all(conn).await?;
    Ok(Day { day, technicians, jobs, skills })
}

/// Adds each job's required skills and service location.
pub async fn with_needs_and_places<C: ConnectionTrait>(
    conn: &C,
    models: Vec<dispatch_job::Model>,
) -> Result<Vec<BoardJob>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|job| job.id).collect();
    let mut needs: HashMap<i64, Vec<Need>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = job_required_skill::Entity::find()
            .filter(job_required_skill::Column::JobId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        for row in rows {
            needs.entry(row.job_id).or_default().push(Need { skill_id: row.skill_id, min_level: row.min_level });
        }
    }
    let location_ids: Vec<i64> = models.iter().map(|job| job.service_location_id).collect();
    let mut locations: HashMap<i64, service_location::Model> = HashMap::new();
    for chunk in location_ids.chunks(500) {
        let rows = service_location::Entity::find()
            .filter(service_location::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        locations.extend(rows.into_iter().map(|row| (row.id, row)));
    }
    Ok(models
        .into_iter()
        .map(|model| BoardJob {
            needs: needs.remove(&model.id).unwrap_or_default(),
            location: locations.get(&model.service_location_id).cloned(),
            model,
        })
        .collect())
}
