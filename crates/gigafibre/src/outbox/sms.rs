//! SMS through a Twilio-compatible HTTP API: `POST
//! {base}/2010-04-01/Accounts/{sid}/Messages.json`, form-encoded `To`,
//! `From`, `Body`, with HTTP basic auth (account SID, auth token).

use std::time::Duration;

use reqwest::StatusCode;

use super::message::{Channel, Message};
use super::provider::{Delivered, DeliveryError, Provider, SendFuture};
use crate::config::{Secret, SmsSettings};

/// How long one request may take before it counts as a failed attempt.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Sends SMS through one account of a Twilio-compatible API.
pub struct SmsApi {
    client: reqwest::Client,
    endpoint: String,
    account_sid: String,
    auth_token: Secret,
    from: String,
}

impl SmsApi {
    /// The provider for `settings`, or `None` when SMS is not (fully)
    /// configured.
    pub fn from_settings(settings: &SmsSettings) -> Result<Option<SmsApi>, String> {
        let (Some(account_sid), Some(auth_token), Some(from)) =
            (&settings.account_sid, &settings.auth_token, &settings.from)
        else {
            return Ok(None);
        };
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| format!("cannot set up the SMS HTTP client: {error}"))?;
        let base = settings.base_url.as_str().trim_end_matches('/');
        Ok(Some(SmsApi {
            client,
            endpoint: format!("{base}/2010-04-01/Accounts/{account_sid}/Messages.json"),
            account_sid: account_sid.clone(),
            auth_token: auth_token.clone(),
            from: from.clone(),
        }))
    }

    async fn deliver(&self, message: &Message) -> Result<Delivered, DeliveryError> {
        if message.channel != Channel::Sms {
            return Err(DeliveryError::Permanent(format!("the SMS provider cannot send {}", message.channel.as_str())));
        }
        let form = [("To", message.to.as_str()), ("From", self.from.as_str()), ("Body", message.body_text.as_str())];
        let response = self
            .client
            .post(&self.endpoint)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
            .form(&form)
            .send()
            .await
            .map_err(|error| DeliveryError::Temporary(format!("SMS API unreachable: {}", without_url(error))))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_success() {
            let sid = provider_field(&body, "sid");
            tracing::info!(id = message.id, sid = sid.as_deref().unwrap_or("?"), "SMS accepted by the provider");
            return Ok(Delivered::Sent);
        }
        let reason = provider_field(&body, "message").unwrap_or_else(|| body.chars().take(200).collect());
        let error = format!("SMS API answered {status}: {reason}");
        if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS && status != StatusCode::REQUEST_TIMEOUT
        {
            Err(DeliveryError::Permanent(error))
        } else {
            Err(DeliveryError::Temporary(error))
        }
    }
}

/// A string field of the provider's JSON answer.
fn provider_field(body: &str, field: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value.get(field)?.as_str().map(str::to_owned)
}

/// A request error without the URL (which names the account).
fn without_url(error: reqwest::Error) -> String {
    error.without_url().to_string()
}

impl Provider for SmsApi {
    fn name(&self) -> &'static str {
        "sms"
    }

    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(self.deliver(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_message_is_read_from_its_json() {
        let body = r#"{"code": 21211, "message": "The 'To' number is not valid.", "status": 400}"#;
        assert_eq!(provider_field(body, "message").as_deref(), Some("The 'To' number is not valid."));
        assert_eq!(provider_field("<html>", "message"), None);
    }
}
