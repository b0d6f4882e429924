//! A job as the technician reads it on the phone: when, where (a tap opens
//! the maps app), who (a tap calls), what, and the notes.

use std::collections::HashMap;

use gigafibre_db::entities::{customer, dispatch_job, service_location, ticket};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::contact::phone::normalise_phone;
use crate::ops::clients::detail::address_line;
use crate::ops::dashboard::display_name;

/// One job's card.
pub struct JobCard {
    pub id: i64,
    /// `08:30`, Québec time; empty when not scheduled.
    pub start: String,
    /// `08:00–12:00`, the customer's window; empty when none.
    pub window: String,
    pub job_type: String,
    pub status: String,
    pub customer: String,
    pub phone: Option<Phone>,
    pub address: String,
    pub maps_url: String,
    /// The ticket's subject and description, and any note on the job.
    pub notes: Vec<String>,
}

pub struct Phone {
    pub display: String,
    pub tel: String,
}

/// `HH:MM` in Québec.
pub fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::America::Toronto).format("%H:%M").to_string()
}

/// A link that opens the phone's maps app: on the coordinates when known,
/// on the address otherwise.
pub fn maps_url(address: &str, coordinates: Option<(f64, f64)>) -> String {
    let query: String = url::form_urlencoded::byte_serialize(address.as_bytes()).collect();
    match coordinates {
        Some((lat, lon)) => format!("geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}({query})"),
        None => format!("geo:0,0?q={query}"),
    }
}

/// A stored phone number as shown and as dialled.
pub fn phone(stored: &str) -> Option<Phone> {
    let number = normalise_phone(stored).ok()?;
    Some(Phone { display: number.national(), tel: format!("tel:{}", number.as_str()) })
}

/// Cards for jobs, reading their customers, places and tickets at once.
pub async fn cards<C: ConnectionTrait>(conn: &C, jobs: &[dispatch_job::Model]) -> Result<Vec<JobCard>, DbErr> {
    let customer_ids: Vec<i64> = jobs.iter().map(|j| j.customer_id).collect();
    let location_ids: Vec<i64> = jobs.iter().map(|j| j.service_location_id).collect();
    let ticket_ids: Vec<i64> = jobs.iter().filter_map(|j| j.ticket_id).collect();
    let customers: HashMap<i64, customer::Model> = customer::Entity::find()
        .filter(customer::Column::Id.is_in(customer_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let locations: HashMap<i64, service_location::Model> = service_location::Entity::find()
        .filter(service_location::Column::Id.is_in(location_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let tickets: HashMap<i64, ticket::Model> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(ticket_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok(jobs
        .iter()
        .map(|job| {
            let customer = customers.get(&job.customer_id);
            let location = locations.get(&job.service_location_id);
            let address = location.map(address_line).unwrap_or_default();
            let coordinates = location.and_then(|l| l.latitude.zip(l.longitude));
            let ticket = job.ticket_id.and_then(|id| tickets.get(&id));
            let mut notes: Vec<String> =
                ticket.map(|t| vec![t.subject.clone(), t.description.clone()]).unwrap_or_default();
            notes.push(job.outcome_note.clone());
            notes.retain(|n| !n.trim().is_empty());
            let window = match (job.window_start, job.window_end) {
                (Some(start), Some(end)) => format!("{}–{}", clock(start), clock(end)),
                _ => String::new(),
            };
            JobCard {
                id: job.id,
                start: job.scheduled_start.map(clock).unwrap_or_default(),
                window,
                job_type: job.job_type.clone(),
                status: job.status.clone(),
                customer: customer.map(display_name).unwrap_or_default(),
                phone: customer.and_then(|c| c.cell.as_deref().or(c.home_phone.as_deref())).and_then(phone),
                maps_url: maps_url(&address, coordinates),
                address,
                notes,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_opens_the_maps_app_on_the_coordinates_or_the_words() {
        assert_eq!(
            maps_url("12 rue Principale, Laval QC", Some((45.5, -73.75))),
            "geo:45.500000,-73.750000?q=45.500000,-73.750000(12+rue+Principale%2C+Laval+QC)"
        );
        assert_eq!(maps_url("1 rue A", None), "geo:0,0?q=1+rue+A");
    }

    #[test]
    fn a_phone_is_shown_the_familiar_way_and_dialled_in_full() {
        let found = phone("+15148389458").unwrap();
        assert_eq!(found.display, "514-838-9458");
        assert_eq!(found.tel, "tel:+15148389458");
        assert!(phone("not a phone").is_none());
    }
}
