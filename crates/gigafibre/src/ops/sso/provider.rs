//! The narrow client for the staff identity provider: discovery (lazy, at
//! the first sign-in, then cached), the authorization address with PKCE,
//! and the code exchange.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, DiscoveryError, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use tokio::sync::Mutex;

use super::refusal::Refusal;
use crate::config::Config;

/// How long a discovery document (and its signing keys) is trusted before
/// it is fetched again.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(3600);
/// Keys are fetched again early, on an unknown signature, at most this often.
const KEY_REFRESH_GAP: Duration = Duration::from_secs(60);

/// The provider's discovery document, fetched when first needed: a provider
/// that is down when the server starts stops nothing. A cache only: every
/// instance fetches its own, so nothing here breaks with several.
#[derive(Clone)]
pub struct Discovery {
    http: reqwest::Client,
    cached: Arc<Mutex<Option<Cached>>>,
}

struct Cached {
    issuer: String,
    metadata: CoreProviderMetadata,
    fetched: Instant,
}

impl Default for Discovery {
    fn default() -> Self {
        // Never follow a redirect (server-side request forgery); never wait long.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Discovery { http, cached: Arc::new(Mutex::new(None)) }
    }
}

/// What the browser is sent to the provider with, and what the callback
/// needs to check its answer.
pub struct Authorization {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl Discovery {
    /// The provider's metadata, from the cache or fetched now. `fresh`
    /// fetches again when the cached copy is older than [`KEY_REFRESH_GAP`].
    pub async fn metadata(&self, config: &Config, fresh: bool) -> Result<CoreProviderMetadata, Refusal> {
        let issuer = config.oidc.issuer.as_deref().ok_or(Refusal::NotConfigured)?;
        let mut cached = self.cached.lock().await;
        if let Some(entry) = cached.as_ref().filter(|entry| entry.issuer == issuer) {
            let age = entry.fetched.elapsed();
            if age < DISCOVERY_LIFETIME && !(fresh && age > KEY_REFRESH_GAP) {
                return Ok(entry.metadata.clone());
            }
        }
        let issuer_url = IssuerUrl::new(issuer.to_owned()).map_err(|e| Refusal::Unavailable(e.to_string()))?;
        let metadata =
            CoreProviderMetadata::discover_async(issuer_url, &self.http).await.map_err(|error| match error {
                DiscoveryError::Validation(detail) => Refusal::WrongIssuer(detail),
                other => Refusal::Unavailable(format!("discovery at {issuer} failed: {}", error_chain(&other))),
            })?;
        *cached = Some(Cached { issuer: issuer.to_owned(), metadata: metadata.clone(), fetched: Instant::now() });
        Ok(metadata)
    }

    /// The provider's authorization address for a new attempt: S256 PKCE,
    /// a random `state` and `nonce`, the configured scopes.
    pub async fn authorization(&self, config: &Config) -> Result<Authorization, Refusal> {
        let metadata = self.metadata(config, false).await?;
        let client = client(config, metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request =
            client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
        for scope in config.oidc.scopes.iter().filter(|scope| *scope != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Trades the code (with the attempt's PKCE verifier) for the raw ID token.
    pub async fn exchange(&self, config: &Config, code: &str, pkce_verifier: &str) -> Result<String, Refusal> {
        let metadata = self.metadata(config, false).await?;
        let client = client(config, metadata)?;
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Refusal::Unavailable(format!("the provider names no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()));
        let response = request.request_async(&self.http).await.map_err(|error| match error {
            RequestTokenError::ServerResponse(answer) => Refusal::CodeRefused(answer.to_string()),
            RequestTokenError::Request(e) => Refusal::Unavailable(format!("token request failed: {}", error_chain(&e))),
            RequestTokenError::Parse(e, _) => Refusal::InvalidToken(format!("token response unreadable: {e}")),
            RequestTokenError::Other(detail) => Refusal::InvalidToken(detail),
        })?;
        let id_token = response.id_token().ok_or_else(|| Refusal::InvalidToken("no ID token in the answer".into()))?;
        Ok(id_token.to_string())
    }
}

/// Where the provider sends the browser back: built from the configured
/// public address, never from a request's `Host`.
pub fn redirect_uri(config: &Config) -> String {
    config.public_url.join("ops/sso/callback").map(|url| url.to_string()).unwrap_or_default()
}

fn client(
    config: &Config,
    metadata: CoreProviderMetadata,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    Refusal,
> {
    let settings = config.oidc.client().ok_or(Refusal::NotConfigured)?;
    let redirect = RedirectUrl::new(redirect_uri(config)).map_err(|e| Refusal::Unavailable(e.to_string()))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(settings.client_id.to_owned()),
        Some(ClientSecret::new(settings.client_secret.expose().to_owned())),
    )
    .set_redirect_uri(redirect))
}

/// An error and its causes on one line, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
