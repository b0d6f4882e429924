//! `/j/device/{serial}`: one device with its customer, place, subscription,
//! open tickets, jobs past and planned, and every move it made. A label's
//! QR code leads here: a technician allowed to see the device gets the
//! page; anyone else is offered the portal's sign-in for its subscriber,
//! which never says who that is.

mod story;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::current::{CurrentTechnician, NotSignedIn};
use super::scope;
use super::today::private;
use crate::i18n::Messages;
use crate::web::{AppState, PageError, RequestLang};
use story::Story;

/// A serial as it goes in a path (serials are letters, digits and `-_.`,
/// but older records may hold anything).
pub fn path_segment(serial: &str) -> String {
    url::form_urlencoded::byte_serialize(serial.as_bytes()).collect::<String>().replace('+', "%20")
}

#[derive(Template)]
#[template(path = "tech/device/templates/device.html")]
struct DevicePage {
    m: Messages,
    current_path: String,
    csrf: String,
    who: String,
    story: Story,
}

/// `GET /j/device/{serial}`.
pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: Result<CurrentTechnician, NotSignedIn>,
    Path(serial): Path<String>,
) -> Result<Response, PageError> {
    let Ok(technician) = technician else {
        let to = format!("/portal/sign-in?device={}", crate::portal::urlencoding(&serial));
        return Ok(Redirect::to(&to).into_response());
    };
    let db_error = |e| PageError::database(lang, e);
    let found = scope::device(&state.db, technician.id(), technician.scope(), &serial).await.map_err(db_error)?;
    let Some(device) = found else { return Err(PageError::not_found(lang)) };
    let story = story::load(&state.db, lang, device).await.map_err(db_error)?;
    let page = DevicePage {
        m: Messages::new(lang),
        current_path: format!("/j/device/{}", path_segment(&serial)),
        csrf: technician.csrf_token.clone(),
        who: technician.technician.name.clone(),
        story,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((private(), Html(html)).into_response())
}
