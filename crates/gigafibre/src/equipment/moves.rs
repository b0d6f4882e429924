//! Where a device goes when a technician installs or removes it, and the
//! movement log every move writes. A swap is a removal and an install.
//!
//! [`plan`] decides, with no I/O, where a device ends up or why it cannot
//! move; [`apply`] writes the device and its movement row, inside the
//! caller's transaction. [`log`] writes a movement row for the moves made
//! outside a visit (a device created from a scan, a van count).

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{equipment, equipment_movement};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel};

/// Where a removed device goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Back in the stock of the technician's van, ready to install again.
    Van,
    /// Set aside as faulty (still carried by the technician until returned).
    Defective,
}

/// What a technician does with a device at a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Put in service at the visit's address, for its customer.
    Install,
    Remove(Destination),
}

/// The visit a move happens at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    pub job_id: i64,
    pub customer_id: i64,
    pub location_id: i64,
    pub technician_id: i64,
}

/// Where a device is: its status and whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub status: &'static str,
    pub customer_id: Option<i64>,
    pub location_id: Option<i64>,
    pub technician_id: Option<i64>,
}

/// Why a device cannot make a move; each has a catalogue key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the device is in service somewhere")]
    AlreadyInstalled,
    #[error("the device is faulty or was returned")]
    OutOfService,
    #[error("the device is not installed at this address")]
    NotHere,
}

impl Refused {
    pub fn message_key(self) -> &'static str {
        match self {
            Refused::AlreadyInstalled => "equipment.move.already_installed",
            Refused::OutOfService => "equipment.move.out_of_service",
            Refused::NotHere => "equipment.move.not_here",
        }
    }
}

/// Where `device` ends up after `action` at `visit`.
pub fn plan(device: &equipment::Model, action: Move, visit: Visit) -> Result<Placement, Refused> {
    match action {
        Move::Install => match device.status.as_str() {
            "van" | "warehouse" => Ok(Placement {
                status: "installed",
                customer_id: Some(visit.customer_id),
                location_id: Some(visit.location_id),
                technician_id: None,
            }),
            "installed" => Err(Refused::AlreadyInstalled),
            _ => Err(Refused::OutOfService),
        },
        Move::Remove(destination) => {
            let here = device.status == "installed"
                && device.customer_id == Some(visit.customer_id)
                && device.service_location_id == Some(visit.location_id);
            if !here {
                return Err(Refused::NotHere);
            }
            let status = match destination {
                Destination::Van => "van",
                Destination::Defective => "defective",
            };
            Ok(Placement { status, customer_id: None, location_id: None, technician_id: Some(visit.technician_id) })
        }
    }
}

/// Moves the device to `to` and writes the movement, tied to the visit's job.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    device: equipment::Model,
    to: &Placement,
    visit: Visit,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let from_status = device.status.clone();
    let equipment_id = device.id;
    let mut row = device.into_active_model();
    row.status = Set(to.status.to_owned());
    row.customer_id = Set(to.customer_id);
    row.service_location_id = Set(to.location_id);
    row.technician_id = Set(to.technician_id);
    if to.status != "installed" {
        row.subscription_id = Set(None);
    }
    row.updated_at = Set(now);
    row.update(conn).await?;
    let movement = Movement {
        equipment_id,
        from_status: Some(from_status),
        to_status: to.status.to_owned(),
        customer_id: Some(visit.customer_id),
        location_id: Some(visit.location_id),
        technician_id: Some(visit.technician_id),
        job_id: Some(visit.job_id),
        note: note.to_owned(),
    };
    log(conn, movement, now).await
}

/// One line of a device's movement log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    pub equipment_id: i64,
    /// `None` when the device was just created.
    pub from_status: Option<String>,
    pub to_status: String,
    pub customer_id: Option<i64>,
    pub location_id: Option<i64>,
    pub technician_id: Option<i64>,
    /// The job the move was part of.
    pub job_id: Option<i64>,
    pub note: String,
}

/// Writes one line of the movement log, in the caller's transaction.
pub async fn log<C: ConnectionTrait>(conn: &C, movement: Movement, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = equipment_movement::ActiveModel {
        id: NotSet,
        equipment_id: Set(movement.equipment_id),
        at: Set(now),
        from_status: Set(movement.from_status),
        to_status: Set(movement.to_status),
        customer_id: Set(movement.customer_id),
        service_location_id: Set(movement.location_id),
        technician_id: Set(movement.technician_id),
        note: Set(movement.note),
        job_id: Set(movement.job_id),
    };
    equipment_movement::Entity::insert(row).exec_without_returning(conn).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VISIT: Visit = Visit { job_id: 7, customer_id: 3, location_id: 30, technician_id: 5 };

    fn device(status: &str, customer_id: Option<i64>, location_id: Option<i64>) -> equipment::Model {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        equipment::Model {
            id: 1,
            serial: "ZTEG0001".into(),
            mac: None,
            barcode: None,
            model: "F670L".into(),
            kind: "ont".into(),
            status: status.into(),
            customer_id,
            service_location_id: location_id,
            subscription_id: None,
            technician_id: Some(5),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn a_device_from_the_van_goes_in_service_at_the_visit() {
        let placed = plan(&device("van", None, None), Move::Install, VISIT).unwrap();
        assert_eq!(
            placed,
            Placement { status: "installed", customer_id: Some(3), location_id: Some(30), technician_id: None }
        );
        assert!(plan(&device("warehouse", None, None), Move::Install, VISIT).is_ok());
    }

    #[test]
    fn a_device_in_service_or_faulty_cannot_be_installed() {
        assert_eq!(plan(&device("installed", Some(9), Some(90)), Move::Install, VISIT), Err(Refused::AlreadyInstalled));
        assert_eq!(plan(&device("defective", None, None), Move::Install, VISIT), Err(Refused::OutOfService));
        assert_eq!(plan(&device("returned", None, None), Move::Install, VISIT), Err(Refused::OutOfService));
    }

    #[test]
    fn a_removed_device_goes_to_the_van_or_is_set_aside_as_faulty() {
        let here = device("installed", Some(3), Some(30));
        let to_van = plan(&here, Move::Remove(Destination::Van), VISIT).unwrap();
        assert_eq!(to_van, Placement { status: "van", customer_id: None, location_id: None, technician_id: Some(5) });
        let faulty = plan(&here, Move::Remove(Destination::Defective), VISIT).unwrap();
        assert_eq!(faulty.status, "defective");
        assert_eq!(faulty.technician_id, Some(5), "the technician carries it back");
    }

    #[test]
    fn only_a_device_installed_at_this_address_can_be_removed() {
        let elsewhere = device("installed", Some(3), Some(31));
        assert_eq!(plan(&elsewhere, Move::Remove(Destination::Van), VISIT), Err(Refused::NotHere));
        let other_customer = device("installed", Some(4), Some(30));
        assert_eq!(plan(&other_customer, Move::Remove(Destination::Van), VISIT), Err(Refused::NotHere));
        assert_eq!(
            plan(&device("van", None, None), Move::Remove(Destination::Defective), VISIT),
            Err(Refused::NotHere)
        );
    }
}
