//! `/ops/facturation/runs`: each billing run with its counts, totals and
//! errors, in French and English.

use chrono::NaiveDate;
use gigafibre::billing::run::{Trigger, run};
use indicatif::ProgressBar;
use sea_orm::ConnectionTrait;

use super::Ops;

const RUNS: &str = "/ops/facturation/runs";

#[tokio::test]
async fn billing_staff_see_each_run_with_its_figures() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;

    let empty = ops.get(RUNS, Some(&billing)).await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("Aucune facturation n&#39;a encore été lancée."), "{}", empty.body);

    let date = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    let report = run(&ops.db.db, date, Trigger::Manual, false, &ProgressBar::hidden()).await.unwrap();
    run(&ops.db.db, date, Trigger::Manual, false, &ProgressBar::hidden()).await.unwrap();
    // A customer the run cannot bill is named among the errors.
    ops.db
        .db
        .execute_unprepared("UPDATE plans SET billing_frequency = 'weekly' WHERE code = 'FIBRE-100'")
        .await
        .unwrap();
    let later = NaiveDate::from_ymd_opt(2027, 1, 25).unwrap();
    let with_errors = run(&ops.db.db, later, Trigger::Manual, false, &ProgressBar::hidden()).await.unwrap();
    assert!(!with_errors.errors.is_empty());

    let page = ops.get(RUNS, Some(&billing)).await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("Facturations"), "{body}");
    assert!(body.contains("<td class=\"nowrap\">25/12/2026</td>"), "the day billed: {body}");
    assert!(body.contains(&format!("<td class=\"amount\">{}</td>", report.invoices_created)), "{body}");
    assert!(body.contains(&report.total.format(gigafibre::i18n::Lang::Fr)), "the total in French: {body}");
    assert!(body.contains("Terminée avec erreurs"), "{body}");
    assert!(body.contains(&with_errors.errors[0].replace('\'', "&#39;")), "the error named: {body}");
    assert!(body.contains("href=\"/ops/facturation/runs\""), "in the navigation");

    let english =
        ops.send(axum::http::Method::GET, RUNS, &[("cookie", &billing.cookie), ("accept-language", "en")], None).await;
    assert!(english.body.contains("Billing runs"), "{}", english.body);
    assert!(english.body.contains("<td class=\"nowrap\">2026-12-25</td>"), "{}", english.body);
    assert!(english.body.contains(&report.total.format(gigafibre::i18n::Lang::En)), "{}", english.body);
    assert!(english.body.contains("Finished with errors"), "{}", english.body);
}

#[tokio::test]
async fn staff_outside_billing_do_not_see_the_section() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let dashboard = ops.get("/ops", Some(&agent)).await;
    assert!(!dashboard.body.contains(RUNS), "agents have no billing link");
    assert_eq!(ops.get(RUNS, Some(&agent)).await.status, 403);
}
