//! Settings: defaults, then an optional TOML file, then `GIGAFIBRE_*` and
//! `DATABASE_URL` from the environment. Secrets may also come from a file
//! named by `*_FILE`; a missing secret key is generated once into the data
//! directory.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::RngExt;
use serde::Deserialize;

use crate::db::{DatabaseTarget, TargetError};

mod collections;
mod company;
mod oidc;
mod outbound;
mod report;
mod stripe;

pub use collections::CollectionsSettings;
use collections::collections_settings;
pub use company::CompanySettings;
use company::company_settings;
use oidc::oidc_settings;
pub use oidc::{MappedRole, OidcClient, OidcSettings, RoleMap};
pub use outbound::{Allowlist, SmsSettings, SmtpSettings, SmtpTls};
use outbound::{sms_settings, smtp_settings};
pub use stripe::StripeSettings;
use stripe::stripe_settings;

/// Where a setting's value came from, shown by `config check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Environment,
    Generated,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Default => "default",
            Source::File => "config file",
            Source::Environment => "environment",
            Source::Generated => "generated",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A value that must never reach a log: `Debug` and `Display` mask it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database: DatabaseTarget,
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    /// The address people reach the server at; every link in a message is
    /// built from it, never from a request's `Host` header.
    pub public_url: url::Url,
    pub environment: Environment,
    pub log_format: LogFormat,
    /// Signs tokens and links. Generated into the data directory when absent.
    pub secret_key: Option<Secret>,
    /// Outbound e-mail; e-mail stays in the sandbox until host and From are set.
    pub smtp: SmtpSettings,
    /// Outbound SMS; SMS stays in the sandbox until account, token and From are set.
    pub sms: SmsSettings,
    /// Outside production, the only recipients a real provider may reach.
    pub outbox_allowlist: Allowlist,
    /// Behind a reverse proxy that sets `X-Forwarded-For`: only then is that
    /// header believed (per-address rate limits read it).
    pub trust_forwarded_for: bool,
    /// Staff single sign-on; staff sign in by e-mailed link until it is set.
    pub oidc: OidcSettings,
    /// Whether `serve` runs the billing every day; paused while the legacy
    /// system still bills (a manual `billing run` works either way).
    pub billing_schedule: BillingSchedule,
    /// Card payments; customers pay by other means until key and webhook secret are set.
    pub stripe: StripeSettings,
    /// Who sends the invoices, as printed on them.
    pub company: CompanySettings,
    /// The dispatch map's tile server (`https://…/{z}/{x}/{y}.png`) and the
    /// credit it asks for; without one the map draws markers and routes on
    /// a plain background.
    pub map_tiles: Option<MapTiles>,
    /// Reminders about overdue invoices and late fees.
    pub collections: CollectionsSettings,
    pub sources: BTreeMap<&'static str, Source>,
}

/// A tile server for the dispatch map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapTiles {
    /// `{z}`, `{x}` and `{y}` stand for the tile.
    pub url: String,
    /// The credit the tile server asks to show (HTML as its terms give it).
    pub attribution: String,
}

/// The daily billing run inside `serve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingSchedule {
    Daily,
    Paused,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    ReadFile { path: String, source: std::io::Error },
    #[error("the config file {path} is not valid TOML: {message}")]
    ParseFile { path: String, message: String },
    #[error(transparent)]
    Database(#[from] TargetError),
    #[error("{name} '{value}' is not valid: {reason}")]
    Invalid { name: &'static str, value: String, reason: String },
    #[error("cannot read the secret file {path}: {source}")]
    SecretFile { path: String, source: std::io::Error },
    #[error("cannot write the generated secret key to {path}: {source}")]
    WriteSecret { path: String, source: std::io::Error },
}

/// What the TOML file may hold; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    bind: Option<String>,
    public_url: Option<String>,
    environment: Option<Environment>,
    log_format: Option<LogFormat>,
    secret_key: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    mail_from: Option<String>,
    sms_base_url: Option<String>,
    sms_account_sid: Option<String>,
    sms_auth_token: Option<String>,
    sms_from: Option<String>,
    outbox_allowlist: Option<ListSetting>,
    trust_forwarded_for: Option<bool>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret: Option<String>,
    oidc_name: Option<String>,
    oidc_scopes: Option<ListSetting>,
    oidc_groups_claim: Option<String>,
    oidc_role_map: Option<ListSetting>,
    staff_email_links: Option<bool>,
    billing_schedule: Option<String>,
    stripe_api_base: Option<String>,
    stripe_secret_key: Option<String>,
    stripe_webhook_secret: Option<String>,
    company_name: Option<String>,
    company_address: Option<String>,
    gst_number: Option<String>,
    qst_number: Option<String>,
    map_tiles: Option<String>,
    map_attribution: Option<String>,
    dunning_days: Option<String>,
    late_fee: Option<String>,
}

/// A list in the TOML file: `"a, b"` or `["a", "b"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ListSetting {
    One(String),
    Many(Vec<String>),
}

impl ListSetting {
    fn joined(self) -> String {
        match self {
            ListSetting::One(text) => text,
            ListSetting::Many(items) => items.join(","),
        }
    }
}

/// Reads one setting from the environment, then the file, then the default.
struct Layers<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    sources: BTreeMap<&'static str, Source>,
}

impl Layers<'_> {
    fn pick(&mut self, name: &'static str, env_names: &[&str], file: Option<String>, default: &str) -> String {
        for env_name in env_names {
            if let Some(value) = (self.env)(env_name).filter(|v| !v.trim().is_empty()) {
                self.sources.insert(name, Source::Environment);
                return value;
            }
        }
        if let Some(value) = file {
            self.sources.insert(name, Source::File);
            return value;
        }
        self.sources.insert(name, Source::Default);
        default.to_owned()
    }

    /// A setting with no default: `None` when neither layer sets it.
    fn optional(&mut self, name: &'static str, env_name: &str, file: Option<String>) -> Option<String> {
        if let Some(value) = (self.env)(env_name).filter(|v| !v.trim().is_empty()) {
            self.sources.insert(name, Source::Environment);
            return Some(value.trim().to_owned());
        }
        let value = file.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())?;
        self.sources.insert(name, Source::File);
        Some(value)
    }
}

/// A yes-or-no setting.
fn parse_flag(name: &'static str, text: &str) -> Result<bool, ConfigError> {
    match text.trim().to_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(invalid(name, text, "use true or false")),
    }
}

impl Config {
    /// Loads from the process environment and the optional file.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_from(file, &|name| std::env::var(name).ok())
    }

    /// Loads with an injected environment (tests).
    pub fn load_from(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let file_path = file
            .map(Path::to_path_buf)
            .or_else(|| env("GIGAFIBRE_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("gigafibre.toml")).filter(|p| p.exists()));
        let mut settings = match &file_path {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let mut layers = Layers { env, sources: BTreeMap::new() };
        // The outbound settings first, while `settings` is still whole.
        let smtp = smtp_settings(&mut layers, &mut settings)?;
        let sms = sms_settings(&mut layers, &mut settings)?;
        let oidc = oidc_settings(&mut layers, &mut settings)?;
        let stripe = stripe_settings(&mut layers, &mut settings)?;
        let company = company_settings(&mut layers, &mut settings)?;
        let collections = collections_settings(&mut layers, &mut settings)?;

        let database_url = layers.pick(
            "database_url",
            &["DATABASE_URL", "GIGAFIBRE_DATABASE_URL"],
            settings.database_url,
            DatabaseTarget::DEFAULT_URL,
        );
        let database = DatabaseTarget::parse(&database_url)?;
        let data_dir = PathBuf::from(layers.pick(
            "data_dir",
            &["GIGAFIBRE_DATA_DIR"],
            settings.data_dir.map(|p| p.display().to_string()),
            "./data",
        ));
        let bind_text = layers.pick("bind", &["GIGAFIBRE_BIND"], settings.bind, "127.0.0.1:8080");
        let bind = parse_bind(&bind_text)?;
        let public_default = format!("http://{bind}");
        let public_text = layers.pick("public_url", &["GIGAFIBRE_PUBLIC_URL"], settings.public_url, &public_default);
        let public_url = url::Url::parse(&public_text).map_err(|error| ConfigError::Invalid {
            name: "GIGAFIBRE_PUBLIC_URL",
            value: public_text.clone(),
            reason: error.to_string(),
        })?;
        let environment_text = layers.pick(
            "environment",
            &["GIGAFIBRE_ENV"],
            settings.environment.map(|e| format!("{e:?}").to_lowercase()),
            "development",
        );
        let environment = match environment_text.trim().to_lowercase().as_str() {
            "development" | "dev" => Environment::Development,
            "production" | "prod" => Environment::Production,
            _ => {
                return Err(ConfigError::Invalid {
                    name: "GIGAFIBRE_ENV",
                    value: environment_text,
                    reason: "use development or production".into(),
                });
            }
        };
        let log_default = if environment == Environment::Production { "json" } else { "text" };
        let log_text = layers.pick(
            "log_format",
            &["GIGAFIBRE_LOG_FORMAT"],
            settings.log_format.map(|f| format!("{f:?}").to_lowercase()),
            log_default,
        );
        let log_format = match log_text.trim().to_lowercase().as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => {
                return Err(ConfigError::Invalid {
                    name: "GIGAFIBRE_LOG_FORMAT",
                    value: log_text,
                    reason: "use text or json".into(),
                });
            }
        };
        let secret_key = secret(&mut layers, "secret_key", "GIGAFIBRE_SECRET_KEY", settings.secret_key)?;
        let outbox_allowlist = Allowlist::parse(
            &layers
                .optional(
                    "outbox_allowlist",
                    "GIGAFIBRE_OUTBOX_ALLOWLIST",
                    settings.outbox_allowlist.map(ListSetting::joined),
                )
                .unwrap_or_default(),
        );
        let trust_text = layers.pick(
            "trust_forwarded_for",
            &["GIGAFIBRE_TRUST_FORWARDED_FOR"],
            settings.trust_forwarded_for.map(|b| b.to_string()),
            "false",
        );
        let trust_forwarded_for = parse_flag("GIGAFIBRE_TRUST_FORWARDED_FOR", &trust_text)?;

        let schedule_text =
            layers.pick("billing_schedule", &["GIGAFIBRE_BILLING_SCHEDULE"], settings.billing_schedule, "daily");
        let billing_schedule = match schedule_text.trim().to_lowercase().as_str() {
            "daily" => BillingSchedule::Daily,
            "paused" => BillingSchedule::Paused,
            _ => return Err(invalid("GIGAFIBRE_BILLING_SCHEDULE", &schedule_text, "use daily or paused")),
        };

        let map_tiles = layers.optional("map_tiles", "GIGAFIBRE_MAP_TILES", settings.map_tiles).map(|url| MapTiles {
            url,
            attribution: layers
                .optional("map_attribution", "GIGAFIBRE_MAP_ATTRIBUTION", settings.map_attribution)
                .unwrap_or_default(),
        });

        Ok(Config {
            database,
            data_dir,
            bind,
            public_url,
            environment,
            log_format,
            secret_key,
            smtp,
            sms,
            outbox_allowlist,
            trust_forwarded_for,
            oidc,
            billing_schedule,
            stripe,
            company,
            map_tiles,
            collections,
            sources: layers.sources,
        })
    }

    /// Listens elsewhere; links follow unless a public URL was set.
    pub fn set_bind(&mut self, bind: SocketAddr) {
        self.bind = bind;
        if self.sources.get("public_url").is_none_or(|source| *source == Source::Default)
            && let Ok(url) = url::Url::parse(&format!("http://{bind}"))
        {
            self.public_url = url;
        }
    }

    /// The secret key, generated and stored in the data directory the first
    /// time the server needs one.
    pub fn ensure_secret_key(&mut self) -> Result<Secret, ConfigError> {
        if let Some(secret) = &self.secret_key {
            return Ok(secret.clone());
        }
        let path = self.data_dir.join("secret_key");
        let fail = |source| ConfigError::WriteSecret { path: path.display().to_string(), source };
        std::fs::create_dir_all(&self.data_dir).map_err(fail)?;
        let bytes: [u8; 32] = rand::rng().random();
        // `create_new`: two instances starting together cannot both write a
        // key; the second reads the first one's.
        match create_owner_only(&path) {
            Ok(mut file) => std::io::Write::write_all(&mut file, hex::encode(bytes).as_bytes()).map_err(fail)?,
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(fail(error)),
        }
        let key = std::fs::read_to_string(&path).map_err(fail)?.trim().to_owned();
        if key.len() < 32 {
            let short = std::io::Error::other("the stored key is shorter than 32 characters; remove the file");
            return Err(fail(short));
        }
        self.sources.insert("secret_key", Source::Generated);
        let secret = Secret(key);
        self.secret_key = Some(secret.clone());
        Ok(secret)
    }
}

fn invalid(name: &'static str, value: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { name, value: value.to_owned(), reason: reason.into() }
}

/// A new file only the account that runs the server may read.
fn create_owner_only(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ConfigError::ReadFile { path: path.display().to_string(), source })?;
    toml::from_str(&text).map_err(|error| ConfigError::ParseFile {
        path: path.display().to_string(),
        message: error.message().to_owned(),
    })
}

fn parse_bind(text: &str) -> Result<SocketAddr, ConfigError> {
    text.trim().parse().map_err(|_| ConfigError::Invalid {
        name: "GIGAFIBRE_BIND",
        value: text.to_owned(),
        reason: "use an address and port such as 127.0.0.1:8080".into(),
    })
}

/// A secret from `NAME`, the file named by `NAME_FILE`, or the config file.
fn secret(
    layers: &mut Layers<'_>,
    name: &'static str,
    env_name: &str,
    file_value: Option<String>,
) -> Result<Option<Secret>, ConfigError> {
    if let Some(value) = (layers.env)(env_name).filter(|v| !v.trim().is_empty()) {
        layers.sources.insert(name, Source::Environment);
        return Ok(Some(Secret(value.trim().to_owned())));
    }
    if let Some(path) = (layers.env)(&format!("{env_name}_FILE")).filter(|v| !v.trim().is_empty()) {
        let value = std::fs::read_to_string(&path).map_err(|source| ConfigError::SecretFile { path, source })?;
        layers.sources.insert(name, Source::Environment);
        return Ok(Some(Secret(value.trim().to_owned())));
    }
    Ok(file_value.map(|value| {
        layers.sources.insert(name, Source::File);
        Secret(value)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }

    #[test]
    fn the_billing_schedule_runs_daily_unless_paused() {
        assert_eq!(Config::load_from(None, &env(&[])).unwrap().billing_schedule, BillingSchedule::Daily);
        let paused = Config::load_from(None, &env(&[("GIGAFIBRE_BILLING_SCHEDULE", "paused")])).unwrap();
        assert_eq!(paused.billing_schedule, BillingSchedule::Paused);
        assert!(paused.report().0.iter().any(|line| line.contains("schedule paused")));
        let error = Config::load_from(None, &env(&[("GIGAFIBRE_BILLING_SCHEDULE", "weekly")])).unwrap_err();
        assert!(error.to_string().contains("use daily or paused"), "{error}");
    }

    #[test]
    fn defaults_to_the_embedded_database_on_localhost() {
        let config = Config::load_from(None, &env(&[])).unwrap();
        assert_eq!(config.database, DatabaseTarget::SqliteFile("./data/gigafibre.db".into()));
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(config.environment, Environment::Development);
    }

    #[test]
    fn environment_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gigafibre.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:9000\"\ndatabase_url = \"sqlite:/tmp/from-file.db\"\n").unwrap();
        let config = Config::load_from(Some(&file), &env(&[("GIGAFIBRE_BIND", "0.0.0.0:7000")])).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:7000");
        assert_eq!(config.sources["bind"], Source::Environment);
        assert_eq!(config.database, DatabaseTarget::SqliteFile("/tmp/from-file.db".into()));
        assert_eq!(config.sources["database_url"], Source::File);
    }

    #[test]
    fn a_new_bind_moves_the_default_links_but_not_a_chosen_address() {
        let mut config = Config::load_from(None, &env(&[])).unwrap();
        config.set_bind("127.0.0.1:8090".parse().unwrap());
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:8090/");

        let mut config = Config::load_from(None, &env(&[("GIGAFIBRE_PUBLIC_URL", "https://portail.example")])).unwrap();
        config.set_bind("127.0.0.1:8090".parse().unwrap());
        assert_eq!(config.public_url.as_str(), "https://portail.example/");
    }

    #[test]
    fn a_typo_in_the_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gigafibre.toml");
        std::fs::write(&file, "bnid = \"127.0.0.1:9000\"\n").unwrap();
        let error = Config::load_from(Some(&file), &env(&[])).unwrap_err().to_string();
        assert!(error.contains("bnid"), "{error}");
    }

    #[test]
    fn secrets_never_show() {
        let config = Config::load_from(None, &env(&[("GIGAFIBRE_SECRET_KEY", "s3cr3t-value")])).unwrap();
        assert!(!format!("{config:?}").contains("s3cr3t"));
        let (lines, _) = config.report();
        assert!(!lines.join("\n").contains("s3cr3t"));
    }

    #[test]
    fn production_over_plain_http_is_flagged() {
        let config = Config::load_from(None, &env(&[("GIGAFIBRE_ENV", "production")])).unwrap();
        let (_, problems) = config.report();
        assert!(problems.iter().any(|p| p.contains("https")));
    }

    #[test]
    fn a_generated_key_is_kept_for_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir: &'static str = Box::leak(dir.path().display().to_string().into_boxed_str());
        let pairs: &'static [(&str, &str)] = Box::leak(Box::new([("GIGAFIBRE_DATA_DIR", data_dir)]));
        let first = Config::load_from(None, &env(pairs)).unwrap().ensure_secret_key().unwrap();
        let second = Config::load_from(None, &env(pairs)).unwrap().ensure_secret_key().unwrap();
        assert_eq!(first, second);
        assert!(first.expose().len() >= 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret_key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads the key");
        }
    }
}
