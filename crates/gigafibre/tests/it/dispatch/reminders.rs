//! The day-before reminder: sent once per visit, from 10:00 the day
//! before, never again however often the reminder task looks.

use axum::http::StatusCode;
use chrono::{Days, Duration};
use gigafibre::clock::Clock;
use gigafibre::dispatch::reminders;

use super::{
    book, book_free, create_job, create_job_on, job, job_id_of, local, outbox_of, reachable_case, technician_with_stock,
};
use crate::ops::Ops;

#[tokio::test]
async fn the_day_before_reminder_is_sent_once() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "fr").await;
    let (technician, _) = technician_with_stock(&ops).await;
    // Booked two days ahead.
    let visit_day = crate::ops::start_of_test().date_naive() + Days::new(2);
    let answer = create_job_on(&ops, &dispatcher, &case, "repair", "", &visit_day.to_string()).await;
    let id = job_id_of(&answer);
    assert_eq!(book_free(&ops, &dispatcher, id, technician.id, visit_day).await.status, StatusCode::OK);
    let booked = outbox_of(&ops, case.customer.id).await.len();

    // Today is too early: the visit is not tomorrow yet.
    let others = reminders::tick(&ops.db.db, ops.clock.now()).await.unwrap();
    assert!(outbox_of(&ops, case.customer.id).await.len() == booked, "{others} other visits reminded, not this one");
    // The next day, before ten: not yet.
    ops.clock.advance(Duration::hours(23));
    reminders::tick(&ops.db.db, ops.clock.now()).await.unwrap();
    assert_eq!(outbox_of(&ops, case.customer.id).await.len(), booked);
    // From ten: once, by each of the customer's channels.
    ops.clock.advance(Duration::hours(1));
    reminders::tick(&ops.db.db, ops.clock.now()).await.unwrap();
    let told = outbox_of(&ops, case.customer.id).await;
    assert_eq!(told.len(), booked + 2);
    let email = told[booked..].iter().find(|m| m.channel == "email").unwrap();
    assert_eq!(email.subject.as_deref(), Some("Rappel : votre rendez-vous Gigafibre demain"));
    assert!(email.body_text.contains("demain"));
    assert_eq!(job(&ops, id).await.reminded_for, Some(visit_day));
    // Looking again, later that day or from another instance, sends nothing.
    for _ in 0..3 {
        ops.clock.advance(Duration::minutes(1));
        reminders::tick(&ops.db.db, ops.clock.now()).await.unwrap();
    }
    assert_eq!(outbox_of(&ops, case.customer.id).await.len(), booked + 2);
}

#[tokio::test]
async fn a_visit_booked_the_day_before_is_not_reminded_again() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let case = reachable_case(&ops, "en").await;
    let (technician, _) = technician_with_stock(&ops).await;
    let id = job_id_of(&create_job(&ops, &dispatcher, &case, "repair", "").await);
    let tomorrow = crate::ops::start_of_test().date_naive() + Days::new(1);
    book(&ops, &dispatcher, id, technician.id, local(tomorrow, 9)).await;
    let booked = outbox_of(&ops, case.customer.id).await;
    assert!(booked.iter().any(|m| m.subject.as_deref() == Some("Your Gigafibre appointment is confirmed")));
    ops.clock.advance(Duration::hours(2));
    reminders::tick(&ops.db.db, ops.clock.now()).await.unwrap();
    assert_eq!(outbox_of(&ops, case.customer.id).await.len(), booked.len(), "the booking was the reminder");
}
