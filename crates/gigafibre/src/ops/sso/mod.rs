//! Staff sign-in without the command line: single sign-on through the
//! organisation's OpenID Connect provider (authorization code with PKCE,
//! `state` and `nonce`, the ID token checked in full), and a one-time link
//! by e-mail for installs without a provider.

mod admit;
mod attempt;
mod email_link;
mod flow;
mod identity;
mod provider;
mod refusal;

pub use flow::STARTS_PER_IP;

use axum::Router;
use axum::extract::Extension;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/sso/start", get(flow::start))
        .route("/ops/sso/callback", get(flow::callback))
        .route("/ops/sign-in/email", post(email_link::request))
        // One discovery cache per application: fetched at the first sign-in.
        .layer(Extension(provider::Discovery::default()))
}
