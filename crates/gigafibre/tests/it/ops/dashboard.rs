//! `/ops`: today's figures, each a link to the list it counts.

use axum::http::StatusCode;
use gigafibre_db::entities::ticket;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::Ops;

#[tokio::test]
async fn the_dashboard_counts_tickets_to_handle_by_priority_and_links_to_the_list() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let urgent = ticket::Entity::find()
        .filter(ticket::Column::Status.is_in(["open", "pending"]))
        .filter(ticket::Column::Priority.eq("urgent"))
        .count(&ops.db.db)
        .await
        .unwrap();

    let page = ops.get("/ops", Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aujourd"), "French first");
    let link = "/ops/tickets?status=active&amp;priority=urgent\">";
    let shown = page.body.split(link).nth(1).and_then(|rest| rest.split('<').next()).unwrap();
    assert_eq!(shown, urgent.to_string());

    // A new urgent ticket shows at once, at the top of the newest.
    let any = ticket::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let mut fresh: ticket::ActiveModel = any.into();
    fresh.id = sea_orm::ActiveValue::NotSet;
    fresh.legacy_id = Set(None);
    fresh.subject = Set("Fibre coupée rue Principale".into());
    fresh.priority = Set("urgent".into());
    fresh.status = Set("open".into());
    fresh.created_at = Set(super::start_of_test());
    fresh.insert(&ops.db.db).await.unwrap();
    let page = ops.get("/ops", Some(&agent)).await;
    let shown = page.body.split(link).nth(1).and_then(|rest| rest.split('<').next()).unwrap();
    assert_eq!(shown, (urgent + 1).to_string());
    let newest = page.body.split("Derniers billets").nth(1).unwrap();
    assert!(newest.find("Fibre coupée rue Principale").unwrap() < newest.find("</li>").unwrap());
}

#[tokio::test]
async fn no_one_without_a_staff_session_sees_the_dashboard() {
    let ops = Ops::new().await;
    let anonymous = ops.get("/ops", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/ops/sign-in");
    let htmx = ops.send(axum::http::Method::GET, "/ops", &[("hx-request", "true")], None).await;
    assert_eq!(htmx.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn each_role_sees_only_the_sections_it_may_open() {
    let ops = Ops::new().await;
    let nav =
        |body: &str| body.split("<nav class=\"ops-nav\"").nth(1).unwrap().split("</nav>").next().unwrap().to_owned();
    let admin = nav(&ops.get("/ops", Some(&ops.staff("admin").await)).await.body);
    assert!(admin.contains("/ops/audit") && admin.contains("/ops/equipe") && admin.contains("/ops/outbox"));
    let dispatcher = nav(&ops.get("/ops", Some(&ops.staff("dispatcher").await)).await.body);
    assert!(
        dispatcher.contains("/ops/equipe") && !dispatcher.contains("/ops/audit") && !dispatcher.contains("/ops/outbox")
    );
    let billing = nav(&ops.get("/ops", Some(&ops.staff("billing").await)).await.body);
    assert!(billing.contains("/ops/outbox") && !billing.contains("/ops/equipe"));
}
