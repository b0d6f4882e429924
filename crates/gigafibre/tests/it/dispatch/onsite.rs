//! What a technician records at the visit, through the API the job page
//! (and later its offline queue) calls: checklist ticks, photos and the
//! customer's signature. Each is done once however often it is sent, stays
//! within the technician's link, refuses what is not an image, and a job
//! whose type wants a signature is not completed without one.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use gigafibre::clock::Clock;
use gigafibre_db::entities::{
    audit_entry, dispatch_job, job_checklist_item, job_photo, job_signature, technician_link,
};
use http_body_util::BodyExt;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::ops::{Answer, Ops};
use crate::tech::{busy_technician, issue, open, todays_jobs};

/// A 60 × 30 white PNG.
pub const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAADwAAAAeCAIAAAD/+uoYAAAAMElEQVR42u3OMQ0AAAwDoPo33arYsQQUkD4UaWlpaWlpaWlpaWlpaWlpaWlpaekrA/bsBCRjx6mmAAAAAElFTkSuQmCC";

pub fn png_bytes() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(PNG).unwrap()
}

/// One request with raw bytes, as the phone sends it; `cookie` may be empty.
pub async fn send(ops: &Ops, cookie: &str, (method, uri): (Method, &str), key: &str, body: (&str, Vec<u8>)) -> Answer {
    let mut request = Request::builder().method(method).uri(uri).header("content-type", body.0);
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    if !key.is_empty() {
        request = request.header("idempotency-key", key);
    }
    let response = ops.app.clone().oneshot(request.body(Body::from(body.1)).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

pub async fn json_call(ops: &Ops, cookie: &str, (method, uri): (Method, &str), key: &str, body: Value) -> Answer {
    send(ops, cookie, (method, uri), key, ("application/json", body.to_string().into_bytes())).await
}

fn problem_type(answer: &Answer) -> String {
    assert_eq!(answer.headers["content-type"], "application/problem+json", "{}", answer.body);
    let problem: Value = serde_json::from_str(&answer.body).unwrap();
    problem["type"].as_str().unwrap().trim_start_matches("/api/v1/problems/").to_owned()
}

/// Records a signature for the job as the technician's phone does.
pub async fn sign(ops: &Ops, cookie: &str, job_id: i64, key: &str) -> Answer {
    let body = json!({ "signer_name": "Marie Tremblay", "png_base64": format!("data:image/png;base64,{PNG}") });
    json_call(ops, cookie, (Method::POST, &format!("/api/v1/jobs/{job_id}/signature")), key, body).await
}

/// The job, made a job of `kind`.
async fn made_of(ops: &Ops, job: &dispatch_job::Model, kind: &str) -> dispatch_job::Model {
    let mut job: dispatch_job::ActiveModel = job.clone().into();
    job.job_type = Set(kind.to_owned());
    job.update(&ops.db.db).await.unwrap()
}

/// A second job today for the technician: another's, given to them.
async fn second_job(ops: &Ops, technician_id: i64) -> dispatch_job::Model {
    let other = todays_jobs(ops).await.into_iter().find(|j| j.technician_id != Some(technician_id)).unwrap();
    let mut job: dispatch_job::ActiveModel = other.into();
    job.technician_id = Set(Some(technician_id));
    job.update(&ops.db.db).await.unwrap()
}

/// A technician signed in for their day, and their first job made of `kind`.
async fn technician_on(ops: &Ops, kind: &str) -> (String, dispatch_job::Model) {
    let (technician, jobs) = busy_technician(ops).await;
    let job = made_of(ops, &jobs[0], kind).await;
    let phone = open(ops, &issue(ops, technician, None).await).await;
    (phone.cookie, job)
}

async fn count_audit(ops: &Ops) -> u64 {
    audit_entry::Entity::find().count(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn a_tick_is_kept_once_however_often_the_phone_sends_it() {
    let ops = Ops::new().await;
    let (phone, job) = technician_on(&ops, "installation").await;
    let uri = format!("/api/v1/jobs/{}/checklist/1", job.id);

    let first = json_call(&ops, &phone, (Method::PUT, &uri), "tick-1", json!({ "checked": true })).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let answer: Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(answer["text"], "Installer et activer le terminal optique");
    let audit = count_audit(&ops).await;
    let again = json_call(&ops, &phone, (Method::PUT, &uri), "tick-1", json!({ "checked": true })).await;
    assert_eq!((again.status, again.body.as_str()), (StatusCode::OK, first.body.as_str()));
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(count_audit(&ops).await, audit, "nothing done twice");

    let untick = json_call(&ops, &phone, (Method::PUT, &uri), "tick-2", json!({ "checked": false })).await;
    assert_eq!(untick.status, StatusCode::OK);
    let rows =
        job_checklist_item::Entity::find().filter(job_checklist_item::Column::JobId.eq(job.id)).all(&ops.db.db).await;
    let rows = rows.unwrap();
    assert_eq!(rows.len(), 1, "one row a line");
    assert!(!rows[0].checked);

    let beyond = format!("/api/v1/jobs/{}/checklist/9", job.id);
    let refused = json_call(&ops, &phone, (Method::PUT, &beyond), "tick-3", json!({ "checked": true })).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_type(&refused), "unknown-checklist-item");

    // Staff whose role does not manage jobs, and a page of another site, change nothing.
    let agent = ops.staff("agent").await;
    let as_agent = json_call(&ops, &agent.cookie, (Method::PUT, &uri), "tick-4", json!({ "checked": true })).await;
    assert_eq!((as_agent.status, problem_type(&as_agent).as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let request = Request::builder().method(Method::PUT).uri(&uri).header("cookie", &phone);
    let request = request.header("origin", "https://evil.example").header("idempotency-key", "tick-5");
    let request = request.header("content-type", "application/json").body(Body::from(r#"{"checked":true}"#));
    let cross_site = ops.app.clone().oneshot(request.unwrap()).await.unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let row = job_checklist_item::Entity::find().filter(job_checklist_item::Column::JobId.eq(job.id)).one(&ops.db.db);
    assert!(!row.await.unwrap().unwrap().checked, "still unticked");
}

#[tokio::test]
async fn another_technicians_job_and_another_job_of_a_one_job_link_are_not_found() {
    let ops = Ops::new().await;
    let (phone, job) = technician_on(&ops, "repair").await;
    let theirs = todays_jobs(&ops).await.into_iter().find(|j| j.technician_id != job.technician_id).unwrap();
    let uri = format!("/api/v1/jobs/{}/checklist/0", theirs.id);
    let answer = json_call(&ops, &phone, (Method::PUT, &uri), "k1", json!({ "checked": true })).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let photos = format!("/api/v1/jobs/{}/photos", theirs.id);
    let photo = send(&ops, &phone, (Method::POST, &photos), "k2", ("image/png", png_bytes())).await;
    assert_eq!(photo.status, StatusCode::NOT_FOUND);

    let (technician, jobs) = busy_technician(&ops).await;
    let one_job = open(&ops, &issue(&ops, technician, Some(jobs[0].id)).await).await;
    let other = second_job(&ops, technician).await;
    let uri = format!("/api/v1/jobs/{}/checklist/0", other.id);
    let answer = json_call(&ops, &one_job.cookie, (Method::PUT, &uri), "k3", json!({ "checked": true })).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    // Revoking the link ends what the phone can do.
    let mut links = technician_link::Entity::find().filter(technician_link::Column::TechnicianId.eq(technician));
    links = links.filter(technician_link::Column::RevokedAt.is_null());
    for link in links.all(&ops.db.db).await.unwrap() {
        let mut link: technician_link::ActiveModel = link.into();
        link.revoked_at = Set(Some(ops.clock.now()));
        link.update(&ops.db.db).await.unwrap();
    }
    let uri = format!("/api/v1/jobs/{}/checklist/0", jobs[0].id);
    let answer = json_call(&ops, &one_job.cookie, (Method::PUT, &uri), "k4", json!({ "checked": true })).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count_rows(&ops).await, (0, 0, 0), "nothing was recorded");
}

async fn count_rows(ops: &Ops) -> (u64, u64, u64) {
    let ticks = job_checklist_item::Entity::find().count(&ops.db.db).await.unwrap();
    let photos = job_photo::Entity::find().count(&ops.db.db).await.unwrap();
    let signatures = job_signature::Entity::find().count(&ops.db.db).await.unwrap();
    (ticks, photos, signatures)
}

#[tokio::test]
async fn a_photo_is_kept_once_and_read_back_by_staff_and_its_technician_only() {
    let ops = Ops::new().await;
    let (phone, job) = technician_on(&ops, "site_survey").await;
    let uri = format!("/api/v1/jobs/{}/photos", job.id);

    let first = send(&ops, &phone, (Method::POST, &uri), "photo-1", ("image/png", png_bytes())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = send(&ops, &phone, (Method::POST, &uri), "photo-1", ("image/png", png_bytes())).await;
    assert_eq!((again.status, again.body.as_str()), (StatusCode::CREATED, first.body.as_str()));
    assert_eq!(count_rows(&ops).await.1, 1, "one photo");
    let url = serde_json::from_str::<Value>(&first.body).unwrap()["url"].as_str().unwrap().to_owned();

    let mine = send(&ops, &phone, (Method::GET, &url), "", ("", Vec::new())).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.headers["content-type"], "image/png");
    assert!(mine.headers["content-security-policy"].to_str().unwrap().contains("sandbox"));
    let agent = ops.staff("agent").await;
    assert_eq!(send(&ops, &agent.cookie, (Method::GET, &url), "", ("", Vec::new())).await.status, StatusCode::OK);
    assert_eq!(send(&ops, "", (Method::GET, &url), "", ("", Vec::new())).await.status, StatusCode::UNAUTHORIZED);
    let theirs = todays_jobs(&ops).await.into_iter().find(|j| j.technician_id != job.technician_id).unwrap();
    let stranger = open(&ops, &issue(&ops, theirs.technician_id.unwrap(), None).await).await;
    let peek = send(&ops, &stranger.cookie, (Method::GET, &url), "", ("", Vec::new())).await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND, "another technician does not see it");
    let wrong_job = url.replace(&format!("/jobs/{}/", job.id), &format!("/jobs/{}/", theirs.id));
    let peek = send(&ops, &agent.cookie, (Method::GET, &wrong_job), "", ("", Vec::new())).await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND, "a photo belongs to its job");
}

#[tokio::test]
async fn what_is_not_a_photo_or_is_too_large_is_refused_and_nothing_is_kept() {
    let ops = Ops::new().await;
    let (phone, job) = technician_on(&ops, "site_survey").await;
    let uri = format!("/api/v1/jobs/{}/photos", job.id);

    let script = send(&ops, &phone, (Method::POST, &uri), "p1", ("image/png", b"<svg onload=alert(1)>".to_vec())).await;
    assert_eq!(script.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(problem_type(&script), "unsupported-image");
    let renamed = send(&ops, &phone, (Method::POST, &uri), "p2", ("image/jpeg", png_bytes())).await;
    assert_eq!(renamed.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "a PNG sent as a JPEG");
    let gif = send(&ops, &phone, (Method::POST, &uri), "p3", ("image/gif", b"GIF89a\x01\x00\x01\x00".to_vec())).await;
    assert_eq!(gif.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut huge = png_bytes();
    huge.resize(8 * 1024 * 1024 + 1, 0);
    let large = send(&ops, &phone, (Method::POST, &uri), "p4", ("image/png", huge)).await;
    assert_eq!(large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem_type(&large), "image-too-large");
    let english = {
        let request = Request::builder().method(Method::POST).uri(&uri).header("cookie", &phone);
        let request = request.header("idempotency-key", "p5").header("content-type", "text/plain");
        let request = request.header("accept-language", "en").body(Body::from("hello")).unwrap();
        let response = ops.app.clone().oneshot(request).await.unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    assert_eq!(english["detail"], "Only JPEG, PNG or WebP photos are accepted, and the file must really be one.");
    let no_key = send(&ops, &phone, (Method::POST, &uri), "", ("image/png", png_bytes())).await;
    assert_eq!(no_key.status, StatusCode::BAD_REQUEST);
    assert_eq!(count_rows(&ops).await, (0, 0, 0));
}

#[tokio::test]
async fn a_job_that_wants_a_signature_is_completed_only_once_signed() {
    let ops = Ops::new().await;
    let (phone, job) = technician_on(&ops, "installation").await;
    let dispatcher = ops.staff("dispatcher").await;
    let completion = format!("/api/v1/jobs/{}/completion", job.id);
    let body = json!({ "note": "Installation terminée." });

    let refused = json_call(&ops, &dispatcher.cookie, (Method::POST, &completion), "c1", body.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(problem_type(&refused), "signature-required");
    assert!(refused.body.contains("exige la signature du client"));
    let unchanged = dispatch_job::Entity::find_by_id(job.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(unchanged, job, "nothing changed");

    let sign_uri = format!("/api/v1/jobs/{}/signature", job.id);
    let nameless = json!({ "signer_name": " ", "png_base64": PNG });
    let answer = json_call(&ops, &phone, (Method::POST, &sign_uri), "s0", nameless).await;
    assert_eq!(
        (answer.status, problem_type(&answer).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "signer-name-required")
    );
    let scribble = json!({ "signer_name": "Marie", "png_base64": "bm90IGFuIGltYWdl" });
    let answer = json_call(&ops, &phone, (Method::POST, &sign_uri), "s1", scribble).await;
    assert_eq!((answer.status, problem_type(&answer).as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "bad-signature"));
    let signed = sign(&ops, &phone, job.id, "s2").await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert_eq!(sign(&ops, &phone, job.id, "s2").await.body, signed.body, "a replay");
    let image = send(&ops, &dispatcher.cookie, (Method::GET, &sign_uri), "", ("", Vec::new())).await;
    assert_eq!((image.status, &image.headers["content-type"]), (StatusCode::OK, &"image/png".parse().unwrap()));

    let done = json_call(&ops, &dispatcher.cookie, (Method::POST, &completion), "c2", body).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // The visit is over: its records no longer change.
    let uri = format!("/api/v1/jobs/{}/checklist/0", job.id);
    let late = json_call(&ops, &phone, (Method::PUT, &uri), "late", json!({ "checked": true })).await;
    assert_eq!((late.status, problem_type(&late).as_str()), (StatusCode::CONFLICT, "job-closed"));
    assert_eq!(count_rows(&ops).await, (0, 0, 1));
}

#[tokio::test]
async fn the_job_pages_show_the_checklist_the_photos_and_the_signature() {
    let ops = Ops::new().await;
    let (phone, job) = technician_on(&ops, "installation").await;
    let page = send(&ops, &phone, (Method::GET, &format!("/j/job/{}", job.id)), "", ("", Vec::new())).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Raccorder la fibre") && page.body.contains("data-checklist=\"3\""));
    assert!(page.body.contains("capture=\"environment\""), "the camera opens from the page");
    assert!(page.body.contains("data-pad") && page.body.contains("exige la signature du client"));

    let tick = format!("/api/v1/jobs/{}/checklist/0", job.id);
    json_call(&ops, &phone, (Method::PUT, &tick), "t", json!({ "checked": true })).await;
    send(&ops, &phone, (Method::POST, &format!("/api/v1/jobs/{}/photos", job.id)), "p", ("image/png", png_bytes()))
        .await;
    sign(&ops, &phone, job.id, "s").await;
    let page = send(&ops, &phone, (Method::GET, &format!("/j/job/{}", job.id)), "", ("", Vec::new())).await;
    assert!(page.body.contains("data-checklist=\"0\" checked"), "the tick is shown");
    assert!(page.body.contains(&format!("/api/v1/jobs/{}/photos/", job.id)));

    let agent = ops.staff("agent").await;
    let ops_page = ops.get(&format!("/ops/jobs/{}", job.id), Some(&agent)).await;
    assert_eq!(ops_page.status, StatusCode::OK);
    assert!(ops_page.body.contains("class=\"check-done\""), "{}", ops_page.body);
    assert!(ops_page.body.contains(&format!("src=\"/api/v1/jobs/{}/photos/", job.id)));
    assert!(ops_page.body.contains(&format!("src=\"/api/v1/jobs/{}/signature\"", job.id)));
    assert!(ops_page.body.contains("Marie Tremblay"));

    let next = second_job(&ops, job.technician_id.unwrap()).await;
    let repair = made_of(&ops, &next, "repair").await;
    let page = send(&ops, &phone, (Method::GET, &format!("/j/job/{}", repair.id)), "", ("", Vec::new())).await;
    assert!(page.body.contains("Mesurer le signal optique"));
    assert!(!page.body.contains("data-pad"), "no pad where no signature is wanted");
}
