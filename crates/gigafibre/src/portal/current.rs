//! The signed-in customer, as an extractor: a handler that takes
//! `CurrentCustomer` is reachable only with a live customer session, and the
//! customer's id comes from the session, never from the URL.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use gigafibre_db::entities::staff;
use sea_orm::EntityTrait;

use crate::auth::session;
use crate::i18n::Lang;
use crate::web::{AppState, PageError};

#[derive(Debug, Clone)]
pub struct CurrentCustomer {
    pub customer_id: i64,
    pub csrf_token: String,
    pub cookie_value: String,
    /// The member of staff looking at the portal as this customer, if any.
    pub impersonated_by: Option<i64>,
    /// That member's name, for the banner every portal page shows them.
    pub impersonator: Option<String>,
    /// When the staff session the look replaced would have ended.
    pub resumes_staff_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// No live customer session: a page goes to sign-in and comes back; an
/// htmx or API call gets 401 so the page can say so without losing input.
pub struct SignInRequired {
    next: String,
    partial: bool,
    expired: bool,
    /// Staff looking as a customer tried to change something: refused, in
    /// this language.
    read_only: Option<Lang>,
}

/// Where staff end looking at the portal as a customer.
pub const END_PATH: &str = "/portal/impersonation/end";

impl IntoResponse for SignInRequired {
    fn into_response(self) -> Response {
        if let Some(lang) = self.read_only {
            let mut response = PageError::read_only(lang).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return response;
        }
        if self.partial {
            return (StatusCode::UNAUTHORIZED, [(header::CACHE_CONTROL, "no-store")], "sign-in required")
                .into_response();
        }
        let mut target = format!("/portal/sign-in?next={}", urlencoding(&self.next));
        if self.expired {
            target.push_str("&expired=1");
        }
        Redirect::to(&target).into_response()
    }
}

impl FromRequestParts<AppState> for CurrentCustomer {
    type Rejection = SignInRequired;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let partial = parts.headers.contains_key("hx-request")
            || parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("application/json"));
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/portal".into());
        let cookie = session::cookie_value(&state.config, &parts.headers);
        let refused = |expired| SignInRequired { next: next.clone(), partial, expired, read_only: None };
        let Some(cookie_value) = cookie else { return Err(refused(false)) };
        let found = session::find(&state.db, &cookie_value, state.clock.now()).await.ok().flatten();
        // A look at the portal by staff lasts only while that member is active.
        let mut impersonator = None;
        if let Some(staff_id) = found.as_ref().and_then(|row| row.staff_id.filter(|_| row.kind == "customer")) {
            let member = staff::Entity::find_by_id(staff_id).one(&state.db).await.ok().flatten();
            let Some(member) = member.filter(|m| m.active) else { return Err(refused(true)) };
            impersonator = Some(member.name);
        }
        match found {
            Some(row) if row.kind == "customer" => match row.customer_id {
                // Staff looking as the customer see, they do not act: only
                // ending the look is allowed to change anything.
                Some(_) if row.staff_id.is_some() && parts.method != Method::GET && parts.uri.path() != END_PATH => {
                    let lang = crate::web::language::lang_of(parts);
                    Err(SignInRequired { next: next.clone(), partial, expired: false, read_only: Some(lang) })
                }
                Some(customer_id) => Ok(CurrentCustomer {
                    customer_id,
                    csrf_token: row.csrf_token,
                    cookie_value,
                    impersonated_by: row.staff_id,
                    impersonator,
                    resumes_staff_until: row.resumes_staff_until,
                }),
                None => Err(refused(true)),
            },
            _ => Err(refused(true)),
        }
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
