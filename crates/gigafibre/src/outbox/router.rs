//! The provider `gigafibre serve` uses: each channel goes to its real
//! provider when one is configured and stays in the sandbox otherwise;
//! outside production, only allowlisted recipients are really reached.

use super::message::{Channel, Message};
use super::provider::{Delivered, Provider, SendFuture};
use super::sms::SmsApi;
use super::smtp::Smtp;
use crate::config::{Allowlist, Config, Environment};

/// Picks the provider for each message.
pub struct Router {
    email: Option<Box<dyn Provider>>,
    sms: Option<Box<dyn Provider>>,
    /// `None` in production: everyone may be reached.
    allowlist: Option<Allowlist>,
}

impl Router {
    /// Builds the providers `config` asks for. A half-configured provider is
    /// an error (the same problem `gigafibre config check` reports), so that
    /// messages meant to leave do not silently stay in the sandbox.
    pub fn from_config(config: &Config) -> Result<Router, String> {
        let problems: Vec<String> = config.smtp.problems().into_iter().chain(config.sms.problems()).collect();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let email = Smtp::from_settings(&config.smtp)?.map(|smtp| Box::new(smtp) as Box<dyn Provider>);
        let sms = SmsApi::from_settings(&config.sms)?.map(|sms| Box::new(sms) as Box<dyn Provider>);
        let allowlist = (config.environment != Environment::Production).then(|| config.outbox_allowlist.clone());
        Ok(Router::new(email, sms, allowlist))
    }

    /// A router over the given providers (`None`: that channel stays in the
    /// sandbox) and allowlist (`None`: production, no restriction).
    pub fn new(
        email: Option<Box<dyn Provider>>,
        sms: Option<Box<dyn Provider>>,
        allowlist: Option<Allowlist>,
    ) -> Router {
        Router { email, sms, allowlist }
    }

    /// What each channel uses, for the start-up log.
    pub fn describe(&self) -> String {
        let name = |provider: &Option<Box<dyn Provider>>| provider.as_ref().map_or("sandbox", |p| p.name());
        let allowlist = match &self.allowlist {
            None => "everyone".to_owned(),
            Some(list) if list.entries().is_empty() => "nobody (no allowlist)".to_owned(),
            Some(list) => format!("allowlist only ({})", list.entries().join(", ")),
        };
        format!("e-mail: {}, SMS: {}, recipients: {allowlist}", name(&self.email), name(&self.sms))
    }
}

impl Provider for Router {
    fn name(&self) -> &'static str {
        "router"
    }

    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        let provider = match message.channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        };
        let Some(provider) = provider else {
            return Box::pin(std::future::ready(Ok(Delivered::Sandboxed)));
        };
        if let Some(allowlist) = &self.allowlist
            && !allowlist.allows(&message.to)
        {
            let reason = format!(
                "not sent: {} is not on GIGAFIBRE_OUTBOX_ALLOWLIST, which outside production limits who is reached",
                message.to
            );
            return Box::pin(std::future::ready(Ok(Delivered::Withheld(reason))));
        }
        provider.send(message)
    }
}
