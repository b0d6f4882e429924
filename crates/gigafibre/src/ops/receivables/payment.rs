//! `/ops/clients/{id}/payments/new`: a payment received by hand (cash,
//! cheque, Interac e-Transfer, bank), allocated to the oldest open invoices
//! or to the ones chosen.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gigafibre_db::entities::invoice;
use serde_json::json;

use super::form::{Posted, customer_of, name_of, positive_amount, received_at, today};
use crate::audit::{self, Actor, Change};
use crate::billing::money::Money;
use crate::billing::payments::{self, Method, NewPayment, PaymentError, Target};
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{HandleMoney, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// An open invoice the payment may go to.
pub struct OpenInvoice {
    id: i64,
    number: String,
    due: String,
    balance: String,
    chosen: bool,
}

/// What was typed, shown back with its errors.
#[derive(Default)]
pub struct PaymentInput {
    method: String,
    amount: String,
    reference: String,
    received_on: String,
    /// `oldest` or `chosen`.
    allocation: String,
    invoices: Vec<i64>,
}

#[derive(Default)]
pub struct PaymentErrors {
    method: Option<&'static str>,
    amount: Option<&'static str>,
    received_on: Option<&'static str>,
    invoices: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "ops/receivables/templates/payment.html")]
struct PaymentPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    customer_id: i64,
    name: String,
    balance: String,
    methods: Vec<&'static str>,
    open: Vec<OpenInvoice>,
    form: PaymentInput,
    errors: PaymentErrors,
}

async fn render(
    state: &AppState,
    lang: Lang,
    staff: &Staff<HandleMoney>,
    id: i64,
    form: PaymentInput,
    errors: PaymentErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let found = customer_of(&state.db, id, lang).await?;
    let open = open_invoices(state, id, lang).await?;
    let page = PaymentPage {
        m: Messages::new(lang),
        current_path: format!("/ops/clients/{id}/payments/new"),
        frame: Frame::new(staff, Section::Clients),
        customer_id: id,
        name: name_of(&found),
        balance: Money::from_cents(found.balance_cents).format(lang),
        methods: Method::MANUAL.iter().map(|m| m.code()).collect(),
        open: open
            .into_iter()
            .map(|i| OpenInvoice {
                chosen: form.invoices.contains(&i.id),
                id: i.id,
                number: i.number,
                due: local_date(lang, i.due_date),
                balance: Money::from_cents(i.balance_cents).format(lang),
            })
            .collect(),
        form,
        errors,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

async fn open_invoices(state: &AppState, id: i64, lang: Lang) -> Result<Vec<invoice::Model>, PageError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(id))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .order_by_asc(invoice::Column::DueDate)
        .order_by_asc(invoice::Column::Id)
        .all(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))
}

pub async fn new_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let form = PaymentInput {
        method: Method::Cheque.code().to_owned(),
        received_on: today(state.clock.now()).to_string(),
        allocation: "oldest".to_owned(),
        ..PaymentInput::default()
    };
    render(&state, lang, &staff, id, form, PaymentErrors::default(), StatusCode::OK).await
}

pub async fn record(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let posted = Posted::parse(&body);
    staff.check_csrf(&posted.one("csrf"), lang)?;
    let form = PaymentInput {
        method: posted.one("method"),
        amount: posted.one("amount"),
        reference: posted.one("reference"),
        received_on: posted.one("received_on"),
        allocation: posted.one("allocation"),
        invoices: posted.all("invoices").iter().filter_map(|v| v.trim().parse().ok()).collect(),
    };
    let now = state.clock.now();
    let mut errors = PaymentErrors::default();
    let method = Method::MANUAL.into_iter().find(|m| m.code() == form.method);
    if method.is_none() {
        errors.method = Some("ops.receivables.method_required");
    }
    let amount = positive_amount(&form.amount).map_err(|key| errors.amount = Some(key)).ok();
    let day = match NaiveDate::parse_from_str(&form.received_on, "%Y-%m-%d") {
        Ok(day) if day > today(now) => {
            errors.received_on = Some("ops.receivables.date_in_future");
            None
        }
        Ok(day) => Some(day),
        Err(_) => {
            errors.received_on = Some("ops.receivables.date_invalid");
            None
        }
    };
    let target = if form.allocation == "chosen" {
        if form.invoices.is_empty() {
            errors.invoices = Some("ops.receivables.choose_invoices");
        }
        Target::Invoices(form.invoices.clone())
    } else {
        Target::OldestFirst
    };
    let (Some(method), Some(amount), Some(day), None) = (method, amount, day, errors.invoices) else {
        return render(&state, lang, &staff, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let db_error = |e| PageError::database(lang, e);
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let new = NewPayment {
        customer_id: id,
        amount,
        method,
        reference: form.reference.clone(),
        received_at: received_at(day, now),
        target,
    };
    let recorded = match payments::record(&txn, new, now).await {
        Ok(recorded) => recorded,
        Err(PaymentError::UnknownCustomer) => return Err(PageError::not_found(lang)),
        Err(PaymentError::Database(e)) => return Err(db_error(e)),
        Err(error) => {
            drop(txn);
            errors.invoices = Some(error.message_key());
            return render(&state, lang, &staff, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "payment_record",
        entity: "customer",
        entity_id: Some(id),
        before: json!(null),
        after: json!({
            "payment": recorded.payment_id,
            "amount": amount.to_string(),
            "method": method.code(),
            "reference": form.reference,
            "received_on": day.to_string(),
            "credit": recorded.credit.to_string(),
        }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/clients/{id}/statement?done=payment")).into_response())
}
