//! Two dispatchers at once: the change feed answers "nothing new" while the
//! day is as drawn, and the fresh board once someone else moved a job.

use axum::http::StatusCode;

use super::{NewJob, Scene};

fn digest(page: &str) -> String {
    let marker = "data-digest=\"";
    let start = page.find(marker).expect("the board carries its digest") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_change_feed_shows_another_dispatchers_drop() {
    let scene = Scene::new().await;
    let other = scene.ops.staff("admin").await;
    let job = scene.job(NewJob::default()).await;
    let board = scene.ops.get("/ops/dispatch?day=2026-12-15", Some(&scene.dispatcher)).await;
    let seen = digest(&board.body);
    let feed = |digest: &str| format!("/ops/dispatch/changes?day=2026-12-15&digest={digest}");

    let quiet = scene.ops.get(&feed(&seen), Some(&scene.dispatcher)).await;
    assert_eq!(quiet.status, StatusCode::NO_CONTENT, "nothing changed yet");

    let moved = scene.drop(&other, job, 0, Some(scene.qualified), "09:00").await;
    assert_eq!(moved.status, StatusCode::OK);
    let news = scene.ops.get(&feed(&seen), Some(&scene.dispatcher)).await;
    assert_eq!(news.status, StatusCode::OK);
    let row = &news.body[news.body.find(&format!("class=\"lane\" data-technician=\"{}\"", scene.qualified)).unwrap()..];
    let row = &row[..row.find("</div>\n      </div>").unwrap_or(row.len())];
    assert!(row.contains(&format!("data-job=\"{job}\" data-version=\"1\"")), "the job is on the technician's row");
    assert_ne!(digest(&news.body), seen);
    let after = scene.ops.get(&feed(&digest(&news.body)), Some(&scene.dispatcher)).await;
    assert_eq!(after.status, StatusCode::NO_CONTENT);
}
