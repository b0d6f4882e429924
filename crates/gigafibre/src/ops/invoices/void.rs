//! `POST /ops/invoices/{id}/void`: voiding a draft invoice, once the box
//! confirming it is ticked. An issued invoice is never voided: it is
//! corrected by a credit note, and the refusal says so with nothing changed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gigafibre_db::entities::invoice;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;

use super::detail::{Notice, Screen};
use crate::audit::{self, Actor, Change};
use crate::billing::money::Money;
use crate::billing::payments;
use crate::ops::frame::{Frame, Section};
use crate::ops::roles::{HandleMoney, Staff};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize, Default)]
pub struct VoidForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

pub async fn void(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<HandleMoney>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<VoidForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let found = invoice::Entity::find_by_id(id).one(&state.db).await.map_err(db_error)?;
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let refuse = |key| {
        let screen = Screen { frame: Frame::new(&staff, Section::Receivables), role: staff.role };
        screen.render(&state, lang, id, Some(Notice::Refused(key)), StatusCode::UNPROCESSABLE_ENTITY)
    };
    if found.status != "draft" {
        return refuse("ops.invoices.void_refused").await;
    }
    if form.confirm != "yes" {
        return refuse("ops.receivables.confirm_required").await;
    }
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    // Only while still a draft: a run that issued it meanwhile wins.
    let voided = invoice::Entity::update_many()
        .col_expr(invoice::Column::Status, Expr::value("void"))
        .filter(invoice::Column::Id.eq(id))
        .filter(invoice::Column::Status.eq("draft"))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    if voided.rows_affected == 0 {
        drop(txn);
        return refuse("ops.invoices.void_refused").await;
    }
    payments::refresh_balances(&txn, found.customer_id).await.map_err(db_error)?;
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "invoice_void",
        entity: "invoice",
        entity_id: Some(id),
        before: json!({ "status": found.status }),
        after: json!({
            "status": "void",
            "invoice": found.number,
            "customer_id": found.customer_id,
            "total": Money::from_cents(found.total_cents).to_string(),
        }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/invoices/{id}?done=void")).into_response())
}
