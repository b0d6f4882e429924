//! `/ops/invoices/{id}/credit-note`: crediting part of an issued invoice,
//! with GST and QST credited alongside, under a number of its own.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{credit_note, invoice};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;

use super::form::{customer_of, name_of, positive_amount};
use crate::audit::{self, Actor, Change};
use crate::billing::money::Money;
use crate::billing::payments::{self, NewCreditNote, PaymentError};
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{HandleMoney, Staff};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize, Default)]
pub struct CreditForm {
    #[serde(default)]
    csrf: String,
    /// Before taxes.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

#[derive(Default)]
pub struct CreditErrors {
    amount: Option<&'static str>,
    reason: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "ops/receivables/templates/credit_note.html")]
struct CreditPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    invoice: invoice::Model,
    customer_id: i64,
    name: String,
    issued: String,
    total: String,
    owing: String,
    creditable: String,
    can_credit: bool,
    form: CreditForm,
    errors: CreditErrors,
}

async fn invoice_of(state: &AppState, id: i64, lang: Lang) -> Result<invoice::Model, PageError> {
    let found = invoice::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    found.ok_or_else(|| PageError::not_found(lang))
}

async fn render(
    state: &AppState,
    lang: Lang,
    staff: &Staff<HandleMoney>,
    found: invoice::Model,
    form: CreditForm,
    errors: CreditErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let customer = customer_of(&state.db, found.customer_id, lang).await?;
    let credited: i64 = credit_note::Entity::find()
        .filter(credit_note::Column::InvoiceId.eq(found.id))
        .all(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))?
        .iter()
        .map(|n| n.total_cents)
        .sum();
    let creditable = Money::from_cents(found.total_cents - credited);
    let page = CreditPage {
        m: Messages::new(lang),
        current_path: format!("/ops/invoices/{}/credit-note", found.id),
        frame: Frame::new(staff, Section::Clients),
        customer_id: customer.id,
        name: name_of(&customer),
        issued: local_date(lang, found.issue_date),
        total: Money::from_cents(found.total_cents).format(lang),
        owing: Money::from_cents(found.balance_cents).format(lang),
        creditable: creditable.format(lang),
        can_credit: creditable > Money::ZERO && matches!(found.status.as_str(), "open" | "paid"),
        invoice: found,
        form,
        errors,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let found = invoice_of(&state, id, lang).await?;
    render(&state, lang, &staff, found, CreditForm::default(), CreditErrors::default(), StatusCode::OK).await
}

pub async fn issue(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<CreditForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let found = invoice_of(&state, id, lang).await?;
    let mut errors = CreditErrors::default();
    let subtotal = positive_amount(&form.amount).map_err(|key| errors.amount = Some(key)).ok();
    if form.reason.trim().is_empty() {
        errors.reason = Some("ops.receivables.reason_required");
    }
    let Some(subtotal) = subtotal.filter(|_| errors.reason.is_none()) else {
        return render(&state, lang, &staff, found, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let new = NewCreditNote { invoice_id: id, subtotal, reason: form.reason.clone(), at: now };
    let note = match payments::issue_credit_note(&txn, new).await {
        Ok(note) => note,
        Err(PaymentError::Database(e)) => return Err(db_error(e)),
        Err(error) => {
            drop(txn);
            errors.amount = Some(error.message_key());
            return render(&state, lang, &staff, found, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "credit_note_issue",
        entity: "customer",
        entity_id: Some(found.customer_id),
        before: json!(null),
        after: json!({
            "credit_note": note.number,
            "invoice": found.number,
            "total": Money::from_cents(note.total_cents).to_string(),
            "reason": note.reason,
        }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/clients/{}/statement?done=credit_note", found.customer_id)).into_response())
}
