//! `/portal/autopay`: the customer turns automatic payment on or off. On
//! needs a card saved at Stripe and the customer's explicit authorisation
//! (a ticked box); staff looking as the customer see the page but cannot
//! change it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono_tz::America::Toronto;
use serde::Deserialize;

use super::current::CurrentCustomer;
use super::payments::stripe_customer_of;
use crate::audit::Actor;
use crate::billing::autopay;
use crate::billing::stripe::StripeClient;
use crate::i18n::{Lang, Messages, local_date};
use crate::web::{AppState, PageError, RequestLang};

pub struct Enrolled {
    card: String,
    since: String,
}

#[derive(Template)]
#[template(path = "portal/templates/autopay.html")]
struct AutopayPage {
    m: Messages,
    current_path: String,
    csrf: String,
    impersonating: Option<String>,
    enrolled: Option<Enrolled>,
    /// Card payments are set up.
    available: bool,
    /// The customer has a customer at Stripe, where saved cards live.
    has_card: bool,
    /// The customer, not staff looking as them.
    can_change: bool,
    consent: String,
    done_key: Option<&'static str>,
    problem_key: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct ChoiceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    choice: String,
    #[serde(default)]
    consent: String,
}

async fn render(
    state: &AppState,
    lang: Lang,
    current: &CurrentCustomer,
    done_key: Option<&'static str>,
    problem_key: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let db_error = |e| PageError::database(lang, e);
    let enrolled = autopay::enrollment_of(&state.db, current.customer_id).await.map_err(db_error)?;
    let has_card = stripe_customer_of(&state.db, current.customer_id).await.map_err(db_error)?.is_some();
    let m = Messages::new(lang);
    let page = AutopayPage {
        current_path: "/portal/autopay".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        enrolled: enrolled.map(|e| Enrolled {
            card: e.card_label,
            since: local_date(lang, e.enrolled_at.with_timezone(&Toronto).date_naive()),
        }),
        available: state.config.stripe.is_configured(),
        has_card,
        can_change: current.impersonated_by.is_none(),
        consent: m.t("autopay.consent").replace("{company}", &state.config.company.name),
        done_key,
        problem_key,
        m,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
) -> Result<Response, PageError> {
    render(&state, lang, &current, None, None, StatusCode::OK).await
}

/// Turns automatic payment on (with a saved card and the box ticked) or off.
pub async fn choose(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    axum::Form(form): axum::Form<ChoiceForm>,
) -> Result<Response, PageError> {
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let actor = Actor { kind: "customer", id: Some(current.customer_id), label: "portal".to_owned() };
    let refuse = |key, status| render(&state, lang, &current, None, Some(key), status);
    match form.choice.as_str() {
        "off" => {
            autopay::opt_out(&state.db, current.customer_id, &actor, now).await.map_err(db_error)?;
            render(&state, lang, &current, Some("autopay.turned_off"), None, StatusCode::OK).await
        }
        "on" => {
            if form.consent != "yes" {
                return refuse("autopay.consent_required", StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            let client = match StripeClient::from_settings(&state.config.stripe) {
                Ok(client) if state.config.stripe.is_configured() => client,
                _ => return refuse("autopay.unavailable", StatusCode::SERVICE_UNAVAILABLE).await,
            };
            let known = stripe_customer_of(&state.db, current.customer_id).await.map_err(db_error)?;
            let Some(stripe_id) = known else {
                return refuse("autopay.no_card", StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            let card = match client.saved_card(&stripe_id).await {
                Ok(Some(card)) => card,
                Ok(None) => return refuse("autopay.no_card", StatusCode::UNPROCESSABLE_ENTITY).await,
                Err(error) => {
                    tracing::warn!(customer = current.customer_id, %error, "a saved card could not be read");
                    return refuse("autopay.stripe_failed", StatusCode::BAD_GATEWAY).await;
                }
            };
            autopay::opt_in(&state.db, current.customer_id, &card.label, &actor, now).await.map_err(db_error)?;
            render(&state, lang, &current, Some("autopay.turned_on"), None, StatusCode::OK).await
        }
        _ => Err(PageError::unreadable(lang, StatusCode::UNPROCESSABLE_ENTITY)),
    }
}
