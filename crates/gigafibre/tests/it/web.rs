//! The server skeleton over HTTP, on the real router.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::web::{AppState, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(db: &TestDatabase, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let config = Config::load_from(None, &|_| None).unwrap();
    let clock = Arc::new(gigafibre::clock::SystemClock);
    let app = router(AppState { db: db.db.clone(), config: Arc::new(config), clock });
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

#[tokio::test]
async fn health_and_readiness() {
    let db = TestDatabase::new().await;
    let live = get(&db, "/healthz", &[]).await;
    assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok"));
    let ready = get(&db, "/readyz", &[]).await;
    assert_eq!((ready.status, ready.body.as_str()), (StatusCode::OK, "ready"));
    assert!(ready.headers.contains_key("x-request-id"), "each answer carries its request id");
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let db = TestDatabase::new().await;
    db.db.clone().close().await.unwrap();
    let ready = get(&db, "/readyz", &[]).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_home_page_speaks_french_first_then_the_reader_s_language() {
    let db = TestDatabase::new().await;
    let french = get(&db, "/", &[]).await;
    assert_eq!(french.status, StatusCode::OK);
    assert!(french.body.contains("<html lang=\"fr\">"));
    assert!(french.body.contains("La base de données est vide"), "an empty database says how to fill it");

    let english = get(&db, "/", &[("accept-language", "en-CA,en;q=0.9")]).await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.body.contains("Customers"));

    let chosen = get(&db, "/", &[("accept-language", "en-CA"), ("cookie", "lang=fr")]).await;
    assert!(chosen.body.contains("<html lang=\"fr\">"), "the switch wins over the browser");
}

#[tokio::test]
async fn the_language_switch_remembers_and_only_returns_to_local_pages() {
    let db = TestDatabase::new().await;
    let switched = get(&db, "/lang/en?next=/healthz", &[]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.headers[header::LOCATION], "/healthz");
    let cookie = switched.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    let away = get(&db, "/lang/en?next=//evil.example/phish", &[]).await;
    assert_eq!(away.headers[header::LOCATION], "/");
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page_in_the_reader_s_language() {
    let db = TestDatabase::new().await;
    let french = get(&db, "/nulle-part", &[]).await;
    assert_eq!(french.status, StatusCode::NOT_FOUND);
    assert!(french.body.contains("Page introuvable"));
    let english = get(&db, "/nowhere", &[("cookie", "lang=en")]).await;
    assert!(english.body.contains("Page not found"));
}

#[tokio::test]
async fn static_assets_and_metrics_are_served() {
    let db = TestDatabase::new().await;
    let css = get(&db, "/static/app.css", &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css");
    assert_eq!(get(&db, "/static/missing.js", &[]).await.status, StatusCode::NOT_FOUND);

    get(&db, "/healthz", &[]).await;
    let metrics = get(&db, "/metrics", &[]).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.body.contains("http_requests_total"), "{}", metrics.body);
    assert!(metrics.body.contains("route=\"/healthz\""), "labelled by route");
}
