//! The fallback for installs without an identity provider: a one-time link
//! by e-mail. The answer is the same whether or not the address belongs to
//! anyone, so the form cannot be used to find out who works here.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::staff;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::auth::rate_limit::{self, Limit, Verdict};
use crate::contact::email::normalise_email;
use crate::i18n::{Lang, text};
use crate::ops::pages::{SignInView, sign_in_page};
use crate::ops::staff::mint_link;
use crate::outbox::{self, Channel, NewMessage};
use crate::web::{AppState, ClientAddress, PageError, RequestLang};

/// Links asked for one address per window.
pub const PER_EMAIL: Limit = Limit { max: 3, window: Duration::minutes(15) };
/// Links asked from one network address per window.
pub const PER_IP: Limit = Limit { max: 30, window: Duration::minutes(15) };

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    email: String,
}

/// `POST /ops/sign-in/email`.
pub async fn request(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    ClientAddress(ip): ClientAddress,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LinkForm>,
) -> Result<Response, PageError> {
    if !crate::web::same_origin(&state.config, &headers) {
        return Err(PageError::forbidden(lang));
    }
    if !state.config.oidc.email_links_offered() {
        let view = SignInView { error: Some("ops.sso.email.off"), ..SignInView::default() };
        return sign_in_page(&state.config, lang, view, StatusCode::FORBIDDEN);
    }
    let typed = form.email.trim().chars().take(254).collect::<String>();
    let Ok(email) = normalise_email(&typed) else {
        let view = SignInView { typed, error: Some("ops.sso.email.invalid"), ..SignInView::default() };
        return sign_in_page(&state.config, lang, view, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let email_bucket = format!("staff-link:{}", email.as_str());
    let ip_bucket = format!("staff-link-ip:{}", ip.as_deref().unwrap_or("unknown"));
    rate_limit::lock(&txn, &email_bucket).await.map_err(db_error)?;
    rate_limit::lock(&txn, &ip_bucket).await.map_err(db_error)?;
    let mut wait = None;
    for (bucket, limit) in [(&email_bucket, PER_EMAIL), (&ip_bucket, PER_IP)] {
        if let Verdict::RetryAfter(seconds) = rate_limit::check(&txn, bucket, limit, now).await.map_err(db_error)? {
            wait = wait.max(Some(seconds));
        }
    }
    if let Some(seconds) = wait {
        txn.rollback().await.map_err(db_error)?;
        let view = SignInView { typed, retry_after_minutes: Some((seconds + 59) / 60), ..SignInView::default() };
        let mut response = sign_in_page(&state.config, lang, view, StatusCode::TOO_MANY_REQUESTS)?;
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(response);
    }
    rate_limit::hit(&txn, &email_bucket, now).await.map_err(db_error)?;
    rate_limit::hit(&txn, &ip_bucket, now).await.map_err(db_error)?;
    send_link(&txn, email.as_str(), &state.config.public_url, now).await.map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    let view = SignInView { typed, sent: true, ..SignInView::default() };
    sign_in_page(&state.config, lang, view, StatusCode::OK)
}

/// Mints a link and queues it to an active member of staff with that
/// address, in their language; nothing for anyone else.
async fn send_link<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    public_url: &url::Url,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let member = staff::Entity::find().filter(staff::Column::Email.eq(email)).one(conn).await?;
    let Some(member) = member.filter(|m| m.active) else { return Ok(()) };
    let token = match mint_link(conn, &member.email, now).await {
        Ok(token) => token,
        Err(crate::ops::staff::StaffError::Database(error)) => return Err(error),
        Err(_) => return Ok(()),
    };
    let lang = Lang::from_code(&member.language).unwrap_or_default();
    let url = public_url.join(&format!("ops/auth?token={token}")).map(|u| u.to_string()).unwrap_or_default();
    let fill = |key: &str| text(lang, key).replace("{url}", &url).replace("{name}", &member.name);
    let html = format!(
        "<p>{}</p><p><a href=\"{url}\" style=\"display:inline-block;background:#0b5cad;color:#fff;padding:12px 20px;\
         border-radius:6px;text-decoration:none\">{}</a></p><p>{}</p>",
        html_escape(&fill("ops.sso.mail.intro")),
        html_escape(&fill("ops.sso.mail.button")),
        html_escape(&fill("ops.sso.mail.ignore")),
    );
    let message = NewMessage {
        channel: Channel::Email,
        to: member.email.clone(),
        subject: Some(fill("ops.sso.mail.subject")),
        body_text: fill("ops.sso.mail.text"),
        body_html: Some(html),
        language: lang,
        customer_id: None,
        ticket_id: None,
    };
    outbox::enqueue(conn, message, now).await.map(|_| ())
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
