//! Staff sign-in through a real OpenID Connect provider (oidc-provider from
//! npm, run with node, spoken to over HTTP), and the sign-in link by e-mail.
//! Our server runs in-process; the "browser" is a cookie jar that follows
//! redirects by hand, so every hop can be looked at and replayed.

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

#[tokio::test]
async fn an_admin_by_group_signs_in_with_a_new_staff_row_a_session_and_an_audit_trail() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    let page = sso.get("/ops/sign-in").await;
    assert!(page.body.contains("Se connecter avec Gigafibre ID"), "{}", page.body);
    assert!(page.body.contains("href=\"/ops/sso/start\""));

    let back = sso.sign_in("ada.admin@gigafibre.test").await;
    assert_eq!((back.status, back.location.as_str()), (StatusCode::SEE_OTHER, "/ops"), "{}", back.body);
    assert!(back.set_cookies.iter().any(|c| c.starts_with("gigafibre_session=") && c.contains("HttpOnly")));
    assert!(back.set_cookies.iter().any(|c| c.starts_with("gigafibre_sso=;")), "the attempt cookie is cleared");
    let home = sso.get("/ops").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Ada Lavoie") && home.body.contains("Administrateur"), "{}", home.body);
    let ada = sso.member("ada.admin@gigafibre.test").await.unwrap();
    assert_eq!((ada.role.as_str(), ada.name.as_str(), ada.active), ("admin", "Ada Lavoie", true));
    assert_eq!(sso.audit().await, ["staff_sso_create", "staff_sso_sign_in"]);
    let attempt = staff_sso_attempt::Entity::find().one(&sso.db.db).await.unwrap().unwrap();
    assert!(attempt.used_at.is_some(), "the attempt is spent");
    assert_eq!(attempt.state_hash.len(), 64, "only the state's hash is kept");

    // Demoted here by mistake: the next sign-in follows the provider's groups again.
    staff_table::Entity::update_many()
        .col_expr(staff_table::Column::Role, "agent".into())
        .filter(staff_table::Column::Id.eq(ada.id))
        .exec(&sso.db.db)
        .await
        .unwrap();
    sso.new_browser();
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.status, StatusCode::SEE_OTHER);
    assert_eq!(sso.member("ada.admin@gigafibre.test").await.unwrap().role, "admin");
    let update = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("staff_sso_update"))
        .one(&sso.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(update.before.as_deref(), Some(r#"{"role":"agent"}"#));
    assert_eq!(update.after.as_deref(), Some(r#"{"role":"admin"}"#));
    assert_eq!(sso.sessions().await, 2);
}

#[tokio::test]
async fn without_a_mapped_group_the_staff_table_decides() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    let louis = staff::add(&sso.db.db, "Louis.Agent@gigafibre.test", "agent", Some("Louis T."), Utc::now()).await;
    let louis = louis.unwrap();
    let back = sso.sign_in("louis.agent@gigafibre.test").await;
    assert_eq!((back.status, back.location.as_str()), (StatusCode::SEE_OTHER, "/ops"));
    let home = sso.get("/ops").await;
    assert!(home.body.contains("Louis T.") && home.body.contains("Agent"), "{}", home.body);
    assert_eq!(sso.member("louis.agent@gigafibre.test").await.unwrap(), louis, "the staff row is left as it was");
    assert_eq!(sso.audit().await, ["staff_sso_sign_in"]);
    let entry = audit_entry::Entity::find().one(&sso.db.db).await.unwrap().unwrap();
    assert!(entry.after.unwrap().contains(r#""role_from":"staff table""#));
}

#[tokio::test]
async fn strangers_technicians_and_unverified_addresses_get_a_clear_page_and_no_session() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    staff::add(&sso.db.db, "louis.agent@gigafibre.test", "agent", None, Utc::now()).await.unwrap();

    let stranger = sso.sign_in("sam@example.test").await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert!(stranger.body.contains("Accès réservé au personnel"), "{}", stranger.body);
    assert!(stranger.body.contains("href=\"/ops/sign-in\""), "a way back");
    assert!(sso.member("sam@example.test").await.is_none());

    sso.new_browser();
    let technician = sso.sign_in("theo.tech@gigafibre.test").await;
    assert_eq!(technician.status, StatusCode::FORBIDDEN);
    assert!(technician.body.contains("Compte de technicien"), "{}", technician.body);
    assert!(sso.member("theo.tech@gigafibre.test").await.is_none(), "no staff row for a technician");

    sso.new_browser();
    sso.lang = "en-CA";
    let unverified = sso.sign_in("mallory@example.test").await;
    assert_eq!(unverified.status, StatusCode::BAD_REQUEST);
    assert!(unverified.body.contains("no verified e-mail address"), "{}", unverified.body);

    assert!(!sso.cookies.contains_key("gigafibre_session"));
    assert_eq!(sso.sessions().await, 0);
    assert_eq!(sso.get("/ops").await.location, "/ops/sign-in");
}

#[tokio::test]
async fn a_deactivated_member_is_refused_even_when_the_groups_say_admin() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    let denise = staff::add(&sso.db.db, "denise.former@gigafibre.test", "admin", None, Utc::now()).await.unwrap();
    deactivate(&sso.db, denise.id).await;
    let refused = sso.sign_in("denise.former@gigafibre.test").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("a été désactivé"), "{}", refused.body);
    assert!(!sso.member("denise.former@gigafibre.test").await.unwrap().active, "still deactivated");
    assert_eq!(sso.sessions().await, 0);
    assert!(sso.audit().await.is_empty());
}

#[tokio::test]
async fn with_single_sign_on_no_link_is_sent_by_e_mail_unless_the_install_asks_for_it() {
    // The provider is never reached: the sign-in page and the form only read the settings.
    let sso = Sso::new("http://127.0.0.1:9").await;
    let page = sso.app.clone().oneshot(Request::get("/ops/sign-in").body(Body::empty()).unwrap()).await.unwrap();
    let page = String::from_utf8_lossy(&page.into_body().collect().await.unwrap().to_bytes()).into_owned();
    assert!(page.contains("Se connecter avec Gigafibre ID"), "{page}");
    assert!(!page.contains("/ops/sign-in/email"), "no e-mail form beside the provider's button: {page}");
    staff::add(&sso.db.db, "louis.agent@gigafibre.test", "agent", None, Utc::now()).await.unwrap();
    let (status, body) = sso.ask_for_link("louis.agent@gigafibre.test").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a link by e-mail would go round the provider's second factor");
    assert!(body.contains("Utilisez le bouton ci-dessus"), "{body}");
    let sent = outbox_message::Entity::find().count(&sso.db.db).await.unwrap();
    assert_eq!(sent, 0);

    let sso = Sso::configured(sso.db, "http://127.0.0.1:9", &[("GIGAFIBRE_STAFF_EMAIL_LINKS", "true")]);
    let (status, body) = sso.ask_for_link("louis.agent@gigafibre.test").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(outbox_message::Entity::find().count(&sso.db.db).await.unwrap(), 1);
}

#[tokio::test]
async fn a_member_whose_groups_gave_the_role_loses_access_with_the_last_mapped_group() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    let first_browser = sso.cookies.clone();

    // The directory no longer maps Ada's groups to anything here.
    let db = sso.db;
    let mut sso = Sso::configured(db, &provider.issuer, &[("GIGAFIBRE_OIDC_ROLE_MAP", "gf-agents=agent")]);
    let refused = sso.sign_in("ada.admin@gigafibre.test").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("Aucun de vos groupes"), "{}", refused.body);
    assert_eq!(sso.sessions().await, 0, "the session she still had is over");
    sso.cookies = first_browser;
    assert_eq!(sso.get("/ops").await.location, "/ops/sign-in");
    let ada = sso.member("ada.admin@gigafibre.test").await.unwrap();
    assert_eq!((ada.role.as_str(), ada.active), ("admin", true), "the row stays for the audit log");
    assert_eq!(sso.audit().await, ["staff_sso_create", "staff_sso_sign_in", "staff_sso_left_groups"]);

    // An administrator gives her a role here: the staff table decides from now on.
    staff::add(&sso.db.db, "ada.admin@gigafibre.test", "billing", None, Utc::now()).await.unwrap();
    sso.new_browser();
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    assert_eq!(sso.member("ada.admin@gigafibre.test").await.unwrap().role, "billing");
}

#[tokio::test]
async fn a_member_is_known_by_their_account_at_the_provider_not_by_an_address() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    let ada = sso.member("ada.admin@gigafibre.test").await.unwrap();

    // Another account at the provider now carries Ada's address: it does not open her account.
    sso.new_browser();
    let impostor = sso.sign_in("ada.impostor@gigafibre.test").await;
    assert_eq!(impostor.status, StatusCode::FORBIDDEN);
    assert!(impostor.body.contains("liée à un autre compte"), "{}", impostor.body);
    assert!(!sso.cookies.contains_key("gigafibre_session"));

    // Her address corrected here: her own account still finds her row, and no second one is made.
    staff_table::Entity::update_many()
        .col_expr(staff_table::Column::Email, "ada.lavoie@gigafibre.test".into())
        .filter(staff_table::Column::Id.eq(ada.id))
        .exec(&sso.db.db)
        .await
        .unwrap();
    sso.new_browser();
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    assert_eq!(staff_table::Entity::find().count(&sso.db.db).await.unwrap(), 1);
    assert!(sso.member("ada.admin@gigafibre.test").await.is_none());
}

#[tokio::test]
async fn one_network_address_cannot_start_sign_ins_without_end() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    for _ in 0..gigafibre::ops::sso::STARTS_PER_IP.max {
        assert_eq!(sso.get("/ops/sso/start").await.status, StatusCode::SEE_OTHER);
    }
    let refused = sso.get("/ops/sso/start").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Attendez quelques minutes"), "{}", refused.body);
    let attempts = staff_sso_attempt::Entity::find().count(&sso.db.db).await.unwrap();
    assert_eq!(attempts, gigafibre::ops::sso::STARTS_PER_IP.max, "no row for the refused one");
    sso.clock.advance(gigafibre::ops::sso::STARTS_PER_IP.window);
    assert_eq!(sso.get("/ops/sso/start").await.status, StatusCode::SEE_OTHER, "the window passed");
}

#[tokio::test]
async fn a_bad_state_a_replayed_answer_and_a_replayed_code_are_refused() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;

    // A state the server never issued.
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    let mut forged = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { format!("{v}x") } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let bad_state = sso.callback(forged.as_str()).await;
    assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    assert!(bad_state.body.contains("ne correspond à aucune demande en cours"), "{}", bad_state.body);
    let missing = sso.get("/ops/sso/callback?code=abc").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "no state at all");

    // The real answer signs in once; the same answer again is refused.
    let browser_cookie = sso.cookies["gigafibre_sso"].clone();
    assert_eq!(sso.callback(&callback).await.status, StatusCode::SEE_OTHER);
    sso.cookies.remove("gigafibre_session");
    sso.cookies.insert("gigafibre_sso".into(), browser_cookie);
    let replayed = sso.callback(&callback).await;
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST);
    assert!(replayed.body.contains("a déjà servi"), "{}", replayed.body);

    // The code smuggled into a fresh attempt: the provider refuses it (spent,
    // and bound to another PKCE verifier).
    let code = url::Url::parse(&callback).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let fresh = url::Url::parse(&sso.get("/ops/sso/start").await.location).unwrap();
    let state = fresh.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let smuggled = sso.get(&format!("/ops/sso/callback?code={code}&state={state}")).await;
    assert_eq!(smuggled.status, StatusCode::BAD_REQUEST);
    assert!(smuggled.body.contains("pas accepté ce code"), "{}", smuggled.body);
    assert!(!smuggled.set_cookies.iter().any(|c| c.starts_with("gigafibre_session=") && !c.contains("Max-Age=0")));
    assert_eq!(sso.sessions().await, 1, "only the first answer opened a session");
}

#[tokio::test]
async fn an_answer_from_another_browser_or_too_late_is_refused() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;

    // Login CSRF: a callback carried to a browser that did not start it.
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    let theirs = sso.cookies.remove("gigafibre_sso").unwrap();
    let elsewhere = sso.callback(&callback).await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
    assert!(elsewhere.body.contains("dans un autre navigateur"), "{}", elsewhere.body);
    sso.cookies.insert("gigafibre_sso".into(), "a-cookie-of-someone-else".into());
    assert_eq!(sso.callback(&callback).await.status, StatusCode::BAD_REQUEST);
    sso.cookies.insert("gigafibre_sso".into(), theirs);
    assert_eq!(sso.callback(&callback).await.status, StatusCode::SEE_OTHER, "the right browser still gets in");

    // Ten minutes and a second later.
    sso.new_browser();
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    sso.clock.advance(Duration::minutes(10) + Duration::seconds(1));
    let late = sso.callback(&callback).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert!(late.body.contains("a expiré (10 minutes)"), "{}", late.body);
    assert_eq!(sso.sessions().await, 1);
}

#[tokio::test]
async fn a_cancelled_sign_in_comes_back_as_a_clear_page_in_the_readers_language() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    sso.lang = "en-CA";
    let authorize = url::Url::parse(&sso.get("/ops/sso/start").await.location).unwrap();
    let to_form = sso.at_provider.get(authorize.clone()).send().await.unwrap();
    let form_url = authorize.join(to_form.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    sso.at_provider.get(form_url.clone()).send().await.unwrap();
    let abort = form_url.join(&format!("{}/abort", form_url.path())).unwrap();
    let aborted = sso.at_provider.post(abort).send().await.unwrap();
    let resume = form_url.join(aborted.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let back = sso.at_provider.get(resume).send().await.unwrap();
    let callback = back.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(callback.contains("error=access_denied"), "{callback}");
    let page = sso.callback(&callback).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("Sign-in refused") && page.body.contains("did not confirm who you are"),
        "{}",
        page.body
    );
    assert_eq!(sso.sessions().await, 0);
    let spent = staff_sso_attempt::Entity::find().one(&sso.db.db).await.unwrap().unwrap();
    assert!(spent.used_at.is_some(), "a refused attempt cannot be used again");
}

#[tokio::test]
async fn a_provider_that_names_another_issuer_is_refused() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    // Our side expects `localhost`; the provider's discovery says 127.0.0.1.
    let mut sso = Sso::new(&format!("http://localhost:{}", provider.port())).await;
    let refused = sso.get("/ops/sso/start").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("ne vient pas du fournisseur"), "{}", refused.body);
    assert!(refused.location.is_empty(), "nobody is sent to that provider");
    assert_eq!(staff_sso_attempt::Entity::find().count(&sso.db.db).await.unwrap(), 0);

    // An answer whose `iss` names another provider (mix-up).
    let mut sso = Sso::on(TestDatabase::new().await, &provider.issuer);
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    let mixed = callback.replace("iss=http", "iss=https");
    assert_ne!(mixed, callback, "the provider names itself in its answer");
    let refused = sso.callback(&mixed).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("ne vient pas du fournisseur"), "{}", refused.body);
    assert_eq!(sso.sessions().await, 0);
}

#[tokio::test]
async fn a_provider_down_at_first_stops_nothing_and_is_found_when_it_comes_up() {
    if !provider_installed() {
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut sso = Sso::new(&format!("http://127.0.0.1:{port}")).await;
    let page = sso.get("/ops/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Se connecter avec Gigafibre ID"));
    let down = sso.get("/ops/sso/start").await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY);
    assert!(down.body.contains("ne répond pas"), "{}", down.body);

    let _provider = Provider::start(port);
    let back = sso.sign_in("ada.admin@gigafibre.test").await;
    assert_eq!((back.status, back.location.as_str()), (StatusCode::SEE_OTHER, "/ops"), "{}", back.body);
}
