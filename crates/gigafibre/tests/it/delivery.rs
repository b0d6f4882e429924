//! Real delivery: the SMTP provider talks to a small SMTP server started by
//! the test, the SMS provider to an HTTP server that speaks the Twilio
//! Messages endpoint. Both record what they were handed; nothing is mocked
//! inside the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use chrono::Utc;
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::i18n::Lang;
use gigafibre::outbox::{self, Channel, Message, NewMessage, Router, Status};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A configuration read from exactly these variables.
fn config(pairs: &[(&str, String)]) -> Config {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let env = move |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    Config::load_from(None, &env).unwrap()
}

fn email(to: &str) -> NewMessage {
    NewMessage {
        channel: Channel::Email,
        to: to.to_owned(),
        subject: Some("Your invoice is ready".to_owned()),
        body_text: "Hello Marie, your November invoice is ready.".to_owned(),
        body_html: Some("<p>Hello Marie, your <b>November</b> invoice is ready.</p>".to_owned()),
        language: Lang::En,
        customer_id: None,
        ticket_id: None,
    }
}

fn sms(to: &str) -> NewMessage {
    NewMessage {
        channel: Channel::Sms,
        to: to.to_owned(),
        subject: None,
        body_text: "Gigafibre: your technician arrives between 9 and 11.".to_owned(),
        body_html: None,
        language: Lang::En,
        customer_id: None,
        ticket_id: None,
    }
}

async fn deliver(db: &TestDatabase, router: &Router, message: NewMessage) -> Message {
    let id = outbox::enqueue(&db.db, message, Utc::now()).await.unwrap();
    assert_eq!(outbox::deliver_due(&db.db, router, Utc::now()).await.unwrap(), 1);
    outbox::find(&db.db, id).await.unwrap().expect("the message exists")
}

// ---- a small SMTP server ---------------------------------------------------

#[derive(Clone, Debug, Default)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GIGAFIBRE_SMTP_HOST", "127.0.0.1".to_owned()),
            ("GIGAFIBRE_SMTP_PORT", self.port.to_string()),
            ("GIGAFIBRE_SMTP_TLS", "none".to_owned()),
            ("GIGAFIBRE_MAIL_FROM", "Gigafibre <noreply@gigafibre.example>".to_owned()),
        ]
    }
}

/// Starts an SMTP server on a free port; with `refuse_rcpt` it answers 550
/// to every recipient.
async fn smtp_sink(refuse_rcpt: bool) -> SmtpSink {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let sessions = Arc::clone(&received);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(smtp_session(stream, refuse_rcpt, Arc::clone(&sessions)));
        }
    });
    SmtpSink { port, received }
}

async fn smtp_session(
    stream: TcpStream,
    refuse_rcpt: bool,
    received: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut current = Received::default();
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let argument = command.split_once(':').map(|(_, rest)| rest.trim().to_owned()).unwrap_or_default();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                current = Received { mail_from: argument, ..Received::default() };
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if refuse_rcpt => b"550 5.1.1 No such mailbox here\r\n",
            "RCPT" => {
                current.rcpt_to.push(argument);
                b"250 2.1.5 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if read.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                current.data = data;
                received.lock().unwrap().push(std::mem::take(&mut current));
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                current = Received::default();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

// ---- a Twilio-compatible HTTP server ---------------------------------------

#[derive(Clone, Debug)]
struct SmsRequest {
    account: String,
    authorization: Option<String>,
    form: HashMap<String, String>,
}

#[derive(Clone)]
struct SmsApiState {
    answer: StatusCode,
    requests: Arc<Mutex<Vec<SmsRequest>>>,
}

struct SmsApiServer {
    base_url: String,
    requests: Arc<Mutex<Vec<SmsRequest>>>,
}

impl SmsApiServer {
    fn requests(&self) -> Vec<SmsRequest> {
        self.requests.lock().unwrap().clone()
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GIGAFIBRE_SMS_BASE_URL", self.base_url.clone()),
            ("GIGAFIBRE_SMS_ACCOUNT_SID", "AC0123456789".to_owned()),
            ("GIGAFIBRE_SMS_AUTH_TOKEN", "token-xyz".to_owned()),
            ("GIGAFIBRE_SMS_FROM", "+15145550100".to_owned()),
        ]
    }
}

/// Starts an HTTP server that answers the Messages endpoint with `answer`.
async fn sms_api(answer: StatusCode) -> SmsApiServer {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let state = SmsApiState { answer, requests: Arc::clone(&requests) };
    let app = axum::Router::new()
        .route("/2010-04-01/Accounts/{account}/Messages.json", post(create_message))
        .with_state(state);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    SmsApiServer { base_url, requests }
}

async fn create_message(
    State(state): State<SmsApiState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, String) {
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    state.requests.lock().unwrap().push(SmsRequest { account, authorization, form });
    let body = if state.answer.is_success() {
        r#"{"sid": "SM0000000001", "status": "queued"}"#
    } else {
        r#"{"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}"#
    };
    (state.answer, body.to_owned())
}

// ---- the tests ------------------------------------------------------------

#[tokio::test]
async fn an_email_goes_through_smtp_with_both_parts() {
    let db = TestDatabase::new().await;
    let sink = smtp_sink(false).await;
    let mut settings = sink.settings();
    settings.push(("GIGAFIBRE_ENV", "production".to_owned()));
    let router = Router::from_config(&config(&settings)).unwrap();

    let sent = deliver(&db, &router, email("marie@example.com")).await;
    assert_eq!(sent.status, Status::Sent, "{:?}", sent.last_error);
    assert_eq!((sent.attempts, sent.last_error), (1, None));

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.mail_from, "<noreply@gigafibre.example>");
    assert_eq!(mail.rcpt_to, ["<marie@example.com>"]);
    assert!(mail.data.contains("Subject: Your invoice is ready"), "{}", mail.data);
    assert!(mail.data.contains("To: marie@example.com"), "{}", mail.data);
    assert!(mail.data.contains("From: Gigafibre <noreply@gigafibre.example>"), "{}", mail.data);
    assert!(mail.data.contains("multipart/alternative"), "{}", mail.data);
    assert!(mail.data.contains("text/plain; charset=utf-8"), "{}", mail.data);
    assert!(mail.data.contains("Hello Marie, your November invoice is ready."), "{}", mail.data);
    assert!(mail.data.contains("text/html; charset=utf-8"), "{}", mail.data);
    assert!(mail.data.contains("<p>Hello Marie, your <b>November</b> invoice is ready.</p>"), "{}", mail.data);
}

#[tokio::test]
async fn an_smtp_550_fails_the_message_after_one_attempt() {
    let db = TestDatabase::new().await;
    let sink = smtp_sink(true).await;
    let mut settings = sink.settings();
    settings.push(("GIGAFIBRE_ENV", "production".to_owned()));
    let router = Router::from_config(&config(&settings)).unwrap();

    let failed = deliver(&db, &router, email("nobody@example.com")).await;
    assert_eq!(failed.status, Status::Failed);
    assert_eq!(failed.attempts, 1);
    let reason = failed.last_error.unwrap_or_default();
    assert!(reason.contains("550") && reason.contains("No such mailbox here"), "{reason}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn an_smtp_server_that_is_down_is_tried_again_later() {
    let db = TestDatabase::new().await;
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let router = Router::from_config(&config(&[
        ("GIGAFIBRE_ENV", "production".to_owned()),
        ("GIGAFIBRE_SMTP_HOST", "127.0.0.1".to_owned()),
        ("GIGAFIBRE_SMTP_PORT", port.to_string()),
        ("GIGAFIBRE_SMTP_TLS", "none".to_owned()),
        ("GIGAFIBRE_MAIL_FROM", "noreply@gigafibre.example".to_owned()),
    ]))
    .unwrap();

    let queued = deliver(&db, &router, email("marie@example.com")).await;
    assert_eq!(queued.status, Status::Queued, "a refused connection is temporary");
    assert_eq!(queued.attempts, 1);
    assert!(queued.last_error.is_some_and(|e| e.contains("SMTP")));
    assert!(queued.available_at > Utc::now(), "it waits before the next attempt");
}

#[tokio::test]
async fn an_sms_goes_through_the_api_with_basic_auth() {
    let db = TestDatabase::new().await;
    let api = sms_api(StatusCode::CREATED).await;
    let mut settings = api.settings();
    settings.push(("GIGAFIBRE_ENV", "production".to_owned()));
    let router = Router::from_config(&config(&settings)).unwrap();

    let sent = deliver(&db, &router, sms("+15145550123")).await;
    assert_eq!(sent.status, Status::Sent, "{:?}", sent.last_error);

    let requests = api.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.account, "AC0123456789");
    let credentials = base64::engine::general_purpose::STANDARD.encode("AC0123456789:token-xyz");
    assert_eq!(request.authorization.as_deref(), Some(format!("Basic {credentials}").as_str()));
    assert_eq!(request.form["To"], "+15145550123");
    assert_eq!(request.form["From"], "+15145550100");
    assert_eq!(request.form["Body"], "Gigafibre: your technician arrives between 9 and 11.");
    assert_eq!(request.form.len(), 3);
}

#[tokio::test]
async fn an_sms_api_400_fails_for_good_with_the_providers_reason() {
    let db = TestDatabase::new().await;
    let api = sms_api(StatusCode::BAD_REQUEST).await;
    let mut settings = api.settings();
    settings.push(("GIGAFIBRE_ENV", "production".to_owned()));
    let router = Router::from_config(&config(&settings)).unwrap();

    let failed = deliver(&db, &router, sms("+15550000")).await;
    assert_eq!(failed.status, Status::Failed);
    assert_eq!(failed.attempts, 1);
    let reason = failed.last_error.unwrap_or_default();
    assert!(reason.contains("400") && reason.contains("The 'To' number is not a valid phone number."), "{reason}");
    assert_eq!(api.requests().len(), 1);
}

#[tokio::test]
async fn an_sms_api_500_is_tried_again_later() {
    let db = TestDatabase::new().await;
    let api = sms_api(StatusCode::SERVICE_UNAVAILABLE).await;
    let mut settings = api.settings();
    settings.push(("GIGAFIBRE_ENV", "production".to_owned()));
    let router = Router::from_config(&config(&settings)).unwrap();

    let queued = deliver(&db, &router, sms("+15145550123")).await;
    assert_eq!(queued.status, Status::Queued);
    assert!(queued.last_error.is_some_and(|e| e.contains("503")));
}

#[tokio::test]
async fn outside_production_only_allowlisted_recipients_are_reached() {
    let db = TestDatabase::new().await;
    let sink = smtp_sink(false).await;
    let mut settings = sink.settings();
    settings.push(("GIGAFIBRE_ENV", "development".to_owned()));
    settings.push(("GIGAFIBRE_OUTBOX_ALLOWLIST", "ops@gigafibre.example, *@test.example".to_owned()));
    let router = Router::from_config(&config(&settings)).unwrap();

    let listed = deliver(&db, &router, email("ops@gigafibre.example")).await;
    assert_eq!(listed.status, Status::Sent, "{:?}", listed.last_error);
    let by_domain = deliver(&db, &router, email("anyone@test.example")).await;
    assert_eq!(by_domain.status, Status::Sent, "{:?}", by_domain.last_error);

    let kept = deliver(&db, &router, email("marie@example.com")).await;
    assert_eq!(kept.status, Status::Sandboxed);
    let note = kept.last_error.unwrap_or_default();
    assert!(note.contains("marie@example.com") && note.contains("GIGAFIBRE_OUTBOX_ALLOWLIST"), "{note}");

    // SMS is not configured: it stays in the sandbox, with no note.
    let text = deliver(&db, &router, sms("+15145550123")).await;
    assert_eq!((text.status, text.last_error), (Status::Sandboxed, None));

    let reached: Vec<Vec<String>> = sink.received().into_iter().map(|mail| mail.rcpt_to).collect();
    assert_eq!(reached, [["<ops@gigafibre.example>"], ["<anyone@test.example>"]]);

    // In production the same setup reaches everyone.
    settings.retain(|(name, _)| *name != "GIGAFIBRE_ENV");
    settings.push(("GIGAFIBRE_ENV", "production".to_owned()));
    let production = Router::from_config(&config(&settings)).unwrap();
    let sent = deliver(&db, &production, email("marie@example.com")).await;
    assert_eq!(sent.status, Status::Sent, "{:?}", sent.last_error);
    assert_eq!(sink.received().len(), 3);
}

#[tokio::test]
async fn a_half_configured_provider_does_not_start() {
    let error = Router::from_config(&config(&[("GIGAFIBRE_SMTP_HOST", "smtp.example.com".to_owned())]))
        .err()
        .expect("a host without a From address is refused");
    assert!(error.contains("GIGAFIBRE_MAIL_FROM"), "{error}");
}
