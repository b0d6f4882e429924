//! A van count: what the technician ticked as present and what they found
//! besides, turned into moves. Each change is a movement of the device and
//! the count as a whole is one audit entry, even when nothing changed:
//! stock is corrected, never overwritten in silence.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use gigafibre_db::entities::equipment;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::equipment::moves::{self, Movement};
use crate::tech::scan::lookup;

/// What the form said.
pub struct Counted {
    /// Ids of the listed devices ticked as in the van.
    pub present: HashSet<i64>,
    /// Codes typed or scanned for devices found in the van but not listed.
    pub found: Vec<String>,
}

/// Why a count was refused; nothing was changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// No device answers to this code.
    Unknown(String),
    /// The device is installed at a customer: dispatch must sort it out.
    Installed(String),
}

/// The listed devices not ticked: they are not in the van.
pub fn missing(van: &[equipment::Model], present: &HashSet<i64>) -> Vec<i64> {
    van.iter().filter(|d| !present.contains(&d.id)).map(|d| d.id).collect()
}

/// The codes typed, one device each: blank lines, commas and spaces
/// separate them; the same code twice counts once.
pub fn codes(typed: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    typed
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .filter(|c| seen.insert(c.to_uppercase()))
        .map(str::to_owned)
        .collect()
}

/// What changed.
#[derive(Debug, Default)]
pub struct Outcome {
    pub missing: Vec<String>,
    pub found: Vec<String>,
}

/// Applies a count to the technician's van, in the caller's transaction.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    technician_id: i64,
    van: &[equipment::Model],
    counted: &Counted,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, Refused>, DbErr> {
    let mut arrivals = Vec::new();
    for code in &counted.found {
        let Some(device) = lookup::find(conn, code).await? else { return Ok(Err(Refused::Unknown(code.clone()))) };
        if device.status == "installed" {
            return Ok(Err(Refused::Installed(device.serial)));
        }
        let already = device.status == "van" && device.technician_id == Some(technician_id);
        if !already && !arrivals.iter().any(|d: &equipment::Model| d.id == device.id) {
            arrivals.push(device);
        }
    }
    let mut outcome = Outcome::default();
    let absent = missing(van, &counted.present);
    for device in van.iter().filter(|d| absent.contains(&d.id)) {
        let note = "van count: not in the van";
        move_device(conn, device, "missing", technician_id, note, now).await?;
        outcome.missing.push(device.serial.clone());
    }
    for device in &arrivals {
        move_device(conn, device, "van", technician_id, "van count: found in the van", now).await?;
        outcome.found.push(device.serial.clone());
    }
    let change = Change {
        action: "van_count",
        entity: "technician",
        entity_id: Some(technician_id),
        before: json!({ "in_van": van.len() }),
        after: json!({
            "in_van": van.len() - outcome.missing.len() + outcome.found.len(),
            "missing": outcome.missing,
            "found": outcome.found,
        }),
    };
    audit::record(conn, actor, change, now).await?;
    Ok(Ok(outcome))
}

async fn move_device<C: ConnectionTrait>(
    conn: &C,
    device: &equipment::Model,
    to: &str,
    technician_id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    equipment::Entity::update_many()
        .col_expr(equipment::Column::Status, to.into())
        .col_expr(equipment::Column::TechnicianId, Some(technician_id).into())
        .col_expr(equipment::Column::UpdatedAt, now.into())
        .filter(equipment::Column::Id.eq(device.id))
        .exec(conn)
        .await?;
    let movement = Movement {
        equipment_id: device.id,
        from_status: Some(device.status.clone()),
        to_status: to.to_owned(),
        customer_id: device.customer_id,
        location_id: device.service_location_id,
        technician_id: Some(technician_id),
        job_id: None,
        note: note.to_owned(),
    };
    moves::log(conn, movement, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_split_any_way_and_counted_once() {
        assert_eq!(codes(" ONT1, rt2\n\nont1 ;GF03 "), vec!["ONT1", "rt2", "GF03"]);
        assert!(codes("  \n ").is_empty());
    }

    #[test]
    fn unticked_devices_are_the_missing_ones() {
        let at = Utc::now();
        let device = |id| equipment::Model {
            id,
            serial: format!("ONT{id}"),
            mac: None,
            barcode: None,
            model: "G-010G-Q".into(),
            kind: "ont".into(),
            status: "van".into(),
            customer_id: None,
            service_location_id: None,
            subscription_id: None,
            technician_id: Some(7),
            created_at: at,
            updated_at: at,
        };
        let van = vec![device(1), device(2), device(3)];
        assert_eq!(missing(&van, &HashSet::from([1, 3])), vec![2]);
        assert!(missing(&van, &HashSet::from([1, 2, 3])).is_empty());
    }
}
