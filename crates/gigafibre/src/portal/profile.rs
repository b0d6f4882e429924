//! The customer's own contact details, language and notification choices.
//! A change of e-mail or cell phone revokes every outstanding sign-in link
//! (they went to the old contacts) and tells the old address.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gigafibre_db::entities::customer;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel};
use serde::Deserialize;
use serde_json::json;

use super::current::CurrentCustomer;
use super::links::revoke_links_of;
use crate::audit::{self, Actor, Change};
use crate::contact::email::normalise_email;
use crate::contact::phone::normalise_phone;
use crate::i18n::{Lang, Messages, text};
use crate::outbox::{self, Channel, NewMessage};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Template)]
#[template(path = "portal/templates/profile.html")]
struct ProfilePage {
    m: Messages,
    current_path: String,
    csrf: String,
    /// The member of staff looking at the portal as this customer.
    impersonating: Option<String>,
    saved: bool,
    form: ProfileForm,
    errors: FieldErrors,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    email: String,
    cell: String,
    home_phone: String,
    language: String,
    notify_by_email: Option<String>,
    notify_by_sms: Option<String>,
}

/// The catalogue key of each field's problem, if any.
#[derive(Debug, Default)]
struct FieldErrors {
    email: Option<&'static str>,
    cell: Option<&'static str>,
    home_phone: Option<&'static str>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.email.is_some() || self.cell.is_some() || self.home_phone.is_some()
    }
}

/// The values as they will be stored, or what is wrong with them.
struct Checked {
    email: Option<String>,
    cell: Option<String>,
    home_phone: Option<String>,
    language: Lang,
}

fn check(form: &ProfileForm) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = match form.email.trim() {
        "" => None,
        typed => normalise_email(typed)
            .map(|e| e.as_str().to_owned())
            .map_err(|_| errors.email = Some("portal.profile.email_invalid"))
            .ok(),
    };
    let phone = |typed: &str, slot: &mut Option<&'static str>| match typed.trim() {
        "" => None,
        typed => normalise_phone(typed)
            .map(|p| p.as_str().to_owned())
            .map_err(|_| *slot = Some("portal.profile.phone_invalid"))
            .ok(),
    };
    let cell = phone(&form.cell, &mut errors.cell);
    let home_phone = phone(&form.home_phone, &mut errors.home_phone);
    if !errors.any() && email.is_none() && cell.is_none() {
        // Sign-in needs somewhere to send the link.
        errors.email = Some("portal.profile.contact_required");
    }
    if errors.any() {
        return Err(errors);
    }
    Ok(Checked { email, cell, home_phone, language: Lang::from_code(&form.language).unwrap_or_default() })
}

fn national(e164: Option<&String>) -> String {
    e164.and_then(|p| normalise_phone(p).ok()).map(|p| p.national()).unwrap_or_default()
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let found = customer::Entity::find_by_id(current.customer_id)
        .one(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let form = ProfileForm {
        csrf: String::new(),
        email: found.email.clone().or(found.billing_email.clone()).unwrap_or_default(),
        cell: national(found.cell.as_ref()),
        home_phone: national(found.home_phone.as_ref()),
        language: found.language.clone(),
        notify_by_email: found.notify_by_email.then(|| "on".into()),
        notify_by_sms: found.notify_by_sms.then(|| "on".into()),
    };
    render(
        lang,
        (current.csrf_token.clone(), current.impersonator.clone()),
        query.saved.is_some(),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
}

fn render(
    lang: Lang,
    (csrf, impersonating): (String, Option<String>),
    saved: bool,
    form: ProfileForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = ProfilePage {
        m: Messages::new(lang),
        current_path: "/portal/account".into(),
        csrf,
        impersonating,
        saved,
        form,
        errors,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// Saves the form when every field is valid, nothing otherwise.
pub async fn save(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    axum::Form(form): axum::Form<ProfileForm>,
) -> Result<Response, PageError> {
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let checked = match check(&form) {
        Ok(checked) => checked,
        Err(errors) => {
            return render(
                lang,
                (current.csrf_token.clone(), current.impersonator.clone()),
                false,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let found = customer::Entity::find_by_id(current.customer_id).one(&txn).await.map_err(db_error)?;
    let Some(found) = found else { return Err(PageError::not_found(lang)) };
    let contacts_changed = found.email != checked.email || found.cell != checked.cell;
    let before = json!({
        "email": found.email, "cell": found.cell, "home_phone": found.home_phone,
        "language": found.language, "notify_by_email": found.notify_by_email, "notify_by_sms": found.notify_by_sms,
    });
    let after = json!({
        "email": checked.email, "cell": checked.cell, "home_phone": checked.home_phone,
        "language": checked.language.code(), "notify_by_email": form.notify_by_email.is_some(),
        "notify_by_sms": form.notify_by_sms.is_some(),
    });
    if contacts_changed {
        revoke_links_of(&txn, found.id, now).await.map_err(db_error)?;
        if found.email != checked.email {
            tell_old_address(&txn, &found, now).await.map_err(db_error)?;
        }
    }
    let actor = Actor { kind: "customer", id: Some(found.id), label: found.account_number.clone() };
    let mut row = found.into_active_model();
    row.email = Set(checked.email);
    row.cell = Set(checked.cell);
    row.home_phone = Set(checked.home_phone);
    row.language = Set(checked.language.code().to_owned());
    row.notify_by_email = Set(form.notify_by_email.is_some());
    row.notify_by_sms = Set(form.notify_by_sms.is_some());
    row.updated_at = Set(now);
    row.update(&txn).await.map_err(db_error)?;
    let change =
        Change { action: "update_contact", entity: "customer", entity_id: Some(current.customer_id), before, after };
    audit::record(&txn, &actor, change, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;

    let mut response = Redirect::to("/portal/account?saved=1").into_response();
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", checked.language.code());
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Tells the customer's current e-mail address that it is being replaced,
/// so that a change they did not make does not go unnoticed.
pub async fn tell_old_address<C: ConnectionTrait>(
    conn: &C,
    found: &customer::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(old) = found.email.clone() else { return Ok(()) };
    let lang = Lang::from_code(&found.language).unwrap_or_default();
    let notice = NewMessage {
        channel: Channel::Email,
        to: old,
        subject: Some(text(lang, "email.contact_changed.subject").to_owned()),
        body_text: text(lang, "email.contact_changed.text").to_owned(),
        body_html: None,
        language: lang,
        customer_id: Some(found.id),
        ticket_id: None,
    };
    outbox::enqueue(conn, notice, now).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, cell: &str) -> ProfileForm {
        ProfileForm { email: email.into(), cell: cell.into(), language: "en".into(), ..ProfileForm::default() }
    }

    #[test]
    fn every_bad_field_is_named_and_good_ones_are_normalised() {
        let errors = check(&form("pas-un-courriel", "555-12")).err().unwrap();
        assert_eq!(errors.email, Some("portal.profile.email_invalid"));
        assert_eq!(errors.cell, Some("portal.profile.phone_invalid"));
        let ok = check(&form(" Jean@Example.CA ", "(450) 555-1234")).ok().unwrap();
        assert_eq!(ok.email.as_deref(), Some("jean@example.ca"));
        assert_eq!(ok.cell.as_deref(), Some("+14505551234"));
        assert_eq!(ok.language, Lang::En);
        assert_eq!(check(&form("", "")).err().unwrap().email, Some("portal.profile.contact_required"));
        assert!(check(&form("", "450 555 1234")).is_ok(), "a phone alone is enough");
    }
}
