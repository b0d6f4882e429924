//! Getting into the tech app: a link bound to a technician and a day or one
//! job, opened by a click (never by a visit), expiring, revocable,
//! rate-limited; the session it opens reaches `/j` and nothing else.

use axum::http::{Method, StatusCode, header};
use gigafibre::clock::Clock;
use gigafibre::tech::links::{self, IssueError, Request};
use gigafibre_db::entities::{audit_entry, dispatch_job, outbox_message, technician, technician_link};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{busy_technician, confirm, dispatcher, issue, open, token};
use crate::ops::Ops;

#[tokio::test]
async fn a_day_link_opens_that_days_jobs_only_on_the_click() {
    let ops = Ops::new().await;
    let (technician, jobs) = busy_technician(&ops).await;
    let issued = issue(&ops, technician, None).await;
    assert!(issued.url.starts_with("http://localhost:8080/j/auth?token="), "{}", issued.url);
    let stored = technician_link::Entity::find_by_id(issued.link.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_ne!(stored.token_hash, token(&issued), "only the token's hash is kept");

    // Scanners visit links: a GET or HEAD shows the button and changes nothing.
    let page = format!("/j/auth?token={}", token(&issued));
    for method in [Method::GET, Method::HEAD, Method::GET] {
        let answer = ops.send(method, &page, &[], None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.headers.get(header::SET_COOKIE).is_none(), "no session from a visit");
    }
    let phone = open(&ops, &issued).await;
    let today = phone.get(&ops, "/j").await;
    assert_eq!(today.status, StatusCode::OK);
    for job in &jobs {
        assert!(today.body.contains(&format!("id=\"job-{}\"", job.id)), "job {} is listed", job.id);
    }
    let later = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::TechnicianId.eq(technician))
        .filter(dispatch_job::Column::ScheduledStart.gt(gigafibre::tech::day::end_of_day(issued.link.day)))
        .one(&ops.db.db)
        .await
        .unwrap();
    if let Some(later) = later {
        assert!(!today.body.contains(&format!("id=\"job-{}\"", later.id)), "another day's job is not listed");
        assert_eq!(phone.get(&ops, &format!("/j/job/{}", later.id)).await.status, StatusCode::NOT_FOUND);
    }
    let again = confirm(&ops, &token(&issued)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a link works once");
    assert!(again.body.contains("déjà servi"), "{}", again.body);
}

#[tokio::test]
async fn a_one_job_link_opens_that_job_and_no_other() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let jobs = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::TechnicianId.eq(technician))
        .all(&ops.db.db)
        .await
        .unwrap();
    assert!(jobs.len() >= 2, "the busy technician has several jobs");
    let (chosen, other) = (&jobs[0], &jobs[1]);
    let issued = issue(&ops, technician, Some(chosen.id)).await;
    let answer = confirm(&ops, &token(&issued)).await;
    assert_eq!(answer.headers.get(header::LOCATION).unwrap(), &format!("/j/job/{}", chosen.id));
    let phone = open(&ops, &issue(&ops, technician, Some(chosen.id)).await).await;
    assert_eq!(phone.get(&ops, &format!("/j/job/{}", chosen.id)).await.status, StatusCode::OK);
    assert_eq!(phone.get(&ops, &format!("/j/job/{}", other.id)).await.status, StatusCode::NOT_FOUND);
    let today = phone.get(&ops, "/j").await;
    assert!(today.body.contains(&format!("id=\"job-{}\"", chosen.id)));
    assert!(!today.body.contains(&format!("id=\"job-{}\"", other.id)));

    let someone_elses = dispatch_job::Entity::find()
        .filter(dispatch_job::Column::TechnicianId.ne(technician))
        .filter(dispatch_job::Column::TechnicianId.is_not_null())
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let request = Request {
        technician_id: technician,
        job_id: Some(someone_elses.id),
        day: None,
        issued_by: &dispatcher(),
        send_sms: false,
    };
    let refused = links::issue(&ops.db.db, &url::Url::parse("http://x/").unwrap(), request, ops.clock.now()).await;
    assert!(matches!(refused, Err(IssueError::NotTheirJob(_))), "{refused:?}");
}

#[tokio::test]
async fn a_link_past_its_lifetime_is_refused() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let issued = issue(&ops, technician, None).await;
    ops.clock.advance(links::LINK_LIFETIME + chrono::Duration::seconds(1));
    let page = ops.get(&format!("/j/auth?token={}", token(&issued)), None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("a expiré"), "{}", page.body);
    let answer = confirm(&ops, &token(&issued)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_revoked_link_is_refused_and_revoking_an_opened_one_ends_its_session() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let dispatcher = ops.staff("dispatcher").await;
    let unopened = issue(&ops, technician, None).await;
    let path = format!("/ops/equipe/{technician}/liens/{}/revoquer", unopened.link.id);
    let answer = ops.post(&path, &dispatcher, &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let refused = confirm(&ops, &token(&unopened)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("annulé"), "{}", refused.body);

    let opened = issue(&ops, technician, None).await;
    let phone = open(&ops, &opened).await;
    let team_page = ops.get(&format!("/ops/equipe/{technician}"), Some(&dispatcher)).await;
    assert!(team_page.body.contains(&format!("/liens/{}/revoquer", opened.link.id)), "the opened link is listed");
    ops.post(&format!("/ops/equipe/{technician}/liens/{}/revoquer", opened.link.id), &dispatcher, &[]).await;
    let after = phone.get(&ops, "/j").await;
    assert_eq!((after.status, after.location()), (StatusCode::SEE_OTHER, "/j/sign-in"));
    let logged = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("technician_link_revoke"))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(logged, 2);
}

#[tokio::test]
async fn the_fourth_link_for_one_technician_in_15_minutes_is_refused() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let dispatcher = ops.staff("dispatcher").await;
    for _ in 0..3 {
        let made = ops.post(&format!("/ops/equipe/{technician}/liens"), &dispatcher, &[]).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert!(made.body.contains("/j/auth?token="), "the link is shown once");
    }
    let refused = ops.post(&format!("/ops/equipe/{technician}/liens"), &dispatcher, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Trop de liens"), "{}", refused.body);
    assert!(!refused.body.contains("/j/auth?token="));
    let request = Request {
        technician_id: technician,
        job_id: None,
        day: None,
        issued_by: &super::dispatcher(),
        send_sms: false,
    };
    let cli = links::issue(&ops.db.db, &url::Url::parse("http://x/").unwrap(), request, ops.clock.now()).await;
    assert!(matches!(cli, Err(IssueError::RateLimited(_))), "the limit holds whoever asks");
    ops.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(ops.post(&format!("/ops/equipe/{technician}/liens"), &dispatcher, &[]).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_dispatcher_texts_a_link_through_the_outbox() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let phone = technician::Entity::find_by_id(technician).one(&ops.db.db).await.unwrap().unwrap().phone.unwrap();
    let dispatcher = ops.staff("dispatcher").await;
    let made = ops.post(&format!("/ops/equipe/{technician}/liens"), &dispatcher, &[("send", "1")]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(made.body.contains("Le texto est en file"), "{}", made.body);
    let texted = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(phone.as_str()))
        .one(&ops.db.db)
        .await
        .unwrap()
        .expect("a text message to the technician");
    assert!(texted.body_text.contains("/j/auth?token="), "{}", texted.body_text);
}

#[tokio::test]
async fn a_technician_session_reaches_neither_the_ops_app_nor_the_portal() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    for (path, to) in [("/ops", "/ops/sign-in"), ("/ops/equipe", "/ops/sign-in"), ("/portal", "/portal/sign-in")] {
        let answer = phone.get(&ops, path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert!(answer.location().starts_with(to), "{path} → {}", answer.location());
    }
    let anonymous = ops.get("/j", None).await;
    assert_eq!((anonymous.status, anonymous.location()), (StatusCode::SEE_OTHER, "/j/sign-in"));
    let customer = gigafibre::auth::session::start_customer(&ops.db.db, 1, ops.clock.now(), None).await.unwrap();
    let cookie = format!("gigafibre_session={}", customer.cookie_value);
    let as_customer = ops.send(Method::GET, "/j", &[("cookie", cookie.as_str())], None).await;
    assert_eq!(as_customer.location(), "/j/sign-in", "a customer session is no technician's");
    let signed_out = phone.post(&ops, "/j/sign-out", &[]).await;
    assert_eq!(signed_out.location(), "/j/sign-in");
    assert_eq!(phone.get(&ops, "/j").await.location(), "/j/sign-in", "signing out ends the session on the server");
}
