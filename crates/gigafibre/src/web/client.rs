//! The address a request came from: the connection's, or the first hop of
//! `X-Forwarded-For` (its last entry) when the server runs behind a proxy it trusts
//! (`GIGAFIBRE_TRUST_FORWARDED_FOR`). Anyone can send that header, so it is
//! never believed otherwise.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                // The proxy appends the address it saw; earlier entries are
                // whatever the client wrote.
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .filter(|ip| !ip.is_empty())
        {
            return Ok(ClientAddress(Some(first.to_owned())));
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_string());
        Ok(ClientAddress(peer))
    }
}
