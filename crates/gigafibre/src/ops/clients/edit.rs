//! Editing a customer's record in place: one field at a time, saved without
//! a page reload (htmx), checked, audited with before and after. A field
//! another member of staff changed since the form was shown is not
//! overwritten: the agent sees the new value and decides again.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::customer;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseBackend, EntityTrait, IntoActiveModel, QuerySelect,
};
use serde::Deserialize;
use serde_json::json;

use super::detail;
use super::fields::{Control, Field};
use crate::audit::{self, Actor, Change};
use crate::i18n::{Lang, Messages};
use crate::ops::roles::{EditClients, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// One field of the record as the page shows it: read, or being edited.
pub struct FieldView {
    pub customer_id: i64,
    pub code: &'static str,
    pub label_key: &'static str,
    pub control: Control,
    pub shown: String,
    /// What the input holds: the stored value, or what was typed.
    pub value: String,
    /// The stored value when the form was shown, sent back to detect a change by someone else.
    pub previous: String,
    pub editing: bool,
    pub can_edit: bool,
    pub error: Option<&'static str>,
    /// Someone else changed the field: what it holds now.
    pub conflict: Option<String>,
    pub saved: bool,
    pub csrf: String,
}

impl FieldView {
    pub fn read(c: &customer::Model, field: Field, lang: Lang, can_edit: bool, csrf: &str) -> FieldView {
        let stored = field.stored(c).unwrap_or_default();
        FieldView {
            customer_id: c.id,
            code: field.code(),
            label_key: field.label_key(),
            control: field.control(),
            shown: field.shown(c, lang),
            value: stored.clone(),
            previous: stored,
            editing: false,
            can_edit,
            error: None,
            conflict: None,
            saved: false,
            csrf: csrf.to_owned(),
        }
    }

    fn is(&self, control: Control) -> bool {
        self.control == control
    }

    pub fn is_long(&self) -> bool {
        self.is(Control::LongText)
    }

    pub fn is_language(&self) -> bool {
        self.is(Control::Language)
    }

    pub fn input_type(&self) -> &'static str {
        match self.control {
            Control::Email => "email",
            Control::Phone => "tel",
            _ => "text",
        }
    }
}

#[derive(Template)]
#[template(path = "ops/clients/templates/field.html")]
struct FieldFragment {
    m: Messages,
    f: FieldView,
}

fn fragment(lang: Lang, f: FieldView, status: StatusCode) -> Result<Response, PageError> {
    let html = FieldFragment { m: Messages::new(lang), f }.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

async fn load(state: &AppState, lang: Lang, id: i64, code: &str) -> Result<(customer::Model, Field), PageError> {
    let field = Field::from_code(code).ok_or_else(|| PageError::not_found(lang))?;
    let found = customer::Entity::find_by_id(id).one(&state.db).await.map_err(|e| PageError::database(lang, e))?;
    Ok((found.ok_or_else(|| PageError::not_found(lang))?, field))
}

/// The field as read (after "cancel").
pub async fn show(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (found, field) = load(&state, lang, id, &code).await?;
    fragment(lang, FieldView::read(&found, field, lang, true, &staff.csrf_token), StatusCode::OK)
}

/// The field's edit control.
pub async fn edit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (found, field) = load(&state, lang, id, &code).await?;
    let view = FieldView { editing: true, ..FieldView::read(&found, field, lang, true, &staff.csrf_token) };
    fragment(lang, view, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct FieldForm {
    csrf: String,
    value: String,
    previous: String,
}

/// Saves one field; answers the field's fragment to htmx, or the client page.
pub async fn save(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff<EditClients>,
    headers: HeaderMap,
    Path((id, code)): Path<(i64, String)>,
    axum::Form(form): axum::Form<FieldForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf, lang)?;
    let htmx = headers.contains_key("hx-request");
    let db_error = |e| PageError::database(lang, e);
    let (_, field) = load(&state, lang, id, &code).await?;
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let mut query = customer::Entity::find_by_id(id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // Two agents saving the same field at once: the second waits, then sees the first's value.
        query = query.lock(LockType::Update);
    }
    let found = query.one(&txn).await.map_err(db_error)?.ok_or_else(|| PageError::not_found(lang))?;
    let stored = field.stored(&found);
    let refused = |error: Option<&'static str>, conflict: Option<String>, status| {
        let view = FieldView {
            editing: true,
            value: form.value.clone(),
            error,
            conflict,
            ..FieldView::read(&found, field, lang, true, &staff.csrf_token)
        };
        (view, status)
    };
    let outcome = if stored.clone().unwrap_or_default() != form.previous {
        Err(refused(None, Some(field.shown(&found, lang)), StatusCode::CONFLICT))
    } else {
        match field.check(&form.value) {
            Ok(value) if field.leaves_no_way_in(&found, &value) => {
                Err(refused(Some("ops.clients.contact_required"), None, StatusCode::UNPROCESSABLE_ENTITY))
            }
            Ok(value) => Ok(value),
            Err(error) => Err(refused(Some(error), None, StatusCode::UNPROCESSABLE_ENTITY)),
        }
    };
    let value = match outcome {
        Ok(value) => value,
        Err((view, status)) => {
            drop(txn);
            return if htmx {
                fragment(lang, view, status)
            } else {
                detail::render(&state, lang, &staff, id, detail::View { editing: Some(view), access: None }, status)
                    .await
            };
        }
    };
    if value != stored {
        if field.carries_sign_in() {
            crate::portal::links::revoke_links_of(&txn, id, now).await.map_err(db_error)?;
            if field == Field::Email {
                crate::portal::profile::tell_old_address(&txn, &found, now).await.map_err(db_error)?;
            }
        }
        let mut row = found.into_active_model();
        field.assign(&mut row, value.clone());
        row.updated_at = Set(now);
        row.update(&txn).await.map_err(db_error)?;
        let actor = Actor { kind: "staff", id: Some(staff.member.id), label: staff.member.email.clone() };
        let change = Change {
            action: "customer_update",
            entity: "customer",
            entity_id: Some(id),
            before: json!({ field.code(): stored }),
            after: json!({ field.code(): value }),
        };
        audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)?;
    if !htmx {
        return Ok(Redirect::to(&format!("/ops/clients/{id}")).into_response());
    }
    let (saved_row, _) = load(&state, lang, id, &code).await?;
    let view = FieldView { saved: true, ..FieldView::read(&saved_row, field, lang, true, &staff.csrf_token) };
    fragment(lang, view, StatusCode::OK)
}
