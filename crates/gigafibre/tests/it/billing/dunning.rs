//! Payment reminders over a real database: each step once per invoice, in
//! the customer's language and channel, the suspension notice kept off
//! weekends and holidays, late fees exact to the cent, and the morning run
//! inside `serve` started once a day.

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::America::Toronto;
use gigafibre::billing::dunning::{self, DunningReport};
use gigafibre::billing::money::Money;
use gigafibre::billing::payments::{Method, NewPayment, Target, record};
use gigafibre::config::Config;
use gigafibre::db::testing::TestDatabase;
use gigafibre::outbox::{self, Channel, Message};
use gigafibre_db::entities::{customer, invoice};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter};

use super::{issue_invoice, new_customer, noon};
use crate::support::gigafibre;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn config(env: &'static [(&'static str, &'static str)]) -> Config {
    let lookup = move |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
    let mut pairs = vec![("GIGAFIBRE_PUBLIC_URL", "https://portail.example")];
    pairs.retain(|(k, _)| lookup(k).is_none());
    Config::load_from(None, &move |name| {
        lookup(name).or_else(|| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    })
    .unwrap()
}

async fn remind(db: &DatabaseConnection, config: &Config, on: &str) -> DunningReport {
    dunning::run(db, config, day(on), false, noon(day(on))).await.unwrap()
}

async fn messages(db: &DatabaseConnection) -> Vec<Message> {
    let mut all = outbox::list(db, None, 100).await.unwrap();
    all.reverse();
    all
}

async fn set_customer(db: &DatabaseConnection, id: i64, change: impl FnOnce(&mut customer::ActiveModel)) {
    let mut row = customer::Entity::find_by_id(id).one(db).await.unwrap().unwrap().into_active_model();
    change(&mut row);
    customer::Entity::update(row).exec(db).await.unwrap();
}

/// An invoice issued 2026-09-01, so due 2026-10-01; 114.98 $ with taxes.
async fn overdue_invoice(db: &DatabaseConnection, account: &str) -> (i64, i64, String) {
    let customer = new_customer(db, account).await;
    let id = issue_invoice(db, customer, 10_000, day("2026-09-01")).await;
    let number = invoice::Entity::find_by_id(id).one(db).await.unwrap().unwrap().number;
    (customer, id, number)
}

#[tokio::test]
async fn each_step_goes_out_once_on_its_day_and_the_last_waits_for_a_working_day() {
    let db = TestDatabase::new().await;
    let config = config(&[]);
    let (_, _, number) = overdue_invoice(&db.db, "GF-DUN1").await;

    assert!(remind(&db.db, &config, "2026-10-07").await.notices.is_empty(), "6 days late: too early");
    let first = remind(&db.db, &config, "2026-10-08").await;
    assert_eq!((first.reminders(), first.final_notices()), (1, 0));
    assert!(remind(&db.db, &config, "2026-10-08").await.notices.is_empty(), "the same day again sends nothing");
    assert!(remind(&db.db, &config, "2026-10-21").await.notices.is_empty());
    assert_eq!(remind(&db.db, &config, "2026-10-22").await.reminders(), 1);
    // Due + 45 days is Sunday 2026-11-15: the suspension notice waits for Monday.
    assert!(remind(&db.db, &config, "2026-11-14").await.notices.is_empty());
    assert!(remind(&db.db, &config, "2026-11-15").await.notices.is_empty());
    assert_eq!(remind(&db.db, &config, "2026-11-16").await.final_notices(), 1);
    assert!(remind(&db.db, &config, "2026-12-01").await.notices.is_empty(), "nothing after the last step");

    let sent = messages(&db.db).await;
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|m| m.channel == Channel::Email && m.to == "gf-dun1@example.ca"));
    let first = &sent[0];
    assert_eq!(first.subject.as_deref(), Some(format!("Rappel : votre facture {number} est en souffrance").as_str()));
    assert!(first.body_text.starts_with("Bonjour Camille,"), "{}", first.body_text);
    assert!(first.body_text.contains("échue le 1er octobre 2026"), "{}", first.body_text);
    assert!(first.body_text.contains("114,98\u{a0}$"), "{}", first.body_text);
    assert!(first.body_text.contains(&format!("https://portail.example/portal/invoices/{number}")));
    let last = &sent[2];
    assert!(last.subject.as_deref().unwrap().starts_with("Dernier avis avant suspension"));
    assert!(last.body_text.contains("votre service pourra être suspendu"), "{}", last.body_text);
}

#[tokio::test]
async fn an_english_customer_who_takes_sms_gets_an_english_sms_and_a_paid_invoice_gets_nothing() {
    let db = TestDatabase::new().await;
    let config = config(&[]);
    let (customer, _, number) = overdue_invoice(&db.db, "GF-DUN2").await;
    set_customer(&db.db, customer, |row| {
        row.language = Set("en".into());
        row.cell = Set(Some("+15145550123".into()));
        row.notify_by_email = Set(false);
        row.notify_by_sms = Set(true);
    })
    .await;
    let (paid_customer, paid_invoice, _) = overdue_invoice(&db.db, "GF-DUN3").await;
    let txn = gigafibre::db::begin_write(&db.db).await.unwrap();
    let payment = NewPayment {
        customer_id: paid_customer,
        amount: Money::from_cents(11_498),
        method: Method::Cheque,
        reference: "1042".into(),
        received_at: noon(day("2026-10-03")),
        target: Target::Invoices(vec![paid_invoice]),
    };
    record(&txn, payment, noon(day("2026-10-03"))).await.unwrap();
    txn.commit().await.unwrap();

    let report = remind(&db.db, &config, "2026-10-08").await;
    assert_eq!(report.notices.len(), 1, "only the unpaid invoice");
    let sent = messages(&db.db).await;
    assert_eq!(sent.len(), 1);
    let sms = &sent[0];
    assert_eq!((sms.channel, sms.to.as_str(), sms.subject.clone()), (Channel::Sms, "+15145550123", None));
    assert!(
        sms.body_text.contains(&format!("invoice {number} ($114.98) was due on October 1, 2026")),
        "{}",
        sms.body_text
    );
}

#[tokio::test]
async fn a_monthly_rate_late_fee_is_its_own_untaxed_invoice_exact_to_the_cent() {
    let db = TestDatabase::new().await;
    let config = config(&[("GIGAFIBRE_LATE_FEE", "2%")]);
    let (customer, _, number) = overdue_invoice(&db.db, "GF-DUN4").await;

    // 114.98 at 2 % a month for 7 days: 0.53657 → 0.54.
    let report = remind(&db.db, &config, "2026-10-08").await;
    assert_eq!(report.fees(), Money::from_cents(54));
    let fee_number = report.notices[0].fee_invoice.clone().expect("a fee invoice");
    let fee =
        invoice::Entity::find().filter(invoice::Column::Number.eq(&fee_number)).one(&db.db).await.unwrap().unwrap();
    assert_eq!((fee.subtotal_cents, fee.gst_cents, fee.qst_cents, fee.total_cents), (54, 0, 0, 54));
    assert_eq!((fee.customer_id, fee.status.as_str(), fee.issue_date), (customer, "open", day("2026-10-08")));
    let balance = customer::Entity::find_by_id(customer).one(&db.db).await.unwrap().unwrap().balance_cents;
    assert_eq!(balance, 11_498 + 54, "the customer owes the fee too");
    let sent = messages(&db.db).await;
    assert!(
        sent[0].body_text.contains(&format!(
            "Des frais de retard de 0,54\u{a0}$ ont été ajoutés à votre compte (facture {fee_number})."
        )),
        "{}",
        sent[0].body_text
    );
    assert_ne!(fee_number, number);

    // The run comes back only after the last step's day: the suspension notice, with a fee for the 38 days
    // since the first reminder (114.98 × 2 % × 38 / 30 = 2.91281 → 2.91). The fee invoice, overdue by then
    // too, draws neither a reminder nor a fee.
    let second = remind(&db.db, &config, "2026-11-20").await;
    assert_eq!(second.notices.len(), 1, "{:?}", second.notices);
    assert_eq!(second.notices[0].invoice_number, number);
    assert_eq!((second.notices[0].step, second.fees()), (3, Money::from_cents(291)));
}

#[tokio::test]
async fn two_runs_at_once_send_each_reminder_once() {
    let db = TestDatabase::new().await;
    let config = config(&[("GIGAFIBRE_LATE_FEE", "5.00")]);
    for account in ["GF-DUN5", "GF-DUN6", "GF-DUN7"] {
        overdue_invoice(&db.db, account).await;
    }
    let (a, b) = tokio::join!(remind(&db.db, &config, "2026-10-08"), remind(&db.db, &config, "2026-10-08"));
    assert_eq!(a.notices.len() + b.notices.len(), 3);
    assert_eq!(messages(&db.db).await.len(), 3);
    let fees = invoice::Entity::find().filter(invoice::Column::TotalCents.eq(500)).all(&db.db).await.unwrap();
    assert_eq!(fees.len(), 3, "one 5.00 fee per invoice");
}

#[tokio::test]
async fn the_morning_run_starts_at_nine_once_a_day_and_off_means_off() {
    let db = TestDatabase::new().await;
    overdue_invoice(&db.db, "GF-DUN8").await;
    let config = config(&[]);
    let at = |h: u32, m: u32| Toronto.with_ymd_and_hms(2026, 10, 8, h, m, 0).unwrap().with_timezone(&Utc);
    let tick = dunning::schedule::tick;
    assert!(tick(&db.db, &config, at(8, 59)).await.unwrap().is_none(), "not before 09:00");
    assert_eq!(tick(&db.db, &config, at(9, 0)).await.unwrap().unwrap().reminders(), 1);
    assert!(tick(&db.db, &config, at(9, 1)).await.unwrap().is_none(), "once a day");
    assert_eq!(messages(&db.db).await.len(), 1);

    let off = self::config(&[("GIGAFIBRE_DUNNING_DAYS", "off")]);
    let next_day = Toronto.with_ymd_and_hms(2026, 10, 30, 10, 0, 0).unwrap().with_timezone(&Utc);
    assert!(tick(&db.db, &off, next_day).await.unwrap().is_none());
    assert_eq!(messages(&db.db).await.len(), 1);
}

#[tokio::test]
async fn the_command_shows_what_it_would_send_and_then_sends_it() {
    let db = TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    overdue_invoice(&db.db, "GF-DUN9").await;
    let dry = gigafibre(&db, dir.path(), &["billing", "dunning", "--date", "2026-10-08", "--dry-run"]).success();
    assert!(dry.stdout.contains("GF-DUN9"), "{}", dry.stdout);
    assert!(dry.stdout.contains("would send 1 reminders and 0 final notices"), "{}", dry.stdout);
    assert!(dry.stdout.contains("Dry run: nothing was written."));
    assert!(messages(&db.db).await.is_empty());

    let sent = gigafibre(&db, dir.path(), &["billing", "dunning", "--date", "2026-10-08"]).success();
    assert!(sent.stdout.contains("sent 1 reminders"), "{}", sent.stdout);
    let again = gigafibre(&db, dir.path(), &["billing", "dunning", "--date", "2026-10-08"]).success();
    assert!(again.stdout.contains("sent 0 reminders"), "{}", again.stdout);
    assert_eq!(messages(&db.db).await.len(), 1);
    let bad = gigafibre(&db, dir.path(), &["billing", "dunning", "--date", "08/10/2026"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("YYYY-MM-DD"), "{}", bad.stderr);
}
