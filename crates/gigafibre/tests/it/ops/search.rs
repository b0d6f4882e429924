//! The search box: whatever the agent types, the right record comes first.

use axum::http::StatusCode;
use gigafibre_db::entities::{customer, equipment, invoice, service_location};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Member, Ops};

async fn search(ops: &Ops, who: &Member, typed: &str) -> String {
    let q = serde_urlencoded::to_string([("q", typed)]).unwrap();
    let answer = ops.htmx_get(&format!("/ops/search?{q}"), who).await;
    assert_eq!(answer.status, StatusCode::OK, "{typed}");
    answer.body
}

fn first_link(body: &str) -> &str {
    body.split("href=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default()
}

#[tokio::test]
async fn a_customer_is_found_by_phone_however_it_is_punctuated() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let julie = customer::Entity::find()
        .filter(customer::Column::Cell.eq("+15148389458"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let page = format!("/ops/clients/{}", julie.id);
    for typed in ["514 838-9458", "(514) 838.9458", "+1-514-838-9458", "5148389458", "838-9458"] {
        let body = search(&ops, &agent, typed).await;
        assert_eq!(first_link(&body), page, "{typed}");
        assert!(body.contains("Julie Leclerc"));
    }
}

#[tokio::test]
async fn names_numbers_and_emails_find_their_customer_without_accents_or_case() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let accented = customer::Entity::find()
        .all(&ops.db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.last_name.contains('é'))
        .unwrap();
    let bare = accented.last_name.replace('é', "e").to_uppercase();
    let body = search(&ops, &agent, &format!("{} {bare}", accented.first_name.to_lowercase())).await;
    assert!(body.contains(&format!("/ops/clients/{}", accented.id)), "{bare} finds {}", accented.last_name);

    let julie = customer::Entity::find()
        .filter(customer::Column::AccountNumber.eq("GF-100002"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    for typed in ["gf-100002", "100002", "Julie.Leclerc2@", julie.legacy_id.as_deref().unwrap()] {
        assert_eq!(first_link(&search(&ops, &agent, typed).await), format!("/ops/clients/{}", julie.id), "{typed}");
    }
}

#[tokio::test]
async fn devices_invoices_and_addresses_are_found_by_what_is_written_on_them() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let device = equipment::Entity::find()
        .filter(equipment::Column::CustomerId.is_not_null())
        .filter(equipment::Column::Mac.is_not_null())
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let owner = format!("/ops/clients/{}", device.customer_id.unwrap());
    let mac = device.mac.clone().unwrap();
    for typed in [
        device.serial.to_lowercase(),
        device.barcode.clone().unwrap(),
        mac.to_uppercase().replace(':', "-"),
        mac.replace(':', ""),
    ] {
        let body = search(&ops, &agent, &typed).await;
        assert!(body.contains(&device.serial) && body.contains(&owner), "{typed}");
    }

    let bill = invoice::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let body = search(&ops, &agent, &bill.number.to_lowercase()).await;
    assert!(body.contains(&bill.number) && body.contains(&format!("/ops/clients/{}", bill.customer_id)));

    let place = service_location::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let body = search(&ops, &agent, &place.street.to_uppercase()).await;
    assert!(body.contains(&format!("/ops/clients/{}", place.customer_id)), "{}", place.street);
}

#[tokio::test]
async fn the_search_answers_a_list_to_htmx_a_page_without_javascript_and_nothing_to_strangers() {
    let ops = Ops::new().await;
    let agent = ops.staff("billing").await;
    let nothing = search(&ops, &agent, "qwxz").await;
    assert!(nothing.contains("Rien trouvé"));
    assert!(search(&ops, &agent, "a").await.trim().is_empty(), "one letter finds nothing");
    let page = ops.get("/ops/search?q=leclerc", Some(&agent)).await;
    assert!(page.body.contains("<html") && page.body.contains("Julie Leclerc"));
    let anonymous = ops.get("/ops/search?q=leclerc", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}
