//! The technician app (`/j`): an installable web app for the phone, served
//! by the same binary. A technician gets in with a short-lived link bound
//! to them and a day (or one job), made by a dispatcher or the command
//! line; the session it opens reaches `/j` and nothing else.
//!
//! - `links`, `current`, `sign_in`: the links, the session, opening a link;
//! - `scope`: what a link lets the technician see;
//! - `today`, `scan`, `device`, `van`: the screens;
//! - `label`: printable QR labels for devices (staff);
//! - `issue`: making and revoking links from the ops app;
//! - `pwa`: the manifest and the service worker.

pub mod current;
pub mod day;
pub mod device;
pub mod issue;
pub mod label;
pub mod links;
mod pwa;
pub mod scan;
pub mod scope;
mod sign_in;
pub mod today;
mod van;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/j", get(today::page))
        .route("/j/", get(today::page))
        .route("/j/job/{id}", get(today::job))
        .route("/j/scan", get(scan::page))
        .route("/j/scan/new", post(scan::create))
        .route("/j/device/{serial}", get(device::page))
        .route("/j/van", get(van::page))
        .route("/j/van/count", post(van::count))
        .route("/j/sign-in", get(sign_in::page))
        .route("/j/auth", get(sign_in::open_link).post(sign_in::confirm_link))
        .route("/j/sign-out", post(sign_in::sign_out))
        .route("/j/manifest.webmanifest", get(pwa::manifest))
        .route("/j/sw.js", get(pwa::service_worker))
        .route("/ops/equipement/{serial}/etiquette", get(label::page))
}
