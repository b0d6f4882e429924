//! "See the portal as this customer": an explicit path, logged at both
//! ends, read-only, never through a customer's token.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use gigafibre_db::entities::{customer, staff};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;

use super::roles::{EditClients, Staff};
use crate::audit::{self, Actor, Change};
use crate::auth::session::{self, Owner};
use crate::portal::CurrentCustomer;
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize)]
pub struct StartForm {
    csrf: String,
    account: String,
}

/// Starts looking at the portal as the customer with that number.
pub async fn start(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    axum::Form(form): axum::Form<StartForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let db_error = |e| PageError::database(lang, e);
    let account = form.account.trim().to_uppercase();
    let found = customer::Entity::find()
        .filter(
            Condition::any()
                .add(customer::Column::AccountNumber.eq(account.as_str()))
                .add(customer::Column::LegacyId.eq(account.as_str())),
        )
        .one(&state.db)
        .await
        .map_err(db_error)?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let owner = Owner::Impersonation { customer_id: found.id, staff_id: staff.member.id };
    let new = session::start(&txn, owner, now, Some("impersonation".into())).await.map_err(db_error)?;
    session::end(&txn, &staff.cookie_value).await.map_err(db_error)?;
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "impersonation_start",
        entity: "customer",
        entity_id: Some(found.id),
        before: json!(null),
        after: json!({ "account": found.account_number, "ends_at_latest": now + chrono::Duration::hours(1) }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(session::redirect_with_cookie(&state.config, "/portal", Some(&new.cookie_value)))
}

#[derive(Deserialize)]
pub struct EndForm {
    csrf: String,
}

/// Ends the look and gives the member of staff a fresh session of their own.
pub async fn end(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    axum::Form(form): axum::Form<EndForm>,
) -> Result<Response, PageError> {
    let Some(staff_id) = current.impersonated_by else { return Err(PageError::not_found(lang)) };
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    session::end(&txn, &current.cookie_value).await.map_err(db_error)?;
    let active = staff::Entity::find_by_id(staff_id).one(&txn).await.map_err(db_error)?.is_some_and(|m| m.active);
    if !active {
        txn.commit().await.map_err(db_error)?;
        return Ok(Redirect::to("/ops/sign-in").into_response());
    }
    let new = session::start(&txn, Owner::Staff(staff_id), now, None).await.map_err(db_error)?;
    let actor = Actor { kind: "staff", id: Some(staff_id), label: format!("staff {staff_id}") };
    let change = Change {
        action: "impersonation_end",
        entity: "customer",
        entity_id: Some(current.customer_id),
        before: json!(null),
        after: json!(null),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(session::redirect_with_cookie(&state.config, "/ops", Some(&new.cookie_value)))
}
