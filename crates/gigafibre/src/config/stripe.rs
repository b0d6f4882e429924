//! Card payments through Stripe (`GIGAFIBRE_STRIPE_*`): the API address,
//! the secret key that calls it and the secret that signs its webhooks.

use super::{ConfigError, FileSettings, Layers, Secret, invalid, secret};

#[derive(Clone, Debug)]
pub struct StripeSettings {
    /// Stripe's API, or anything that answers like it (tests, a proxy).
    pub api_base: url::Url,
    pub secret_key: Option<Secret>,
    /// Signs the events Stripe posts to `/webhook/stripe`.
    pub webhook_secret: Option<Secret>,
}

impl StripeSettings {
    pub const DEFAULT_API_BASE: &'static str = "https://api.stripe.com";

    /// Whether customers can pay by card: the key to create payments and
    /// the secret to believe Stripe when it says they were paid.
    pub fn is_configured(&self) -> bool {
        self.secret_key.is_some() && self.webhook_secret.is_some()
    }

    /// What a half-done setup lacks.
    pub fn problems(&self) -> Vec<String> {
        match (self.secret_key.is_some(), self.webhook_secret.is_some()) {
            (true, false) => vec![
                "Stripe is half configured: set the webhook signing secret (GIGAFIBRE_STRIPE_WEBHOOK_SECRET), \
                 or no card payment is ever recorded"
                    .to_owned(),
            ],
            (false, true) => {
                vec!["Stripe is half configured: set the secret key (GIGAFIBRE_STRIPE_SECRET_KEY)".to_owned()]
            }
            _ => Vec::new(),
        }
    }

    /// The `config check` line; secrets never show.
    pub fn report_line(&self, source: &str) -> String {
        let shown = |s: &Option<Secret>| if s.is_some() { "***" } else { "not set" };
        let state = if self.is_configured() { "card payments on" } else { "card payments off" };
        format!(
            "stripe        {}, secret key {}, webhook secret {}: {state}  ({source})",
            self.api_base,
            shown(&self.secret_key),
            shown(&self.webhook_secret)
        )
    }
}

pub(super) fn stripe_settings(layers: &mut Layers<'_>, file: &mut FileSettings) -> Result<StripeSettings, ConfigError> {
    let base_text = layers.pick(
        "stripe_api_base",
        &["GIGAFIBRE_STRIPE_API_BASE"],
        file.stripe_api_base.take(),
        StripeSettings::DEFAULT_API_BASE,
    );
    let api_base = url::Url::parse(base_text.trim())
        .map_err(|error| invalid("GIGAFIBRE_STRIPE_API_BASE", &base_text, error.to_string()))?;
    if !matches!(api_base.scheme(), "http" | "https") {
        return Err(invalid("GIGAFIBRE_STRIPE_API_BASE", &base_text, "use an http or https address"));
    }
    let secret_key = secret(layers, "stripe_secret_key", "GIGAFIBRE_STRIPE_SECRET_KEY", file.stripe_secret_key.take())?;
    let webhook_secret =
        secret(layers, "stripe_webhook_secret", "GIGAFIBRE_STRIPE_WEBHOOK_SECRET", file.stripe_webhook_secret.take())?;
    Ok(StripeSettings { api_base, secret_key, webhook_secret })
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }

    #[test]
    fn stripe_comes_from_the_environment_and_config_check_says_what_is_missing() {
        let config = Config::load_from(
            None,
            &env(&[
                ("GIGAFIBRE_STRIPE_API_BASE", "http://127.0.0.1:12111"),
                ("GIGAFIBRE_STRIPE_SECRET_KEY", "sk_test_hunter2"),
            ]),
        )
        .unwrap();
        assert_eq!(config.stripe.api_base.as_str(), "http://127.0.0.1:12111/");
        assert!(!config.stripe.is_configured());
        let (lines, problems) = config.report();
        assert!(problems.iter().any(|p| p.contains("GIGAFIBRE_STRIPE_WEBHOOK_SECRET")), "{problems:?}");
        let report = lines.join("\n");
        assert!(report.contains("secret key ***, webhook secret not set: card payments off"), "{report}");
        assert!(!report.contains("hunter2") && !format!("{config:?}").contains("hunter2"));

        let config = Config::load_from(None, &env(&[])).unwrap();
        assert_eq!(config.stripe.api_base.as_str(), "https://api.stripe.com/");
        assert!(config.stripe.problems().is_empty(), "no Stripe at all is no card payments, not a problem");
        let error = Config::load_from(None, &env(&[("GIGAFIBRE_STRIPE_API_BASE", "ftp://x")])).unwrap_err();
        assert!(error.to_string().contains("GIGAFIBRE_STRIPE_API_BASE"), "{error}");
    }
}
