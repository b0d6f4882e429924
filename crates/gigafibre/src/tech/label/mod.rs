//! A printable label per device: its serial, model and a QR code of its
//! page in the tech app (`/j/device/{serial}`). A technician who scans it
//! lands on the device; anyone else on the portal's sign-in for the
//! device's subscriber. Staff print it from the client's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use gigafibre_db::entities::equipment;
use qrcode::QrCode;
use qrcode::render::svg;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::device::path_segment;
use crate::i18n::Messages;
use crate::ops::roles::{AnyRole, Staff};
use crate::web::{AppState, PageError, RequestLang};

/// The absolute address a device's label points at.
pub fn device_url(public_url: &url::Url, serial: &str) -> String {
    public_url.join(&format!("j/device/{}", path_segment(serial))).map(|u| u.to_string()).unwrap_or_default()
}

/// The QR code of `text` as an SVG image, sized for a label.
pub fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::new(text.as_bytes())?;
    let image = code.render::<svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build();
    // Inline in a page: the `<svg>` element without the XML declaration.
    Ok(image.find("<svg").map_or(image.clone(), |at| image[at..].to_owned()))
}

#[derive(Template)]
#[template(path = "tech/label/templates/label.html")]
struct LabelPage {
    m: Messages,
    device: equipment::Model,
    url: String,
    qr: String,
}

/// `GET /ops/equipement/{serial}/etiquette`.
pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    _staff: Staff<AnyRole>,
    Path(serial): Path<String>,
) -> Result<Response, PageError> {
    let found = equipment::Entity::find()
        .filter(equipment::Column::Serial.eq(serial.as_str()))
        .one(&state.db)
        .await
        .map_err(|e| PageError::database(lang, e))?;
    let Some(device) = found else { return Err(PageError::not_found(lang)) };
    let url = device_url(&state.config.public_url, &device.serial);
    let qr = qr_svg(&url).map_err(|e| PageError::internal(lang, e))?;
    let page = LabelPage { m: Messages::new(lang), device, url, qr };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok(Html(html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_points_at_the_device_page_as_an_svg_qr_code() {
        let base = url::Url::parse("https://fsm.gigafibre.ca/").unwrap();
        let url = device_url(&base, "ONT1000002A");
        assert_eq!(url, "https://fsm.gigafibre.ca/j/device/ONT1000002A");
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
    }
}
