//! `/ops/audit`: who did what, newest first, for admins (`Staff<AdminOnly>`).
//!
//! Each entry reads as: when, who (label and kind), the action in words, the
//! record it touched (a link to it), and what changed, field by field,
//! before → after (see [`super::changes`]).
//!
//! # A record's trail on another page
//!
//! Another page shows one record's history with [`trail_for`] and the
//! fragment `ops/records/templates/trail.html`. The fragment reads two
//! fields of the including page's struct: `m: Messages` and
//! `trail: Vec<AuditRow>`. For the client page:
//!
//! ```ignore
//! // in the handler
//! let trail = crate::ops::records::audit::trail_for(&state.db, "customer", id, 20).await?;
//! // in the template
//! {% include "ops/records/templates/trail.html" %}
//! ```
//!
//! A feature that records a new action adds it to [`ACTIONS`] with its
//! words in this folder's `fr.toml`/`en.toml`; until then the list shows its
//! code.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::America::Toronto;
use gigafibre_db::entities::{audit_entry, skill};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::changes::{FieldChange, SkillName, field_changes, mentions_skills};
use super::{Choice, Page, keyset, like_pattern};
use crate::i18n::{Messages, local_time};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{AdminOnly, Staff};
use crate::web::{AppState, PageError, RequestLang};

const PAGE_SIZE: u64 = 50;

/// The actions recorded so far, with their words.
pub const ACTIONS: &[(&str, &str)] = &[
    ("impersonation_start", "ops.audit.action.impersonation_start"),
    ("impersonation_end", "ops.audit.action.impersonation_end"),
    ("update_contact", "ops.audit.action.update_contact"),
    ("customer_update", "ops.audit.action.customer_update"),
    ("customer_create", "ops.audit.action.customer_create"),
    ("location_create", "ops.audit.action.location_create"),
    ("ticket_create", "ops.audit.action.ticket_create"),
    ("ticket_reply", "ops.audit.action.ticket_reply"),
    ("ticket_note", "ops.audit.action.ticket_note"),
    ("ticket_status", "ops.audit.action.ticket_status"),
    ("ticket_priority", "ops.audit.action.ticket_priority"),
    ("ticket_assign", "ops.audit.action.ticket_assign"),
    ("staff_sso_create", "ops.audit.action.staff_sso_create"),
    ("staff_sso_update", "ops.audit.action.staff_sso_update"),
    ("staff_sso_sign_in", "ops.audit.action.staff_sso_sign_in"),
    ("staff_sso_left_groups", "ops.audit.action.staff_sso_left_groups"),
    ("staff_deactivate", "ops.audit.action.staff_deactivate"),
    ("customer_sign_out_everywhere", "ops.audit.action.customer_sign_out_everywhere"),
    ("technician_update", "ops.audit.action.technician_update"),
    ("technician_skill_set", "ops.audit.action.technician_skill_set"),
    ("technician_skill_remove", "ops.audit.action.technician_skill_remove"),
    ("technician_activate", "ops.audit.action.technician_activate"),
    ("technician_deactivate", "ops.audit.action.technician_deactivate"),
    ("outbox_retry", "ops.audit.action.outbox_retry"),
    ("payment_record", "ops.audit.action.payment_record"),
    ("payment_refund", "ops.audit.action.payment_refund"),
    ("credit_note_issue", "ops.audit.action.credit_note_issue"),
];

/// The kinds of record, their words, and where a record of that kind is shown.
const ENTITIES: &[(&str, &str, Option<&str>)] = &[
    ("customer", "ops.audit.entity.customer", Some("/ops/clients/")),
    ("ticket", "ops.audit.entity.ticket", Some("/ops/tickets/")),
    ("technician", "ops.audit.entity.technician", Some("/ops/equipe/")),
    ("outbox_message", "ops.audit.entity.outbox_message", Some("/ops/outbox/")),
    ("staff", "ops.audit.entity.staff", None),
    ("invoice", "ops.audit.entity.invoice", None),
    ("payment", "ops.audit.entity.payment", None),
    ("subscription", "ops.audit.entity.subscription", None),
    ("dispatch_job", "ops.audit.entity.dispatch_job", None),
    ("equipment", "ops.audit.entity.equipment", None),
];

const ACTOR_KINDS: &[(&str, &str)] = &[
    ("staff", "ops.audit.actor.staff"),
    ("customer", "ops.audit.actor.customer"),
    ("technician", "ops.audit.actor.technician"),
    ("system", "ops.audit.actor.system"),
];

fn words<'a>(table: &[(&str, &'static str)], code: &'a str, m: Messages) -> &'a str {
    match table.iter().find(|(c, _)| *c == code) {
        Some((_, key)) => m.t(key),
        None => code,
    }
}

/// One audit entry as a person reads it.
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub changes: Vec<FieldChange>,
}

impl AuditRow {
    fn of(entry: audit_entry::Model, skills: &[SkillName]) -> AuditRow {
        AuditRow {
            changes: field_changes(entry.before.as_deref(), entry.after.as_deref(), skills),
            id: entry.id,
            at: entry.at,
            actor_kind: entry.actor_kind,
            actor_label: entry.actor_label,
            action: entry.action,
            entity: entry.entity,
            entity_id: entry.entity_id,
        }
    }

    pub fn when(&self, m: &Messages) -> String {
        local_time(m.lang, self.at)
    }

    pub fn actor_kind_words(&self, m: &Messages) -> String {
        words(ACTOR_KINDS, &self.actor_kind, *m).to_owned()
    }

    pub fn action_words(&self, m: &Messages) -> String {
        words(ACTIONS, &self.action, *m).to_owned()
    }

    /// `Client n° 12`, `Technicien n° 4`.
    pub fn record_words(&self, m: &Messages) -> String {
        let kind = ENTITIES.iter().find(|(c, _, _)| *c == self.entity).map_or(self.entity.as_str(), |(_, k, _)| m.t(k));
        match self.entity_id {
            Some(id) => m.t("ops.audit.record").replace("{entity}", kind).replace("{id}", &id.to_string()),
            None => kind.to_owned(),
        }
    }

    /// The page of the record, for the kinds that have one.
    pub fn href(&self) -> Option<String> {
        let (_, _, path) = ENTITIES.iter().find(|(c, _, _)| *c == self.entity)?;
        Some(format!("{}{}", (*path)?, self.entity_id?))
    }
}

async fn skill_names<C: ConnectionTrait>(conn: &C, entries: &[audit_entry::Model]) -> Result<Vec<SkillName>, DbErr> {
    if !entries.iter().any(|e| mentions_skills(e.before.as_deref(), e.after.as_deref())) {
        return Ok(Vec::new());
    }
    let found = skill::Entity::find().all(conn).await?;
    Ok(found.into_iter().map(|s| SkillName { code: s.code, fr: s.name_fr, en: s.name_en }).collect())
}

/// The newest `limit` entries about one record (`customer`, 12), newest first.
pub async fn trail_for<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    entity_id: i64,
    limit: u64,
) -> Result<Vec<AuditRow>, DbErr> {
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq(entity))
        .filter(audit_entry::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let skills = skill_names(db, &entries).await?;
    Ok(entries.into_iter().map(|e| AuditRow::of(e, &skills)).collect())
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    entity: Option<String>,
    id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

fn typed(value: &Option<String>) -> String {
    value.as_deref().map(str::trim).unwrap_or_default().to_owned()
}

/// Midnight at the start of a Québec day, in UTC.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(Toronto).earliest())
        .map_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
}

/// The filters, checked: each problem by its catalogue key.
struct Filters {
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    problems: Vec<&'static str>,
}

impl Filters {
    fn read(query: &AuditQuery) -> Filters {
        let mut problems = Vec::new();
        let id = typed(&query.id);
        let entity_id = match id.parse::<i64>() {
            _ if id.is_empty() => None,
            Ok(id) => Some(id),
            Err(_) => {
                problems.push("ops.audit.filter.bad_id");
                None
            }
        };
        let mut date = |raw: &Option<String>| {
            let raw = typed(raw);
            match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
                _ if raw.is_empty() => None,
                Ok(day) => Some(day),
                Err(_) => {
                    problems.push("ops.audit.filter.bad_date");
                    None
                }
            }
        };
        let (from, to) = (date(&query.from), date(&query.to));
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            problems.push("ops.audit.filter.dates_order");
        }
        problems.dedup();
        Filters {
            actor: typed(&query.actor),
            action: typed(&query.action),
            entity: typed(&query.entity),
            entity_id,
            from,
            to,
            problems,
        }
    }

    fn pairs(&self, query: &AuditQuery) -> Vec<(&'static str, String)> {
        [("actor", &self.actor), ("action", &self.action), ("entity", &self.entity)]
            .into_iter()
            .map(|(n, v)| (n, v.clone()))
            .chain([("id", typed(&query.id)), ("from", typed(&query.from)), ("to", typed(&query.to))])
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

#[derive(Template)]
#[template(path = "ops/records/templates/audit.html")]
struct AuditPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    actor: String,
    actions: Vec<Choice>,
    entities: Vec<Choice>,
    entity_id: String,
    from: String,
    to: String,
    problems: Vec<&'static str>,
    trail: Vec<AuditRow>,
    page: Page,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<AdminOnly>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let m = Messages::new(lang);
    let filters = Filters::read(&query);
    let mut select = audit_entry::Entity::find();
    if !filters.actor.is_empty() {
        let pattern = LikeExpr::new(like_pattern(&filters.actor.to_lowercase())).escape('\\');
        select = select.filter(Expr::expr(Func::lower(Expr::col(audit_entry::Column::ActorLabel))).like(pattern));
    }
    if !filters.action.is_empty() {
        select = select.filter(audit_entry::Column::Action.eq(filters.action.as_str()));
    }
    if !filters.entity.is_empty() {
        select = select.filter(audit_entry::Column::Entity.eq(filters.entity.as_str()));
    }
    if let Some(id) = filters.entity_id {
        select = select.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(from) = filters.from {
        select = select.filter(audit_entry::Column::At.gte(start_of(from)));
    }
    if let Some(to) = filters.to {
        select = select.filter(audit_entry::Column::At.lt(start_of(to + Duration::days(1))));
    }
    let (entries, page) = if filters.problems.is_empty() {
        keyset(select, audit_entry::Column::Id, query.before.as_deref(), query.after.as_deref(), PAGE_SIZE, &state.db)
            .await
            .map_err(db_error)?
    } else {
        (Vec::new(), Page::default())
    };
    let skills = skill_names(&state.db, &entries).await.map_err(db_error)?;
    let trail = entries.into_iter().map(|e| AuditRow::of(e, &skills)).collect();
    let mut actions: Vec<Choice> =
        ACTIONS.iter().map(|(code, key)| Choice::new(code, m.t(key), *code == filters.action)).collect();
    if !filters.action.is_empty() && !ACTIONS.iter().any(|(code, _)| *code == filters.action) {
        actions.push(Choice::new(&filters.action, &filters.action, true));
    }
    let mut entities: Vec<Choice> =
        ENTITIES.iter().map(|(code, key, _)| Choice::new(code, m.t(key), *code == filters.entity)).collect();
    if !filters.entity.is_empty() && !ENTITIES.iter().any(|(code, _, _)| *code == filters.entity) {
        entities.push(Choice::new(&filters.entity, &filters.entity, true));
    }
    let audit = AuditPage {
        m,
        current_path: "/ops/audit".into(),
        frame: Frame::new(&staff, Section::Audit),
        actor: filters.actor.clone(),
        actions,
        entities,
        entity_id: typed(&query.id),
        from: typed(&query.from),
        to: typed(&query.to),
        problems: filters.problems.clone(),
        trail,
        page: page.with_links("/ops/audit", &filters.pairs(&query)),
    };
    let html = audit.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_filters_are_named_and_good_ones_kept() {
        let query = AuditQuery {
            id: Some("douze".into()),
            from: Some("2026-11-30".into()),
            to: Some("2026-11-01".into()),
            ..AuditQuery::default()
        };
        assert_eq!(Filters::read(&query).problems, vec!["ops.audit.filter.bad_id", "ops.audit.filter.dates_order"]);
        let query = AuditQuery { from: Some("25/11/2026".into()), ..AuditQuery::default() };
        assert_eq!(Filters::read(&query).problems, vec!["ops.audit.filter.bad_date"]);
        let query = AuditQuery { id: Some(" 12 ".into()), actor: Some(" Admin ".into()), ..AuditQuery::default() };
        let filters = Filters::read(&query);
        assert_eq!((filters.entity_id, filters.actor.as_str()), (Some(12), "Admin"));
    }

    #[test]
    fn records_link_to_their_page_when_they_have_one() {
        let row = |entity: &str, id| AuditRow {
            id: 1,
            at: Utc::now(),
            actor_kind: "staff".into(),
            actor_label: "admin@gigafibre.demo".into(),
            action: "x".into(),
            entity: entity.into(),
            entity_id: id,
            changes: Vec::new(),
        };
        assert_eq!(row("customer", Some(12)).href().as_deref(), Some("/ops/clients/12"));
        assert_eq!(row("technician", Some(4)).href().as_deref(), Some("/ops/equipe/4"));
        assert_eq!(row("staff", Some(4)).href(), None);
        assert_eq!(row("ticket", None).href(), None);
        assert_eq!(row("customer", Some(12)).record_words(&Messages::new(crate::i18n::Lang::Fr)), "Client n° 12");
    }
}
