//! What an audit entry changed, field by field, read from its `before` and
//! `after` JSON: only the fields whose value differs, known fields first in
//! a natural order, each value as a person reads it. Pure, no I/O.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::i18n::{Lang, Messages, local_time};

/// Fields with a readable name, in the order they are shown.
const FIELDS: &[(&str, &str)] = &[
    ("name", "ops.audit.field.name"),
    ("first_name", "ops.audit.field.first_name"),
    ("last_name", "ops.audit.field.last_name"),
    ("company_name", "ops.audit.field.company_name"),
    ("account", "ops.audit.field.account"),
    ("status", "ops.audit.field.status"),
    ("active", "ops.audit.field.active"),
    ("email", "ops.audit.field.email"),
    ("billing_email", "ops.audit.field.billing_email"),
    ("phone", "ops.audit.field.phone"),
    ("cell", "ops.audit.field.cell"),
    ("home_phone", "ops.audit.field.home_phone"),
    ("language", "ops.audit.field.language"),
    ("notify_by_email", "ops.audit.field.notify_by_email"),
    ("notify_by_sms", "ops.audit.field.notify_by_sms"),
    ("home_base_label", "ops.audit.field.home_base_label"),
    ("shift_start", "ops.audit.field.shift_start"),
    ("shift_end", "ops.audit.field.shift_end"),
    ("priority", "ops.audit.field.priority"),
    ("subject", "ops.audit.field.subject"),
    ("attempts", "ops.audit.field.attempts"),
    ("ends_at_latest", "ops.audit.field.ends_at_latest"),
];

/// Stored codes with words, by field: (field, code, catalogue key).
const VALUES: &[(&str, &str, &str)] = &[
    ("status", "queued", "ops.outbox.status.queued"),
    ("status", "sending", "ops.outbox.status.sending"),
    ("status", "sent", "ops.outbox.status.sent"),
    ("status", "failed", "ops.outbox.status.failed"),
    ("status", "sandboxed", "ops.outbox.status.sandboxed"),
];

/// The name of a changed field.
#[derive(Debug, Clone, PartialEq)]
pub enum Label {
    Known(&'static str),
    /// `skill:<code>`: the skill's name in each language, when known.
    Skill {
        fr: String,
        en: String,
    },
    Raw(String),
}

impl Label {
    pub fn show(&self, m: &Messages) -> String {
        match self {
            Label::Known(key) => m.t(key).to_owned(),
            Label::Skill { fr, en } => {
                let name = if m.lang == Lang::Fr { fr } else { en };
                m.t("ops.audit.field.skill").replace("{skill}", name)
            }
            Label::Raw(raw) => raw.clone(),
        }
    }
}

/// A value before or after.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Nothing,
    Yes,
    No,
    /// A stored code shown in words.
    Words(&'static str),
    Time(DateTime<Utc>),
    Text(String),
}

impl Shown {
    fn of(field: &str, value: &Value) -> Shown {
        if let Value::String(code) = value
            && let Some((_, _, key)) = VALUES.iter().find(|(f, c, _)| *f == field && c == code)
        {
            return Shown::Words(key);
        }
        match value {
            Value::Null => Shown::Nothing,
            Value::Bool(true) => Shown::Yes,
            Value::Bool(false) => Shown::No,
            Value::String(s) if s.trim().is_empty() => Shown::Nothing,
            Value::String(s) => match DateTime::parse_from_rfc3339(s) {
                Ok(at) => Shown::Time(at.with_timezone(&Utc)),
                Err(_) => Shown::Text(s.clone()),
            },
            Value::Number(n) => Shown::Text(n.to_string()),
            other => Shown::Text(other.to_string()),
        }
    }

    /// Whether there was no value (nothing to strike through).
    pub fn is_nothing(&self) -> bool {
        *self == Shown::Nothing
    }

    pub fn show(&self, m: &Messages) -> String {
        match self {
            Shown::Nothing => "—".to_owned(),
            Shown::Yes => m.t("ops.audit.yes").to_owned(),
            Shown::No => m.t("ops.audit.no").to_owned(),
            Shown::Words(key) => m.t(key).to_owned(),
            Shown::Time(at) => local_time(m.lang, *at),
            Shown::Text(text) => text.clone(),
        }
    }
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub label: Label,
    pub before: Shown,
    pub after: Shown,
}

/// A skill's code and its names, to name `skill:<code>` fields.
pub struct SkillName {
    pub code: String,
    pub fr: String,
    pub en: String,
}

fn parse(raw: Option<&str>) -> Map<String, Value> {
    match raw.map(serde_json::from_str::<Value>) {
        Some(Ok(Value::Object(fields))) => fields,
        Some(Ok(Value::Null)) | None | Some(Err(_)) => Map::new(),
        Some(Ok(other)) => Map::from_iter([("value".to_owned(), other)]),
    }
}

fn label(field: &str, skills: &[SkillName]) -> Label {
    if let Some((_, key)) = FIELDS.iter().find(|(name, _)| *name == field) {
        return Label::Known(key);
    }
    if let Some(code) = field.strip_prefix("skill:")
        && let Some(skill) = skills.iter().find(|s| s.code == code)
    {
        return Label::Skill { fr: skill.fr.clone(), en: skill.en.clone() };
    }
    Label::Raw(field.to_owned())
}

/// The fields whose value differs between `before` and `after` (a field
/// missing on one side counts as empty there).
pub fn field_changes(before: Option<&str>, after: Option<&str>, skills: &[SkillName]) -> Vec<FieldChange> {
    let (before, after) = (parse(before), parse(after));
    let mut fields: Vec<&String> = after.keys().chain(before.keys().filter(|k| !after.contains_key(*k))).collect();
    let rank = |field: &str| FIELDS.iter().position(|(name, _)| *name == field).unwrap_or(FIELDS.len());
    fields.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    fields
        .into_iter()
        .filter_map(|field| {
            let old = before.get(field).unwrap_or(&Value::Null);
            let new = after.get(field).unwrap_or(&Value::Null);
            (old != new).then(|| FieldChange {
                label: label(field, skills),
                before: Shown::of(field, old),
                after: Shown::of(field, new),
            })
        })
        .collect()
}

/// Whether any field of an entry names a skill (to look the names up only then).
pub fn mentions_skills(before: Option<&str>, after: Option<&str>) -> bool {
    [before, after].into_iter().flatten().any(|raw| raw.contains("\"skill:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skills() -> Vec<SkillName> {
        vec![SkillName { code: "fibre_splicing".into(), fr: "Épissure de fibre".into(), en: "Fibre splicing".into() }]
    }

    #[test]
    fn only_changed_fields_show_known_ones_first() {
        let before = r#"{"zeta": 1, "phone": "+15145550000", "name": "Marie Roy", "skill:fibre_splicing": 2}"#;
        let after = r#"{"zeta": 1, "phone": "+15148389458", "name": "Marie Roy", "skill:fibre_splicing": null}"#;
        let changes = field_changes(Some(before), Some(after), &skills());
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(changes[0].label, Label::Known("ops.audit.field.phone"));
        assert_eq!(changes[0].before, Shown::Text("+15145550000".into()));
        assert_eq!(changes[1].label, Label::Skill { fr: "Épissure de fibre".into(), en: "Fibre splicing".into() });
        assert_eq!(changes[1].after, Shown::Nothing);
        let m = Messages::new(Lang::Fr);
        assert_eq!(changes[1].label.show(&m), "Compétence : Épissure de fibre");
    }

    #[test]
    fn an_entry_without_before_shows_every_field_it_set() {
        let changes = field_changes(
            Some("null"),
            Some(r#"{"account": "GF-100001", "ends_at_latest": "2026-11-25T16:00:00Z", "active": false}"#),
            &[],
        );
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0].after, Shown::Text("GF-100001".into()));
        assert_eq!(changes[1].after, Shown::No);
        assert_eq!(changes[2].after.show(&Messages::new(Lang::Fr)), "25/11/2026 11 h 00");
        assert!(field_changes(None, Some("pas du json"), &[]).is_empty());
        let retried = field_changes(Some(r#"{"status":"failed"}"#), Some(r#"{"status":"queued"}"#), &[]);
        assert_eq!(retried[0].before.show(&Messages::new(Lang::Fr)), "Échec");
        assert_eq!(field_changes(Some("1"), Some("2"), &[])[0].label, Label::Raw("value".into()));
    }
}
