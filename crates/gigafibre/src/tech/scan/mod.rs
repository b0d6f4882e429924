//! `/j/scan`: a code typed or read by the camera; found, it opens the
//! device's page; not found, a form creates the device in the van with the
//! code filled in (the creation is logged as a movement and in the audit
//! log).

pub mod lookup;
pub(crate) mod new_device;

pub use new_device::create;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::current::CurrentTechnician;
use super::scope;
use super::today::private;
use crate::equipment::mac::normalise_mac;
use crate::i18n::{Lang, Messages};
use crate::web::{AppState, PageError, RequestLang};
use new_device::NewDevice;

/// The kinds of device a technician may create.
pub const KINDS: [&str; 4] = ["ont", "router", "settop", "phone_adapter"];

#[derive(Template)]
#[template(path = "tech/scan/templates/scan.html")]
struct ScanPage {
    m: Messages,
    current_path: String,
    csrf: String,
    who: String,
    code: String,
    /// The catalogue key of what the lookup found out.
    outcome: Option<&'static str>,
    /// The creation form, when nothing matched.
    form: Option<NewDevice>,
    kinds: [&'static str; 4],
}

#[derive(Deserialize)]
pub struct ScanQuery {
    code: Option<String>,
}

/// `GET /j/scan` and `GET /j/scan?code=…`: reading changes nothing.
pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
    Query(query): Query<ScanQuery>,
) -> Result<Response, PageError> {
    let code = query.code.map(|c| lookup::code_of(&c)).unwrap_or_default();
    if code.is_empty() {
        return render(lang, &technician, String::new(), None, None, StatusCode::OK);
    }
    let db_error = |e| PageError::database(lang, e);
    let Some(device) = lookup::find(&state.db, &code).await.map_err(db_error)? else {
        let form = prefilled(&code);
        return render(lang, &technician, code, Some("tech.scan.not_found"), Some(form), StatusCode::OK);
    };
    let visible = scope::may_see(&state.db, technician.id(), technician.scope(), &device).await.map_err(db_error)?;
    if !visible {
        return render(lang, &technician, code, Some("tech.scan.not_yours"), None, StatusCode::OK);
    }
    let path = format!("/j/device/{}", super::device::path_segment(&device.serial));
    Ok(Redirect::to(&path).into_response())
}

/// The creation form with the code where it belongs: a MAC address in the
/// MAC field, anything else as the serial.
fn prefilled(code: &str) -> NewDevice {
    match normalise_mac(code) {
        Ok(mac) => NewDevice { mac: mac.as_str().to_owned(), ..NewDevice::default() },
        Err(_) => NewDevice { serial: code.to_owned(), ..NewDevice::default() },
    }
}

fn render(
    lang: Lang,
    technician: &CurrentTechnician,
    code: String,
    outcome: Option<&'static str>,
    form: Option<NewDevice>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = ScanPage {
        m: Messages::new(lang),
        current_path: "/j/scan".into(),
        csrf: technician.csrf_token.clone(),
        who: technician.technician.name.clone(),
        code,
        outcome,
        form,
        kinds: KINDS,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, private(), Html(html)).into_response())
}
