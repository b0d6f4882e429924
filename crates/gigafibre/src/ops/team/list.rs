//! `/ops/equipe`: every technician on one page (46 at full scale), filtered
//! by activity and by skill, with checkboxes to give or take away a skill
//! for many technicians at once.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gigafibre_db::entities::{skill, technician, technician_skill};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use serde_json::json;

use super::roster::{self, Activity, LEVELS, phone_display, skill_name};
use super::shift::show_shift;
use crate::audit::{self, Actor, Change};
use crate::i18n::{Lang, Messages};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ManageTeam, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// What the list shows: which technicians, and what the person last did.
#[derive(Debug, Clone, Copy)]
struct Filter {
    activity: Activity,
    /// A skill and the lowest level that counts.
    skill: Option<(i64, i16)>,
}

impl Filter {
    fn read(state: Option<&str>, skill: Option<&str>, min: Option<&str>) -> Filter {
        let min = min.and_then(|m| m.trim().parse::<i16>().ok()).filter(|l| LEVELS.contains(l)).unwrap_or(1);
        let skill = skill.and_then(|s| s.trim().parse::<i64>().ok()).map(|id| (id, min));
        Filter { activity: Activity::from_code(state.unwrap_or_default().trim()), skill }
    }

    /// The filter as query pairs, to come back to the same list.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("state", self.activity.code().to_owned())];
        if let Some((skill, min)) = self.skill {
            pairs.push(("skill", skill.to_string()));
            pairs.push(("min", min.to_string()));
        }
        pairs
    }
}

/// A choice in a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Row {
    id: i64,
    name: String,
    /// (`tel:` target, as shown)
    phone: Option<(String, String)>,
    email: Option<String>,
    base: String,
    shift: String,
    /// (skill, level)
    skills: Vec<(String, i16)>,
    active: bool,
    checked: bool,
}

/// What an action on the list came to: a sentence, good news or not.
pub struct Outcome {
    ok: bool,
    text: String,
}

/// The form around the table: the page includes it, an htmx action answers it.
pub struct Roster {
    csrf: String,
    filter_state: &'static str,
    filter_skill: String,
    filter_min: String,
    rows: Vec<Row>,
    bulk_skills: Vec<Choice>,
    bulk_levels: Vec<Choice>,
    outcome: Option<Outcome>,
}

#[derive(Template)]
#[template(path = "ops/team/templates/list.html")]
struct ListPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    heading: String,
    states: Vec<Choice>,
    skills: Vec<Choice>,
    levels: Vec<Choice>,
    roster: Roster,
}

#[derive(Template)]
#[template(path = "ops/team/templates/roster.html")]
struct RosterFragment {
    m: Messages,
    roster: Roster,
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    skill: Option<String>,
    min: Option<String>,
    /// What was just done (`applied`, `removed`), with the skill, level and
    /// number of technicians changed, for the sentence that says so.
    done: Option<String>,
    s: Option<String>,
    l: Option<String>,
    n: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = Filter::read(query.state.as_deref(), query.skill.as_deref(), query.min.as_deref());
    let skills = roster::skills(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    let outcome = match query.done.as_deref() {
        Some(done @ ("applied" | "removed")) => {
            let id = query.s.as_deref().and_then(|s| s.parse::<i64>().ok());
            let level = query.l.as_deref().and_then(|l| l.parse::<i16>().ok()).unwrap_or(1);
            let count = query.n.as_deref().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
            skills.iter().find(|s| Some(s.id) == id).map(|skill| {
                let op = if done == "applied" { Op::Apply(level) } else { Op::Remove };
                summary(lang, op, skill, count)
            })
        }
        _ => None,
    };
    let listing = Listing { filter, skills: &skills, picked: Picked::default(), outcome };
    render_page(&state, lang, &staff, listing, StatusCode::OK).await
}

/// What the bulk form had chosen, kept when the page comes back.
#[derive(Default)]
struct Picked {
    technicians: Vec<i64>,
    skill: Option<i64>,
    level: Option<i16>,
}

/// What a list shows: the technicians the filter keeps, what the bulk form
/// had chosen, what was just done.
struct Listing<'a> {
    filter: Filter,
    skills: &'a [skill::Model],
    picked: Picked,
    outcome: Option<Outcome>,
}

async fn load_roster(state: &AppState, lang: Lang, csrf: &str, listing: Listing<'_>) -> Result<Roster, PageError> {
    let Listing { filter, skills, picked, outcome } = listing;
    let found = roster::technicians(&state.db, filter.activity, filter.skill)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    let rows = found
        .into_iter()
        .map(|(t, levels)| Row {
            id: t.id,
            checked: picked.technicians.contains(&t.id),
            phone: t.phone.as_deref().map(|p| (p.to_owned(), phone_display(p))),
            email: t.email,
            base: t.home_base_label,
            shift: show_shift(lang, t.shift_start_minute, t.shift_end_minute),
            skills: skills
                .iter()
                .filter_map(|s| levels.get(&s.id).map(|level| (skill_name(s, lang).to_owned(), *level)))
                .collect(),
            active: t.active,
            name: t.name,
        })
        .collect();
    Ok(Roster {
        csrf: csrf.to_owned(),
        filter_state: filter.activity.code(),
        filter_skill: filter.skill.map(|(id, _)| id.to_string()).unwrap_or_default(),
        filter_min: filter.skill.map(|(_, min)| min.to_string()).unwrap_or_default(),
        rows,
        bulk_skills: skill_choices(skills, lang, picked.skill),
        bulk_levels: level_choices(picked.level.unwrap_or(3)),
        outcome,
    })
}

fn skill_choices(skills: &[skill::Model], lang: Lang, selected: Option<i64>) -> Vec<Choice> {
    skills
        .iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: skill_name(s, lang).to_owned(),
            selected: Some(s.id) == selected,
        })
        .collect()
}

fn level_choices(selected: i16) -> Vec<Choice> {
    LEVELS.map(|l| Choice { value: l.to_string(), label: l.to_string(), selected: l == selected }).collect()
}

async fn render_page(
    state: &AppState,
    lang: Lang,
    staff: &Staff<ManageTeam>,
    listing: Listing<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let (filter, skills) = (listing.filter, listing.skills);
    let roster = load_roster(state, lang, &staff.csrf_token, listing).await?;
    let count = roster.rows.len();
    let heading_key = if count == 1 { "ops.team.count_one" } else { "ops.team.count_many" };
    let page = ListPage {
        m,
        current_path: "/ops/equipe".into(),
        frame: Frame::new(staff, Section::Team),
        heading: m.t(heading_key).replace("{count}", &m.count(&(count as u64))),
        states: Activity::ALL
            .iter()
            .map(|(a, code, key)| Choice {
                value: (*code).to_owned(),
                label: m.t(key).to_owned(),
                selected: *a == filter.activity,
            })
            .collect(),
        skills: skill_choices(skills, lang, filter.skill.map(|(id, _)| id)),
        levels: level_choices(filter.skill.map_or(1, |(_, min)| min)),
        roster,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// Give a skill at a level, or take it away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Apply(i16),
    Remove,
}

/// The bulk form: repeated `technician` fields, so read by hand.
#[derive(Default)]
struct BulkForm {
    csrf: String,
    technicians: Vec<i64>,
    skill: Option<i64>,
    level: Option<i16>,
    op: String,
    filter: (Option<String>, Option<String>, Option<String>),
}

/// The most technicians one bulk change names.
const MAX_BULK: usize = 500;

impl BulkForm {
    fn parse(body: &[u8]) -> BulkForm {
        let mut form = BulkForm::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            let value = value.trim();
            match name.as_ref() {
                "csrf" => form.csrf = value.to_owned(),
                "technician" => {
                    // A team is a few dozen people: a longer list is not from our form.
                    if let Ok(id) = value.parse::<i64>()
                        && form.technicians.len() < MAX_BULK
                        && !form.technicians.contains(&id)
                    {
                        form.technicians.push(id);
                    }
                }
                "skill" => form.skill = value.parse().ok(),
                "level" => form.level = value.parse().ok(),
                "op" => form.op = value.to_owned(),
                "f_state" => form.filter.0 = Some(value.to_owned()),
                "f_skill" => form.filter.1 = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "f_min" => form.filter.2 = Some(value.to_owned()).filter(|v| !v.is_empty()),
                _ => {}
            }
        }
        form
    }

    /// What to do, or the catalogue key of what is missing.
    fn check<'s>(&self, skills: &'s [skill::Model]) -> Result<(Op, &'s skill::Model), &'static str> {
        let op = match (self.op.as_str(), self.level) {
            ("apply", Some(level)) if LEVELS.contains(&level) => Op::Apply(level),
            ("apply", _) => return Err("ops.team.bulk.choose_level"),
            ("remove", _) => Op::Remove,
            _ => return Err("ops.team.bulk.choose_action"),
        };
        let skill = skills.iter().find(|s| Some(s.id) == self.skill).ok_or("ops.team.bulk.choose_skill")?;
        if self.technicians.is_empty() {
            return Err("ops.team.bulk.none_selected");
        }
        Ok((op, skill))
    }
}

/// `POST /ops/equipe/competences`: one skill for the checked technicians, in
/// one transaction, one audit entry per technician whose level changed.
pub async fn tag_skills(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = BulkForm::parse(&body);
    staff.check_csrf(&form.csrf, lang)?;
    let htmx = headers.contains_key("hx-request");
    let db_error = |e| PageError::database(lang, e);
    let skills = roster::skills(&state.db).await.map_err(db_error)?;
    let filter = Filter::read(form.filter.0.as_deref(), form.filter.1.as_deref(), form.filter.2.as_deref());
    let picked = Picked { technicians: form.technicians.clone(), skill: form.skill, level: form.level };
    let (op, skill) = match form.check(&skills) {
        Ok(checked) => checked,
        Err(key) => {
            let outcome = Some(Outcome { ok: false, text: Messages::new(lang).t(key).to_owned() });
            let listing = Listing { filter, skills: &skills, picked, outcome };
            return answer(&state, lang, &staff, htmx, listing, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let changed = tag(&txn, &roster::actor(&staff), &form.technicians, skill, op, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    if htmx {
        let outcome = Some(summary(lang, op, skill, changed));
        let listing = Listing { filter, skills: &skills, picked, outcome };
        return answer(&state, lang, &staff, true, listing, StatusCode::OK).await;
    }
    let mut pairs = filter.pairs();
    let (done, level) = match op {
        Op::Apply(level) => ("applied", level),
        Op::Remove => ("removed", 0),
    };
    pairs.extend([("done", done.to_owned()), ("s", skill.id.to_string()), ("l", level.to_string())]);
    pairs.push(("n", changed.to_string()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Ok(Redirect::to(&format!("/ops/equipe?{query}")).into_response())
}

/// The roster alone for htmx, the whole page otherwise.
async fn answer(
    state: &AppState,
    lang: Lang,
    staff: &Staff<ManageTeam>,
    htmx: bool,
    listing: Listing<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    if !htmx {
        return render_page(state, lang, staff, listing, status).await;
    }
    let roster = load_roster(state, lang, &staff.csrf_token, listing).await?;
    let fragment = RosterFragment { m: Messages::new(lang), roster };
    let html = fragment.render().map_err(|e| PageError::internal(lang, e))?;
    // htmx swaps only successful answers: a refusal comes back as 200 with its reason.
    Ok(Html(html).into_response())
}

/// Applies `op` to each technician in `ids` that exists; returns how many changed.
async fn tag<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    ids: &[i64],
    skill: &skill::Model,
    op: Op,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let field = format!("skill:{}", skill.code);
    let mut query = technician::Entity::find()
        .filter(technician::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(technician::Column::Id);
    // On PostgreSQL the rows stay locked until the change is saved, taken in
    // one order, so a bulk change and an edit of one technician take turns
    // (the edit's fingerprint then sees the new levels and refuses).
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    let existing: Vec<i64> = query.all(conn).await?.into_iter().map(|t| t.id).collect();
    let mut changed = 0;
    for technician_id in existing {
        let this = technician_skill::Entity::find()
            .filter(technician_skill::Column::TechnicianId.eq(technician_id))
            .filter(technician_skill::Column::SkillId.eq(skill.id));
        let current = this.clone().one(conn).await?.map(|row| row.level);
        let action = match (op, current) {
            (Op::Apply(level), Some(now_level)) if now_level == level => continue,
            (Op::Remove, None) => continue,
            (Op::Apply(level), Some(_)) => {
                technician_skill::Entity::update_many()
                    .col_expr(technician_skill::Column::Level, level.into())
                    .filter(technician_skill::Column::TechnicianId.eq(technician_id))
                    .filter(technician_skill::Column::SkillId.eq(skill.id))
                    .exec(conn)
                    .await?;
                "technician_skill_set"
            }
            (Op::Apply(level), None) => {
                let row = technician_skill::ActiveModel {
                    technician_id: Set(technician_id),
                    skill_id: Set(skill.id),
                    level: Set(level),
                };
                technician_skill::Entity::insert(row).exec_without_returning(conn).await?;
                "technician_skill_set"
            }
            (Op::Remove, Some(_)) => {
                technician_skill::Entity::delete_many()
                    .filter(technician_skill::Column::TechnicianId.eq(technician_id))
                    .filter(technician_skill::Column::SkillId.eq(skill.id))
                    .exec(conn)
                    .await?;
                "technician_skill_remove"
            }
        };
        let after = match op {
            Op::Apply(level) => json!({ field.as_str(): level }),
            Op::Remove => json!({ field.as_str(): null }),
        };
        let change = Change {
            action,
            entity: "technician",
            entity_id: Some(technician_id),
            before: json!({ field.as_str(): current }),
            after,
        };
        audit::record(conn, actor, change, now).await?;
        changed += 1;
    }
    Ok(changed)
}

/// "Niveau 3 en Épissure de fibre donné à 12 techniciens."
fn summary(lang: Lang, op: Op, skill: &skill::Model, count: usize) -> Outcome {
    let m = Messages::new(lang);
    let key = match (op, count) {
        (_, 0) => "ops.team.bulk.unchanged",
        (Op::Apply(_), 1) => "ops.team.bulk.applied_one",
        (Op::Apply(_), _) => "ops.team.bulk.applied_many",
        (Op::Remove, 1) => "ops.team.bulk.removed_one",
        (Op::Remove, _) => "ops.team.bulk.removed_many",
    };
    let level = match op {
        Op::Apply(level) => level.to_string(),
        Op::Remove => String::new(),
    };
    let text = m
        .t(key)
        .replace("{level}", &level)
        .replace("{skill}", skill_name(skill, lang))
        .replace("{count}", &m.count(&(count as u64)));
    Outcome { ok: true, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skills() -> Vec<skill::Model> {
        vec![skill::Model {
            id: 1,
            code: "fibre_splicing".into(),
            name_fr: "Épissure".into(),
            name_en: "Splicing".into(),
        }]
    }

    #[test]
    fn the_bulk_form_reads_repeated_technicians_and_names_what_is_missing() {
        let form =
            BulkForm::parse(b"csrf=x&technician=3&technician=5&technician=3&technician=zz&skill=1&level=4&op=apply");
        assert_eq!(form.technicians, vec![3, 5]);
        let skills = skills();
        assert_eq!(form.check(&skills).map(|(op, s)| (op, s.id)), Ok((Op::Apply(4), 1)));
        let none = BulkForm::parse(b"skill=1&level=4&op=apply");
        assert_eq!(none.check(&skills).err(), Some("ops.team.bulk.none_selected"));
        let bad_level = BulkForm::parse(b"technician=1&skill=1&level=9&op=apply");
        assert_eq!(bad_level.check(&skills).err(), Some("ops.team.bulk.choose_level"));
        let unknown_skill = BulkForm::parse(b"technician=1&skill=7&op=remove");
        assert_eq!(unknown_skill.check(&skills).err(), Some("ops.team.bulk.choose_skill"));
    }

    #[test]
    fn the_summary_says_what_was_given_to_how_many() {
        let skill = &skills()[0];
        assert_eq!(summary(Lang::Fr, Op::Apply(3), skill, 12).text, "Niveau 3 en Épissure donné à 12 techniciens.");
        assert_eq!(summary(Lang::En, Op::Remove, skill, 1).text, "Splicing removed from 1 technician.");
    }
}
