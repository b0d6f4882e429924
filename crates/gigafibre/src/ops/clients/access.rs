//! Ending a customer's access to the portal from their page: every session
//! (on every device) and every outstanding sign-in link, after a report of a
//! stolen phone or mailbox. The customer signs in again with a new link.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gigafibre_db::entities::customer;
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::auth::session;
use crate::ops::roles::{EditClients, Staff};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize)]
pub struct EndAccessForm {
    csrf: String,
    /// The box the agent ticks to confirm.
    confirm: Option<String>,
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<EndAccessForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    if form.confirm.as_deref() != Some("yes") {
        return Ok(Redirect::to(&format!("/ops/clients/{id}?access=unconfirmed#access")).into_response());
    }
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    if customer::Entity::find_by_id(id).one(&txn).await.map_err(db_error)?.is_none() {
        return Err(PageError::not_found(lang));
    }
    session::end_all_for_customer(&txn, id).await.map_err(db_error)?;
    crate::portal::links::revoke_links_of(&txn, id, now).await.map_err(db_error)?;
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "customer_sign_out_everywhere",
        entity: "customer",
        entity_id: Some(id),
        before: json!(null),
        after: json!({ "sessions": "ended", "links": "revoked" }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(Redirect::to(&format!("/ops/clients/{id}?access=ended#access")).into_response())
}
