//! Paying online: "pay my balance" and "pay this invoice" open a Stripe
//! Checkout page; Stripe sends the customer back to a success or cancel
//! page that returns them to where they were. The payment itself is recorded
//! when Stripe's webhook says it was made, never because a page was opened.
//! A customer who has paid by card manages their saved cards on Stripe's
//! Billing Portal.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::{customer, invoice, stripe_customer};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::current::{CurrentCustomer, urlencoding};
use crate::billing::money::Money;
use crate::billing::stripe::{CheckoutRequest, StripeClient};
use crate::i18n::{Lang, Messages};
use crate::web::{AppState, PageError, RequestLang};

#[derive(Deserialize)]
pub struct PayForm {
    #[serde(default)]
    csrf: String,
    /// An invoice number, or nothing for the whole balance.
    #[serde(default)]
    invoice: String,
    /// The portal page the customer paid from.
    #[serde(default)]
    back: String,
}

#[derive(Deserialize)]
pub struct ReturnQuery {
    back: Option<String>,
}

/// What the page after a payment attempt says.
#[derive(Clone, Copy)]
enum Outcome {
    Paid,
    Cancelled,
    NothingDue,
    Unavailable,
    Failed,
}

impl Outcome {
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Outcome::Paid => ("portal.pay.success.title", "portal.pay.success.body"),
            Outcome::Cancelled => ("portal.pay.cancel.title", "portal.pay.cancel.body"),
            Outcome::NothingDue => ("portal.pay.nothing_due.title", "portal.pay.nothing_due.body"),
            Outcome::Unavailable => ("portal.pay.unavailable.title", "portal.pay.unavailable.body"),
            Outcome::Failed => ("portal.pay.failed.title", "portal.pay.failed.body"),
        }
    }
}

#[derive(Template)]
#[template(path = "portal/templates/payment_return.html")]
struct ReturnPage {
    m: Messages,
    current_path: String,
    csrf: String,
    impersonating: Option<String>,
    title_key: &'static str,
    body_key: &'static str,
    back: String,
}

/// A portal path to send the customer back to; anything else is the dashboard.
fn portal_path(back: Option<&str>) -> String {
    match back.map(str::trim) {
        Some(path)
            if (path == "/portal" || path.starts_with("/portal/"))
                && !path.contains("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/portal".to_owned(),
    }
}

fn render(
    lang: Lang,
    current: &CurrentCustomer,
    outcome: Outcome,
    back: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (title_key, body_key) = outcome.keys();
    let page = ReturnPage {
        m: Messages::new(lang),
        current_path: "/portal".into(),
        csrf: current.csrf_token.clone(),
        impersonating: current.impersonator.clone(),
        title_key,
        body_key,
        back,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, Html(html)).into_response())
}

/// Starts a Checkout session for the balance or one of the customer's
/// invoices and sends the customer to it.
pub async fn pay(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    axum::Form(form): axum::Form<PayForm>,
) -> Result<Response, PageError> {
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let back = portal_path(Some(&form.back));
    let db_error = |e| PageError::database(lang, e);
    let found = customer::Entity::find_by_id(current.customer_id).one(&state.db).await.map_err(db_error)?;
    let found = found.ok_or_else(|| PageError::not_found(lang))?;
    let m = Messages::new(lang);
    let (invoice_id, amount, description) = if form.invoice.trim().is_empty() {
        let words = format!("{} {}", m.t("portal.pay.balance_line"), found.account_number);
        (None, Money::from_cents(found.balance_cents), words)
    } else {
        // Only the customer's own invoice: anyone else's is answered as unknown.
        let chosen = invoice::Entity::find()
            .filter(invoice::Column::Number.eq(form.invoice.trim()))
            .filter(invoice::Column::CustomerId.eq(found.id))
            .one(&state.db)
            .await
            .map_err(db_error)?
            .ok_or_else(|| PageError::not_found(lang))?;
        let owed = if chosen.status == "open" { chosen.balance_cents } else { 0 };
        let words = format!("{} {}", m.t("portal.invoice.title"), chosen.number);
        (Some(chosen.id), Money::from_cents(owed), words)
    };
    if amount <= Money::ZERO {
        return render(lang, &current, Outcome::NothingDue, back, StatusCode::OK);
    }
    let client = match StripeClient::from_settings(&state.config.stripe) {
        Ok(client) if state.config.stripe.is_configured() => client,
        _ => return render(lang, &current, Outcome::Unavailable, back, StatusCode::SERVICE_UNAVAILABLE),
    };
    let public = state.config.public_url.as_str().trim_end_matches('/');
    let request = CheckoutRequest {
        customer_id: found.id,
        invoice_id,
        amount,
        description,
        email: found.billing_email.clone().or(found.email.clone()),
        stripe_customer: stripe_customer_of(&state.db, found.id).await.map_err(db_error)?,
        lang,
        success_url: format!("{public}/portal/payment/success?back={}", urlencoding(&back)),
        cancel_url: format!("{public}/portal/payment/cancel?back={}", urlencoding(&back)),
    };
    match client.create_checkout_session(&request).await {
        Ok(session) => Ok(Redirect::to(&session.url).into_response()),
        Err(error) => {
            tracing::warn!(customer = found.id, %error, "a Checkout session could not be created");
            render(lang, &current, Outcome::Failed, back, StatusCode::BAD_GATEWAY)
        }
    }
}

/// The customer's customer at Stripe, once they have paid by card.
pub async fn stripe_customer_of<C: ConnectionTrait>(conn: &C, customer_id: i64) -> Result<Option<String>, DbErr> {
    let found =
        stripe_customer::Entity::find().filter(stripe_customer::Column::CustomerId.eq(customer_id)).one(conn).await?;
    Ok(found.map(|row| row.stripe_customer_id))
}

#[derive(Deserialize)]
pub struct CardsForm {
    #[serde(default)]
    csrf: String,
}

/// Sends the customer to Stripe's page for their saved cards, which links
/// back to the dashboard.
pub async fn cards(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    axum::Form(form): axum::Form<CardsForm>,
) -> Result<Response, PageError> {
    if form.csrf != current.csrf_token {
        return Err(PageError::forbidden(lang));
    }
    let back = "/portal".to_owned();
    let known = stripe_customer_of(&state.db, current.customer_id).await.map_err(|e| PageError::database(lang, e))?;
    let Some(stripe_id) = known else { return Err(PageError::not_found(lang)) };
    let client = match StripeClient::from_settings(&state.config.stripe) {
        Ok(client) if state.config.stripe.is_configured() => client,
        _ => return render(lang, &current, Outcome::Unavailable, back, StatusCode::SERVICE_UNAVAILABLE),
    };
    let return_url = format!("{}/portal", state.config.public_url.as_str().trim_end_matches('/'));
    match client.billing_portal(&stripe_id, &return_url).await {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(error) => {
            tracing::warn!(customer = current.customer_id, %error, "a Billing Portal session could not be created");
            render(lang, &current, Outcome::Failed, back, StatusCode::BAD_GATEWAY)
        }
    }
}

/// Where Stripe sends the customer once paid. A session that ended
/// meanwhile goes through sign-in and comes back here.
pub async fn success(
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Query(query): Query<ReturnQuery>,
) -> Result<Response, PageError> {
    render(lang, &current, Outcome::Paid, portal_path(query.back.as_deref()), StatusCode::OK)
}

/// Where Stripe sends the customer who went back without paying.
pub async fn cancelled(
    RequestLang(lang): RequestLang,
    current: CurrentCustomer,
    Query(query): Query<ReturnQuery>,
) -> Result<Response, PageError> {
    render(lang, &current, Outcome::Cancelled, portal_path(query.back.as_deref()), StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_stays_inside_the_portal() {
        assert_eq!(portal_path(Some("/portal/invoices/F-0000012")), "/portal/invoices/F-0000012");
        assert_eq!(portal_path(Some("/portal")), "/portal");
        for elsewhere in
            ["https://evil.example/portal", "//evil.example", "/portal//evil", "/ops", "/portalx", "/portal/\\x"]
        {
            assert_eq!(portal_path(Some(elsewhere)), "/portal", "{elsewhere}");
        }
        assert_eq!(portal_path(None), "/portal");
    }
}
