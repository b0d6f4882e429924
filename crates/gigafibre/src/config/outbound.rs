//! Where e-mail and SMS go: the SMTP and SMS provider settings and the
//! allowlist that keeps a non-production install from reaching real people.

use super::{ConfigError, FileSettings, Layers, Secret, invalid, secret};

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text: a trusted relay on the same machine or network only.
    None,
    /// Plain text upgraded with STARTTLS, which is required (port 587).
    #[default]
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpTls {
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpTls::None => "none",
            SmtpTls::StartTls => "starttls",
            SmtpTls::Tls => "tls",
        }
    }

    /// The usual port for this mode.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }
    }

    fn parse(text: &str) -> Option<SmtpTls> {
        match text.trim().to_lowercase().as_str() {
            "none" | "off" => Some(SmtpTls::None),
            "starttls" => Some(SmtpTls::StartTls),
            "tls" | "ssl" => Some(SmtpTls::Tls),
            _ => None,
        }
    }
}

/// The SMTP server e-mail goes through (`GIGAFIBRE_SMTP_*`, `GIGAFIBRE_MAIL_FROM`).
#[derive(Clone, Debug, Default)]
pub struct SmtpSettings {
    pub host: Option<String>,
    /// The port asked for; [`SmtpSettings::port`] falls back on the mode's usual one.
    pub port: Option<u16>,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The From address and name, e.g. `Gigafibre <noreply@gigafibre.ca>`.
    pub from: Option<lettre::message::Mailbox>,
}

impl SmtpSettings {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.tls.default_port())
    }

    /// Whether e-mail really leaves: every needed setting is there.
    pub fn is_configured(&self) -> bool {
        self.host.is_some() && self.from.is_some() && self.problems().is_empty()
    }

    /// What a half-done SMTP setup lacks.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let anything = self.host.is_some() || self.from.is_some() || self.username.is_some() || self.password.is_some();
        if anything && self.host.is_none() {
            problems.push("SMTP is half configured: set the server (GIGAFIBRE_SMTP_HOST)".to_owned());
        }
        if anything && self.from.is_none() {
            problems.push("SMTP is half configured: set the From address (GIGAFIBRE_MAIL_FROM)".to_owned());
        }
        if self.username.is_some() != self.password.is_some() {
            problems.push(
                "SMTP needs both a user name and a password, or neither (GIGAFIBRE_SMTP_USERNAME, GIGAFIBRE_SMTP_PASSWORD)"
                    .to_owned(),
            );
        }
        problems
    }
}

/// The Twilio-compatible SMS API (`GIGAFIBRE_SMS_*`).
#[derive(Clone, Debug)]
pub struct SmsSettings {
    pub base_url: url::Url,
    pub account_sid: Option<String>,
    pub auth_token: Option<Secret>,
    /// The number messages come from, in E.164 form.
    pub from: Option<String>,
}

impl SmsSettings {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.twilio.com";

    /// Whether SMS really leave: account, token and From are all there.
    pub fn is_configured(&self) -> bool {
        self.account_sid.is_some() && self.auth_token.is_some() && self.from.is_some()
    }

    /// What a half-done SMS setup lacks.
    pub fn problems(&self) -> Vec<String> {
        let set = [self.account_sid.is_some(), self.auth_token.is_some(), self.from.is_some()];
        if set.iter().all(|s| !s) || self.is_configured() {
            return Vec::new();
        }
        let names = ["GIGAFIBRE_SMS_ACCOUNT_SID", "GIGAFIBRE_SMS_AUTH_TOKEN", "GIGAFIBRE_SMS_FROM"];
        let missing: Vec<&str> = names.iter().zip(set).filter(|(_, set)| !set).map(|(name, _)| *name).collect();
        vec![format!("SMS is half configured: set {}", missing.join(", "))]
    }
}

/// Recipients a real provider may reach outside production: exact e-mail
/// addresses (any case), exact E.164 numbers, and `*@domain`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowlist(Vec<String>);

impl Allowlist {
    /// Reads a comma-separated list; blanks are skipped.
    pub fn parse(text: &str) -> Allowlist {
        Allowlist(text.split(',').map(str::trim).filter(|entry| !entry.is_empty()).map(str::to_owned).collect())
    }

    pub fn entries(&self) -> &[String] {
        &self.0
    }

    pub fn allows(&self, recipient: &str) -> bool {
        let recipient = recipient.trim();
        self.0.iter().any(|entry| match entry.strip_prefix("*@") {
            Some(domain) => recipient
                .rsplit_once('@')
                .is_some_and(|(local, at)| !local.is_empty() && at.eq_ignore_ascii_case(domain)),
            None if entry.contains('@') => entry.eq_ignore_ascii_case(recipient),
            None => entry == recipient,
        })
    }
}

pub(super) fn smtp_settings(layers: &mut Layers<'_>, file: &mut FileSettings) -> Result<SmtpSettings, ConfigError> {
    let host = layers.optional("smtp_host", "GIGAFIBRE_SMTP_HOST", file.smtp_host.take());
    let port = match layers.optional("smtp_port", "GIGAFIBRE_SMTP_PORT", file.smtp_port.map(|p| p.to_string())) {
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 => Some(port),
            _ => return Err(invalid("GIGAFIBRE_SMTP_PORT", &text, "use a port number such as 587")),
        },
        None => None,
    };
    let tls = match layers.optional("smtp_tls", "GIGAFIBRE_SMTP_TLS", file.smtp_tls.take()) {
        Some(text) => {
            SmtpTls::parse(&text).ok_or_else(|| invalid("GIGAFIBRE_SMTP_TLS", &text, "use none, starttls or tls"))?
        }
        None => SmtpTls::default(),
    };
    let username = layers.optional("smtp_username", "GIGAFIBRE_SMTP_USERNAME", file.smtp_username.take());
    let password = secret(layers, "smtp_password", "GIGAFIBRE_SMTP_PASSWORD", file.smtp_password.take())?;
    let from = match layers.optional("mail_from", "GIGAFIBRE_MAIL_FROM", file.mail_from.take()) {
        Some(text) => Some(text.parse::<lettre::message::Mailbox>().map_err(|error| {
            invalid("GIGAFIBRE_MAIL_FROM", &text, format!("{error}; use Name <address@example.com>"))
        })?),
        None => None,
    };
    Ok(SmtpSettings { host, port, tls, username, password, from })
}

pub(super) fn sms_settings(layers: &mut Layers<'_>, file: &mut FileSettings) -> Result<SmsSettings, ConfigError> {
    let base_text = layers.pick(
        "sms_base_url",
        &["GIGAFIBRE_SMS_BASE_URL"],
        file.sms_base_url.take(),
        SmsSettings::DEFAULT_BASE_URL,
    );
    let base_url = url::Url::parse(base_text.trim())
        .map_err(|error| invalid("GIGAFIBRE_SMS_BASE_URL", &base_text, error.to_string()))?;
    if !matches!(base_url.scheme(), "http" | "https") {
        return Err(invalid("GIGAFIBRE_SMS_BASE_URL", &base_text, "use an http or https address"));
    }
    let account_sid = layers.optional("sms_account_sid", "GIGAFIBRE_SMS_ACCOUNT_SID", file.sms_account_sid.take());
    if let Some(sid) = &account_sid
        && !sid.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(invalid("GIGAFIBRE_SMS_ACCOUNT_SID", sid, "an account SID is letters and digits only"));
    }
    let auth_token = secret(layers, "sms_auth_token", "GIGAFIBRE_SMS_AUTH_TOKEN", file.sms_auth_token.take())?;
    let from = layers.optional("sms_from", "GIGAFIBRE_SMS_FROM", file.sms_from.take());
    if let Some(number) = &from
        && !is_e164(number)
    {
        return Err(invalid("GIGAFIBRE_SMS_FROM", number, "use an E.164 number such as +15145550100"));
    }
    Ok(SmsSettings { base_url, account_sid, auth_token, from })
}

fn is_e164(number: &str) -> bool {
    number
        .strip_prefix('+')
        .is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }

    #[test]
    fn outbound_settings_come_from_the_environment_with_secrets_masked() {
        let config = Config::load_from(
            None,
            &env(&[
                ("GIGAFIBRE_SMTP_HOST", "smtp.example.com"),
                ("GIGAFIBRE_SMTP_TLS", "tls"),
                ("GIGAFIBRE_SMTP_USERNAME", "mailer"),
                ("GIGAFIBRE_SMTP_PASSWORD", "smtp-hunter2"),
                ("GIGAFIBRE_MAIL_FROM", "Gigafibre <noreply@gigafibre.example>"),
                ("GIGAFIBRE_SMS_ACCOUNT_SID", "AC123"),
                ("GIGAFIBRE_SMS_AUTH_TOKEN", "sms-hunter2"),
                ("GIGAFIBRE_SMS_FROM", "+15145550100"),
                ("GIGAFIBRE_OUTBOX_ALLOWLIST", "ops@gigafibre.example, *@test.example ,+15145550199"),
            ]),
        )
        .unwrap();
        assert_eq!(config.smtp.port(), 465, "tls defaults to port 465");
        assert_eq!(config.smtp.tls, SmtpTls::Tls);
        assert!(config.smtp.is_configured() && config.sms.is_configured());
        assert_eq!(config.sms.base_url.as_str(), "https://api.twilio.com/");
        assert_eq!(config.outbox_allowlist.entries().len(), 3);
        assert_eq!(config.sources["smtp_password"], Source::Environment);
        let (lines, problems) = config.report();
        let report = lines.join("\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!report.contains("hunter2") && !format!("{config:?}").contains("hunter2"), "{report}");
        assert!(report.contains("smtp          smtp.example.com:465 (tls), user mailer, password ***"), "{report}");
        assert!(report.contains("outbound      e-mail: SMTP; SMS: SMS API"), "{report}");
        assert!(report.contains("*@test.example"), "{report}");
    }

    #[test]
    fn outbound_settings_come_from_the_file_and_secrets_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gigafibre.toml");
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, "from-a-file\n").unwrap();
        std::fs::write(
            &file,
            "smtp_host = \"127.0.0.1\"\nsmtp_port = 2525\nsmtp_tls = \"none\"\nmail_from = \"noreply@gigafibre.example\"\n\
             sms_base_url = \"http://127.0.0.1:9/\"\nsms_account_sid = \"AC9\"\nsms_from = \"+15145550100\"\n\
             outbox_allowlist = [\"a@b.example\", \"*@c.example\"]\n",
        )
        .unwrap();
        let token_path: &'static str = Box::leak(token_file.display().to_string().into_boxed_str());
        let pairs: &'static [(&str, &str)] = Box::leak(Box::new([("GIGAFIBRE_SMS_AUTH_TOKEN_FILE", token_path)]));
        let config = Config::load_from(Some(&file), &env(pairs)).unwrap();
        assert_eq!(
            (config.smtp.host.as_deref(), config.smtp.port(), config.smtp.tls),
            (Some("127.0.0.1"), 2525, SmtpTls::None)
        );
        assert_eq!(config.sms.auth_token.as_ref().map(Secret::expose), Some("from-a-file"));
        assert_eq!(config.sms.base_url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(config.outbox_allowlist.entries(), ["a@b.example", "*@c.example"]);
        assert_eq!(config.sources["smtp_host"], Source::File);
    }

    #[test]
    fn a_half_configured_provider_is_a_problem() {
        let config = Config::load_from(None, &env(&[("GIGAFIBRE_SMTP_HOST", "smtp.example.com")])).unwrap();
        let (lines, problems) = config.report();
        assert!(problems.iter().any(|p| p.contains("GIGAFIBRE_MAIL_FROM")), "{problems:?}");
        assert!(lines.iter().any(|l| l.contains("e-mail: sandbox")), "{lines:?}");

        let config = Config::load_from(None, &env(&[("GIGAFIBRE_SMS_ACCOUNT_SID", "AC1")])).unwrap();
        let (_, problems) = config.report();
        assert!(problems.iter().any(|p| p.contains("GIGAFIBRE_SMS_AUTH_TOKEN, GIGAFIBRE_SMS_FROM")), "{problems:?}");

        let (_, problems) = Config::load_from(None, &env(&[])).unwrap().report();
        assert!(problems.is_empty(), "nothing configured is the sandbox, not a problem: {problems:?}");
    }

    #[test]
    fn malformed_outbound_values_are_named() {
        for (name, value) in [
            ("GIGAFIBRE_SMTP_PORT", "smtp"),
            ("GIGAFIBRE_SMTP_TLS", "maybe"),
            ("GIGAFIBRE_MAIL_FROM", "not an address"),
            ("GIGAFIBRE_SMS_BASE_URL", "ftp://example.com"),
            ("GIGAFIBRE_SMS_FROM", "514 555 0100"),
        ] {
            let pairs: &'static [(&str, &str)] = Box::leak(Box::new([(name, value)]));
            let error = Config::load_from(None, &env(pairs)).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn the_allowlist_matches_exact_addresses_numbers_and_domains() {
        let list = Allowlist::parse("Ops@Gigafibre.example, *@test.example, +15145550199,,");
        assert_eq!(list.entries().len(), 3);
        assert!(list.allows("ops@gigafibre.example"));
        assert!(list.allows("anyone@TEST.example"));
        assert!(list.allows("+15145550199"));
        assert!(!list.allows("other@gigafibre.example"));
        assert!(!list.allows("someone@evil-test.example"));
        assert!(!list.allows("someone@sub.test.example"));
        assert!(!list.allows("@test.example"));
        assert!(!list.allows("+15145550198"));
        assert!(!Allowlist::default().allows("ops@gigafibre.example"));
    }
}
