//! Years of tickets, a thread on the ones still open, and the dispatch jobs
//! of the coming days.

use std::collections::HashMap;

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{dispatch_job, job_required_skill, ticket, ticket_message};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Dataset, at_noon};

/// (category, French subject, English subject, skill a visit needs)
const CATEGORIES: &[(&str, &str, &str, Option<i64>)] = &[
    ("no_internet", "Aucune connexion Internet", "No Internet connection", Some(8)),
    ("slow_speed", "Vitesse plus lente que prévu", "Speed slower than expected", Some(3)),
    ("wifi", "Wi-Fi instable à l'étage", "Unstable Wi-Fi upstairs", Some(3)),
    ("billing", "Question sur ma facture", "Question about my invoice", None),
    ("tv", "Chaînes télé manquantes", "Missing TV channels", Some(4)),
    ("phone", "Pas de tonalité", "No dial tone", Some(5)),
    ("installation", "Prise de rendez-vous d'installation", "Booking an installation", Some(2)),
    ("move", "Déménagement du service", "Moving my service", Some(2)),
    ("cancellation", "Demande de résiliation", "Cancellation request", None),
];

const JOB_TYPES: &[(&str, i32)] = &[("repair", 60), ("installation", 120), ("equipment_swap", 45), ("site_survey", 30)];

/// Tickets per customer over the demo's history (242,000 for 6,667).
pub const TICKETS_PER_CUSTOMER: f64 = 242_000.0 / 6_667.0;

pub fn generate(rng: &mut ChaCha8Rng, data: &mut Dataset) {
    let total = (data.customers.len() as f64 * TICKETS_PER_CUSTOMER).round() as usize;
    // The history ends as the demo's day begins: whenever the demo is
    // started that day, no ticket or message is dated later than the
    // answer a member of staff types.
    let now = data.as_of.and_time(NaiveTime::MIN).and_utc();
    for index in 0..total {
        let id = index as i64 + 1;
        let customer = &data.customers[rng.random_range(0..data.customers.len())];
        let since = customer.created_at;
        let span = (now - since).num_minutes().max(60);
        let created_at = since + Duration::minutes(rng.random_range(0..span));
        let (category, subject_fr, subject_en, _) = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
        let age_days = (now - created_at).num_days();
        let still_open = age_days < 14 && rng.random_bool(0.6) || rng.random_bool(0.002);
        let status = if still_open { if rng.random_bool(0.7) { "open" } else { "pending" } } else { "closed" };
        let closed_at = (!still_open).then(|| (created_at + Duration::hours(rng.random_range(1..96))).min(now));
        let priority = match rng.random_range(0..100) {
            0..5 => "urgent",
            5..25 => "high",
            25..85 => "normal",
            _ => "low",
        };
        let english = customer.language == "en";
        data.tickets.push(ticket::Model {
            id,
            legacy_id: Some((1_000_000 + id).to_string()),
            customer_id: customer.id,
            service_location_id: Some(customer.id),
            subject: if english { subject_en } else { subject_fr }.into(),
            description: String::new(),
            category: category.into(),
            priority: priority.into(),
            status: status.into(),
            assigned_staff_id: still_open.then(|| rng.random_range(1..=4)),
            created_at,
            updated_at: closed_at.unwrap_or(created_at),
            closed_at,
        });
        if still_open {
            let first = if english {
                "Hello, since this morning nothing works. Can someone come by?"
            } else {
                "Bonjour, depuis ce matin rien ne fonctionne. Est-ce que quelqu'un peut passer?"
            };
            add_message(data, id, "customer", None, first, created_at);
            if rng.random_bool(0.5) {
                add_message(
                    data,
                    id,
                    "staff",
                    Some(2),
                    "Merci, nous regardons votre ligne et vous revenons rapidement.",
                    (created_at + Duration::minutes(45)).min(now),
                );
            }
        }
    }
    jobs_for_open_tickets(rng, data);
}

fn add_message(
    data: &mut Dataset,
    ticket_id: i64,
    author_kind: &str,
    author_staff_id: Option<i64>,
    body: &str,
    created_at: DateTime<Utc>,
) {
    data.ticket_messages.push(ticket_message::Model {
        id: data.ticket_messages.len() as i64 + 1,
        ticket_id,
        author_kind: author_kind.into(),
        author_staff_id,
        channel: if author_kind == "customer" { "portal" } else { "email" }.into(),
        internal: false,
        body: body.into(),
        created_at,
    });
}

/// Open tickets that need a visit get a job: about two thirds already on a
/// technician's day within the next five days, the rest waiting.
fn jobs_for_open_tickets(rng: &mut ChaCha8Rng, data: &mut Dataset) {
    let mut days = Bookings::new(data);
    let now = at_noon(data.as_of);
    let mut jobs = Vec::new();
    let mut skills = Vec::new();
    for ticket in data.tickets.iter().filter(|t| t.status != "closed") {
        let Some((_, _, _, Some(skill_id))) = CATEGORIES.iter().find(|c| c.0 == ticket.category).copied() else {
            continue;
        };
        let id = jobs.len() as i64 + 1;
        let (job_type, duration) = match ticket.category.as_str() {
            "installation" | "move" => JOB_TYPES[1],
            "tv" | "phone" => JOB_TYPES[2],
            _ => JOB_TYPES[0],
        };
        let min_level = rng.random_range(1..=3);
        let day = data.as_of + Days::new(rng.random_range(0..5));
        let morning = rng.random_bool(0.5);
        let window = (local(day, if morning { 8 } else { 12 }), local(day, if morning { 12 } else { 17 }));
        let booked = match window {
            (Some(from), Some(until)) if rng.random_bool(0.65) => {
                days.book(rng, (skill_id, min_level), day, (from, until), duration)
            }
            _ => None,
        };
        let (technician_id, start, end) = match booked {
            Some((technician, start)) => {
                (Some(technician), Some(start), Some(start + Duration::minutes(i64::from(duration))))
            }
            None => (None, None, None),
        };
        let scheduled = technician_id.is_some();
        jobs.push(dispatch_job::Model {
            id,
            ticket_id: Some(ticket.id),
            customer_id: ticket.customer_id,
            service_location_id: ticket.customer_id,
            job_type: job_type.into(),
            duration_minutes: duration,
            priority: ticket.priority.clone(),
            status: if scheduled { "scheduled" } else { "unscheduled" }.into(),
            technician_id,
            scheduled_start: start,
            scheduled_end: end,
            window_start: window.0,
            window_end: window.1,
            outcome_note: String::new(),
            outcome_reason: None,
            ticket_left_open: false,
            completed_at: None,
            version: 0,
            reminded_for: None,
            created_at: now,
            updated_at: now,
            locked: false,
        });
        skills.push(job_required_skill::Model { job_id: id, skill_id, min_level });
    }
    data.jobs = jobs;
    data.job_skills = skills;
}

/// The technicians' days as jobs are booked on them: each booking goes to
/// a technician with the skill at the level, inside their shift and the
/// customer's window, after what they already have (with time to drive),
/// so that the demo's days never overlap or overflow.
struct Bookings {
    technicians: Vec<Bookable>,
    /// (technician, day) → when they are next free, and visits booked.
    free_from: HashMap<(i64, NaiveDate), (DateTime<Utc>, usize)>,
}

/// A technician as bookings see them.
struct Bookable {
    id: i64,
    /// Start and end, minutes after local midnight.
    shift: (i32, i32),
    /// Skill id → level.
    skills: HashMap<i64, i16>,
}

/// Time kept between two visits: the drive and some slack.
const DRIVE_MINUTES: i64 = 45;

/// Visits booked ahead on a technician's day: the rest of the day is left
/// for what comes up (and for "Plan this day" to fill).
const BOOKED_PER_DAY: usize = 4;

impl Bookings {
    fn new(data: &Dataset) -> Bookings {
        let technicians = data
            .technicians
            .iter()
            .filter(|t| t.active)
            .map(|t| {
                let skills = data
                    .technician_skills
                    .iter()
                    .filter(|s| s.technician_id == t.id)
                    .map(|s| (s.skill_id, s.level))
                    .collect();
                Bookable { id: t.id, shift: (t.shift_start_minute, t.shift_end_minute), skills }
            })
            .collect();
        Bookings { technicians, free_from: HashMap::new() }
    }

    /// A technician and a start for a job of `minutes` needing `need`
    /// (skill, level) within `window` on `day`, if one has room.
    fn book(
        &mut self,
        rng: &mut ChaCha8Rng,
        need: (i64, i16),
        day: NaiveDate,
        window: (DateTime<Utc>, DateTime<Utc>),
        minutes: i32,
    ) -> Option<(i64, DateTime<Utc>)> {
        let qualified: Vec<usize> = (0..self.technicians.len())
            .filter(|i| self.technicians[*i].skills.get(&need.0).is_some_and(|level| *level >= need.1))
            .collect();
        if qualified.is_empty() {
            return None;
        }
        let first = rng.random_range(0..qualified.len());
        for offset in 0..qualified.len() {
            let Bookable { id, shift: (shift_start, shift_end), .. } =
                &self.technicians[qualified[(first + offset) % qualified.len()]];
            let midnight = local(day, 0)?;
            let shift = (
                midnight + Duration::minutes(i64::from(*shift_start)),
                midnight + Duration::minutes(i64::from(*shift_end)),
            );
            let (free, booked) = self.free_from.get(&(*id, day)).copied().unwrap_or((shift.0, 0));
            let start = free.max(window.0).max(shift.0);
            let end = start + Duration::minutes(i64::from(minutes));
            if booked < BOOKED_PER_DAY && end <= window.1 && end <= shift.1 {
                self.free_from.insert((*id, day), (end + Duration::minutes(DRIVE_MINUTES), booked + 1));
                return Some((*id, start));
            }
        }
        None
    }
}

/// `hour`:00 on `day` in Québec, as UTC.
fn local(day: NaiveDate, hour: u32) -> Option<DateTime<Utc>> {
    let naive = day.and_hms_opt(hour, 0, 0)?;
    Toronto.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}
