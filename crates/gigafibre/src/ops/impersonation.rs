//! "See the portal as this customer": an explicit path, logged at both
//! ends, read-only, never through a customer's token.

use axum::extract::State;
use axum::response::Response;
use chrono::Duration;
use gigafibre_db::entities::{customer, staff};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;

use super::roles::{EditClients, Staff};
use crate::audit::{self, Actor, Change};
use crate::auth::session::{self, IMPERSONATION_HOURS};
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
    let new = session::start_impersonation(&txn, found.id, staff.member.id, staff.session_ends_at, now)
        .await
        .map_err(db_error)?;
    // One session per browser at a time: the staff session is handed back
    // (until its own end) when the look ends.
    session::end(&txn, &staff.cookie_value).await.map_err(db_error)?;
    let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
    let change = Change {
        action: "impersonation_start",
        entity: "customer",
        entity_id: Some(found.id),
        before: json!(null),
        after: json!({ "account": found.account_number, "ends_at_latest": (now + Duration::hours(IMPERSONATION_HOURS)).min(staff.session_ends_at) }),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(session::redirect_with_cookie(&state.config, "/portal", Some(&new.cookie_value)))
}

#[derive(Deserialize)]
pub struct EndForm {
    csrf: String,
}

/// Ends the look and hands the member of staff back their own session, which
/// ends when it would have: a look at the portal never lengthens a session.
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
    let member = staff::Entity::find_by_id(staff_id).one(&txn).await.map_err(db_error)?.filter(|m| m.active);
    let resume_until = current.resumes_staff_until.filter(|until| *until > now);
    let actor = Actor {
        kind: "staff",
        id: Some(staff_id),
        label: member.as_ref().map_or_else(|| format!("staff {staff_id}"), |m| m.email.clone()),
    };
    let change = Change {
        action: "impersonation_end",
        entity: "customer",
        entity_id: Some(current.customer_id),
        before: json!(null),
        after: json!(null),
    };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    let (Some(_), Some(until)) = (member, resume_until) else {
        txn.commit().await.map_err(db_error)?;
        return Ok(session::redirect_with_cookie(&state.config, "/ops/sign-in", None));
    };
    let new = session::resume_staff(&txn, staff_id, until, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok(session::redirect_with_cookie(&state.config, "/ops", Some(&new.cookie_value)))
}
