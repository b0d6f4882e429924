//! Drops on the board: each hard rule refuses with its reason and changes
//! nothing; a good drop, a move and an unassign are saved; a drop made on a
//! stale board is refused.

use axum::http::StatusCode;
use sea_orm::{EntityTrait, QueryFilter};

use super::{NewJob, Scene, at, json};

/// Nothing about the job moved.
async fn unchanged(scene: &Scene, id: i64, before: &gigafibre_db::entities::dispatch_job::Model) {
    assert_eq!(&scene.stored(id).await, before, "a refused drop changes nothing");
}

#[tokio::test]
async fn a_drop_on_a_qualified_technician_inside_window_and_shift_is_saved() {
    let scene = Scene::new().await;
    let job = scene.job(NewJob::default()).await;
    let answer = scene.drop(&scene.dispatcher, job, 0, Some(scene.qualified), "09:00").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(json(&answer)["version"], 1);
    let saved = scene.stored(job).await;
    assert_eq!(saved.technician_id, Some(scene.qualified));
    assert_eq!(saved.scheduled_start, Some(at(9, 0)));
    assert_eq!(saved.scheduled_end, Some(at(10, 0)));
    assert_eq!(saved.status, "scheduled");
    assert_eq!(saved.version, 1);
    let board = scene.ops.get("/ops/dispatch?day=2026-12-15", Some(&scene.dispatcher)).await;
    assert!(board.body.contains(&format!("data-job=\"{job}\" data-version=\"1\"")), "the board shows it saved");
}

#[tokio::test]
async fn a_technician_without_the_skill_or_below_the_level_is_refused() {
    let scene = Scene::new().await;
    let job = scene.job(NewJob::default()).await;
    let before = scene.stored(job).await;
    let answer = scene.drop(&scene.dispatcher, job, 0, Some(scene.unqualified), "09:00").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = json(&answer)["reason"].as_str().unwrap().to_owned();
    assert!(reason.contains("n'a pas la compétence") && reason.contains(&scene.skill.name_fr), "{reason}");
    unchanged(&scene, job, &before).await;

    let expert = scene.job(NewJob { level: 4, ..NewJob::default() }).await;
    let before = scene.stored(expert).await;
    let answer = scene.drop(&scene.dispatcher, expert, 0, Some(scene.qualified), "09:00").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&answer)["reason"].as_str().unwrap().contains("niveau 4"));
    unchanged(&scene, expert, &before).await;
}

#[tokio::test]
async fn a_drop_outside_the_technicians_shift_is_refused() {
    let scene = Scene::new().await;
    let job = scene.job(NewJob { window: None, ..NewJob::default() }).await;
    let before = scene.stored(job).await;
    for start in ["07:30", "16:00"] {
        let answer = scene.drop(&scene.dispatcher, job, 0, Some(scene.qualified), start).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{start}");
        assert!(json(&answer)["reason"].as_str().unwrap().contains("quart de travail"));
    }
    unchanged(&scene, job, &before).await;
}

#[tokio::test]
async fn a_drop_over_another_job_of_the_technician_is_refused() {
    let scene = Scene::new().await;
    let there = scene.job(NewJob { placed: Some((scene.qualified, 9 * 60)), ..NewJob::default() }).await;
    let job = scene.job(NewJob::default()).await;
    let before = scene.stored(job).await;
    let answer = scene.drop(&scene.dispatcher, job, 0, Some(scene.qualified), "09:30").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&answer)["reason"].as_str().unwrap().contains(&format!("n° {there}")));
    unchanged(&scene, job, &before).await;
    let touching = scene.drop(&scene.dispatcher, job, 0, Some(scene.qualified), "10:00").await;
    assert_eq!(touching.status, StatusCode::OK, "right after the other job is fine");
}

#[tokio::test]
async fn a_job_without_duration_cannot_exist_and_a_start_outside_the_window_is_refused() {
    let scene = Scene::new().await;
    // The schema refuses a job without duration, so no drop can meet one;
    // the board's rule (unit-tested in `planning::rules`) is the second guard.
    let job = scene.job(NewJob::default()).await;
    let zero = gigafibre_db::entities::dispatch_job::Entity::update_many()
        .col_expr(gigafibre_db::entities::dispatch_job::Column::DurationMinutes, sea_orm::sea_query::Expr::value(0))
        .filter(sea_orm::ColumnTrait::eq(&gigafibre_db::entities::dispatch_job::Column::Id, job))
        .exec(&scene.ops.db.db)
        .await;
    assert!(zero.is_err(), "a job of zero minutes is refused by the database");

    let morning = scene.job(NewJob::default()).await;
    let before = scene.stored(morning).await;
    let answer = scene.drop(&scene.dispatcher, morning, 0, Some(scene.qualified), "13:00").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&answer)["reason"].as_str().unwrap().contains("plage horaire"));
    unchanged(&scene, morning, &before).await;
}

#[tokio::test]
async fn a_drop_sent_with_an_old_version_is_refused_as_stale() {
    let scene = Scene::new().await;
    let other = scene.ops.staff("admin").await;
    let job = scene.job(NewJob::default()).await;
    let first = scene.drop(&other, job, 0, Some(scene.qualified), "08:00").await;
    assert_eq!(first.status, StatusCode::OK);
    let saved = scene.stored(job).await;
    // The dispatcher's board still says version 0.
    let stale = scene.drop(&scene.dispatcher, job, 0, Some(scene.qualified), "10:00").await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(json(&stale)["stale"], true);
    assert!(json(&stale)["reason"].as_str().unwrap().contains("modifié ce travail entre-temps"));
    assert_eq!(scene.stored(job).await, saved, "the other dispatcher's drop stands");
}

#[tokio::test]
async fn a_job_moved_back_to_the_waiting_column_is_unassigned() {
    let scene = Scene::new().await;
    let job = scene.job(NewJob { placed: Some((scene.qualified, 9 * 60)), ..NewJob::default() }).await;
    let answer = scene.drop(&scene.dispatcher, job, 0, None, "").await;
    assert_eq!(answer.status, StatusCode::OK);
    let saved = scene.stored(job).await;
    assert_eq!((saved.technician_id, saved.scheduled_start, saved.status.as_str()), (None, None, "unscheduled"));
    let board = scene.ops.get("/ops/dispatch?day=2026-12-15", Some(&scene.dispatcher)).await;
    let waiting = &board.body[board.body.find("class=\"waiting-list\"").unwrap()..];
    assert!(waiting.contains(&format!("data-job=\"{job}\"")), "back among the jobs waiting");
}

#[tokio::test]
async fn the_keyboard_form_says_why_a_place_is_refused_and_saves_a_good_one() {
    let scene = Scene::new().await;
    let job = scene.job(NewJob::default()).await;
    let page = scene.ops.get(&format!("/ops/dispatch/jobs/{job}/place?day=2026-12-15"), Some(&scene.dispatcher)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aaron Sans-compétence — sans la compétence"));
    let form = |technician: i64| {
        vec![
            ("version", "0".to_owned()),
            ("technician", technician.to_string()),
            ("day", "2026-12-15".to_owned()),
            ("start", "09:00".to_owned()),
            ("back", "day=2026-12-15".to_owned()),
        ]
    };
    let path = format!("/ops/dispatch/jobs/{job}/place");
    let refused = form(scene.unqualified);
    let refused: Vec<(&str, &str)> = refused.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = scene.ops.post(&path, &scene.dispatcher, &refused).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("role=\"alert\"") && answer.body.contains("pas la compétence"), "{}", answer.body);
    assert_eq!(scene.stored(job).await.technician_id, None);
    let good = form(scene.qualified);
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = scene.ops.post(&path, &scene.dispatcher, &good).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/ops/dispatch?day=2026-12-15");
    assert_eq!(scene.stored(job).await.technician_id, Some(scene.qualified));
}

#[tokio::test]
async fn a_drop_without_the_forms_token_is_refused() {
    let scene = Scene::new().await;
    let job = scene.job(NewJob::default()).await;
    let mut forged = scene.dispatcher.clone();
    forged.csrf = "forged".into();
    let answer = scene.drop(&forged, job, 0, Some(scene.qualified), "09:00").await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(scene.stored(job).await.technician_id, None);
}
