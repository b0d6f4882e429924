//! Delivering due messages: once ([`deliver_due`], for tests and one-off
//! runs), or for as long as the server runs ([`spawn_worker`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::backoff::MAX_ATTEMPTS;
use super::message::{Channel, Message};
use super::provider::{DeliveryError, Provider};
use super::queue;

/// How long an idle worker waits before looking for due messages again.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The longest an idle worker waits while the database does not answer.
const LONGEST_ERROR_WAIT: Duration = Duration::from_secs(30);

/// Claims one due message, hands it to `provider` and records the outcome.
/// Returns the message's id, or `None` when nothing is due at `now`.
pub async fn deliver_next<C: ConnectionTrait>(
    conn: &C,
    provider: &dyn Provider,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let Some(row) = queue::claim_next_row(conn, now).await? else {
        return Ok(None);
    };
    let (id, attempt) = (row.id, row.attempts);
    let channel = Channel::from_code(&row.channel).map_or("unknown", Channel::as_str);
    let outcome = if attempt > MAX_ATTEMPTS {
        // The last allowed attempt was claimed and never recorded: its worker
        // died. Another try would exceed the cap (and may repeat the crash).
        Err(DeliveryError::Permanent(format!("gave up after {MAX_ATTEMPTS} attempts: the last one never finished")))
    } else {
        match Message::try_from(row) {
            Ok(message) => provider.send(&message).await,
            Err(unreadable) => Err(DeliveryError::Permanent(unreadable.to_string())),
        }
    };
    match queue::record(conn, id, attempt, &outcome, now).await? {
        Some(status) => {
            metrics::counter!("outbox_messages_total", "channel" => channel, "status" => status.as_str()).increment(1);
            match &outcome {
                Ok(_) => {
                    tracing::info!(id, channel, attempt, %status, provider = provider.name(), "outbox message out")
                }
                Err(error) => {
                    tracing::warn!(id, channel, attempt, %status, provider = provider.name(), %error, "outbox delivery failed")
                }
            }
        }
        None => {
            tracing::warn!(id, attempt, "outbox message was taken by another worker before its outcome was recorded")
        }
    }
    Ok(Some(id))
}

/// Delivers every message due at `now`, one after the other, and returns how
/// many it took (delivered or not). A message that fails is not due again at
/// the same `now`, so this always ends.
pub async fn deliver_due<C: ConnectionTrait>(
    conn: &C,
    provider: &dyn Provider,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut taken = 0;
    while deliver_next(conn, provider, now).await?.is_some() {
        taken += 1;
    }
    Ok(taken)
}

/// Delivers due messages until `stop` turns true (or its sender is gone):
/// drains what is due, then polls every `poll_interval`. Database errors are
/// logged and waited out; they never end the loop.
pub async fn run_worker(
    db: DatabaseConnection,
    provider: Arc<dyn Provider>,
    poll_interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut errors: u32 = 0;
    loop {
        if *stop.borrow() {
            break;
        }
        let wait = match deliver_next(&db, provider.as_ref(), Utc::now()).await {
            Ok(Some(_)) => {
                errors = 0;
                continue;
            }
            Ok(None) => {
                errors = 0;
                poll_interval
            }
            Err(error) => {
                errors = errors.saturating_add(1);
                tracing::error!(%error, errors, "the outbox worker cannot reach the database");
                poll_interval.saturating_mul(1 << errors.min(5)).min(LONGEST_ERROR_WAIT)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
}

/// The outbox worker running inside `gigafibre serve`.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Starts a worker on the runtime. Should a provider panic, the worker is
/// started again (the message it held is taken again once its claim lapses).
pub fn spawn_worker(db: DatabaseConnection, provider: Arc<dyn Provider>, poll_interval: Duration) -> Worker {
    let (stop, stopped) = watch::channel(false);
    tracing::info!(provider = provider.name(), "outbox worker started");
    let task = tokio::spawn(async move {
        loop {
            let run = tokio::spawn(run_worker(db.clone(), provider.clone(), poll_interval, stopped.clone()));
            match run.await {
                Err(crashed) if crashed.is_panic() => {
                    tracing::error!("the outbox worker panicked; starting it again");
                    tokio::time::sleep(poll_interval).await;
                }
                _ => break,
            }
        }
    });
    Worker { stop, task }
}

impl Worker {
    /// Stops the worker once the message in hand (if any) is recorded.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        tracing::info!("outbox worker stopped");
    }
}
