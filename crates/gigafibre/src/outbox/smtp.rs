//! E-mail through an SMTP server (lettre): plain text, plus an HTML
//! alternative when the message has one.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::{Channel, Message};
use super::provider::{Delivered, DeliveryError, Provider, SendFuture};
use crate::config::{SmtpSettings, SmtpTls};

/// How long one SMTP exchange may take before it counts as a failed attempt.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Sends e-mail through one SMTP server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// The provider for `settings`, or `None` when e-mail is not (fully)
    /// configured. Fails only when TLS cannot be set up for the host.
    pub fn from_settings(settings: &SmtpSettings) -> Result<Option<Smtp>, String> {
        let (Some(host), Some(from)) = (&settings.host, &settings.from) else {
            return Ok(None);
        };
        if !settings.is_configured() {
            return Ok(None);
        }
        let tls_parameters = || {
            TlsParameters::new(host.clone()).map_err(|error| format!("cannot set up TLS for SMTP host {host}: {error}"))
        };
        let tls = match settings.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_parameters()?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
            .port(settings.port())
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Some(Smtp { transport: builder.build(), from: from.clone() }))
    }

    async fn deliver(&self, message: &Message) -> Result<Delivered, DeliveryError> {
        if message.channel != Channel::Email {
            return Err(DeliveryError::Permanent(format!(
                "the SMTP provider cannot send {}",
                message.channel.as_str()
            )));
        }
        let email = build_email(&self.from, message)?;
        match self.transport.send(email).await {
            Ok(_) => Ok(Delivered::Sent),
            Err(error) if error.is_permanent() => Err(DeliveryError::Permanent(format!("SMTP: {error}"))),
            Err(error) => Err(DeliveryError::Temporary(format!("SMTP: {error}"))),
        }
    }
}

/// The MIME message for `message`, from `from`. A malformed recipient is a
/// permanent failure.
fn build_email(from: &Mailbox, message: &Message) -> Result<lettre::Message, DeliveryError> {
    let to: Mailbox = message
        .to
        .parse()
        .map_err(|error| DeliveryError::Permanent(format!("'{}' is not an e-mail address: {error}", message.to)))?;
    let mut builder = lettre::Message::builder().from(from.clone()).to(to);
    if let Some(subject) = &message.subject {
        builder = builder.subject(subject.as_str());
    }
    let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(message.body_text.clone());
    let built = match &message.body_html {
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
        ),
        None => builder.singlepart(text),
    };
    built.map_err(|error| DeliveryError::Permanent(format!("cannot build the e-mail: {error}")))
}

impl Provider for Smtp {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(self.deliver(message))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::i18n::Lang;
    use crate::outbox::Status;

    fn message(html: Option<&str>) -> Message {
        Message {
            id: 1,
            channel: Channel::Email,
            to: "marie@example.com".to_owned(),
            subject: Some("Votre facture de décembre".to_owned()),
            body_text: "Bonjour Marie".to_owned(),
            body_html: html.map(str::to_owned),
            language: Lang::Fr,
            status: Status::Sending,
            attempts: 1,
            last_error: None,
            customer_id: None,
            ticket_id: None,
            available_at: Utc::now(),
            sent_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn text_and_html_travel_as_alternatives() {
        let from: Mailbox = "Gigafibre <noreply@gigafibre.example>".parse().unwrap();
        let email = build_email(&from, &message(Some("<p>Bonjour Marie</p>"))).unwrap();
        let raw = String::from_utf8(email.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("Bonjour Marie") && raw.contains("<p>Bonjour Marie</p>"), "{raw}");
        assert!(raw.contains("To: marie@example.com"), "{raw}");

        let plain = String::from_utf8(build_email(&from, &message(None)).unwrap().formatted()).unwrap();
        assert!(!plain.contains("multipart"), "{plain}");
        assert!(plain.contains("charset=utf-8"), "{plain}");
    }

    #[test]
    fn a_malformed_address_fails_for_good() {
        let from: Mailbox = "noreply@gigafibre.example".parse().unwrap();
        let mut bad = message(None);
        bad.to = "not an address".to_owned();
        assert!(matches!(build_email(&from, &bad), Err(DeliveryError::Permanent(_))));
    }
}
