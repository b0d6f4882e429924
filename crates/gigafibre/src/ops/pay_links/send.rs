//! The form and what sending does.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{customer, invoice};
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::billing::money::Money;
use crate::billing::pay_links::{self, LIFETIME_DAYS, LinkRequest, SendError};
use crate::i18n::{Lang, Messages};
use crate::ops::dashboard::display_name;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{ReadReceivables, Staff};
use crate::outbox::Channel;
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "ops/pay_links/templates/send.html")]
struct SendPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    customer_id: i64,
    name: String,
    account: String,
    invoice_number: Option<String>,
    owed: String,
    owes: bool,
    email: Option<String>,
    sms: Option<String>,
    chosen: String,
    action: String,
    back: String,
    back_label: String,
    lifetime: String,
    sent_to: Option<String>,
    problem_key: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct SentQuery {
    sent: Option<String>,
}

#[derive(Deserialize)]
pub struct SendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
}

/// What the link is for: an invoice of the customer's, or their balance.
struct Subject {
    customer: customer::Model,
    invoice: Option<invoice::Model>,
}

impl Subject {
    async fn of_invoice(state: &AppState, lang: Lang, id: &str) -> Result<Subject, PageError> {
        let id = id.trim().parse::<i64>().map_err(|_| PageError::not_found(lang))?;
        let db_error = |e| PageError::database(lang, e);
        let found = invoice::Entity::find_by_id(id).one(&state.db).await.map_err(db_error)?;
        let found = found.ok_or_else(|| PageError::not_found(lang))?;
        let customer = customer::Entity::find_by_id(found.customer_id).one(&state.db).await.map_err(db_error)?;
        Ok(Subject { customer: customer.ok_or_else(|| PageError::not_found(lang))?, invoice: Some(found) })
    }

    async fn of_customer(state: &AppState, lang: Lang, id: &str) -> Result<Subject, PageError> {
        let id = id.trim().parse::<i64>().map_err(|_| PageError::not_found(lang))?;
        let found = customer::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
        Ok(Subject { customer: found.ok_or_else(|| PageError::not_found(lang))?, invoice: None })
    }

    fn owed_cents(&self) -> i64 {
        match &self.invoice {
            Some(invoice) if invoice.status == "open" => invoice.balance_cents,
            Some(_) => 0,
            None => self.customer.balance_cents,
        }
    }

    fn path(&self) -> String {
        match &self.invoice {
            Some(invoice) => format!("/ops/invoices/{}/payment-link", invoice.id),
            None => format!("/ops/clients/{}/payment-link", self.customer.id),
        }
    }

    fn render(
        &self,
        lang: Lang,
        frame: Frame,
        chosen: &str,
        sent_to: Option<String>,
        problem_key: Option<&'static str>,
        status: StatusCode,
    ) -> Result<Response, PageError> {
        let m = Messages::new(lang);
        let (back, back_label) = match &self.invoice {
            Some(invoice) => (format!("/ops/invoices/{}", invoice.id), invoice.number.clone()),
            None => (format!("/ops/clients/{}", self.customer.id), display_name(&self.customer)),
        };
        let page = SendPage {
            current_path: self.path(),
            frame,
            customer_id: self.customer.id,
            name: display_name(&self.customer),
            account: self.customer.account_number.clone(),
            invoice_number: self.invoice.as_ref().map(|i| i.number.clone()),
            owed: Money::from_cents(self.owed_cents().max(0)).format(lang),
            owes: self.owed_cents() > 0,
            email: pay_links::address(&self.customer, Channel::Email),
            sms: pay_links::address(&self.customer, Channel::Sms),
            chosen: chosen.to_owned(),
            action: self.path(),
            back,
            back_label,
            lifetime: m.t("ops.pay_link.lifetime").replace("{days}", &LIFETIME_DAYS.to_string()),
            sent_to,
            problem_key,
            m,
        };
        let html = page.render().map_err(|e| PageError::internal(lang, e))?;
        Ok((status, Html(html)).into_response())
    }
}

/// After a send, the page says where the link went.
fn sent_to(subject: &Subject, query: &SentQuery) -> Option<String> {
    let channel = Channel::from_code(query.sent.as_deref()?)?;
    pay_links::address(&subject.customer, channel)
}

/// The form for `subject`, saying where the last link went.
fn page(
    lang: Lang,
    staff: &Staff<ReadReceivables>,
    subject: Subject,
    query: &SentQuery,
) -> Result<Response, PageError> {
    let frame = Frame::new(staff, Section::Receivables);
    subject.render(lang, frame, "", sent_to(&subject, query), None, StatusCode::OK)
}

pub async fn invoice_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Path(id): Path<String>,
    Query(query): Query<SentQuery>,
) -> Result<Response, PageError> {
    page(lang, &staff, Subject::of_invoice(&state, lang, &id).await?, &query)
}

pub async fn balance_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Path(id): Path<String>,
    Query(query): Query<SentQuery>,
) -> Result<Response, PageError> {
    page(lang, &staff, Subject::of_customer(&state, lang, &id).await?, &query)
}

pub async fn invoice_send(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SendForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let subject = Subject::of_invoice(&state, lang, &id).await?;
    deliver(&state, lang, &staff, subject, &form).await
}

pub async fn balance_send(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<ReadReceivables>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SendForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let subject = Subject::of_customer(&state, lang, &id).await?;
    deliver(&state, lang, &staff, subject, &form).await
}

/// Sends the link and the audit entry together, then shows where it went.
async fn deliver(
    state: &AppState,
    lang: Lang,
    staff: &Staff<ReadReceivables>,
    subject: Subject,
    form: &SendForm,
) -> Result<Response, PageError> {
    let refuse = |key, status| {
        subject.render(lang, Frame::new(staff, Section::Receivables), &form.channel, None, Some(key), status)
    };
    let Some(channel) = Channel::from_code(&form.channel) else {
        return refuse("ops.pay_link.choose_channel", StatusCode::UNPROCESSABLE_ENTITY);
    };
    let now = state.clock.now();
    let db_error = |e| PageError::database(lang, e);
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let request = LinkRequest {
        customer_id: subject.customer.id,
        invoice_id: subject.invoice.as_ref().map(|i| i.id),
        channel,
        staff_id: Some(staff.member.id),
    };
    let message_id = match pay_links::send(&txn, &state.config, request, now).await {
        Ok(id) => id,
        Err(SendError::Database(error)) => return Err(db_error(error)),
        Err(error) => return refuse(error.message_key(), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "payment_link_send",
        entity: "customer",
        entity_id: Some(subject.customer.id),
        before: json!(null),
        after: json!({
            "invoice": subject.invoice.as_ref().map(|i| i.number.clone()),
            "amount": Money::from_cents(subject.owed_cents()).to_string(),
            "channel": channel.as_str(),
            "outbox_message": message_id,
        }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("{}?sent={}", subject.path(), channel.as_str())).into_response())
}
