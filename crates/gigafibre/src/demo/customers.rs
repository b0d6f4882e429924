//! Customers with their service locations, contacts, subscriptions and the
//! equipment those subscriptions put in their homes.

use chrono::{DateTime, Months, NaiveDate, Utc};
use gigafibre_db::entities::{contact, customer, equipment, equipment_movement, service_location, subscription};
use rand::RngExt;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::catalogue::PLANS;
use super::places::{
    AREA_CODES, EMAIL_DOMAINS, ENGLISH_FIRST_NAMES, FRENCH_FIRST_NAMES, LAST_NAMES, MUNICIPALITIES, STREET_NAMES,
};
use super::{Dataset, at_noon};

/// The longest a demo customer has been with us, in months.
pub const MAX_TENURE_MONTHS: u32 = 33;

pub fn generate(rng: &mut ChaCha8Rng, data: &mut Dataset, customers: usize) {
    for index in 0..customers {
        let id = index as i64 + 1;
        let tenure = rng.random_range(1..=MAX_TENURE_MONTHS);
        let since = data.as_of.checked_sub_months(Months::new(tenure)).unwrap_or(data.as_of);
        let customer = new_customer(rng, id, since);
        let location = new_location(rng, id, at_noon(since));
        if rng.random_bool(0.08) {
            data.contacts.push(contact::Model {
                id: data.contacts.len() as i64 + 1,
                customer_id: id,
                name: format!("{} {}", pick(rng, FRENCH_FIRST_NAMES), customer.last_name),
                role: "conjoint".into(),
                email: None,
                phone: Some(phone(rng, id + 500_000)),
                created_at: customer.created_at,
            });
        }
        add_subscriptions(rng, data, &customer, &location, since);
        data.customers.push(customer);
        data.locations.push(location);
    }
}

fn new_customer(rng: &mut ChaCha8Rng, id: i64, since: NaiveDate) -> customer::Model {
    let english = rng.random_bool(0.2);
    let first = pick(rng, if english { ENGLISH_FIRST_NAMES } else { FRENCH_FIRST_NAMES });
    let last = pick(rng, LAST_NAMES);
    let business = rng.random_bool(0.08);
    let status = match rng.random_range(0..100) {
        0..10 => "closed",
        10..12 => "suspended",
        _ => "active",
    };
    let email = rng
        .random_bool(0.92)
        .then(|| format!("{}.{}{}@{}", ascii_fold(first), ascii_fold(last), id, pick(rng, EMAIL_DOMAINS)));
    let billing_email = if business || rng.random_bool(0.1) {
        Some(format!("factures{id}@{}", pick(rng, EMAIL_DOMAINS)))
    } else {
        None
    };
    let created_at = at_noon(since);
    customer::Model {
        id,
        account_number: format!("GF-{:06}", 100_000 + id),
        legacy_id: Some((20_000 + id).to_string()),
        kind: if business { "business" } else { "residential" }.into(),
        first_name: first.into(),
        last_name: last.into(),
        company_name: business.then(|| format!("{last} et fils inc.")),
        email,
        billing_email,
        cell: rng.random_bool(0.85).then(|| phone(rng, id)),
        home_phone: rng.random_bool(0.3).then(|| phone(rng, id + 1_000_000)),
        language: if english { "en" } else { "fr" }.into(),
        status: status.into(),
        billing_day: rng.random_range(1..=28),
        balance_cents: 0,
        notes: String::new(),
        notify_by_email: true,
        notify_by_sms: true,
        created_at,
        updated_at: created_at,
    }
}

fn new_location(rng: &mut ChaCha8Rng, id: i64, created_at: DateTime<Utc>) -> service_location::Model {
    let (municipality, lat, lng, postal) = MUNICIPALITIES.choose(rng).copied().unwrap_or(MUNICIPALITIES[0]);
    service_location::Model {
        id,
        customer_id: id,
        legacy_id: Some((20_000 + id).to_string()),
        street: format!("{} {}", rng.random_range(1..3000), pick(rng, STREET_NAMES)),
        unit: rng.random_bool(0.15).then(|| rng.random_range(1..12).to_string()),
        municipality: municipality.into(),
        province: "QC".into(),
        postal_code: format!(
            "{postal} {}{}{}",
            rng.random_range(0..10),
            char::from(b'A' + rng.random_range(0..26)),
            rng.random_range(0..10)
        ),
        latitude: Some(lat + rng.random_range(-0.03..0.03)),
        longitude: Some(lng + rng.random_range(-0.04..0.04)),
        fibre_drop: Some(format!("FD-{id:06}")),
        olt_port: Some(format!(
            "OLT{}/{}/{}",
            rng.random_range(1..5),
            rng.random_range(1..17),
            rng.random_range(1..65)
        )),
        created_at,
    }
}

/// Chance that a customer takes each catalogue item, in catalogue order.
const TAKE_RATES: &[f64] = &[0.0, 0.0, 0.0, 0.0, 0.25, 0.1, 0.25, 0.3, 0.1, 0.1, 1.0];

fn add_subscriptions(
    rng: &mut ChaCha8Rng,
    data: &mut Dataset,
    customer: &customer::Model,
    location: &service_location::Model,
    since: NaiveDate,
) {
    let internet_plan = rng.random_range(0..4);
    for (index, spec) in PLANS.iter().enumerate() {
        let takes = index == internet_plan || (index >= 4 && rng.random_bool(TAKE_RATES[index]));
        if !takes {
            continue;
        }
        let id = data.subscriptions.len() as i64 + 1;
        let once = spec.frequency == "once";
        let (status, end_date) = if customer.status == "closed" {
            let end = data.as_of - chrono::Days::new(rng.random_range(1..60));
            ("cancelled", Some(end.max(since)))
        } else if once {
            ("active", Some(since))
        } else if index >= 4 && rng.random_bool(0.04) {
            ("cancelled", Some(data.as_of - chrono::Days::new(rng.random_range(1..200))).map(|d| d.max(since)))
        } else if rng.random_bool(0.02) {
            ("paused", None)
        } else {
            ("active", None)
        };
        let created_at = at_noon(since);
        data.subscriptions.push(subscription::Model {
            id,
            legacy_id: Some((500_000 + id).to_string()),
            customer_id: customer.id,
            service_location_id: Some(location.id),
            plan_id: index as i64 + 1,
            quantity: 1,
            unit_price_cents: spec.price_cents,
            status: status.into(),
            start_date: since,
            end_date,
            created_at,
            updated_at: created_at,
        });
        if status != "cancelled"
            && let Some(kind) = spec.device
        {
            install_device(data, kind, customer.id, location.id, id, created_at);
            if kind == "ont" {
                install_device(data, "router", customer.id, location.id, id, created_at);
            }
        }
    }
}

const MODELS: &[(&str, &str, &str)] = &[
    ("ont", "Nokia G-010G-Q", "ALCL"),
    ("router", "Eero Pro 6E", "EERO"),
    ("settop", "Arris VIP5662W", "ARRS"),
    ("phone_adapter", "Grandstream HT802", "GXHT"),
];

/// A device with a serial, MAC and barcode unique to its sequence number.
pub fn new_device(id: i64, kind: &str, status: &str, at: DateTime<Utc>) -> equipment::Model {
    let (_, model, prefix) = MODELS.iter().find(|(k, _, _)| *k == kind).copied().unwrap_or(MODELS[0]);
    equipment::Model {
        id,
        serial: format!("{prefix}{:08X}", 0x1000_0000 + id),
        mac: Some(format!("00:1A:2B:{:02X}:{:02X}:{:02X}", (id >> 16) & 0xFF, (id >> 8) & 0xFF, id & 0xFF)),
        barcode: Some(format!("GF{:010}", 3_000_000 + id)),
        model: model.into(),
        kind: kind.into(),
        status: status.into(),
        customer_id: None,
        service_location_id: None,
        subscription_id: None,
        technician_id: None,
        created_at: at,
        updated_at: at,
    }
}

fn install_device(
    data: &mut Dataset,
    kind: &str,
    customer_id: i64,
    location_id: i64,
    subscription_id: i64,
    at: DateTime<Utc>,
) {
    let id = data.equipment.len() as i64 + 1;
    let mut device = new_device(id, kind, "installed", at);
    device.customer_id = Some(customer_id);
    device.service_location_id = Some(location_id);
    device.subscription_id = Some(subscription_id);
    data.equipment.push(device);
    data.movements.push(equipment_movement::Model {
        id: data.movements.len() as i64 + 1,
        equipment_id: id,
        at,
        from_status: Some("warehouse".into()),
        to_status: "installed".into(),
        customer_id: Some(customer_id),
        service_location_id: Some(location_id),
        technician_id: None,
        note: String::new(),
        job_id: None,
    });
}

/// Devices waiting in the warehouse and in each technician's van.
pub fn stock(data: &mut Dataset, per_van: usize, in_warehouse: usize) {
    let at = at_noon(data.as_of);
    let technician_ids: Vec<i64> = data.technicians.iter().map(|t| t.id).collect();
    for technician_id in technician_ids {
        for n in 0..per_van {
            let id = data.equipment.len() as i64 + 1;
            let mut device = new_device(id, MODELS[n % MODELS.len()].0, "van", at);
            device.technician_id = Some(technician_id);
            data.equipment.push(device);
        }
    }
    for n in 0..in_warehouse {
        let id = data.equipment.len() as i64 + 1;
        data.equipment.push(new_device(id, MODELS[n % MODELS.len()].0, "warehouse", at));
    }
}

/// A North-American number in the region, unique to `seed`.
fn phone(rng: &mut ChaCha8Rng, seed: i64) -> String {
    let area = pick(rng, AREA_CODES);
    let exchange = 200 + (seed * 7_919).rem_euclid(800);
    let line = (seed * 104_729).rem_euclid(10_000);
    format!("+1{area}{exchange:03}{line:04}")
}

fn pick(rng: &mut ChaCha8Rng, words: &[&'static str]) -> &'static str {
    words.choose(rng).copied().unwrap_or_default()
}

/// `Côté` → `cote`, for e-mail local parts.
fn ascii_fold(word: &str) -> String {
    word.chars()
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' => Some('e'),
            'î' | 'ï' => Some('i'),
            'ô' | 'ö' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            '-' | '\'' | ' ' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect()
}
