//! `/ops/outbox`: every e-mail and SMS the system produced, newest first,
//! and one message as its recipient sees it. Sign-in links and codes are
//! never shown in a usable form (see [`super::redact`]). A failed message
//! can be put back in the queue. Agents, billing and admins
//! (`Staff<ReadOutbox>`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{customer, outbox_message};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;

use super::redact::Redactor;
use super::{Choice, Page, keyset, like_pattern};
use crate::audit::{self, Actor, Change};
use crate::contact::phone::normalise_phone;
use crate::i18n::{Messages, local_time};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ReadOutbox, Staff};
use crate::outbox::{self, Channel, RetryError, Status};
use crate::web::{AppState, PageError, RequestLang};

const PAGE_SIZE: u64 = 50;
/// Words of the body shown in the list when a message has no subject (SMS).
const SUMMARY_WORDS: usize = 14;

fn status_key(status: Status) -> &'static str {
    match status {
        Status::Queued => "ops.outbox.status.queued",
        Status::Sending => "ops.outbox.status.sending",
        Status::Sent => "ops.outbox.status.sent",
        Status::Failed => "ops.outbox.status.failed",
        Status::Sandboxed => "ops.outbox.status.sandboxed",
    }
}

fn channel_key(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "ops.outbox.channel.email",
        Channel::Sms => "ops.outbox.channel.sms",
    }
}

/// A recipient as staff read it: a phone number the familiar way.
fn recipient(to: &str) -> String {
    if to.starts_with('+') {
        normalise_phone(to).map(|p| p.national()).unwrap_or_else(|_| to.to_owned())
    } else {
        to.to_owned()
    }
}

/// The subject, or the first words of the body, already redacted.
fn summary(redactor: &Redactor, subject: Option<&str>, body: &str) -> String {
    if let Some(subject) = subject.filter(|s| !s.trim().is_empty()) {
        return redactor.redact(subject);
    }
    let body = redactor.redact(body);
    let words: Vec<&str> = body.split_whitespace().collect();
    let mut shown = words.iter().take(SUMMARY_WORDS).copied().collect::<Vec<_>>().join(" ");
    if words.len() > SUMMARY_WORDS {
        shown.push('…');
    }
    shown
}

pub struct OutboxRow {
    id: i64,
    when: String,
    channel_key: &'static str,
    to: String,
    summary: String,
    status: &'static str,
    status_key: &'static str,
    /// Why a failed message failed.
    reason: Option<String>,
    attempts: i32,
    /// (id, name)
    customer: Option<(i64, String)>,
    ticket: Option<i64>,
}

#[derive(Template)]
#[template(path = "ops/records/templates/outbox_list.html")]
struct ListPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    to: String,
    customer: String,
    customer_error: Option<&'static str>,
    rows: Vec<OutboxRow>,
    page: Page,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    channel: Option<String>,
    to: Option<String>,
    customer: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

impl ListQuery {
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        [("status", &self.status), ("channel", &self.channel), ("to", &self.to), ("customer", &self.customer)]
            .into_iter()
            .filter_map(|(name, value)| {
                value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (name, v.to_owned()))
            })
            .collect()
    }
}

/// What was typed in the recipient box, as the stored form holds it: a phone
/// number's digits (stored `+15148389458`), or lower-cased text.
fn recipient_needle(typed: &str) -> String {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let phone_like = typed.chars().all(|c| c.is_ascii_digit() || " -.()+".contains(c));
    if phone_like && digits.len() >= 3 { digits } else { typed.trim().to_lowercase() }
}

/// The customer a filter names: an id, or an account or legacy number.
async fn customer_named(db: &sea_orm::DatabaseConnection, typed: &str) -> Result<Option<i64>, DbErr> {
    if let Ok(id) = typed.parse::<i64>() {
        return Ok(Some(id));
    }
    let number = typed.to_uppercase();
    let found = customer::Entity::find()
        .filter(
            Condition::any()
                .add(customer::Column::AccountNumber.eq(number.as_str()))
                .add(customer::Column::LegacyId.eq(number.as_str())),
        )
        .one(db)
        .await?;
    Ok(found.map(|c| c.id))
}

pub async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadOutbox>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let m = Messages::new(lang);
    let status = query.status.as_deref().and_then(Status::from_code);
    let channel = query.channel.as_deref().and_then(Channel::from_code);
    let to = query.to.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let typed_customer = query.customer.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let mut select = outbox_message::Entity::find();
    if let Some(status) = status {
        select = select.filter(outbox_message::Column::Status.eq(status.as_str()));
    }
    if let Some(channel) = channel {
        select = select.filter(outbox_message::Column::Channel.eq(channel.as_str()));
    }
    if !to.is_empty() {
        let pattern = LikeExpr::new(like_pattern(&recipient_needle(&to))).escape('\\');
        select = select.filter(outbox_message::Column::Recipient.like(pattern));
    }
    let mut customer_error = None;
    if !typed_customer.is_empty() {
        match customer_named(&state.db, &typed_customer).await.map_err(db_error)? {
            Some(id) => select = select.filter(outbox_message::Column::CustomerId.eq(id)),
            None => customer_error = Some("ops.outbox.filter.no_customer"),
        }
    }
    let (found, page) = if customer_error.is_some() {
        (Vec::new(), Page::default())
    } else {
        keyset(
            select,
            outbox_message::Column::Id,
            query.before.as_deref(),
            query.after.as_deref(),
            PAGE_SIZE,
            &state.db,
        )
        .await
        .map_err(db_error)?
    };
    let names = customer_names(&state.db, found.iter().filter_map(|r| r.customer_id)).await.map_err(db_error)?;
    let rows = found
        .into_iter()
        .filter_map(|row| {
            let message = outbox::Message::try_from(row).ok()?;
            let redactor = Redactor::for_message(
                [message.subject.as_deref(), Some(message.body_text.as_str()), message.body_html.as_deref()]
                    .into_iter()
                    .flatten(),
            );
            Some(OutboxRow {
                id: message.id,
                when: local_time(lang, message.created_at),
                channel_key: channel_key(message.channel),
                to: recipient(&message.to),
                summary: summary(&redactor, message.subject.as_deref(), &message.body_text),
                status: message.status.as_str(),
                status_key: status_key(message.status),
                reason: message
                    .last_error
                    .as_deref()
                    .filter(|_| message.status == Status::Failed)
                    .map(|e| redactor.redact(e)),
                attempts: message.attempts,
                customer: message
                    .customer_id
                    .map(|id| (id, names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))),
                ticket: message.ticket_id,
            })
        })
        .collect();
    let base = query.filter_pairs();
    let list = ListPage {
        m,
        current_path: "/ops/outbox".into(),
        frame: Frame::new(&staff, Section::Outbox),
        statuses: Status::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), m.t(status_key(*s)), status == Some(*s)))
            .collect(),
        channels: [Channel::Email, Channel::Sms]
            .iter()
            .map(|c| Choice::new(c.as_str(), m.t(channel_key(*c)), channel == Some(*c)))
            .collect(),
        to,
        customer: typed_customer,
        customer_error,
        rows,
        page: page.with_links("/ops/outbox", &base),
    };
    let html = list.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

async fn customer_names(
    db: &sea_orm::DatabaseConnection,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = customer::Entity::find().filter(customer::Column::Id.is_in(ids)).all(db).await?;
    Ok(found.iter().map(|c| (c.id, display_name(c))).collect())
}

#[derive(Template)]
#[template(path = "ops/records/templates/outbox_message.html")]
struct MessagePage {
    m: Messages,
    current_path: String,
    frame: Frame,
    csrf: String,
    id: i64,
    channel_key: &'static str,
    to: String,
    language: &'static str,
    subject: Option<String>,
    text: String,
    /// The HTML body as a sandboxed document of its own (`srcdoc`).
    html: Option<String>,
    status: &'static str,
    status_key: &'static str,
    attempts: i32,
    last_error: Option<String>,
    /// Catalogue key of why a message stayed in the sandbox.
    kept_because: Option<&'static str>,
    created: String,
    /// (catalogue key of what the time means, the time)
    next: Option<(&'static str, String)>,
    /// (catalogue key: handed over or kept here, the time)
    sent: Option<(&'static str, String)>,
    customer: Option<(i64, String)>,
    ticket: Option<i64>,
    can_retry: bool,
    /// (good news, sentence)
    notice: Option<(bool, String)>,
}

/// What the frame around the HTML body allows: its own inline styles and
/// inline images, nothing fetched from anywhere (no tracking pixel is
/// loaded by staff's browsers), no script (`sandbox` too forbids scripts).
const HTML_POLICY: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
                           style-src 'unsafe-inline'; img-src data:\">";

#[derive(Deserialize)]
pub struct MessageQuery {
    notice: Option<String>,
}

pub async fn message(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadOutbox>,
    Path(id): Path<String>,
    Query(query): Query<MessageQuery>,
) -> Result<Response, PageError> {
    let Ok(id) = id.trim().parse::<i64>() else { return Err(PageError::not_found(lang)) };
    let db_error = |e| PageError::database(lang, e);
    let Some(message) = outbox::find(&state.db, id).await.map_err(db_error)? else {
        return Err(PageError::not_found(lang));
    };
    let m = Messages::new(lang);
    let redactor = Redactor::for_message(
        [message.subject.as_deref(), Some(message.body_text.as_str()), message.body_html.as_deref()]
            .into_iter()
            .flatten(),
    );
    let names = customer_names(&state.db, message.customer_id.into_iter()).await.map_err(db_error)?;
    let notice = match query.notice.as_deref() {
        Some("retried") => Some((true, m.t("ops.outbox.retried").to_owned())),
        Some("not_failed") => {
            Some((false, m.t("ops.outbox.not_failed").replace("{status}", m.t(status_key(message.status)))))
        }
        _ => None,
    };
    let next = match message.status {
        Status::Queued => Some(("ops.outbox.next_try", local_time(lang, message.available_at))),
        Status::Sending => Some(("ops.outbox.claim_ends", local_time(lang, message.available_at))),
        _ => None,
    };
    let page = MessagePage {
        m,
        current_path: format!("/ops/outbox/{id}"),
        frame: Frame::new(&staff, Section::Outbox),
        csrf: staff.csrf_token.clone(),
        id,
        channel_key: channel_key(message.channel),
        to: recipient(&message.to),
        language: message.language.code(),
        subject: message.subject.as_deref().map(|s| redactor.redact(s)),
        text: redactor.redact(&message.body_text),
        html: message.body_html.as_deref().map(|html| format!("{HTML_POLICY}{}", redactor.redact(html))),
        status: message.status.as_str(),
        status_key: status_key(message.status),
        attempts: message.attempts,
        last_error: message
            .last_error
            .as_deref()
            .filter(|_| message.status != Status::Sandboxed)
            .map(|e| redactor.redact(e)),
        // The sandbox's reason was written for the log, in English: the page
        // says it in the reader's language.
        kept_because: (message.status == Status::Sandboxed).then(|| {
            if message.last_error.is_some() { "ops.outbox.kept.allowlist" } else { "ops.outbox.kept.no_provider" }
        }),
        created: local_time(lang, message.created_at),
        next,
        sent: message.sent_at.and_then(|at| {
            let key = match message.status {
                Status::Sent => "ops.outbox.sent_at",
                Status::Sandboxed => "ops.outbox.kept_at",
                _ => return None,
            };
            Some((key, local_time(lang, at)))
        }),
        customer: message.customer_id.map(|id| (id, names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))),
        ticket: message.ticket_id,
        can_retry: message.status == Status::Failed,
        notice,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct RetryForm {
    csrf: String,
}

/// `POST /ops/outbox/{id}/retry`: a failed message goes back in the queue,
/// due now; anything else is left as it is and the page says why.
pub async fn retry(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadOutbox>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<RetryForm>,
) -> Result<Response, PageError> {
    let Ok(id) = id.trim().parse::<i64>() else { return Err(PageError::not_found(lang)) };
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let before = outbox::find(&txn, id).await.map_err(db_error)?;
    let notice = match outbox::retry(&txn, id, now).await {
        Ok(()) => {
            let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
            let change = Change {
                action: "outbox_retry",
                entity: "outbox_message",
                entity_id: Some(id),
                before: json!({ "status": Status::Failed.as_str(), "attempts": before.map(|m| m.attempts) }),
                after: json!({ "status": Status::Queued.as_str(), "attempts": 0 }),
            };
            audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
            txn.commit().await.map_err(db_error)?;
            "retried"
        }
        Err(RetryError::NotFailed { .. }) => {
            txn.rollback().await.map_err(db_error)?;
            "not_failed"
        }
        Err(RetryError::NotFound(_)) => return Err(PageError::not_found(lang)),
        Err(RetryError::Db(e)) => return Err(db_error(e)),
    };
    Ok(Redirect::to(&format!("/ops/outbox/{id}?notice={notice}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_phone_is_searched_by_its_digits_and_an_address_in_lower_case() {
        assert_eq!(recipient_needle("(514) 838-9458"), "5148389458");
        assert_eq!(recipient_needle(" Marie@Videotron.CA "), "marie@videotron.ca");
        assert_eq!(recipient_needle("12"), "12");
        assert_eq!(recipient("+15148389458"), "514-838-9458");
    }

    #[test]
    fn a_long_sms_is_cut_to_its_first_words() {
        let redactor = Redactor::for_message(["x"]);
        let body = "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize";
        assert!(summary(&redactor, None, body).ends_with("quatorze…"));
        assert_eq!(summary(&redactor, Some("Votre facture"), body), "Votre facture");
    }
}
