//! `/ops/equipe/{id}`: one technician's details, shift and skill levels.
//! Every field is checked before anything is written; a save is refused
//! when someone changed the technician since the form was opened (see
//! [`roster::fingerprint`]); what changed goes to the audit log in the
//! same transaction.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{skill, technician, technician_skill};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::activation::Activation;
use super::list::Choice;
use super::roster::{self, LEVELS, Levels, phone_display, skill_name};
use super::shift::{check_shift, to_input};
use crate::audit::{self, Change};
use crate::contact::email::normalise_email;
use crate::contact::phone::normalise_phone;
use crate::i18n::{Lang, Messages};
use crate::ops::frame::{Frame, Section};
use crate::ops::records::audit::{AuditRow, trail_for};
use crate::ops::roles::{ManageTeam, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// The form's fields as typed (or as stored, when the page opens).
#[derive(Debug, Default, Clone)]
struct Fields {
    name: String,
    phone: String,
    email: String,
    base: String,
    shift_start: String,
    shift_end: String,
    /// The chosen level by skill id, `""` for none.
    levels: HashMap<i64, String>,
}

impl Fields {
    fn of(found: &technician::Model, levels: &Levels) -> Fields {
        Fields {
            name: found.name.clone(),
            phone: found.phone.as_deref().map(phone_display).unwrap_or_default(),
            email: found.email.clone().unwrap_or_default(),
            base: found.home_base_label.clone(),
            shift_start: to_input(found.shift_start_minute),
            shift_end: to_input(found.shift_end_minute),
            levels: levels.iter().map(|(skill, level)| (*skill, level.to_string())).collect(),
        }
    }

    fn read(form: &HashMap<String, String>, skills: &[skill::Model]) -> Fields {
        let field = |name: &str| form.get(name).cloned().unwrap_or_default();
        Fields {
            name: field("name"),
            phone: field("phone"),
            email: field("email"),
            base: field("base"),
            shift_start: field("shift_start"),
            shift_end: field("shift_end"),
            levels: skills.iter().map(|s| (s.id, field(&format!("skill_{}", s.id)).trim().to_owned())).collect(),
        }
    }
}

/// The catalogue key of each field's problem.
#[derive(Debug, Default, PartialEq, Eq)]
struct Errors {
    name: Option<&'static str>,
    phone: Option<&'static str>,
    email: Option<&'static str>,
    base: Option<&'static str>,
    shift_start: Option<&'static str>,
    shift_end: Option<&'static str>,
    skills: Option<&'static str>,
}

impl Errors {
    fn any(&self) -> bool {
        [self.name, self.phone, self.email, self.base, self.shift_start, self.shift_end, self.skills]
            .iter()
            .any(Option::is_some)
    }
}

/// The values as they will be stored.
#[derive(Debug, PartialEq)]
struct Checked {
    name: String,
    phone: Option<String>,
    email: Option<String>,
    base: String,
    shift: (i32, i32),
    levels: Levels,
}

const MAX_CHARS: usize = 100;

fn check(fields: &Fields) -> Result<Checked, Errors> {
    let mut errors = Errors::default();
    let text = |typed: &str, min: usize, key: &'static str, slot: &mut Option<&'static str>| {
        let trimmed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = trimmed.chars().count();
        if length < min || length > MAX_CHARS {
            *slot = Some(key);
        }
        trimmed
    };
    let name = text(&fields.name, 2, "ops.team.error.name", &mut errors.name);
    let base = text(&fields.base, 2, "ops.team.error.base", &mut errors.base);
    let phone = match fields.phone.trim() {
        "" => None,
        typed => normalise_phone(typed)
            .map(|p| p.as_str().to_owned())
            .map_err(|_| errors.phone = Some("ops.team.error.phone"))
            .ok(),
    };
    let email = match fields.email.trim() {
        "" => None,
        typed => normalise_email(typed)
            .map(|e| e.as_str().to_owned())
            .map_err(|_| errors.email = Some("ops.team.error.email"))
            .ok(),
    };
    let shift = check_shift(&fields.shift_start, &fields.shift_end)
        .map_err(|(start, end)| (errors.shift_start, errors.shift_end) = (start, end))
        .ok();
    let mut levels = Levels::new();
    for (skill, typed) in &fields.levels {
        match typed.parse::<i16>() {
            _ if typed.is_empty() => {}
            Ok(level) if LEVELS.contains(&level) => {
                levels.insert(*skill, level);
            }
            _ => errors.skills = Some("ops.team.error.level"),
        }
    }
    match shift {
        Some(shift) if !errors.any() => Ok(Checked { name, phone, email, base, shift, levels }),
        _ => Err(errors),
    }
}

/// Only what changed, before and after, as the audit log keeps it.
fn changes(
    found: &technician::Model,
    levels: &Levels,
    checked: &Checked,
    skills: &[skill::Model],
) -> (Map<String, Value>, Map<String, Value>) {
    let (mut before, mut after) = (Map::new(), Map::new());
    let mut compare = |field: &str, old: Value, new: Value| {
        if old != new {
            before.insert(field.to_owned(), old);
            after.insert(field.to_owned(), new);
        }
    };
    compare("name", json!(found.name), json!(checked.name));
    compare("phone", json!(found.phone), json!(checked.phone));
    compare("email", json!(found.email), json!(checked.email));
    compare("home_base_label", json!(found.home_base_label), json!(checked.base));
    compare("shift_start", json!(to_input(found.shift_start_minute)), json!(to_input(checked.shift.0)));
    compare("shift_end", json!(to_input(found.shift_end_minute)), json!(to_input(checked.shift.1)));
    for skill in skills {
        compare(&format!("skill:{}", skill.code), json!(levels.get(&skill.id)), json!(checked.levels.get(&skill.id)));
    }
    (before, after)
}

/// One skill's line in the form.
struct SkillField {
    name: String,
    field: String,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "ops/team/templates/edit.html")]
struct EditPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    id: i64,
    heading: String,
    csrf: String,
    version: String,
    form: Fields,
    errors: Errors,
    skills: Vec<SkillField>,
    /// (good news, catalogue key)
    notice: Option<(bool, &'static str)>,
    activation: Activation,
    /// The technician's history (the audit log's entries about them).
    trail: Vec<AuditRow>,
    /// Sign-in links to the tech app.
    links: crate::tech::issue::LinkSection,
}

/// How much of a technician's history the page shows.
const TRAIL_LENGTH: u64 = 15;

#[derive(Deserialize)]
pub struct EditQuery {
    saved: Option<String>,
    done: Option<String>,
}

pub fn parse_id(raw: &str, lang: Lang) -> Result<i64, PageError> {
    raw.trim().parse::<i64>().map_err(|_| PageError::not_found(lang))
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    Path(id): Path<String>,
    Query(query): Query<EditQuery>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let skills = roster::skills(&state.db).await.map_err(db_error)?;
    let found = roster::technician(&state.db, id, false).await.map_err(db_error)?;
    let Some((found, levels)) = found else { return Err(PageError::not_found(lang)) };
    let notice = match (query.saved.as_deref(), query.done.as_deref()) {
        (Some("1"), _) => Some((true, "ops.team.saved")),
        (Some(_), _) => Some((true, "ops.team.unchanged")),
        (_, Some("activated")) => Some((true, "ops.team.activation.activated")),
        (_, Some("deactivated")) => Some((true, "ops.team.activation.deactivated")),
        (_, Some("link_revoked")) => Some((true, "tech.issue.revoked")),
        _ => None,
    };
    let form = Fields::of(&found, &levels);
    let view = View { found: &found, levels: &levels, form, errors: Errors::default(), notice };
    render(&state, lang, &staff, &skills, view, StatusCode::OK).await
}

/// What to show in the form.
struct View<'a> {
    found: &'a technician::Model,
    levels: &'a Levels,
    form: Fields,
    errors: Errors,
    notice: Option<(bool, &'static str)>,
}

async fn render(
    state: &AppState,
    lang: Lang,
    staff: &Staff<ManageTeam>,
    skills: &[skill::Model],
    view: View<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let db_error = |e| PageError::database(lang, e);
    let activation = Activation::load(&state.db, lang, &staff.csrf_token, view.found, None).await.map_err(db_error)?;
    let trail = trail_for(&state.db, "technician", view.found.id, TRAIL_LENGTH).await.map_err(db_error)?;
    let links = crate::tech::issue::section(&state.db, lang, view.found, state.clock.now()).await.map_err(db_error)?;
    let skills = skills
        .iter()
        .map(|s| {
            let chosen = view.form.levels.get(&s.id).map(String::as_str).unwrap_or_default();
            let none = Choice {
                value: String::new(),
                label: m.t("ops.team.no_skill").to_owned(),
                selected: chosen.is_empty(),
            };
            let levels = LEVELS.map(|l| Choice {
                value: l.to_string(),
                label: l.to_string(),
                selected: chosen == l.to_string(),
            });
            SkillField {
                name: skill_name(s, lang).to_owned(),
                field: format!("skill_{}", s.id),
                choices: std::iter::once(none).chain(levels).collect(),
            }
        })
        .collect();
    let page = EditPage {
        m,
        current_path: format!("/ops/equipe/{}", view.found.id),
        frame: Frame::new(staff, Section::Team),
        id: view.found.id,
        heading: view.found.name.clone(),
        csrf: staff.csrf_token.clone(),
        version: roster::fingerprint(view.found, view.levels),
        form: view.form,
        errors: view.errors,
        skills,
        notice: view.notice,
        activation,
        trail,
        links,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// `POST /ops/equipe/{id}`: saves every field when all are valid and the
/// technician is as the form found them; nothing otherwise.
pub async fn save(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ManageTeam>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    if form.get("csrf") != Some(&staff.csrf_token) {
        return Err(PageError::forbidden(lang));
    }
    let db_error = |e| PageError::database(lang, e);
    let skills = roster::skills(&state.db).await.map_err(db_error)?;
    let typed = Fields::read(&form, &skills);
    let checked = check(&typed);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let Some((found, levels)) = roster::technician(&txn, id, true).await.map_err(db_error)? else {
        return Err(PageError::not_found(lang));
    };
    if form.get("version") != Some(&roster::fingerprint(&found, &levels)) {
        txn.rollback().await.map_err(db_error)?;
        let view = View {
            form: Fields::of(&found, &levels),
            found: &found,
            levels: &levels,
            errors: Errors::default(),
            notice: Some((false, "ops.team.stale")),
        };
        return render(&state, lang, &staff, &skills, view, StatusCode::CONFLICT).await;
    }
    let checked = match checked {
        Ok(checked) => {
            let taken = match &checked.email {
                Some(email) => technician::Entity::find()
                    .filter(technician::Column::Email.eq(email.as_str()))
                    .filter(technician::Column::Id.ne(id))
                    .one(&txn)
                    .await
                    .map_err(db_error)?
                    .is_some(),
                None => false,
            };
            if taken {
                Err(Errors { email: Some("ops.team.error.email_taken"), ..Errors::default() })
            } else {
                Ok(checked)
            }
        }
        Err(errors) => Err(errors),
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            txn.rollback().await.map_err(db_error)?;
            let view = View { found: &found, levels: &levels, form: typed, errors, notice: None };
            return render(&state, lang, &staff, &skills, view, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (before, after) = changes(&found, &levels, &checked, &skills);
    if after.is_empty() {
        txn.rollback().await.map_err(db_error)?;
        return Ok(Redirect::to(&format!("/ops/equipe/{id}?saved=0")).into_response());
    }
    technician::Entity::update_many()
        .col_expr(technician::Column::Name, Expr::value(checked.name.clone()))
        .col_expr(technician::Column::Phone, Expr::value(checked.phone.clone()))
        .col_expr(technician::Column::Email, Expr::value(checked.email.clone()))
        .col_expr(technician::Column::HomeBaseLabel, Expr::value(checked.base.clone()))
        .col_expr(technician::Column::ShiftStartMinute, Expr::value(checked.shift.0))
        .col_expr(technician::Column::ShiftEndMinute, Expr::value(checked.shift.1))
        .filter(technician::Column::Id.eq(id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    for skill in &skills {
        let (old, new) = (levels.get(&skill.id), checked.levels.get(&skill.id));
        if old == new {
            continue;
        }
        technician_skill::Entity::delete_many()
            .filter(technician_skill::Column::TechnicianId.eq(id))
            .filter(technician_skill::Column::SkillId.eq(skill.id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        if let Some(level) = new {
            let row =
                technician_skill::ActiveModel { technician_id: Set(id), skill_id: Set(skill.id), level: Set(*level) };
            technician_skill::Entity::insert(row).exec_without_returning(&txn).await.map_err(db_error)?;
        }
    }
    let change = Change {
        action: "technician_update",
        entity: "technician",
        entity_id: Some(id),
        before: Value::Object(before),
        after: Value::Object(after),
    };
    audit::record(&txn, &roster::actor(&staff), change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/equipe/{id}?saved=1")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> Fields {
        Fields {
            name: "  Marie   Roy ".into(),
            phone: "514 838-9458".into(),
            email: "Marie.Roy@Gigafibre.ca".into(),
            base: "Laval".into(),
            shift_start: "08:00".into(),
            shift_end: "16:30".into(),
            levels: HashMap::from([(1, "3".into()), (2, String::new())]),
        }
    }

    #[test]
    fn good_fields_are_stored_the_canonical_way() {
        let checked = check(&typed()).unwrap();
        assert_eq!(checked.name, "Marie Roy");
        assert_eq!(checked.phone.as_deref(), Some("+15148389458"));
        assert_eq!(checked.email.as_deref(), Some("marie.roy@gigafibre.ca"));
        assert_eq!(checked.shift, (480, 990));
        assert_eq!(checked.levels, Levels::from([(1, 3)]));
        let empty_contacts = Fields { phone: " ".into(), email: String::new(), ..typed() };
        assert_eq!(check(&empty_contacts).unwrap().phone, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = Fields {
            name: "X".into(),
            phone: "555-12".into(),
            email: "pas un courriel".into(),
            shift_start: "16:30".into(),
            shift_end: "08:00".into(),
            levels: HashMap::from([(1, "9".into())]),
            ..typed()
        };
        let errors = check(&bad).unwrap_err();
        assert_eq!(errors.name, Some("ops.team.error.name"));
        assert_eq!(errors.phone, Some("ops.team.error.phone"));
        assert_eq!(errors.email, Some("ops.team.error.email"));
        assert_eq!(errors.shift_start, None);
        assert_eq!(errors.shift_end, Some("ops.team.error.shift_order"));
        assert_eq!(errors.skills, Some("ops.team.error.level"));
        assert_eq!(errors.base, None);
    }
}
