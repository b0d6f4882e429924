//! `gigafibre config check`: every setting, its value (secrets masked) and
//! where it came from, then what needs attention.

use super::{BillingSchedule, Config, Environment, Source};

impl Config {
    /// Lines for `config check`: each setting, its value (secrets masked) and
    /// where it came from, then what needs attention.
    pub fn report(&self) -> (Vec<String>, Vec<String>) {
        let source = |name: &str| self.sources.get(name).copied().unwrap_or(Source::Default);
        let lines = vec![
            format!("database_url  {}  ({})", self.database, source("database_url")),
            format!("data_dir      {}  ({})", self.data_dir.display(), source("data_dir")),
            format!("bind          {}  ({})", self.bind, source("bind")),
            format!("public_url    {}  ({})", self.public_url, source("public_url")),
            format!("environment   {:?}  ({})", self.environment, source("environment")).to_lowercase(),
            format!("log_format    {:?}  ({})", self.log_format, source("log_format")).to_lowercase(),
            match &self.secret_key {
                Some(_) => format!("secret_key    ***  ({})", source("secret_key")),
                None => "secret_key    not set: generated into the data directory on first start".to_owned(),
            },
        ];
        let mut lines = lines;
        lines.extend(self.outbound_report());
        lines.push(self.oidc.report_line(&source("oidc_issuer").to_string()));
        lines.push(match self.billing_schedule {
            BillingSchedule::Daily => {
                format!("billing       runs every day from 05:00 Québec time  ({})", source("billing_schedule"))
            }
            BillingSchedule::Paused => format!(
                "billing       schedule paused: only `gigafibre billing run` bills  ({})",
                source("billing_schedule")
            ),
        });
        lines.push(self.stripe.report_line(&source("stripe_secret_key").to_string()));
        lines.push(self.company.report_line(&source("gst_number").to_string()));
        lines.push(match &self.map_tiles {
            Some(tiles) => format!("map_tiles     {}  ({})", tiles.url, source("map_tiles")),
            None => "map_tiles     not set: the dispatch map draws on a plain background".to_owned(),
        });
        lines.push(self.collections.report_line(&source("dunning_days").to_string()));
        let mut problems = self.smtp.problems();
        problems.extend(self.sms.problems());
        problems.extend(self.oidc.problems(self.environment == Environment::Production));
        problems.extend(self.stripe.problems());
        problems.extend(self.company.problems(self.environment == Environment::Production));
        if self.environment == Environment::Production {
            if self.public_url.scheme() != "https" {
                problems.push("public_url must use https in production (GIGAFIBRE_PUBLIC_URL)".to_owned());
            }
            if self.secret_key.is_none() {
                problems.push(
                    "secret_key should be set in production so that every instance shares it (GIGAFIBRE_SECRET_KEY or GIGAFIBRE_SECRET_KEY_FILE)"
                        .to_owned(),
                );
            }
        }
        (lines, problems)
    }

    /// The `config check` lines for e-mail, SMS and the allowlist.
    fn outbound_report(&self) -> Vec<String> {
        let source = |name: &str| self.sources.get(name).copied().unwrap_or(Source::Default);
        let mut lines = Vec::new();
        let smtp = &self.smtp;
        lines.push(match &smtp.host {
            Some(host) => {
                let login = match (&smtp.username, &smtp.password) {
                    (Some(user), Some(_)) => format!(", user {user}, password ***"),
                    (Some(user), None) => format!(", user {user}, no password"),
                    (None, Some(_)) => ", no user, password ***".to_owned(),
                    (None, None) => String::new(),
                };
                format!(
                    "smtp          {host}:{} ({}){login}  ({})",
                    smtp.port(),
                    smtp.tls.as_str(),
                    source("smtp_host")
                )
            }
            None => "smtp          not set".to_owned(),
        });
        lines.push(match &smtp.from {
            Some(from) => format!("mail_from     {from}  ({})", source("mail_from")),
            None => "mail_from     not set".to_owned(),
        });
        let sms = &self.sms;
        let account = sms.account_sid.as_deref().unwrap_or("not set");
        let token = if sms.auth_token.is_some() { "***" } else { "not set" };
        let from = sms.from.as_deref().unwrap_or("not set");
        lines.push(format!(
            "sms           {}, account {account}, auth token {token}, from {from}  ({})",
            sms.base_url,
            source("sms_account_sid")
        ));
        let channel = |configured: bool, provider: &str| {
            if configured { provider.to_owned() } else { "sandbox (kept in the outbox)".to_owned() }
        };
        lines.push(format!(
            "outbound      e-mail: {}; SMS: {}",
            channel(smtp.is_configured(), "SMTP"),
            channel(sms.is_configured(), "SMS API")
        ));
        lines.push(if self.trust_forwarded_for {
            "client addr   from X-Forwarded-For (behind a trusted proxy)".to_owned()
        } else {
            "client addr   the connection's address (X-Forwarded-For ignored)".to_owned()
        });
        lines.push(if self.environment == Environment::Production {
            "allowlist     not applied in production: every recipient is reached".to_owned()
        } else if self.outbox_allowlist.entries().is_empty() {
            "allowlist     empty: outside production every message stays in the sandbox".to_owned()
        } else {
            format!(
                "allowlist     {}  ({}): anyone else stays in the sandbox",
                self.outbox_allowlist.entries().join(", "),
                source("outbox_allowlist")
            )
        });
        lines
    }
}
