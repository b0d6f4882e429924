//! `/ops/payments/{id}/refund`: giving back part or all of a payment, after
//! a confirmation. A card payment is refunded through Stripe first; other
//! money goes back by hand (cash, cheque) and is recorded here.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::payment;
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::json;

use super::form::{customer_of, name_of, positive_amount, typed};
use crate::audit::{self, Actor, Change};
use crate::billing::money::Money;
use crate::billing::payments::{self, NewRefund, PaymentError};
use crate::billing::stripe::StripeClient;
use crate::i18n::{Lang, Messages, local_time};
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{HandleMoney, Staff};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize, Default)]
pub struct RefundForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
    /// The box staff tick to confirm.
    confirm: Option<String>,
}

#[derive(Default)]
pub struct RefundErrors {
    amount: Option<&'static str>,
    reason: Option<&'static str>,
    confirm: Option<&'static str>,
    /// Stripe's own words when it refused.
    provider: Option<String>,
}

#[derive(Template)]
#[template(path = "ops/receivables/templates/refund.html")]
struct RefundPage {
    m: Messages,
    current_path: String,
    frame: Frame,
    payment_id: i64,
    customer_id: i64,
    name: String,
    received: String,
    method: String,
    reference: String,
    amount: String,
    refundable: String,
    nothing_left: bool,
    through_stripe: bool,
    form: RefundForm,
    errors: RefundErrors,
}

/// A card payment made through Stripe carries its payment intent.
fn stripe_intent(paid: &payment::Model) -> Option<&str> {
    Some(paid.reference.as_str()).filter(|r| paid.method == "card" && r.starts_with("pi_"))
}

async fn payment_of(state: &AppState, id: i64, lang: Lang) -> Result<payment::Model, PageError> {
    let found = payment::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    found.ok_or_else(|| PageError::not_found(lang))
}

async fn render(
    state: &AppState,
    lang: Lang,
    staff: &Staff<HandleMoney>,
    paid: &payment::Model,
    form: Option<RefundForm>,
    errors: RefundErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let found = customer_of(&state.db, paid.customer_id, lang).await?;
    let refundable = payments::refundable(&state.db, paid).await.map_err(|e| match e {
        PaymentError::Database(e) => PageError::database(lang, e),
        other => PageError::internal(lang, other),
    })?;
    let form = form.unwrap_or_else(|| RefundForm { amount: typed(refundable), ..RefundForm::default() });
    let page = RefundPage {
        m: Messages::new(lang),
        current_path: format!("/ops/payments/{}/refund", paid.id),
        frame: Frame::new(staff, Section::Clients),
        payment_id: paid.id,
        customer_id: found.id,
        name: name_of(&found),
        received: local_time(lang, paid.received_at),
        method: paid.method.clone(),
        reference: paid.reference.clone(),
        amount: Money::from_cents(paid.amount_cents).format(lang),
        refundable: refundable.format(lang),
        nothing_left: refundable <= Money::ZERO,
        through_stripe: stripe_intent(paid).is_some(),
        form,
        errors,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

pub async fn confirm_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let paid = payment_of(&state, id, lang).await?;
    render(&state, lang, &staff, &paid, None, RefundErrors::default(), StatusCode::OK).await
}

pub async fn refund(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<RefundForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let paid = payment_of(&state, id, lang).await?;
    let mut errors = RefundErrors::default();
    let amount = positive_amount(&form.amount).map_err(|key| errors.amount = Some(key)).ok();
    if form.reason.trim().is_empty() {
        errors.reason = Some("ops.receivables.reason_required");
    }
    if form.confirm.as_deref() != Some("yes") {
        errors.confirm = Some("ops.receivables.confirm_required");
    }
    let Some(amount) = amount.filter(|_| errors.reason.is_none() && errors.confirm.is_none()) else {
        return render(&state, lang, &staff, &paid, Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let db_error = |e| PageError::database(lang, e);
    let refundable = payments::refundable(&state.db, &paid).await.map_err(|e| PageError::internal(lang, e))?;
    if amount > refundable {
        errors.amount = Some("billing.error.refund_too_large");
        return render(&state, lang, &staff, &paid, Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // The card is refunded first: nothing is recorded unless Stripe agreed.
    let provider_reference = match stripe_intent(&paid) {
        Some(intent) => {
            let key = format!(
                "refund-{}-{}-{}",
                paid.id,
                (Money::from_cents(paid.amount_cents) - refundable).cents(),
                amount.cents()
            );
            let sent = match StripeClient::from_settings(&state.config.stripe) {
                Ok(client) => client.refund(intent, amount, &key).await,
                Err(error) => Err(error),
            };
            match sent {
                Ok(refund_id) => Some(refund_id),
                Err(error) => {
                    tracing::warn!(payment = paid.id, %error, "a card refund was refused");
                    errors.provider = Some(error.to_string());
                    return render(&state, lang, &staff, &paid, Some(form), errors, StatusCode::BAD_GATEWAY).await;
                }
            }
        }
        None => None,
    };
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let new = NewRefund {
        payment_id: paid.id,
        amount,
        reason: form.reason.clone(),
        provider_reference: provider_reference.clone(),
        at: now,
    };
    match payments::refund(&txn, new).await {
        Ok(_) => {}
        Err(PaymentError::Database(e)) => return Err(db_error(e)),
        Err(error) => {
            drop(txn);
            errors.amount = Some(error.message_key());
            return render(&state, lang, &staff, &paid, Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "payment_refund",
        entity: "customer",
        entity_id: Some(paid.customer_id),
        before: json!(null),
        after: json!({
            "payment": paid.id,
            "amount": amount.to_string(),
            "reason": form.reason.trim(),
            "stripe_refund": provider_reference,
        }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/clients/{}/statement?done=refund", paid.customer_id)).into_response())
}
