//! "Plan this day": the proposal keeps every rule, says why a job could not
//! be placed, leaves pinned jobs where they are, and accepting applies only
//! what has not changed since.

use axum::http::StatusCode;
use gigafibre::dispatch::planning::day;
use gigafibre::dispatch::planning::rules;
use gigafibre_db::entities::{dispatch_proposal_line, technician};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{NewJob, Scene, at, day as test_day};

/// Makes a proposal for the test day; its id.
async fn propose(scene: &Scene) -> i64 {
    let answer = scene.ops.post("/ops/dispatch/plan", &scene.dispatcher, &[("day", "2026-12-15")]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.location().to_owned();
    assert!(location.starts_with("/ops/dispatch?day=2026-12-15&proposal="), "{location}");
    location.rsplit('=').next().unwrap().parse().unwrap()
}

async fn lines(scene: &Scene, proposal: i64) -> Vec<dispatch_proposal_line::Model> {
    dispatch_proposal_line::Entity::find()
        .filter(dispatch_proposal_line::Column::ProposalId.eq(proposal))
        .all(&scene.ops.db.db)
        .await
        .unwrap()
}

/// Every job on the day keeps the rules beside the others.
async fn assert_day_keeps_the_rules(scene: &Scene) {
    let board = day::load(&scene.ops.db.db, test_day()).await.unwrap();
    for job in board.jobs.iter().filter(|j| j.model.technician_id.is_some()) {
        let tech = board.technician(job.model.technician_id.unwrap()).unwrap();
        let start = job.model.scheduled_start.unwrap();
        let facts = job.facts();
        let others = board.occupied(tech.model.id);
        assert!(
            rules::check_place(&facts, &tech.facts(test_day()), start, &others).is_ok(),
            "job {} on {} at {start}",
            job.model.id,
            tech.model.name
        );
    }
}

#[tokio::test]
async fn the_proposal_keeps_the_rules_says_why_and_accepting_applies_it() {
    let scene = Scene::new().await;
    let pinned =
        scene.job(NewJob { placed: Some((scene.qualified, 10 * 60)), locked: true, ..NewJob::default() }).await;
    let morning = scene.job(NewJob::default()).await;
    let afternoon = scene.job(NewJob { window: Some((12, 17)), ..NewJob::default() }).await;
    let nobody = scene.job(NewJob { level: 5, ..NewJob::default() }).await;
    // Everyone else with the skill stops taking work: only ours can do it.
    let others: Vec<i64> =
        technician::Entity::find().all(&scene.ops.db.db).await.unwrap().iter().map(|t| t.id).collect();
    for id in others.into_iter().filter(|id| *id != scene.qualified && *id != scene.unqualified) {
        technician::Entity::update_many()
            .col_expr(technician::Column::Active, sea_orm::sea_query::Expr::value(false))
            .filter(technician::Column::Id.eq(id))
            .exec(&scene.ops.db.db)
            .await
            .unwrap();
    }
    let pinned_before = scene.stored(pinned).await;

    let proposal = propose(&scene).await;
    let found = lines(&scene, proposal).await;
    let line = |id: i64| found.iter().find(|l| l.job_id == id).unwrap_or_else(|| panic!("job {id} in the proposal"));
    assert!(found.iter().all(|l| l.job_id != pinned), "the pinned job is not the plan's to move");
    assert_eq!(line(nobody).unplaced.as_deref(), Some("no_skill"));
    for id in [morning, afternoon] {
        assert_eq!(line(id).technician_id, Some(scene.qualified), "only our technician qualifies");
    }
    assert!(line(morning).scheduled_start.unwrap() >= at(8, 0) && line(morning).scheduled_start.unwrap() <= at(12, 0));
    assert!(line(afternoon).scheduled_start.unwrap() >= at(12, 0));

    let page =
        scene.ops.get(&format!("/ops/dispatch?day=2026-12-15&proposal={proposal}"), Some(&scene.dispatcher)).await;
    assert!(page.body.contains("Plan proposé"));
    assert!(page.body.contains("a la compétence au niveau demandé."));
    assert!(page.body.contains("class=\"job proposed\""), "the proposal is drawn on the board");

    let accepted =
        scene.ops.post(&format!("/ops/dispatch/proposals/{proposal}/accept"), &scene.dispatcher, &[("all", "1")]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert!(accepted.location().contains("applied=2&stale=0&refused=0"), "{}", accepted.location());
    for id in [morning, afternoon] {
        let saved = scene.stored(id).await;
        assert_eq!((saved.technician_id, saved.status.as_str()), (Some(scene.qualified), "scheduled"));
        assert_eq!(saved.scheduled_start, line(id).scheduled_start);
    }
    assert_eq!(scene.stored(pinned).await, pinned_before, "the pinned job stays where the dispatcher put it");
    assert_eq!(scene.stored(nobody).await.technician_id, None);
    assert_day_keeps_the_rules(&scene).await;
    let after = scene.ops.get(accepted.location(), Some(&scene.dispatcher)).await;
    assert!(after.body.contains("2 travaux placés selon le plan."));
}

#[tokio::test]
async fn accepting_part_of_a_proposal_leaves_jobs_changed_since_as_they_are() {
    let scene = Scene::new().await;
    let first = scene.job(NewJob::default()).await;
    let second = scene.job(NewJob { window: Some((12, 17)), ..NewJob::default() }).await;
    let third = scene.job(NewJob { window: Some((8, 17)), ..NewJob::default() }).await;
    let proposal = propose(&scene).await;
    let found = lines(&scene, proposal).await;
    assert!(found.iter().filter(|l| [first, second, third].contains(&l.job_id)).all(|l| l.technician_id.is_some()));

    // Meanwhile another dispatcher places the second job by hand.
    let other = scene.ops.staff("admin").await;
    let by_hand = scene.drop(&other, second, 0, Some(scene.qualified), "15:00").await;
    assert_eq!(by_hand.status, StatusCode::OK);
    let second_by_hand = scene.stored(second).await;

    let (first_s, second_s) = (first.to_string(), second.to_string());
    let accepted = scene
        .ops
        .post(
            &format!("/ops/dispatch/proposals/{proposal}/accept"),
            &scene.dispatcher,
            &[("job", &first_s), ("job", &second_s)],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert!(accepted.location().contains("applied=1&stale=1"), "{}", accepted.location());
    assert!(scene.stored(first).await.technician_id.is_some(), "the checked, unchanged job is placed");
    assert_eq!(scene.stored(second).await, second_by_hand, "the job changed since stays as placed by hand");
    assert_eq!(scene.stored(third).await.technician_id, None, "the unchecked job is left waiting");
    let page = scene.ops.get(accepted.location(), Some(&scene.dispatcher)).await;
    assert!(page.body.contains("1 modifiés entre-temps, laissés tels quels."));
}
