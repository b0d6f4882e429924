//! The outbox: every e-mail and SMS is a row first, delivered once by
//! whichever worker claims it, retried with backoff, and shown on the command
//! line. Time is passed in, never waited for.

use std::sync::Mutex;

use chrono::{DateTime, Duration, TimeZone, Utc};
use gigafibre::db::testing::TestDatabase;
use gigafibre::i18n::Lang;
use gigafibre::outbox::{
    self, CLAIM_LEASE, Channel, Delivered, DeliveryError, MAX_ATTEMPTS, Message, NewMessage, Provider, RetryError,
    Sandbox, SendFuture, Status,
};
use sea_orm::TransactionTrait;

use crate::support::gigafibre;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap()
}

fn email(to: &str, subject: &str, body: &str) -> NewMessage {
    NewMessage {
        channel: Channel::Email,
        to: to.to_owned(),
        subject: Some(subject.to_owned()),
        body_text: body.to_owned(),
        body_html: Some(format!("<p>{body}</p>")),
        language: Lang::Fr,
        customer_id: None,
        ticket_id: None,
    }
}

fn sms(to: &str, body: &str) -> NewMessage {
    NewMessage {
        channel: Channel::Sms,
        to: to.to_owned(),
        subject: None,
        body_text: body.to_owned(),
        body_html: None,
        language: Lang::En,
        customer_id: None,
        ticket_id: None,
    }
}

async fn message(db: &TestDatabase, id: i64) -> Message {
    outbox::find(&db.db, id).await.unwrap().expect("the message exists")
}

/// Records every message it is handed.
#[derive(Default)]
struct Recording(Mutex<Vec<i64>>);

impl Provider for Recording {
    fn name(&self) -> &'static str {
        "recording"
    }

    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            // Give the other worker a chance to run in between.
            tokio::task::yield_now().await;
            self.0.lock().unwrap().push(message.id);
            Ok(Delivered::Sent)
        })
    }
}

/// Always refuses, the way the real providers do.
struct Refusing(DeliveryError);

impl Provider for Refusing {
    fn name(&self) -> &'static str {
        "refusing"
    }

    fn send<'a>(&'a self, _message: &'a Message) -> SendFuture<'a> {
        let error = self.0.clone();
        Box::pin(async move { Err(error) })
    }
}

fn temporary() -> Refusing {
    Refusing(DeliveryError::Temporary("451 4.7.1 try again later".to_owned()))
}

#[tokio::test]
async fn an_enqueued_message_is_sandboxed_exactly_once() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, email("marie@example.com", "Votre facture", "Bonjour Marie"), t0()).await.unwrap();

    let queued = message(&db, id).await;
    assert_eq!(queued.status, Status::Queued);
    assert_eq!((queued.attempts, queued.available_at, queued.created_at), (0, t0(), t0()));
    assert_eq!(queued.channel, Channel::Email);
    assert_eq!(queued.language, Lang::Fr);
    assert_eq!(queued.body_html.as_deref(), Some("<p>Bonjour Marie</p>"));

    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, t0()).await.unwrap(), 1);
    let sandboxed = message(&db, id).await;
    assert_eq!(sandboxed.status, Status::Sandboxed);
    assert_eq!(sandboxed.sent_at, Some(t0()));
    assert_eq!(sandboxed.attempts, 1);
    assert_eq!(sandboxed.last_error, None);

    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, t0()).await.unwrap(), 0, "nothing is due any more");
    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, t0() + Duration::days(1)).await.unwrap(), 0);
    assert_eq!(message(&db, id).await, sandboxed);
}

#[tokio::test]
async fn a_message_waits_until_it_is_due() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, sms("+15145550123", "Hello"), t0()).await.unwrap();
    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, t0() - Duration::seconds(1)).await.unwrap(), 0);
    assert_eq!(message(&db, id).await.status, Status::Queued);
    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, t0()).await.unwrap(), 1);
}

#[tokio::test]
async fn enqueue_belongs_to_the_callers_transaction() {
    let db = TestDatabase::new().await;
    let txn = db.db.begin().await.unwrap();
    let dropped = outbox::enqueue(&txn, sms("+15145550123", "never sent"), t0()).await.unwrap();
    txn.rollback().await.unwrap();
    assert!(outbox::find(&db.db, dropped).await.unwrap().is_none());

    let txn = db.db.begin().await.unwrap();
    let kept = outbox::enqueue(&txn, sms("+15145550123", "sent"), t0()).await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(message(&db, kept).await.body_text, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_deliver_each_message_once() {
    let db = TestDatabase::new().await;
    let mut ids = Vec::new();
    for n in 0..40 {
        ids.push(outbox::enqueue(&db.db, sms("+15145550123", &format!("message {n}")), t0()).await.unwrap());
    }
    // Two instances of the app: two pools on the same database.
    let other = gigafibre::db::connect(&db.target).await.unwrap();
    let provider = Recording::default();
    let (first, second) =
        tokio::join!(outbox::deliver_due(&db.db, &provider, t0()), outbox::deliver_due(&other, &provider, t0()));
    assert_eq!(first.unwrap() + second.unwrap(), ids.len());

    let mut delivered = provider.0.lock().unwrap().clone();
    delivered.sort_unstable();
    assert_eq!(delivered, ids, "every message handed over exactly once");
    for id in ids {
        let sent = message(&db, id).await;
        assert_eq!((sent.status, sent.attempts), (Status::Sent, 1));
    }
}

#[tokio::test]
async fn a_failing_provider_backs_off_then_gives_up() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, email("marie@example.com", "Facture", "Bonjour"), t0()).await.unwrap();
    let provider = temporary();

    let mut now = t0();
    let mut waits = Vec::new();
    for attempt in 1..MAX_ATTEMPTS {
        assert_eq!(outbox::deliver_due(&db.db, &provider, now).await.unwrap(), 1, "attempt {attempt}");
        let waiting = message(&db, id).await;
        assert_eq!(waiting.status, Status::Queued);
        assert_eq!(waiting.attempts, attempt);
        assert_eq!(waiting.last_error.as_deref(), Some("451 4.7.1 try again later"));
        waits.push((waiting.available_at - now).num_seconds());
        assert_eq!(
            outbox::deliver_due(&db.db, &provider, waiting.available_at - Duration::seconds(1)).await.unwrap(),
            0
        );
        now = waiting.available_at;
    }
    assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920]);

    assert_eq!(outbox::deliver_due(&db.db, &provider, now).await.unwrap(), 1);
    let failed = message(&db, id).await;
    assert_eq!(failed.status, Status::Failed);
    assert_eq!(failed.attempts, MAX_ATTEMPTS);
    assert_eq!(failed.last_error.as_deref(), Some("451 4.7.1 try again later"));
    assert_eq!(failed.sent_at, None);
    assert_eq!(outbox::deliver_due(&db.db, &provider, now + Duration::days(30)).await.unwrap(), 0, "failed stays");
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, sms("+15145550000", "Hello"), t0()).await.unwrap();
    let provider = Refusing(DeliveryError::Permanent("21211 invalid 'To' phone number".to_owned()));
    assert_eq!(outbox::deliver_due(&db.db, &provider, t0()).await.unwrap(), 1);
    let failed = message(&db, id).await;
    assert_eq!((failed.status, failed.attempts), (Status::Failed, 1));
    assert_eq!(failed.last_error.as_deref(), Some("21211 invalid 'To' phone number"));
}

#[tokio::test]
async fn retry_queues_a_failed_message_again() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, sms("+15145550123", "Hello"), t0()).await.unwrap();
    let refusing = Refusing(DeliveryError::Permanent("refused".to_owned()));
    outbox::deliver_due(&db.db, &refusing, t0()).await.unwrap();
    assert_eq!(message(&db, id).await.status, Status::Failed);

    let later = t0() + Duration::hours(3);
    outbox::retry(&db.db, id, later).await.unwrap();
    let queued = message(&db, id).await;
    assert_eq!((queued.status, queued.attempts, queued.available_at), (Status::Queued, 0, later));
    assert_eq!(queued.last_error.as_deref(), Some("refused"), "the last error stays until the next attempt");

    assert!(matches!(
        outbox::retry(&db.db, id, later).await,
        Err(RetryError::NotFailed { status: Status::Queued, .. })
    ));
    assert!(matches!(outbox::retry(&db.db, id + 1000, later).await, Err(RetryError::NotFound(_))));

    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, later).await.unwrap(), 1);
    assert_eq!(message(&db, id).await.status, Status::Sandboxed);
}

#[tokio::test]
async fn a_message_stuck_in_sending_is_taken_again() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, sms("+15145550123", "Hello"), t0()).await.unwrap();

    // A worker claims the message, then dies before recording anything.
    let claimed = outbox::claim_next(&db.db, t0()).await.unwrap().expect("a due message");
    assert_eq!(claimed.id, id);
    let held = message(&db, id).await;
    assert_eq!((held.status, held.attempts, held.available_at), (Status::Sending, 1, t0() + CLAIM_LEASE));
    assert!(outbox::claim_next(&db.db, t0()).await.unwrap().is_none(), "a claimed message is not claimed twice");

    let still_held = t0() + CLAIM_LEASE - Duration::seconds(1);
    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, still_held).await.unwrap(), 0);
    assert_eq!(message(&db, id).await.status, Status::Sending);

    let lapsed = t0() + CLAIM_LEASE;
    assert_eq!(outbox::deliver_due(&db.db, &Sandbox, lapsed).await.unwrap(), 1);
    let recovered = message(&db, id).await;
    assert_eq!((recovered.status, recovered.attempts, recovered.sent_at), (Status::Sandboxed, 2, Some(lapsed)));
}

#[tokio::test]
async fn a_message_whose_last_attempt_never_finished_fails_without_another_send() {
    let db = TestDatabase::new().await;
    let id = outbox::enqueue(&db.db, sms("+15145550123", "Hello"), t0()).await.unwrap();
    let mut now = t0();
    for _ in 1..MAX_ATTEMPTS {
        outbox::deliver_due(&db.db, &temporary(), now).await.unwrap();
        now = message(&db, id).await.available_at;
    }
    // The last allowed attempt is claimed by a worker that dies.
    outbox::claim_next(&db.db, now).await.unwrap().expect("the last attempt");
    let provider = Recording::default();
    assert_eq!(outbox::deliver_due(&db.db, &provider, now + CLAIM_LEASE).await.unwrap(), 1);
    assert!(provider.0.lock().unwrap().is_empty(), "not handed over a ninth time");
    let failed = message(&db, id).await;
    assert_eq!(failed.status, Status::Failed);
    assert!(failed.last_error.unwrap().contains("never finished"));
}

/// Says when it has been handed a message.
struct Announcing(tokio::sync::mpsc::UnboundedSender<i64>);

impl Provider for Announcing {
    fn name(&self) -> &'static str {
        "announcing"
    }

    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        let _ = self.0.send(message.id);
        Box::pin(std::future::ready(Ok(Delivered::Sandboxed)))
    }
}

#[tokio::test]
async fn the_background_worker_delivers_and_stops_on_request() {
    let db = TestDatabase::new().await;
    let (announce, mut announced) = tokio::sync::mpsc::unbounded_channel();
    let worker = outbox::spawn_worker(
        db.db.clone(),
        std::sync::Arc::new(Announcing(announce)),
        std::time::Duration::from_millis(20),
    );
    let id = outbox::enqueue(&db.db, sms("+15145550123", "Hello"), Utc::now()).await.unwrap();
    let handed = tokio::time::timeout(std::time::Duration::from_secs(10), announced.recv()).await;
    assert_eq!(handed.expect("the worker picks the message up").unwrap(), id);
    worker.stop().await;
    assert_eq!(message(&db, id).await.status, Status::Sandboxed, "the outcome is recorded before the worker stops");
}

#[tokio::test]
async fn the_command_line_lists_shows_and_retries() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();

    let empty = gigafibre(&db, dir.path(), &["outbox", "list"]).success();
    assert_eq!(empty.stdout, "The outbox is empty.\n");
    let none = gigafibre(&db, dir.path(), &["outbox", "list", "--json"]).success();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&none.stdout).unwrap(), serde_json::json!([]));

    let mail =
        outbox::enqueue(&db.db, email("marie@example.com", "Votre lien", "Bonjour Marie,\nVoici votre lien."), t0())
            .await
            .unwrap();
    let text = outbox::enqueue(&db.db, sms("+15145550123", "Your technician is on the way."), t0()).await.unwrap();
    outbox::deliver_due(&db.db, &Sandbox, t0()).await.unwrap();
    let refused = outbox::enqueue(&db.db, sms("+15145550000", "Bad number"), t0()).await.unwrap();
    outbox::deliver_due(&db.db, &Refusing(DeliveryError::Permanent("invalid number".to_owned())), t0()).await.unwrap();

    let listed = gigafibre(&db, dir.path(), &["outbox", "list", "--json"]).success();
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(
        listed,
        serde_json::json!([
            {"id": refused, "channel": "sms", "to": "+15145550000", "status": "failed", "subject": null, "body": "Bad number"},
            {"id": text, "channel": "sms", "to": "+15145550123", "status": "sandboxed", "subject": null,
             "body": "Your technician is on the way."},
            {"id": mail, "channel": "email", "to": "marie@example.com", "status": "sandboxed", "subject": "Votre lien",
             "body": "Bonjour Marie,\nVoici votre lien."},
        ])
    );
    let failed = gigafibre(&db, dir.path(), &["outbox", "list", "--json", "--status", "failed"]).success();
    let failed: serde_json::Value = serde_json::from_str(&failed.stdout).unwrap();
    assert_eq!(failed.as_array().unwrap().len(), 1);
    assert_eq!(failed[0]["id"], refused);
    let newest = gigafibre(&db, dir.path(), &["outbox", "list", "--json", "--limit", "1"]).success();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&newest.stdout).unwrap()[0]["id"], refused);

    let table = gigafibre(&db, dir.path(), &["outbox", "list"]).success().stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("ID  CHANNEL  STATUS"), "{table}");
    assert!(lines[1].contains("failed") && lines[3].contains("marie@example.com"), "newest first:\n{table}");
    let to_column = lines[0].find("TO").unwrap();
    assert!(lines.iter().skip(1).all(|line| line[to_column..].starts_with(['+', 'm'])), "{table}");
    let nothing_queued = gigafibre(&db, dir.path(), &["outbox", "list", "--status", "queued"]).success();
    assert_eq!(nothing_queued.stdout, "No queued message in the outbox.\n");

    let shown = gigafibre(&db, dir.path(), &["outbox", "show", &mail.to_string()]).success().stdout;
    assert!(shown.contains("To:") && shown.contains("marie@example.com"), "{shown}");
    assert!(shown.contains("Subject:") && shown.contains("Votre lien"), "{shown}");
    assert!(shown.contains("sandboxed"), "{shown}");
    assert!(shown.ends_with("\n\nBonjour Marie,\nVoici votre lien.\n"), "{shown}");

    let retried = gigafibre(&db, dir.path(), &["outbox", "retry", &refused.to_string()]).success();
    assert!(retried.stdout.contains("queued again"), "{}", retried.stdout);
    assert_eq!(message(&db, refused).await.status, Status::Queued);
}

#[tokio::test]
async fn the_command_line_refuses_unknown_ids_and_needless_retries_in_one_line() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let id = outbox::enqueue(&db.db, sms("+15145550123", "Hello"), t0()).await.unwrap();
    outbox::deliver_due(&db.db, &Sandbox, t0()).await.unwrap();
    let id_arg = id.to_string();

    for (args, expected) in [
        (vec!["outbox", "show", "999999"], "error: there is no outbox message 999999".to_owned()),
        (vec!["outbox", "retry", "999999"], "error: there is no outbox message 999999".to_owned()),
        (
            vec!["outbox", "retry", id_arg.as_str()],
            format!("error: outbox message {id} is sandboxed, not failed: only a failed message can be retried"),
        ),
    ] {
        let run = gigafibre(&db, dir.path(), &args);
        assert_eq!(run.code, 1, "{args:?}");
        assert_eq!(run.stderr, format!("{expected}\n"), "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert_eq!(message(&db, id).await.status, Status::Sandboxed, "a refused retry changes nothing");
}
