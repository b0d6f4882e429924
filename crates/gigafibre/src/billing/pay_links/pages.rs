//! `/pay/{token}`: the page a payment link opens, without signing in. Its
//! GET only shows what is owed (an e-mail scanner that opens it changes
//! nothing); the button POSTs and opens a Stripe Checkout page for that
//! amount. A link that expired, or whose amount is paid, is refused. The
//! page names the account and the invoice, never the person or address.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono_tz::America::Toronto;

use super::link::{self, Payable, Refusal};
use crate::billing::money::Money;
use crate::billing::stripe::{CheckoutRequest, StripeClient};
use crate::i18n::{Lang, Messages, local_date};
use crate::web::{AppState, PageError, RequestLang};

/// What the page shows of a link that works.
struct Shown {
    token: String,
    account: String,
    invoice_number: Option<String>,
    owed: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "billing/pay_links/templates/pay.html")]
struct PayPage {
    m: Messages,
    current_path: String,
    title_key: &'static str,
    body_key: &'static str,
    problem_key: Option<&'static str>,
    payable: Option<Shown>,
}

fn page(lang: Lang, token: &str, title_key: &'static str, body_key: &'static str) -> PayPage {
    PayPage {
        m: Messages::new(lang),
        current_path: format!("/pay/{token}"),
        title_key,
        body_key,
        problem_key: None,
        payable: None,
    }
}

fn respond(page: PayPage, status: StatusCode) -> Result<Response, PageError> {
    let lang = page.m.lang;
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, [(axum::http::header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

fn refused(lang: Lang, token: &str, refusal: &Refusal) -> Result<Response, PageError> {
    let (title, body, status) = match refusal {
        Refusal::Unknown => ("pay_link.refused.unknown.title", "pay_link.refused.unknown.body", StatusCode::NOT_FOUND),
        Refusal::Expired => ("pay_link.refused.expired.title", "pay_link.refused.expired.body", StatusCode::GONE),
        Refusal::Paid => ("pay_link.refused.paid.title", "pay_link.refused.paid.body", StatusCode::GONE),
    };
    respond(page(lang, token, title, body), status)
}

fn shown(lang: Lang, token: &str, payable: &Payable) -> Shown {
    Shown {
        token: token.to_owned(),
        account: payable.customer.account_number.clone(),
        invoice_number: payable.invoice.as_ref().map(|i| i.number.clone()),
        owed: Money::from_cents(payable.owed_cents).format(lang),
        expires: local_date(lang, payable.link.expires_at.with_timezone(&Toronto).date_naive()),
    }
}

/// Shows what the link pays; changes nothing.
pub async fn show(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let opened = link::open(&state.db, &token, state.clock.now()).await.map_err(|e| PageError::database(lang, e))?;
    match opened {
        Ok(payable) => {
            let mut shown_page = page(lang, &token, "pay_link.page.title", "pay_link.page.title");
            shown_page.payable = Some(shown(lang, &token, &payable));
            respond(shown_page, StatusCode::OK)
        }
        Err(refusal) => refused(lang, &token, &refusal),
    }
}

/// Opens Stripe's payment page for what the link pays, as it is now.
pub async fn pay(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !crate::web::same_origin(&state.config, &headers) {
        return Err(PageError::forbidden(lang));
    }
    let opened = link::open(&state.db, &token, state.clock.now()).await.map_err(|e| PageError::database(lang, e))?;
    let payable = match opened {
        Ok(payable) => payable,
        Err(refusal) => return refused(lang, &token, &refusal),
    };
    let problem = |key: &'static str, status| {
        let mut again = page(lang, &token, "pay_link.page.title", "pay_link.page.title");
        again.problem_key = Some(key);
        again.payable = Some(shown(lang, &token, &payable));
        respond(again, status)
    };
    let client = match StripeClient::from_settings(&state.config.stripe) {
        Ok(client) if state.config.stripe.is_configured() => client,
        _ => return problem("pay_link.unavailable", StatusCode::SERVICE_UNAVAILABLE),
    };
    let stripe_customer = crate::portal::payments::stripe_customer_of(&state.db, payable.customer.id)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    let m = Messages::new(lang);
    let description = match &payable.invoice {
        Some(invoice) => format!("{} {}", m.t("pay_link.page.invoice"), invoice.number),
        None => format!("{} {}", m.t("pay_link.page.balance"), payable.customer.account_number),
    };
    let public = state.config.public_url.as_str().trim_end_matches('/');
    let request = CheckoutRequest {
        customer_id: payable.customer.id,
        invoice_id: payable.invoice.as_ref().map(|i| i.id),
        amount: Money::from_cents(payable.owed_cents),
        description,
        email: payable.customer.billing_email.clone().or(payable.customer.email.clone()),
        stripe_customer,
        lang,
        success_url: format!("{public}/pay/done"),
        cancel_url: format!("{public}/pay/{token}"),
    };
    match client.create_checkout_session(&request).await {
        Ok(session) => Ok(Redirect::to(&session.url).into_response()),
        Err(error) => {
            tracing::warn!(customer = payable.customer.id, %error, "a Checkout session for a payment link failed");
            problem("pay_link.failed", StatusCode::BAD_GATEWAY)
        }
    }
}

/// Where Stripe sends the customer once paid.
pub async fn done(RequestLang(lang): RequestLang) -> Result<Response, PageError> {
    let mut thanks = page(lang, "done", "pay_link.done.title", "pay_link.done.body");
    thanks.current_path = "/pay/done".to_owned();
    respond(thanks, StatusCode::OK)
}
