//! The tech app's screens: today's jobs, the scan and its three tiers,
//! creating an unknown device, the device page and who may see it, the QR
//! label, and what makes the app installable.

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use gigafibre::clock::Clock;
use gigafibre::tech::links::{self, Request};
use gigafibre_db::entities::{audit_entry, equipment, equipment_movement, sign_in_request};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{busy_technician, dispatcher, issue, open, van_of};
use crate::ops::Ops;

#[tokio::test]
async fn today_lists_the_jobs_in_route_order_with_maps_and_call_links() {
    let ops = Ops::new().await;
    let (technician, jobs) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    let today = phone.get(&ops, "/j").await;
    assert_eq!(today.status, StatusCode::OK);
    assert_eq!(today.headers.get(header::CACHE_CONTROL).unwrap(), "private, no-store");
    let positions: Vec<usize> =
        jobs.iter().map(|j| today.body.find(&format!("id=\"job-{}\"", j.id)).expect("listed")).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in the order of their start");
    assert!(today.body.contains("href=\"geo:"), "the address opens the maps app");
    assert!(today.body.contains("href=\"tel:+1"), "the customer's phone is a call away");
    assert!(today.body.contains("rel=\"manifest\" href=\"/j/manifest.webmanifest\""));
    assert!(today.body.contains("Planifiée"), "the status is shown as words");

    let english =
        ops.send(Method::GET, "/j", &[("cookie", phone.cookie.as_str()), ("accept-language", "en-CA")], None).await;
    assert!(english.body.contains("My day"), "{}", english.body);

    let far = ops.clock.now().date_naive() + chrono::Days::new(60);
    let request =
        Request { technician_id: technician, job_id: None, day: Some(far), issued_by: &dispatcher(), send_sms: false };
    let quiet =
        links::issue(&ops.db.db, &url::Url::parse("http://x/").unwrap(), request, ops.clock.now()).await.unwrap();
    let empty = open(&ops, &quiet).await.get(&ops, "/j").await;
    assert!(empty.body.contains("Aucune intervention prévue"), "{}", empty.body);
}

#[tokio::test]
async fn a_scan_finds_by_serial_then_barcode_then_mac_written_any_way() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    let device = van_of(&ops, technician).await.remove(0);
    let mac = device.mac.clone().unwrap();
    let barcode = device.barcode.clone().unwrap();
    let expected = format!("/j/device/{}", device.serial);
    for typed in [device.serial.to_lowercase(), barcode, mac.to_lowercase().replace(':', "-"), mac.replace(':', "")] {
        let uri =
            format!("/j/scan?code={}", url::form_urlencoded::byte_serialize(typed.as_bytes()).collect::<String>());
        let answer = phone.get(&ops, &uri).await;
        assert_eq!((answer.status, answer.location()), (StatusCode::SEE_OTHER, expected.as_str()), "{typed}");
    }
    let page = phone.get(&ops, &expected).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&device.serial) && page.body.contains("Dans le camion"));

    // A code that is one device's serial and another's barcode: the serial wins.
    let other = van_of(&ops, technician).await.remove(1);
    let mut changed: equipment::ActiveModel = other.clone().into();
    changed.barcode = Set(Some(device.serial.clone()));
    changed.update(&ops.db.db).await.unwrap();
    let answer = phone.get(&ops, &format!("/j/scan?code={}", device.serial)).await;
    assert_eq!(answer.location(), expected);
}

#[tokio::test]
async fn an_unknown_code_offers_to_create_the_device_and_the_creation_is_logged() {
    let ops = Ops::new().await;
    let (technician, _) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    let page = phone.get(&ops, "/j/scan?code=NEW0042").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aucun appareil ne porte ce code"));
    assert!(page.body.contains("name=\"serial\" value=\"NEW0042\""), "the code is filled in");
    let by_mac = phone.get(&ops, "/j/scan?code=aa-bb-cc-00-11-22").await;
    assert!(by_mac.body.contains("name=\"mac\" value=\"AA:BB:CC:00:11:22\""), "a MAC goes in the MAC field");

    let bad = phone.post(&ops, "/j/scan/new", &[("serial", "NEW0042"), ("model", "X"), ("kind", "ont")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Indiquez le modèle"));
    let form = [("serial", "new0042"), ("mac", "aa-bb-cc-00-11-22"), ("model", "Nokia G-010G-Q"), ("kind", "ont")];
    let created = phone.post(&ops, "/j/scan/new", &form).await;
    assert_eq!((created.status, created.location()), (StatusCode::SEE_OTHER, "/j/device/NEW0042"));
    let device = equipment::Entity::find()
        .filter(equipment::Column::Serial.eq("NEW0042"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((device.status.as_str(), device.technician_id), ("van", Some(technician)));
    assert_eq!(device.mac.as_deref(), Some("AA:BB:CC:00:11:22"));
    let moves = equipment_movement::Entity::find()
        .filter(equipment_movement::Column::EquipmentId.eq(device.id))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(moves, 1);
    let logged = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("equipment_create"))
        .filter(audit_entry::Column::ActorKind.eq("technician"))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(logged, 1);
    let twice = phone.post(&ops, "/j/scan/new", &form).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("porte déjà"));
    let forged = ops
        .send(
            Method::POST,
            "/j/scan/new",
            &[("content-type", "application/x-www-form-urlencoded"), ("cookie", phone.cookie.as_str())],
            Some("csrf=wrong&serial=NEW0043&model=Nokia&kind=ont".into()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no CSRF token, no device");
}

#[tokio::test]
async fn the_device_page_shows_the_customers_story_and_others_devices_are_not_found() {
    let ops = Ops::new().await;
    let (technician, jobs) = busy_technician(&ops).await;
    let phone = open(&ops, &issue(&ops, technician, None).await).await;
    let customers: Vec<i64> = jobs.iter().map(|j| j.customer_id).collect();
    let at_customer = equipment::Entity::find()
        .filter(equipment::Column::CustomerId.is_in(customers.clone()))
        .one(&ops.db.db)
        .await
        .unwrap();
    if let Some(device) = at_customer {
        let page = phone.get(&ops, &format!("/j/device/{}", device.serial)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Billets ouverts") && page.body.contains("Interventions"));
        assert!(page.body.contains("Mouvements"));
        assert!(!page.body.contains("TR-069"), "no network status without a feed");
    }
    let elsewhere = equipment::Entity::find()
        .filter(equipment::Column::CustomerId.is_not_in(customers))
        .filter(equipment::Column::CustomerId.is_not_null())
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(phone.get(&ops, &format!("/j/device/{}", elsewhere.serial)).await.status, StatusCode::NOT_FOUND);
    let other_van = equipment::Entity::find()
        .filter(equipment::Column::Status.eq("van"))
        .filter(equipment::Column::TechnicianId.ne(technician))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(phone.get(&ops, &format!("/j/device/{}", other_van.serial)).await.status, StatusCode::NOT_FOUND);
    let scanned = phone.get(&ops, &format!("/j/scan?code={}", other_van.serial)).await;
    assert!(scanned.body.contains("ni dans votre camion"), "found but out of scope, said plainly");
}

#[tokio::test]
async fn a_label_leads_a_technician_to_the_device_and_anyone_else_to_the_subscribers_sign_in() {
    let ops = Ops::new().await;
    let installed = equipment::Entity::find()
        .filter(equipment::Column::Status.eq("installed"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let agent = ops.staff("agent").await;
    let label = ops.get(&format!("/ops/equipement/{}/etiquette", installed.serial), Some(&agent)).await;
    assert_eq!(label.status, StatusCode::OK);
    assert!(label.body.contains("<svg") && label.body.contains(&installed.serial));
    assert!(label.body.contains(&format!("/j/device/{}", installed.serial)), "the QR code's address is printed too");
    let client = ops.get(&format!("/ops/clients/{}", installed.customer_id.unwrap()), Some(&agent)).await;
    assert!(client.body.contains(&format!("/ops/equipement/{}/etiquette", installed.serial)));

    let anonymous = ops.get(&format!("/j/device/{}", installed.serial), None).await;
    let sign_in = format!("/portal/sign-in?device={}", installed.serial);
    assert_eq!((anonymous.status, anonymous.location()), (StatusCode::SEE_OTHER, sign_in.as_str()));
    let page = ops.get(&sign_in, None).await;
    assert!(page.body.contains(&format!("value=\"device:{}\"", installed.serial)));
    let customer = gigafibre_db::entities::customer::Entity::find_by_id(installed.customer_id.unwrap())
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!page.body.contains(&customer.last_name), "the subscriber is not named");
    let body = format!("identifier=device%3A{}&next=%2Fportal", installed.serial);
    let asked = ops
        .send(
            Method::POST,
            "/portal/request-link",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(body),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(!asked.body.contains(&customer.last_name));
    let requests = sign_in_request::Entity::find()
        .filter(sign_in_request::Column::IdentifierKey.eq(format!("device:{}", installed.serial)))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(requests, 1, "the portal's own request flow answers it");
    let url = url::Url::parse("http://localhost:8080/").unwrap();
    let sent = gigafibre::portal::links::answer_pending(&ops.db.db, &url, ops.clock.now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(sent, 1, "the link went to the device's subscriber");
}

#[tokio::test]
async fn the_app_is_installable_and_its_service_worker_covers_the_app() {
    let ops = Ops::new().await;
    let manifest = ops.get("/j/manifest.webmanifest", None).await;
    assert_eq!(manifest.headers.get(header::CONTENT_TYPE).unwrap(), "application/manifest+json");
    let parsed: serde_json::Value = serde_json::from_str(&manifest.body).unwrap();
    assert_eq!((parsed["start_url"].as_str(), parsed["display"].as_str()), (Some("/j"), Some("standalone")));
    let worker = ops.get("/j/sw.js", None).await;
    assert_eq!(worker.status, StatusCode::OK);
    assert!(worker.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(worker.headers.get("service-worker-allowed").unwrap(), "/j");
    assert!(worker.body.contains("/static/tech.css") && worker.body.contains("\"/j\""), "shell and today precached");
    for asset in ["/static/tech.js", "/static/tech.css", "/static/tech-icon.svg", "/static/vendor/zxing-browser.min.js"]
    {
        assert_eq!(ops.get(asset, None).await.status, StatusCode::OK, "{asset}");
    }
}
