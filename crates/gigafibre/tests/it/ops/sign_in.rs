//! Staff sign-in to the ops app by one-time link, and who never gets in.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Duration, NaiveDate};
use gigafibre::auth::session;
use gigafibre::clock::{Clock, ManualClock};
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::ops::staff;
use gigafibre::web::{AppState, router};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tower::ServiceExt;

use crate::support::gigafibre;

struct Answer {
    status: StatusCode,
    location: String,
    cookie: Option<String>,
    body: String,
}

async fn send(app: &Router, method: Method, uri: &str, cookie: Option<&str>, form: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if form.is_some() {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    let response = app
        .clone()
        .oneshot(request.body(form.map(|f| Body::from(f.to_owned())).unwrap_or_default()).unwrap())
        .await
        .unwrap();
    let header_text = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let location = header_text(header::LOCATION);
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let status = response.status();
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Answer { status, location, cookie, body }
}

fn app(db: &TestDatabase, clock: &ManualClock) -> Router {
    let config = Arc::new(Config::load_from(None, &|_| None).unwrap());
    router(AppState { db: db.db.clone(), config, clock: Arc::new(clock.clone()) })
}

fn start() -> chrono::DateTime<chrono::Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(14, 0, 0).unwrap().and_utc()
}

#[tokio::test]
async fn the_first_admin_is_made_from_the_command_line_and_signs_in_with_the_printed_link() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let typo = gigafibre(&db, dir.path(), &["staff", "add", "marie@gigafibre.ca", "--role", "admni"]);
    assert_eq!(typo.code, 1);
    assert!(typo.stderr.contains("'admni' is not a role"), "{}", typo.stderr);
    gigafibre(&db, dir.path(), &["staff", "add", "Marie@Gigafibre.ca", "--role", "admin", "--name", "Marie Roy"])
        .success();
    let printed = gigafibre(&db, dir.path(), &["staff", "link", "marie@gigafibre.ca"]).success();
    let token = printed.stdout.split("token=").nth(1).unwrap()[..64].to_owned();

    let clock = ManualClock::at(chrono::Utc::now());
    let app = app(&db, &clock);
    let opened = send(&app, Method::GET, &format!("/ops/auth?token={token}"), None, None).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.cookie.is_none(), "opening the link signs no one in");
    let signed_in = send(&app, Method::POST, "/ops/auth", None, Some(&format!("token={token}"))).await;
    assert_eq!((signed_in.status, signed_in.location.as_str()), (StatusCode::SEE_OTHER, "/ops"));
    let cookie = signed_in.cookie.unwrap();
    let home = send(&app, Method::GET, "/ops", Some(&cookie), None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Marie Roy") && home.body.contains("Administrateur") && home.body.contains("Clients"));
    assert!(home.body.contains("<title>Tableau de bord · Gigafibre</title>"), "a plain title");
    let again = send(&app, Method::POST, "/ops/auth", None, Some(&format!("token={token}"))).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the link works once");
}

#[tokio::test]
async fn a_staff_link_expires_after_ten_minutes() {
    let db = TestDatabase::new().await;
    let clock = ManualClock::at(start());
    staff::add(&db.db, "agent@gigafibre.ca", "agent", None, start()).await.unwrap();
    let token = staff::mint_link(&db.db, "agent@gigafibre.ca", start()).await.unwrap();
    clock.advance(staff::LINK_LIFETIME + Duration::seconds(1));
    let app = app(&db, &clock);
    let late = send(&app, Method::POST, "/ops/auth", None, Some(&format!("token={token}"))).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert!(late.cookie.is_none());
}

#[tokio::test]
async fn customers_and_strangers_never_reach_ops() {
    let clock = ManualClock::at(start());
    let data = gigafibre::demo::generate(gigafibre::demo::Scale::Small, 1, start().date_naive());
    let db = TestDatabase::with_demo(&data).await;
    let app = app(&db, &clock);
    let anonymous = send(&app, Method::GET, "/ops", None, None).await;
    assert_eq!((anonymous.status, anonymous.location.as_str()), (StatusCode::SEE_OTHER, "/ops/sign-in"));
    let customer = session::start_customer(&db.db, 1, start(), None).await.unwrap();
    let cookie = format!("gigafibre_session={}", customer.cookie_value);
    let as_customer = send(&app, Method::GET, "/ops", Some(&cookie), None).await;
    assert_eq!(as_customer.status, StatusCode::SEE_OTHER, "a customer session is not a staff session");
    assert_eq!(as_customer.location, "/ops/sign-in");
    let request = Request::get("/ops").header("hx-request", "true").body(Body::empty()).unwrap();
    assert_eq!(app.clone().oneshot(request).await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_deactivated_member_is_signed_out_and_gets_no_link() {
    let db = TestDatabase::new().await;
    let clock = ManualClock::at(start());
    let member = staff::add(&db.db, "parti@gigafibre.ca", "billing", None, start()).await.unwrap();
    let live = session::start(&db.db, session::Owner::Staff(member.id), start(), None).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        &db.db,
        &format!(
            "UPDATE staff SET active = {} WHERE id = {}",
            if db.url().starts_with("postgres") { "FALSE" } else { "0" },
            member.id
        ),
    )
    .await
    .unwrap();
    let app = app(&db, &clock);
    let home = send(&app, Method::GET, "/ops", Some(&format!("gigafibre_session={}", live.cookie_value)), None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert!(staff::mint_link(&db.db, "parti@gigafibre.ca", start()).await.is_err());
}

fn csrf_in(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    page[start..start + 64].to_owned()
}

#[tokio::test]
async fn staff_see_the_portal_as_a_customer_read_only_and_logged() {
    let clock = ManualClock::at(start());
    let data =
        gigafibre::demo::generate(gigafibre::demo::Scale::Small, gigafibre::demo::DEFAULT_SEED, start().date_naive());
    let db = TestDatabase::with_demo(&data).await;
    let member = staff::add(&db.db, "agent@gigafibre.ca", "agent", Some("Antoine"), start()).await.unwrap();
    let staff_session = session::start(&db.db, session::Owner::Staff(member.id), start(), None).await.unwrap();
    let app = app(&db, &clock);
    let staff_cookie = format!("gigafibre_session={}", staff_session.cookie_value);
    let csrf = csrf_in(&send(&app, Method::GET, "/ops", Some(&staff_cookie), None).await.body);

    let started = send(
        &app,
        Method::POST,
        "/ops/impersonate",
        Some(&staff_cookie),
        Some(&format!("csrf={csrf}&account=gf-100002")),
    )
    .await;
    assert_eq!((started.status, started.location.as_str()), (StatusCode::SEE_OTHER, "/portal"));
    let looking = started.cookie.unwrap();
    let portal = send(&app, Method::GET, "/portal", Some(&looking), None).await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(portal.body.contains("Vous voyez le portail comme ce client"), "the banner is on every page");
    assert!(portal.body.contains("<strong>Antoine</strong> · Vous voyez"), "and names who is looking");
    for page in ["/portal/invoices", "/portal/tickets", "/portal/messages", "/portal/account"] {
        let shown = send(&app, Method::GET, page, Some(&looking), None).await;
        assert!(shown.body.contains("<strong>Antoine</strong> · Vous voyez"), "{page}");
    }
    let portal_csrf = csrf_in(&portal.body);
    let act = send(
        &app,
        Method::POST,
        "/portal/tickets",
        Some(&looking),
        Some(&format!("csrf={portal_csrf}&category=wifi&subject=Test&body=x")),
    )
    .await;
    assert_eq!(act.status, StatusCode::FORBIDDEN, "looking is read-only");
    assert!(act.body.contains("<h1>Lecture seule</h1>"), "a page that says why");
    assert_eq!(
        send(&app, Method::GET, "/ops", Some(&staff_cookie), None).await.status,
        StatusCode::SEE_OTHER,
        "one session at a time"
    );

    let ended =
        send(&app, Method::POST, "/portal/impersonation/end", Some(&looking), Some(&format!("csrf={portal_csrf}")))
            .await;
    assert_eq!((ended.status, ended.location.as_str()), (StatusCode::SEE_OTHER, "/ops"));
    let back = ended.cookie.unwrap();
    assert_eq!(send(&app, Method::GET, "/ops", Some(&back), None).await.status, StatusCode::OK, "back in the ops app");
    assert_eq!(
        send(&app, Method::GET, "/portal", Some(&looking), None).await.status,
        StatusCode::SEE_OTHER,
        "the look is over"
    );

    let logged: Vec<String> = gigafibre_db::entities::audit_entry::Entity::find()
        .all(&db.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor_id == Some(member.id))
        .map(|e| e.action)
        .collect();
    assert_eq!(logged, ["impersonation_start", "impersonation_end"]);

    let customer = session::start_customer(&db.db, 2, start(), None).await.unwrap();
    let own =
        send(&app, Method::GET, "/portal", Some(&format!("gigafibre_session={}", customer.cookie_value)), None).await;
    assert!(!own.body.contains("Vous voyez le portail comme"), "a customer's own session shows no banner");
}

/// When the session a cookie names ends, read from the server.
async fn session_ends(db: &TestDatabase, cookie: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let value = cookie.strip_prefix("gigafibre_session=").unwrap();
    let row = gigafibre_db::entities::session::Entity::find_by_id(gigafibre::auth::secret::hash(value));
    row.one(&db.db).await.unwrap().map(|row| row.expires_at)
}

#[tokio::test]
async fn a_look_at_the_portal_never_lengthens_the_staff_session_it_hands_back() {
    let clock = ManualClock::at(start());
    let data =
        gigafibre::demo::generate(gigafibre::demo::Scale::Small, gigafibre::demo::DEFAULT_SEED, start().date_naive());
    let db = TestDatabase::with_demo(&data).await;
    let member = staff::add(&db.db, "agent@gigafibre.ca", "agent", None, start()).await.unwrap();
    let staff_session = session::start(&db.db, session::Owner::Staff(member.id), start(), None).await.unwrap();
    let staff_cookie = format!("gigafibre_session={}", staff_session.cookie_value);
    let signed_out_at = start() + Duration::hours(session::STAFF_SESSION_HOURS);
    let app = app(&db, &clock);

    // Half an hour before the end of the working day's session.
    clock.advance(Duration::hours(session::STAFF_SESSION_HOURS) - Duration::minutes(30));
    let csrf = csrf_in(&send(&app, Method::GET, "/ops", Some(&staff_cookie), None).await.body);
    let form = format!("csrf={csrf}&account=GF-100002");
    let looking = send(&app, Method::POST, "/ops/impersonate", Some(&staff_cookie), Some(&form)).await.cookie.unwrap();
    assert_eq!(session_ends(&db, &looking).await, Some(signed_out_at), "the look ends with the staff session");

    clock.advance(Duration::minutes(10));
    let portal_csrf = csrf_in(&send(&app, Method::GET, "/portal", Some(&looking), None).await.body);
    let end_form = format!("csrf={portal_csrf}");
    let ended = send(&app, Method::POST, "/portal/impersonation/end", Some(&looking), Some(&end_form)).await;
    assert_eq!((ended.status, ended.location.as_str()), (StatusCode::SEE_OTHER, "/ops"));
    let back = ended.cookie.unwrap();
    assert_eq!(session_ends(&db, &back).await, Some(signed_out_at), "handed back until it would have ended");
    clock.advance(Duration::minutes(21));
    assert_eq!(send(&app, Method::GET, "/ops", Some(&back), None).await.location, "/ops/sign-in");
}

#[tokio::test]
async fn a_link_only_opens_the_door_it_was_made_for() {
    let clock = ManualClock::at(start());
    let data =
        gigafibre::demo::generate(gigafibre::demo::Scale::Small, gigafibre::demo::DEFAULT_SEED, start().date_naive());
    let db = TestDatabase::with_demo(&data).await;
    staff::add(&db.db, "admin@gigafibre.ca", "admin", None, start()).await.unwrap();
    let staff_token = staff::mint_link(&db.db, "admin@gigafibre.ca", start()).await.unwrap();
    let app = app(&db, &clock);
    let at_portal = send(&app, Method::POST, "/portal/auth", None, Some(&format!("token={staff_token}"))).await;
    assert_eq!(at_portal.status, StatusCode::BAD_REQUEST, "a staff link does not open the portal");
    assert!(at_portal.cookie.is_none());

    let identifier = gigafibre::portal::identifier::Identifier::parse("GF-100002").unwrap();
    gigafibre::portal::links::request(&db.db, &identifier, gigafibre::i18n::Lang::Fr, None, start()).await.unwrap();
    let config = Config::load_from(None, &|_| None).unwrap();
    gigafibre::portal::links::answer_pending(&db.db, &config.public_url, start()).await.unwrap();
    let email = gigafibre_db::entities::outbox_message::Entity::find().one(&db.db).await.unwrap().unwrap();
    let customer_token = email.body_text.split("token=").nth(1).unwrap()[..64].to_owned();
    let at_ops = send(&app, Method::POST, "/ops/auth", None, Some(&format!("token={customer_token}"))).await;
    assert_eq!(at_ops.status, StatusCode::BAD_REQUEST, "a customer link does not open the ops app");
    assert!(at_ops.cookie.is_none());
}

#[tokio::test]
async fn a_look_at_the_portal_ends_when_the_member_is_deactivated() {
    let clock = ManualClock::at(start());
    let data =
        gigafibre::demo::generate(gigafibre::demo::Scale::Small, gigafibre::demo::DEFAULT_SEED, start().date_naive());
    let db = TestDatabase::with_demo(&data).await;
    let member = staff::add(&db.db, "temp@gigafibre.ca", "agent", None, start()).await.unwrap();
    let look =
        session::start(&db.db, session::Owner::Impersonation { customer_id: 2, staff_id: member.id }, start(), None)
            .await
            .unwrap();
    let app = app(&db, &clock);
    let cookie = format!("gigafibre_session={}", look.cookie_value);
    assert_eq!(send(&app, Method::GET, "/portal", Some(&cookie), None).await.status, StatusCode::OK);
    let inactive = if db.url().starts_with("postgres") { "FALSE" } else { "0" };
    sea_orm::ConnectionTrait::execute_unprepared(
        &db.db,
        &format!("UPDATE staff SET active = {inactive} WHERE id = {}", member.id),
    )
    .await
    .unwrap();
    assert_eq!(send(&app, Method::GET, "/portal", Some(&cookie), None).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let ops = super::Ops::new().await;
    let agent = ops.staff("agent").await;
    let sessions_of = |id: i64| {
        gigafibre_db::entities::session::Entity::find()
            .filter(gigafibre_db::entities::session::Column::StaffId.eq(id))
            .count(&ops.db.db)
    };
    assert_eq!(sessions_of(agent.id).await.unwrap(), 1);
    let forged = ops.htmx_post("/ops/sign-out", &super::Member { csrf: "forged".into(), ..agent.clone() }, &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no sign-out from another site");
    let out = ops.post("/ops/sign-out", &agent, &[]).await;
    assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/ops/sign-in"));
    assert_eq!(sessions_of(agent.id).await.unwrap(), 0);
    assert_eq!(ops.htmx_get("/ops", &agent).await.status, StatusCode::UNAUTHORIZED, "the old cookie is dead");
}

#[tokio::test]
async fn a_staff_link_posted_from_another_site_signs_no_one_in() {
    let ops = super::Ops::new().await;
    let token = staff::mint_link(&ops.db.db, "agent@gigafibre.demo", ops.clock.now()).await.unwrap();
    let body = format!("token={token}");
    let headers = [("content-type", "application/x-www-form-urlencoded"), ("origin", "https://evil.example")];
    let forged = ops.send(Method::POST, "/ops/auth", &headers, Some(body.clone())).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let ours = ops.send(Method::POST, "/ops/auth", &headers[..1], Some(body)).await;
    assert_eq!(ours.status, StatusCode::SEE_OTHER, "the link was not spent by the forged post");
}

#[tokio::test]
async fn deactivating_a_member_from_the_command_line_ends_their_sessions_and_links_at_once() {
    let ops = super::Ops::new().await;
    let agent = ops.staff("agent").await;
    let token = staff::mint_link(&ops.db.db, "agent@gigafibre.demo", ops.clock.now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let typo = gigafibre(&ops.db, dir.path(), &["staff", "deactivate", "nobody@gigafibre.demo"]);
    assert_eq!(typo.code, 1);
    assert!(typo.stderr.contains("no staff member has the e-mail nobody@gigafibre.demo"), "{}", typo.stderr);
    let done = gigafibre(&ops.db, dir.path(), &["staff", "deactivate", "Agent@Gigafibre.demo"]).success();
    assert!(done.stdout.contains("can no longer sign in"));
    assert_eq!(ops.htmx_get("/ops", &agent).await.status, StatusCode::UNAUTHORIZED, "the open session is gone");
    let late = ops
        .send(
            Method::POST,
            "/ops/auth",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(format!("token={token}")),
        )
        .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "the unused link is gone");
}
