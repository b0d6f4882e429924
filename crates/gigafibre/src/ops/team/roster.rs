//! The team's queries: the skills, the technicians with their levels, one
//! technician as the edit form sees them, and how people read them.

use std::collections::BTreeMap;

use gigafibre_db::entities::{skill, technician, technician_skill};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::Actor;
use crate::contact::phone::normalise_phone;
use crate::i18n::Lang;
use crate::ops::roles::{Allowed, Staff};

/// The lowest and highest skill level.
pub const LEVELS: std::ops::RangeInclusive<i16> = 1..=5;

/// Which technicians the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Active,
    Inactive,
    All,
}

impl Activity {
    pub const ALL: [(Activity, &'static str, &'static str); 3] = [
        (Activity::All, "all", "ops.team.filter.all"),
        (Activity::Active, "active", "ops.team.filter.active"),
        (Activity::Inactive, "inactive", "ops.team.filter.inactive"),
    ];

    pub fn from_code(code: &str) -> Activity {
        Activity::ALL.iter().find(|(_, c, _)| *c == code).map_or(Activity::All, |(a, _, _)| *a)
    }

    pub fn code(self) -> &'static str {
        Activity::ALL.iter().find(|(a, _, _)| *a == self).map_or("all", |(_, c, _)| c)
    }
}

/// A technician's levels, by skill id.
pub type Levels = BTreeMap<i64, i16>;

/// Every skill, in the order the demo and the import give them.
pub async fn skills<C: ConnectionTrait>(conn: &C) -> Result<Vec<skill::Model>, DbErr> {
    skill::Entity::find().order_by_asc(skill::Column::Id).all(conn).await
}

pub fn skill_name(skill: &skill::Model, lang: Lang) -> &str {
    match lang {
        Lang::Fr => &skill.name_fr,
        Lang::En => &skill.name_en,
    }
}

/// The technicians the filter keeps, sorted by name as people sort them
/// (accents ignored), each with their levels.
pub async fn technicians<C: ConnectionTrait>(
    conn: &C,
    activity: Activity,
    skill: Option<(i64, i16)>,
) -> Result<Vec<(technician::Model, Levels)>, DbErr> {
    let mut query = technician::Entity::find();
    match activity {
        Activity::Active => query = query.filter(technician::Column::Active.eq(true)),
        Activity::Inactive => query = query.filter(technician::Column::Active.eq(false)),
        Activity::All => {}
    }
    if let Some((skill_id, min_level)) = skill {
        let holders = Query::select()
            .column(technician_skill::Column::TechnicianId)
            .from(technician_skill::Entity)
            .and_where(technician_skill::Column::SkillId.eq(skill_id))
            .and_where(technician_skill::Column::Level.gte(min_level))
            .to_owned();
        query = query.filter(technician::Column::Id.in_subquery(holders));
    }
    let mut found = query.all(conn).await?;
    found.sort_by_cached_key(|t| (sort_key(&t.name), t.id));
    let ids: Vec<i64> = found.iter().map(|t| t.id).collect();
    let mut levels: BTreeMap<i64, Levels> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows = technician_skill::Entity::find()
            .filter(technician_skill::Column::TechnicianId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        for row in rows {
            levels.entry(row.technician_id).or_default().insert(row.skill_id, row.level);
        }
    }
    Ok(found
        .into_iter()
        .map(|t| {
            let own = levels.remove(&t.id).unwrap_or_default();
            (t, own)
        })
        .collect())
}

/// One technician and their levels. On PostgreSQL inside a transaction the
/// row stays locked until the end of it, so that two saves of one technician
/// take turns (SQLite's write transaction already holds the whole database).
pub async fn technician<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    lock: bool,
) -> Result<Option<(technician::Model, Levels)>, DbErr> {
    let mut query = technician::Entity::find_by_id(id);
    if lock && conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    let Some(found) = query.one(conn).await? else { return Ok(None) };
    let levels = technician_skill::Entity::find()
        .filter(technician_skill::Column::TechnicianId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.skill_id, row.level))
        .collect();
    Ok(Some((found, levels)))
}

/// What the edit form saw, as one short string sent back with the form.
///
/// The `technicians` table has no `updated_at` column. Rather than add one
/// (a migration, and every writer of the table remembering to bump it), a
/// save compares this fingerprint of the values the form was built from
/// with one of the values in the database, taken in the saving transaction:
/// any change in between — another edit, a bulk skill change — refuses the
/// save. Whether the technician is active is left out: activating happens on
/// the same page and does not conflict with an edit of the other fields.
pub fn fingerprint(found: &technician::Model, levels: &Levels) -> String {
    let seen = json!([
        found.name,
        found.email,
        found.phone,
        found.home_base_label,
        found.shift_start_minute,
        found.shift_end_minute,
        levels.iter().collect::<Vec<_>>(),
    ]);
    hex::encode(Sha256::digest(seen.to_string().as_bytes()))
}

/// A phone number as people write it: `514 838-9458`; what is stored when
/// it is not a number we can read.
pub fn phone_display(stored: &str) -> String {
    match normalise_phone(stored) {
        Ok(phone) => {
            let digits = &phone.as_str()[2..];
            format!("{} {}-{}", &digits[..3], &digits[3..6], &digits[6..])
        }
        Err(_) => stored.to_owned(),
    }
}

/// Names sort the way people expect: `Émile` beside `Emma`, not after `Zoé`.
pub fn sort_key(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// The member of staff, as the audit log names them.
pub fn actor<R: Allowed>(staff: &Staff<R>) -> Actor {
    Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_show_as_people_write_them() {
        assert_eq!(phone_display("+15148389458"), "514 838-9458");
        assert_eq!(phone_display("not a phone"), "not a phone");
    }

    #[test]
    fn accents_do_not_push_a_name_to_the_end() {
        let mut names = vec!["Zoé Roy", "Émile Roy", "Eric Roy"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["Émile Roy", "Eric Roy", "Zoé Roy"]);
    }

    #[test]
    fn the_fingerprint_changes_with_any_field_but_not_with_activity() {
        let now = chrono::Utc::now();
        let base = technician::Model {
            id: 1,
            name: "Marie Roy".into(),
            email: None,
            phone: Some("+15148389458".into()),
            home_base_label: "Laval".into(),
            home_base_latitude: 45.6,
            home_base_longitude: -73.7,
            shift_start_minute: 480,
            shift_end_minute: 990,
            active: true,
            created_at: now,
        };
        let levels = Levels::from([(1, 3)]);
        let print = fingerprint(&base, &levels);
        assert_eq!(print, fingerprint(&technician::Model { active: false, ..base.clone() }, &levels));
        assert_ne!(print, fingerprint(&technician::Model { shift_end_minute: 1000, ..base.clone() }, &levels));
        assert_ne!(print, fingerprint(&base, &Levels::from([(1, 4)])));
    }
}
