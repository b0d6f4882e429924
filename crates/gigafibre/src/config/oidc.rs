//! Staff single sign-on: the OpenID Connect provider (`GIGAFIBRE_OIDC_*`)
//! and how its groups become roles.

use super::{ConfigError, FileSettings, Layers, ListSetting, Secret, invalid, parse_flag, secret};
use crate::ops::roles::Role;

/// What a provider group gives: a staff role, or the technician app (which
/// never opens the ops app).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappedRole {
    Staff(Role),
    Technician,
}

impl MappedRole {
    pub fn code(self) -> &'static str {
        match self {
            MappedRole::Staff(role) => role.code(),
            MappedRole::Technician => "technician",
        }
    }

    fn parse(text: &str) -> Option<MappedRole> {
        match text.trim().to_lowercase().as_str() {
            "technician" => Some(MappedRole::Technician),
            other => Role::from_code(other).map(MappedRole::Staff),
        }
    }
}

/// Provider groups to roles, in the order written: when a person is in
/// several mapped groups, the first mapping that matches wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleMap(Vec<(String, MappedRole)>);

impl RoleMap {
    /// Reads `group=role,group=role`.
    pub fn parse(text: &str) -> Result<RoleMap, ConfigError> {
        let mut pairs = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
            let reason = "write group=role pairs, roles being admin, agent, dispatcher, billing or technician";
            let (group, role) =
                entry.rsplit_once('=').ok_or_else(|| invalid("GIGAFIBRE_OIDC_ROLE_MAP", entry, reason))?;
            let role = MappedRole::parse(role).ok_or_else(|| invalid("GIGAFIBRE_OIDC_ROLE_MAP", entry, reason))?;
            if group.trim().is_empty() {
                return Err(invalid("GIGAFIBRE_OIDC_ROLE_MAP", entry, reason));
            }
            pairs.push((group.trim().to_owned(), role));
        }
        Ok(RoleMap(pairs))
    }

    /// The role the first matching mapping gives, if any.
    pub fn role_for<'a>(&self, groups: impl IntoIterator<Item = &'a str> + Clone) -> Option<MappedRole> {
        self.0.iter().find(|(group, _)| groups.clone().into_iter().any(|g| g == group)).map(|(_, role)| *role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn describe(&self) -> String {
        self.0.iter().map(|(group, role)| format!("{group}={}", role.code())).collect::<Vec<_>>().join(",")
    }
}

/// The OpenID Connect provider staff sign in with. Sign-on is offered once
/// issuer, client id and client secret are all set.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// Exactly as the provider writes it in its discovery document (`iss`).
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    /// Shown on the sign-in button: "Se connecter avec …".
    pub name: Option<String>,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The ID token claim that lists the person's groups.
    pub groups_claim: String,
    pub role_map: RoleMap,
    /// Staff may still ask for a sign-in link by e-mail once sign-on is
    /// set up (`GIGAFIBRE_STAFF_EMAIL_LINKS`); off by default, since a link
    /// by e-mail goes round the provider's checks (second factor, groups).
    pub email_links: bool,
}

/// The three settings sign-on needs, once all are there.
pub struct OidcClient<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
}

impl OidcSettings {
    pub const DEFAULT_SCOPES: &'static str = "openid email profile";
    pub const DEFAULT_GROUPS_CLAIM: &'static str = "groups";

    pub fn client(&self) -> Option<OidcClient<'_>> {
        Some(OidcClient {
            issuer: self.issuer.as_deref()?,
            client_id: self.client_id.as_deref()?,
            client_secret: self.client_secret.as_ref()?,
        })
    }

    pub fn is_configured(&self) -> bool {
        self.client().is_some()
    }

    /// Whether the sign-in page offers a link by e-mail: always without a
    /// provider, and with one only where the install asks for it.
    pub fn email_links_offered(&self) -> bool {
        !self.is_configured() || self.email_links
    }

    /// The provider's name for people: the one configured, else its host.
    pub fn display_name(&self) -> Option<String> {
        self.client()?;
        let host = || {
            let issuer = self.issuer.as_deref()?;
            url::Url::parse(issuer).ok()?.host_str().map(str::to_owned)
        };
        self.name.clone().or_else(host)
    }

    /// What a half-done setup lacks.
    pub fn problems(&self, production: bool) -> Vec<String> {
        let mut problems = Vec::new();
        let set = [self.issuer.is_some(), self.client_id.is_some(), self.client_secret.is_some()];
        if set.iter().any(|s| *s) && !set.iter().all(|s| *s) {
            let names = ["GIGAFIBRE_OIDC_ISSUER", "GIGAFIBRE_OIDC_CLIENT_ID", "GIGAFIBRE_OIDC_CLIENT_SECRET"];
            let missing: Vec<&str> = names.iter().zip(set).filter(|(_, set)| !set).map(|(name, _)| *name).collect();
            problems.push(format!("single sign-on is half configured: set {}", missing.join(", ")));
        }
        if production && self.issuer.as_deref().is_some_and(|issuer| !issuer.starts_with("https://")) {
            problems.push("the OpenID provider must use https in production (GIGAFIBRE_OIDC_ISSUER)".to_owned());
        }
        problems
    }

    /// The `config check` line; the secret never shows.
    pub fn report_line(&self, source: &str) -> String {
        match self.client() {
            Some(client) => format!(
                "sso           {} ({}), client {}, secret ***, scopes {}, groups claim {}, roles {}, links by e-mail {}  ({source})",
                client.issuer,
                self.display_name().unwrap_or_default(),
                client.client_id,
                self.scopes.join(" "),
                self.groups_claim,
                if self.role_map.is_empty() {
                    "from the staff table only".to_owned()
                } else {
                    self.role_map.describe()
                },
                if self.email_links { "also" } else { "off" },
            ),
            None => "sso           not set: staff sign in with a link by e-mail".to_owned(),
        }
    }
}

pub(super) fn oidc_settings(layers: &mut Layers<'_>, file: &mut FileSettings) -> Result<OidcSettings, ConfigError> {
    let issuer = layers.optional("oidc_issuer", "GIGAFIBRE_OIDC_ISSUER", file.oidc_issuer.take());
    if let Some(text) = &issuer {
        let url = url::Url::parse(text).map_err(|error| invalid("GIGAFIBRE_OIDC_ISSUER", text, error.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("GIGAFIBRE_OIDC_ISSUER", text, "use the provider's https address, without ? or #"));
        }
    }
    let client_id = layers.optional("oidc_client_id", "GIGAFIBRE_OIDC_CLIENT_ID", file.oidc_client_id.take());
    let client_secret =
        secret(layers, "oidc_client_secret", "GIGAFIBRE_OIDC_CLIENT_SECRET", file.oidc_client_secret.take())?;
    let name = layers.optional("oidc_name", "GIGAFIBRE_OIDC_NAME", file.oidc_name.take());
    let scopes_text = layers.pick(
        "oidc_scopes",
        &["GIGAFIBRE_OIDC_SCOPES"],
        file.oidc_scopes.take().map(ListSetting::joined),
        OidcSettings::DEFAULT_SCOPES,
    );
    let mut scopes: Vec<String> = Vec::new();
    for scope in scopes_text.split([' ', ',']).map(str::trim).filter(|s| !s.is_empty()) {
        if !scope.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\') {
            return Err(invalid("GIGAFIBRE_OIDC_SCOPES", &scopes_text, "scopes are words such as email or profile"));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    let groups_claim = layers
        .pick(
            "oidc_groups_claim",
            &["GIGAFIBRE_OIDC_GROUPS_CLAIM"],
            file.oidc_groups_claim.take(),
            OidcSettings::DEFAULT_GROUPS_CLAIM,
        )
        .trim()
        .to_owned();
    let role_map = RoleMap::parse(
        &layers
            .optional("oidc_role_map", "GIGAFIBRE_OIDC_ROLE_MAP", file.oidc_role_map.take().map(ListSetting::joined))
            .unwrap_or_default(),
    )?;
    let email_links_text = layers.pick(
        "staff_email_links",
        &["GIGAFIBRE_STAFF_EMAIL_LINKS"],
        file.staff_email_links.take().map(|b| b.to_string()),
        "false",
    );
    let email_links = parse_flag("GIGAFIBRE_STAFF_EMAIL_LINKS", &email_links_text)?;
    Ok(OidcSettings { issuer, client_id, client_secret, name, scopes, groups_claim, role_map, email_links })
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }

    #[test]
    fn sso_settings_come_from_the_environment_and_never_show_the_secret() {
        let config = Config::load_from(
            None,
            &env(&[
                ("GIGAFIBRE_OIDC_ISSUER", "https://login.gigafibre.example/realms/staff"),
                ("GIGAFIBRE_OIDC_CLIENT_ID", "gigafibre-ops"),
                ("GIGAFIBRE_OIDC_CLIENT_SECRET", "oidc-hunter2"),
                ("GIGAFIBRE_OIDC_SCOPES", "openid email profile groups"),
                ("GIGAFIBRE_OIDC_ROLE_MAP", "gf-admins=admin, gf-agents=agent,gf-techs=technician"),
            ]),
        )
        .unwrap();
        let oidc = &config.oidc;
        assert!(oidc.is_configured());
        assert_eq!(oidc.issuer.as_deref(), Some("https://login.gigafibre.example/realms/staff"), "kept as written");
        assert_eq!(oidc.display_name().as_deref(), Some("login.gigafibre.example"));
        assert_eq!(oidc.groups_claim, "groups");
        assert_eq!(oidc.role_map.role_for(["x", "gf-agents"]), Some(MappedRole::Staff(Role::Agent)));
        assert_eq!(oidc.role_map.role_for(["gf-techs", "gf-admins"]), Some(MappedRole::Staff(Role::Admin)));
        assert_eq!(oidc.role_map.role_for(["gf-techs"]), Some(MappedRole::Technician));
        assert_eq!(oidc.role_map.role_for(["staff"]), None);
        let (lines, problems) = config.report();
        let report = lines.join("\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!report.contains("hunter2") && !format!("{config:?}").contains("hunter2"), "{report}");
        assert!(report.contains("client gigafibre-ops, secret ***"), "{report}");
        assert!(report.contains("gf-admins=admin,gf-agents=agent,gf-techs=technician"), "{report}");
    }

    #[test]
    fn sso_settings_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gigafibre.toml");
        std::fs::write(
            &file,
            "oidc_issuer = \"https://id.example\"\noidc_client_id = \"ops\"\noidc_client_secret = \"s\"\n\
             oidc_name = \"Gigafibre ID\"\noidc_groups_claim = \"roles\"\n\
             oidc_role_map = [\"ops-admin=admin\", \"ops-billing=billing\"]\n",
        )
        .unwrap();
        let config = Config::load_from(Some(&file), &env(&[])).unwrap();
        assert_eq!(config.oidc.display_name().as_deref(), Some("Gigafibre ID"));
        assert_eq!(config.oidc.groups_claim, "roles");
        assert_eq!(config.oidc.scopes, ["openid", "email", "profile"]);
        assert_eq!(config.oidc.role_map.role_for(["ops-billing"]), Some(MappedRole::Staff(Role::Billing)));
        assert_eq!(config.sources["oidc_issuer"], Source::File);
    }

    #[test]
    fn half_configured_or_malformed_sso_is_named() {
        let config = Config::load_from(None, &env(&[("GIGAFIBRE_OIDC_ISSUER", "http://id.example")])).unwrap();
        assert!(!config.oidc.is_configured());
        let (lines, problems) = config.report();
        assert!(
            problems.iter().any(|p| p.contains("GIGAFIBRE_OIDC_CLIENT_ID, GIGAFIBRE_OIDC_CLIENT_SECRET")),
            "{problems:?}"
        );
        assert!(lines.iter().any(|l| l.contains("sso           not set")), "{lines:?}");
        let production = Config::load_from(
            None,
            &env(&[
                ("GIGAFIBRE_ENV", "production"),
                ("GIGAFIBRE_OIDC_ISSUER", "http://id.example"),
                ("GIGAFIBRE_OIDC_CLIENT_ID", "ops"),
                ("GIGAFIBRE_OIDC_CLIENT_SECRET", "s"),
            ]),
        )
        .unwrap();
        assert!(production.report().1.iter().any(|p| p.contains("GIGAFIBRE_OIDC_ISSUER")));
        for (name, value) in [
            ("GIGAFIBRE_OIDC_ISSUER", "ftp://id.example"),
            ("GIGAFIBRE_OIDC_ISSUER", "not a url"),
            ("GIGAFIBRE_OIDC_ROLE_MAP", "gf-admins=root"),
            ("GIGAFIBRE_OIDC_ROLE_MAP", "gf-admins"),
            ("GIGAFIBRE_OIDC_ROLE_MAP", "=admin"),
        ] {
            let pairs: &'static [(&str, &str)] = Box::leak(Box::new([(name, value)]));
            let error = Config::load_from(None, &env(pairs)).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }
}
