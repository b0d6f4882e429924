//! Staff sign-in through a real OpenID Connect provider (oidc-provider from
//! npm, run with node, spoken to over HTTP), and the sign-in link by e-mail.
//! Our server runs in-process; the "browser" is a cookie jar that follows
//! redirects by hand, so every hop can be looked at and replayed.
//!
//! This file holds the provider and the browser; `accounts` covers who gets
//! in and as what, `refusals` every answer that must not open a session.

mod accounts;
mod refusals;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Duration, Utc};
use gigafibre::clock::ManualClock;
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::ops::staff;
use gigafibre::web::{AppState, router};
use gigafibre_db::entities::{audit_entry, outbox_message, session, staff as staff_table, staff_sso_attempt};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tower::ServiceExt;

const CLIENT_ID: &str = "gigafibre-ops";
const CLIENT_SECRET: &str = "a-test-client-secret";
const REDIRECT_URI: &str = "http://127.0.0.1:8080/ops/sso/callback";
const ROLE_MAP: &str = "gf-admins=admin,gf-agents=agent,gf-dispatch=dispatcher,gf-billing=billing,gf-techs=technician";

fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The provider, when its npm package is installed (`npm ci`); `.ci/run`
/// installs it before the Rust tests.
fn provider_installed() -> bool {
    let installed = repository_root().join("node_modules/oidc-provider/package.json").exists();
    if !installed {
        eprintln!("SKIPPED: node_modules/oidc-provider is absent; run `npm ci` at the repository root");
    }
    installed
}

/// The provider's process, ended with the test.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    fn start(port: u16) -> Provider {
        let mut child = Command::new("node")
            .arg(repository_root().join("e2e/oidc/provider.mjs"))
            .args(["--port", &port.to_string(), "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
            .args(["--redirect-uri", REDIRECT_URI])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let mut line = String::new();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        output.read_line(&mut line).unwrap();
        // Whatever it prints later is read and dropped: a closed pipe would end it.
        std::thread::spawn(move || output.lines().for_each(drop));
        let started: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("the provider did not start: {line:?}"));
        Provider { child, issuer: started["issuer"].as_str().unwrap().to_owned() }
    }

    fn port(&self) -> u16 {
        self.issuer.rsplit(':').next().unwrap().parse().unwrap()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: StatusCode,
    location: String,
    set_cookies: Vec<String>,
    body: String,
}

/// Our server with single sign-on pointed at `issuer`, and a browser.
struct Sso {
    db: TestDatabase,
    app: Router,
    clock: ManualClock,
    /// The browser's cookies for our server.
    cookies: BTreeMap<String, String>,
    /// The same browser at the provider.
    at_provider: reqwest::Client,
    lang: &'static str,
}

impl Sso {
    async fn new(issuer: &str) -> Sso {
        let db = TestDatabase::new().await;
        Sso::on(db, issuer)
    }

    fn on(db: TestDatabase, issuer: &str) -> Sso {
        Sso::configured(db, issuer, &[])
    }

    /// Our server with settings besides the provider's (or in place of them).
    fn configured(db: TestDatabase, issuer: &str, settings: &[(&'static str, &'static str)]) -> Sso {
        let issuer = issuer.to_owned();
        let settings = settings.to_vec();
        let env = move |name: &str| {
            if let Some((_, value)) = settings.iter().find(|(setting, _)| *setting == name) {
                return Some((*value).to_owned());
            }
            let value = match name {
                "GIGAFIBRE_OIDC_ISSUER" => issuer.as_str(),
                "GIGAFIBRE_OIDC_CLIENT_ID" => CLIENT_ID,
                "GIGAFIBRE_OIDC_CLIENT_SECRET" => CLIENT_SECRET,
                "GIGAFIBRE_OIDC_NAME" => "Gigafibre ID",
                "GIGAFIBRE_OIDC_SCOPES" => "openid email profile groups",
                "GIGAFIBRE_OIDC_ROLE_MAP" => ROLE_MAP,
                _ => return None,
            };
            Some(value.to_owned())
        };
        let config = Arc::new(Config::load_from(None, &env).unwrap());
        // The provider stamps tokens with the real time.
        let clock = ManualClock::at(Utc::now());
        let app = router(AppState { db: db.db.clone(), config, clock: Arc::new(clock.clone()) });
        Sso { db, app, clock, cookies: BTreeMap::new(), at_provider: Sso::browser(), lang: "fr-CA" }
    }

    fn browser() -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// A new browser: no cookies here or at the provider.
    fn new_browser(&mut self) {
        self.cookies.clear();
        self.at_provider = Sso::browser();
    }

    /// A request to our server with the browser's cookies; keeps the ones it sets.
    async fn get(&mut self, uri: &str) -> Answer {
        let cookie = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ");
        let request = Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT_LANGUAGE, self.lang)
            .body(Body::empty())
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location =
            response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let set_cookies: Vec<String> =
            response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || cookie.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Answer { status, location, set_cookies, body }
    }

    /// The sign-in page's e-mail form, posted from our own pages.
    async fn ask_for_link(&self, email: &str) -> (StatusCode, String) {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/ops/sign-in/email")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://127.0.0.1:8080")
            .header(header::ACCEPT_LANGUAGE, self.lang)
            .body(Body::from(serde_urlencoded::to_string([("email", email)]).unwrap()))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Clicks "Se connecter avec …" and signs in at the provider as
    /// `login`; returns the address the provider sends the browser back to.
    async fn through_provider(&mut self, login: &str) -> String {
        let started = self.get("/ops/sso/start").await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        assert!(self.cookies.contains_key("gigafibre_sso"), "the attempt is bound to this browser");
        let authorize = url::Url::parse(&started.location).unwrap();
        let query: BTreeMap<String, String> = authorize.query_pairs().into_owned().collect();
        assert_eq!(query["code_challenge_method"], "S256");
        assert!(query["code_challenge"].len() >= 43 && query["state"].len() >= 16 && query["nonce"].len() >= 16);
        assert_eq!(query["redirect_uri"], REDIRECT_URI);

        let to_form = self.at_provider.get(authorize.clone()).send().await.unwrap();
        let form_url = authorize.join(to_form.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        let form = self.at_provider.get(form_url.clone()).send().await.unwrap();
        assert_eq!(form.status(), 200);
        assert!(form.text().await.unwrap().contains("Test identity provider"));
        let login_url = form_url.join(&format!("{}/login", form_url.path())).unwrap();
        let posted = self.at_provider.post(login_url).form(&[("login", login), ("password", "gigafibre")]).send().await;
        let posted = posted.unwrap();
        assert_eq!(posted.status(), 303, "the provider took the password");
        let resume = form_url.join(posted.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        let back = self.at_provider.get(resume).send().await.unwrap();
        let callback = back.headers()[header::LOCATION].to_str().unwrap().to_owned();
        assert!(callback.starts_with(REDIRECT_URI), "{callback}");
        callback
    }

    /// The provider's redirect, followed into our server.
    async fn callback(&mut self, callback: &str) -> Answer {
        let path = callback.strip_prefix("http://127.0.0.1:8080").unwrap().to_owned();
        self.get(&path).await
    }

    async fn sign_in(&mut self, login: &str) -> Answer {
        let callback = self.through_provider(login).await;
        self.callback(&callback).await
    }

    async fn sessions(&self) -> u64 {
        session::Entity::find().count(&self.db.db).await.unwrap()
    }

    async fn member(&self, email: &str) -> Option<staff_table::Model> {
        staff_table::Entity::find().filter(staff_table::Column::Email.eq(email)).one(&self.db.db).await.unwrap()
    }

    async fn audit(&self) -> Vec<String> {
        let entries = audit_entry::Entity::find().order_by_asc(audit_entry::Column::Id).all(&self.db.db).await.unwrap();
        entries.into_iter().map(|e| e.action).collect()
    }
}

pub(super) async fn deactivate(db: &TestDatabase, id: i64) {
    staff_table::Entity::update_many()
        .col_expr(staff_table::Column::Active, false.into())
        .filter(staff_table::Column::Id.eq(id))
        .exec(&db.db)
        .await
        .unwrap();
}
