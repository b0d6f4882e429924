//! What a ticket's page shows, built from the rows: the summary (customer,
//! address, description), the controls (status, priority, assignee, with the
//! version their forms carry) and the thread with the answer and note forms.

use std::collections::HashMap;

use gigafibre_db::entities::{customer, staff, ticket_message};

use super::rules::{self, CATEGORIES, STATUSES};
use super::store::Loaded;
use crate::contact::phone::normalise_phone;
use crate::i18n::{Lang, local_time, text};
use crate::ops::dashboard::{PRIORITIES, display_name};
use crate::ops::roles::{Allowed, Role, WorkTickets};

/// An option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(lang: Lang, options: &[(&'static str, &'static str)], selected: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(code, key)| Choice {
            value: (*code).to_owned(),
            label: text(lang, key).to_owned(),
            selected: *code == selected,
        })
        .collect()
}

pub fn status_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    choices(lang, &STATUSES, selected)
}

pub fn priority_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    choices(lang, &PRIORITIES, selected)
}

pub fn category_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    choices(lang, &CATEGORIES, selected)
}

pub fn status_label(lang: Lang, code: &str) -> String {
    rules::status(code).map_or_else(|| code.to_owned(), |(_, key)| text(lang, key).to_owned())
}

pub fn priority_label(lang: Lang, code: &str) -> String {
    rules::priority(code).map_or_else(|| code.to_owned(), |(_, key)| text(lang, key).to_owned())
}

/// Whether a member of staff can be given tickets.
pub fn works_tickets(member: &staff::Model) -> bool {
    member.active && Role::from_code(&member.role).is_some_and(WorkTickets::admits)
}

/// The members of staff a ticket can be given to, and `current` even when it
/// no longer could (so that the form shows who holds it).
pub fn assignee_choices(staff: &[staff::Model], current: Option<i64>) -> Vec<Choice> {
    staff
        .iter()
        .filter(|m| works_tickets(m) || Some(m.id) == current)
        .map(|m| Choice { value: m.id.to_string(), label: m.name.clone(), selected: Some(m.id) == current })
        .collect()
}

/// A phone number as people read it; as stored when it cannot be read.
fn phone(stored: Option<&str>) -> Option<String> {
    let stored = stored.filter(|p| !p.trim().is_empty())?;
    Some(normalise_phone(stored).map_or_else(|_| stored.to_owned(), |p| p.national()))
}

pub struct Summary {
    pub id: i64,
    /// "Billet nº 123".
    pub number: String,
    pub subject: String,
    pub description: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub account: String,
    pub email: Option<String>,
    pub cell: Option<String>,
    pub home_phone: Option<String>,
    pub language: &'static str,
    pub location: Option<String>,
    pub fibre_drop: Option<String>,
}

pub fn summary(lang: Lang, loaded: &Loaded) -> Summary {
    let c = &loaded.customer;
    Summary {
        id: loaded.ticket.id,
        number: text(lang, "ops.tickets.number").replace("{id}", &loaded.ticket.id.to_string()),
        subject: loaded.ticket.subject.clone(),
        description: loaded.ticket.description.clone(),
        customer_id: c.id,
        customer_name: display_name(c),
        account: c.account_number.clone(),
        email: c.email.clone(),
        cell: phone(c.cell.as_deref()),
        home_phone: phone(c.home_phone.as_deref()),
        language: if c.language == "en" { "ops.tickets.lang.en" } else { "ops.tickets.lang.fr" },
        location: loaded.location.as_ref().map(|l| {
            let unit = l.unit.as_deref().filter(|u| !u.trim().is_empty()).map(|u| format!(", app. {u}"));
            format!("{}{}, {} {} {}", l.street, unit.unwrap_or_default(), l.municipality, l.province, l.postal_code)
        }),
        fibre_drop: loaded.location.as_ref().and_then(|l| l.fibre_drop.clone()),
    }
}

/// The panel of fields staff change, with the version their forms carry.
pub struct Controls {
    pub id: i64,
    pub version: i64,
    pub csrf: String,
    pub can_work: bool,
    pub status: String,
    pub status_label: String,
    pub priority: String,
    pub priority_label: String,
    pub category: String,
    pub assignee: Option<String>,
    pub opened: String,
    pub updated: String,
    pub closed: Option<String>,
    pub statuses: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub assignees: Vec<Choice>,
    /// The last change was saved.
    pub saved: bool,
    /// The ticket changed since the page was shown: who changed it, in words.
    pub stale: Option<String>,
    pub status_error: Option<&'static str>,
    pub priority_error: Option<&'static str>,
    pub assignee_error: Option<&'static str>,
}

pub fn controls(lang: Lang, loaded: &Loaded, staff: &[staff::Model], csrf: &str, can_work: bool) -> Controls {
    let t = &loaded.ticket;
    Controls {
        id: t.id,
        version: rules::version_of(t.updated_at),
        csrf: csrf.to_owned(),
        can_work,
        status: t.status.clone(),
        status_label: status_label(lang, &t.status),
        priority: t.priority.clone(),
        priority_label: priority_label(lang, &t.priority),
        category: rules::category_label(lang, &t.category),
        assignee: t
            .assigned_staff_id
            .map(|id| staff.iter().find(|m| m.id == id).map_or_else(|| format!("#{id}"), |m| m.name.clone())),
        opened: local_time(lang, t.created_at),
        updated: local_time(lang, t.updated_at),
        closed: t.closed_at.map(|at| local_time(lang, at)),
        statuses: status_choices(lang, &t.status),
        priorities: priority_choices(lang, &t.priority),
        assignees: assignee_choices(staff, t.assigned_staff_id),
        saved: false,
        stale: None,
        status_error: None,
        priority_error: None,
        assignee_error: None,
    }
}

/// One message of the thread as staff read it.
pub struct Entry {
    pub author: String,
    /// `customer`, `staff` or `system`.
    pub kind: String,
    pub internal: bool,
    pub channel: String,
    pub at: String,
    pub body: String,
}

/// A way to send the answer, as the reply form offers it.
pub struct ContactChoice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The thread and the two forms under it.
pub struct Thread {
    pub id: i64,
    pub csrf: String,
    pub can_work: bool,
    pub entries: Vec<Entry>,
    pub contacts: Vec<ContactChoice>,
    pub reply: String,
    pub reply_error: Option<&'static str>,
    /// The chosen way to reach the customer is not on file.
    pub channel_error: Option<&'static str>,
    pub note: String,
    pub note_error: Option<&'static str>,
    /// What was just done (`reply.sent`, `note.added`).
    pub done: Option<&'static str>,
}

fn channel_key(channel: &str) -> Option<&'static str> {
    match channel {
        "email" => Some("ops.tickets.channel.email"),
        "sms" => Some("ops.tickets.channel.sms"),
        "portal" => Some("ops.tickets.channel.portal"),
        "note" => Some("ops.tickets.channel.note"),
        _ => None,
    }
}

pub fn contact_choices(lang: Lang, customer: &customer::Model, chosen: Option<&str>) -> Vec<ContactChoice> {
    let contacts = rules::contacts(customer);
    let chosen = chosen.filter(|c| contacts.iter().any(|k| k.channel.as_str() == *c));
    contacts
        .iter()
        .enumerate()
        .map(|(index, contact)| {
            let value = contact.channel.as_str();
            let shown = if value == "sms" { phone(Some(&contact.to)).unwrap_or_default() } else { contact.to.clone() };
            let name = channel_key(value).map_or(value, |key| text(lang, key));
            ContactChoice {
                value,
                label: format!("{name} · {shown}"),
                selected: chosen.map_or(index == 0, |c| c == value),
            }
        })
        .collect()
}

pub fn thread(
    lang: Lang,
    loaded: &Loaded,
    messages: &[ticket_message::Model],
    staff: &[staff::Model],
    csrf: &str,
    can_work: bool,
) -> Thread {
    let names: HashMap<i64, &str> = staff.iter().map(|m| (m.id, m.name.as_str())).collect();
    let customer = display_name(&loaded.customer);
    let entries = messages
        .iter()
        .map(|m| Entry {
            author: match m.author_kind.as_str() {
                "customer" => customer.clone(),
                "staff" => m
                    .author_staff_id
                    .and_then(|id| names.get(&id).map(|n| (*n).to_owned()))
                    .unwrap_or_else(|| text(lang, "ops.tickets.thread.staff").to_owned()),
                _ => text(lang, "ops.tickets.thread.system").to_owned(),
            },
            kind: m.author_kind.clone(),
            internal: m.internal,
            channel: channel_key(&m.channel).map_or_else(|| m.channel.clone(), |key| text(lang, key).to_owned()),
            at: local_time(lang, m.created_at),
            body: m.body.clone(),
        })
        .collect();
    Thread {
        id: loaded.ticket.id,
        csrf: csrf.to_owned(),
        can_work,
        entries,
        contacts: contact_choices(lang, &loaded.customer, None),
        reply: String::new(),
        reply_error: None,
        channel_error: None,
        note: String::new(),
        note_error: None,
        done: None,
    }
}
