//! `POST /j/scan/new`: a device the scan did not find, created in the
//! technician's van. Every field is checked first; a taken serial, barcode
//! or MAC is named; the creation is a movement and an audit entry.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gigafibre_db::entities::equipment;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter,
};
use serde::Deserialize;
use serde_json::json;

use super::{KINDS, render};
use crate::audit::{self, Actor, Change};
use crate::equipment::mac::normalise_mac;
use crate::equipment::moves::{self, Movement};
use crate::tech::current::CurrentTechnician;
use crate::web::{AppState, PageError, RequestLang};

/// The creation form as typed, with each field's problem.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NewDevice {
    #[serde(default)]
    pub serial: String,
    #[serde(default)]
    pub barcode: String,
    #[serde(default)]
    pub mac: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub kind: String,
    #[serde(skip)]
    pub error: Option<&'static str>,
}

/// The values as stored.
#[derive(Debug, PartialEq, Eq)]
pub struct Checked {
    pub serial: String,
    pub barcode: Option<String>,
    pub mac: Option<String>,
    pub model: String,
    pub kind: String,
}

/// A serial as printed on labels: letters, digits and `-_.`, 3 to 64 long.
fn serial_ok(serial: &str) -> bool {
    (3..=64).contains(&serial.len()) && serial.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// Checks the form; the first problem found is named.
pub fn check(form: &NewDevice) -> Result<Checked, &'static str> {
    let serial = form.serial.trim().to_uppercase();
    if !serial_ok(&serial) {
        return Err("tech.new.error.serial");
    }
    let barcode = Some(form.barcode.trim().to_owned()).filter(|b| !b.is_empty());
    if barcode.as_ref().is_some_and(|b| b.len() > 64 || b.chars().any(char::is_whitespace)) {
        return Err("tech.new.error.barcode");
    }
    let mac = match form.mac.trim() {
        "" => None,
        typed => Some(normalise_mac(typed).map_err(|_| "tech.new.error.mac")?.as_str().to_owned()),
    };
    let model = form.model.split_whitespace().collect::<Vec<_>>().join(" ");
    if !(2..=100).contains(&model.chars().count()) {
        return Err("tech.new.error.model");
    }
    let kind = form.kind.trim().to_owned();
    if !KINDS.contains(&kind.as_str()) {
        return Err("tech.new.error.kind");
    }
    Ok(Checked { serial, barcode, mac, model, kind })
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    #[serde(flatten)]
    device: NewDevice,
}

pub async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
    axum::Form(form): axum::Form<CreateForm>,
) -> Result<Response, PageError> {
    technician.check_csrf(&form.csrf, lang)?;
    let refuse = |key: &'static str| {
        let typed = NewDevice { error: Some(key), ..form.device.clone() };
        render(lang, &technician, String::new(), None, Some(typed), StatusCode::UNPROCESSABLE_ENTITY)
    };
    let checked = match check(&form.device) {
        Ok(checked) => checked,
        Err(key) => return refuse(key),
    };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let mut taken = sea_orm::Condition::any().add(equipment::Column::Serial.eq(checked.serial.as_str()));
    if let Some(barcode) = &checked.barcode {
        taken = taken.add(equipment::Column::Barcode.eq(barcode.as_str()));
    }
    if let Some(mac) = &checked.mac {
        taken = taken.add(equipment::Column::Mac.eq(mac.as_str()));
    }
    if equipment::Entity::find().filter(taken).one(&txn).await.map_err(db_error)?.is_some() {
        txn.rollback().await.map_err(db_error)?;
        return refuse("tech.new.error.taken");
    }
    let row = equipment::ActiveModel {
        id: NotSet,
        serial: Set(checked.serial.clone()),
        mac: Set(checked.mac.clone()),
        barcode: Set(checked.barcode.clone()),
        model: Set(checked.model.clone()),
        kind: Set(checked.kind.clone()),
        status: Set("van".into()),
        customer_id: Set(None),
        service_location_id: Set(None),
        subscription_id: Set(None),
        technician_id: Set(Some(technician.id())),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let id = equipment::Entity::insert(row).exec(&txn).await.map_err(db_error)?.last_insert_id;
    let movement = Movement {
        equipment_id: id,
        from_status: None,
        to_status: "van".into(),
        customer_id: None,
        location_id: None,
        technician_id: Some(technician.id()),
        job_id: None,
        note: "created from a scan in the tech app".into(),
    };
    moves::log(&txn, movement, now).await.map_err(db_error)?;
    let change = Change {
        action: "equipment_create",
        entity: "equipment",
        entity_id: Some(id),
        before: json!({}),
        after: json!({
            "serial": checked.serial, "barcode": checked.barcode, "mac": checked.mac,
            "model": checked.model, "kind": checked.kind, "status": "van", "technician": technician.id(),
        }),
    };
    audit::record(&txn, &actor(&technician), change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    let path = format!("/j/device/{}", crate::tech::device::path_segment(&checked.serial));
    Ok(Redirect::to(&path).into_response())
}

/// The technician, as the audit log names them.
pub fn actor(technician: &CurrentTechnician) -> Actor {
    Actor { kind: "technician", id: Some(technician.id()), label: technician.technician.name.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> NewDevice {
        NewDevice {
            serial: " ont1000abc ".into(),
            barcode: "GF0003009999".into(),
            mac: "00-1a-2b-ff-00-01".into(),
            model: " Nokia   G-010G-Q ".into(),
            kind: "ont".into(),
            error: None,
        }
    }

    #[test]
    fn good_fields_are_stored_the_canonical_way() {
        let checked = check(&typed()).unwrap();
        assert_eq!(checked.serial, "ONT1000ABC");
        assert_eq!(checked.mac.as_deref(), Some("00:1A:2B:FF:00:01"));
        assert_eq!(checked.model, "Nokia G-010G-Q");
        assert_eq!(check(&NewDevice { mac: String::new(), barcode: " ".into(), ..typed() }).unwrap().mac, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(check(&NewDevice { serial: "a b".into(), ..typed() }), Err("tech.new.error.serial"));
        assert_eq!(check(&NewDevice { mac: "00:1a".into(), ..typed() }), Err("tech.new.error.mac"));
        assert_eq!(check(&NewDevice { model: "x".into(), ..typed() }), Err("tech.new.error.model"));
        assert_eq!(check(&NewDevice { kind: "toaster".into(), ..typed() }), Err("tech.new.error.kind"));
        assert_eq!(check(&NewDevice { barcode: "a b".into(), ..typed() }), Err("tech.new.error.barcode"));
    }
}
