//! What the demo provider sells and who works there: plans, skills, staff,
//! technicians.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{plan, skill, staff, technician, technician_skill};
use rand::RngExt;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::places::{FRENCH_FIRST_NAMES, LAST_NAMES, MUNICIPALITIES};

/// (code, French, English, category, frequency, price in cents, prorate, needs)
/// `needs` says which device a subscription to it puts at the customer's.
pub struct PlanSpec {
    pub code: &'static str,
    pub name_fr: &'static str,
    pub name_en: &'static str,
    pub category: &'static str,
    pub frequency: &'static str,
    pub price_cents: i64,
    pub device: Option<&'static str>,
}

pub const PLANS: &[PlanSpec] = &[
    PlanSpec {
        code: "FIBRE-100",
        name_fr: "Fibre 100 Mbit/s",
        name_en: "Fibre 100 Mbps",
        category: "plan",
        frequency: "monthly",
        price_cents: 5995,
        device: Some("ont"),
    },
    PlanSpec {
        code: "FIBRE-500",
        name_fr: "Fibre 500 Mbit/s",
        name_en: "Fibre 500 Mbps",
        category: "plan",
        frequency: "monthly",
        price_cents: 7995,
        device: Some("ont"),
    },
    PlanSpec {
        code: "FIBRE-1000",
        name_fr: "Fibre 1 Gbit/s",
        name_en: "Fibre 1 Gbps",
        category: "plan",
        frequency: "monthly",
        price_cents: 9995,
        device: Some("ont"),
    },
    PlanSpec {
        code: "FIBRE-1500",
        name_fr: "Fibre 1,5 Gbit/s",
        name_en: "Fibre 1.5 Gbps",
        category: "plan",
        frequency: "monthly",
        price_cents: 11995,
        device: Some("ont"),
    },
    PlanSpec {
        code: "TV-BASE",
        name_fr: "Télé de base",
        name_en: "Basic TV",
        category: "addon",
        frequency: "monthly",
        price_cents: 2500,
        device: Some("settop"),
    },
    PlanSpec {
        code: "TV-PLUS",
        name_fr: "Télé Plus",
        name_en: "TV Plus",
        category: "addon",
        frequency: "monthly",
        price_cents: 4500,
        device: Some("settop"),
    },
    PlanSpec {
        code: "PHONE",
        name_fr: "Téléphonie résidentielle",
        name_en: "Home phone",
        category: "addon",
        frequency: "monthly",
        price_cents: 2495,
        device: Some("phone_adapter"),
    },
    PlanSpec {
        code: "WIFI-MESH",
        name_fr: "Borne Wi-Fi maillée",
        name_en: "Mesh Wi-Fi point",
        category: "addon",
        frequency: "monthly",
        price_cents: 500,
        device: Some("router"),
    },
    PlanSpec {
        code: "STATIC-IP",
        name_fr: "Adresse IP fixe",
        name_en: "Static IP address",
        category: "addon",
        frequency: "monthly",
        price_cents: 1000,
        device: None,
    },
    PlanSpec {
        code: "SUPPORT-PLUS",
        name_fr: "Soutien prioritaire (annuel)",
        name_en: "Priority support (yearly)",
        category: "addon",
        frequency: "yearly",
        price_cents: 9900,
        device: None,
    },
    PlanSpec {
        code: "INSTALL",
        name_fr: "Frais d'installation",
        name_en: "Installation fee",
        category: "addon",
        frequency: "once",
        price_cents: 9900,
        device: None,
    },
];

pub const SKILLS: &[(&str, &str, &str)] = &[
    ("fibre_splicing", "Épissure de fibre", "Fibre splicing"),
    ("ont_install", "Installation ONT", "ONT installation"),
    ("wifi", "Wi-Fi et réseau domestique", "Wi-Fi and home network"),
    ("tv", "Télévision", "Television"),
    ("phone", "Téléphonie", "Telephony"),
    ("aerial", "Travail aérien (poteaux)", "Aerial work (poles)"),
    ("underground", "Réseau souterrain", "Underground network"),
    ("troubleshooting", "Diagnostic", "Troubleshooting"),
];

pub fn plans(now: DateTime<Utc>) -> Vec<plan::Model> {
    PLANS
        .iter()
        .zip(1..)
        .map(|(spec, id)| plan::Model {
            id,
            code: spec.code.into(),
            name_fr: spec.name_fr.into(),
            name_en: spec.name_en.into(),
            category: spec.category.into(),
            billing_frequency: spec.frequency.into(),
            price_cents: spec.price_cents,
            prorate: spec.frequency == "monthly",
            taxable: true,
            active: true,
            created_at: now,
        })
        .collect()
}

pub fn skills() -> Vec<skill::Model> {
    SKILLS
        .iter()
        .zip(1..)
        .map(|((code, fr, en), id)| skill::Model {
            id,
            code: (*code).into(),
            name_fr: (*fr).into(),
            name_en: (*en).into(),
        })
        .collect()
}

/// The demo's administrator, whose sign-in link `gigafibre demo` prints.
pub const ADMIN_EMAIL: &str = "admin@gigafibre.demo";

/// The demo's staff: one per role, with the admin the README tells people
/// to sign in as.
pub fn staff(now: DateTime<Utc>) -> Vec<staff::Model> {
    [
        (ADMIN_EMAIL, "Alexandra Admin", "admin"),
        ("agent@gigafibre.demo", "Antoine Agent", "agent"),
        ("dispatch@gigafibre.demo", "Diane Dispatch", "dispatcher"),
        ("billing@gigafibre.demo", "Bruno Billing", "billing"),
    ]
    .into_iter()
    .zip(1..)
    .map(|((email, name, role), id)| staff::Model {
        id,
        email: email.into(),
        name: name.into(),
        role: role.into(),
        language: "fr".into(),
        active: true,
        created_at: now,
    })
    .collect()
}

pub fn technicians(
    rng: &mut ChaCha8Rng,
    count: usize,
    now: DateTime<Utc>,
) -> (Vec<technician::Model>, Vec<technician_skill::Model>) {
    let mut technicians = Vec::with_capacity(count);
    let mut skills = Vec::new();
    for index in 0..count {
        let id = index as i64 + 1;
        let first = FRENCH_FIRST_NAMES.choose(rng).copied().unwrap_or("Alex");
        let last = LAST_NAMES.choose(rng).copied().unwrap_or("Roy");
        let (base, lat, lng, _) = MUNICIPALITIES[index % MUNICIPALITIES.len()];
        let early = rng.random_bool(0.5);
        technicians.push(technician::Model {
            id,
            name: format!("{first} {last}"),
            email: Some(format!("tech{id:02}@gigafibre.demo")),
            phone: Some(format!("+1450555{:04}", 1000 + id)),
            home_base_label: base.into(),
            home_base_latitude: lat + rng.random_range(-0.02..0.02),
            home_base_longitude: lng + rng.random_range(-0.02..0.02),
            shift_start_minute: if early { 7 * 60 } else { 8 * 60 },
            shift_end_minute: if early { 15 * 60 + 30 } else { 16 * 60 + 30 },
            active: index + 2 < count || count < 3,
            created_at: now,
        });
        for skill_id in 1..=SKILLS.len() as i64 {
            // Everyone installs and diagnoses; the rest is spread out.
            let common = skill_id == 2 || skill_id == 8;
            if common || rng.random_bool(0.45) {
                skills.push(technician_skill::Model { technician_id: id, skill_id, level: rng.random_range(1..=5) });
            }
        }
    }
    (technicians, skills)
}
