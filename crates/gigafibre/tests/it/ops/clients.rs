//! `/ops/clients`: the list and its filters, one customer's page, editing in
//! place (with the hostile cases), creating customers and addresses.

use axum::http::StatusCode;
use chrono::Duration;
use gigafibre_db::entities::{audit_entry, customer, invoice, outbox_message, service_location};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::Ops;

async fn julie(ops: &Ops) -> customer::Model {
    customer::Entity::find()
        .filter(customer::Column::AccountNumber.eq("GF-100002"))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap()
}

/// The customer ids a list page links to, in order.
fn listed(body: &str) -> Vec<i64> {
    body.split("<a href=\"/ops/clients/").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect()
}

fn next_link(body: &str) -> Option<String> {
    let start = body.find("rel=\"next\"")?;
    let before = &body[..start];
    let href = before.rsplit("href=\"").next()?;
    Some(href.split('"').next()?.replace("&amp;", "&"))
}

#[tokio::test]
async fn the_list_pages_through_every_customer_alphabetically_without_overlap() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let mut seen = Vec::new();
    let mut uri = Some("/ops/clients".to_owned());
    while let Some(current) = uri {
        let page = ops.get(&current, Some(&agent)).await;
        assert_eq!(page.status, StatusCode::OK);
        let ids = listed(&page.body);
        assert!(ids.len() <= 50);
        seen.extend(ids);
        uri = next_link(&page.body);
    }
    let all = customer::Entity::find()
        .order_by_asc(customer::Column::LastName)
        .order_by_asc(customer::Column::FirstName)
        .order_by_asc(customer::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(seen, all.iter().map(|c| c.id).collect::<Vec<_>>(), "every customer once, in name order");
}

#[tokio::test]
async fn each_filter_narrows_the_list_to_what_it_names() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let julie = julie(&ops).await;
    let by_name = listed(&ops.get("/ops/clients?q=LECLERC+julie", Some(&agent)).await.body);
    assert!(by_name.contains(&julie.id));
    for id in &by_name {
        let c = customer::Entity::find_by_id(*id).one(&ops.db.db).await.unwrap().unwrap();
        assert_eq!((c.first_name.as_str(), c.last_name.as_str()), ("Julie", "Leclerc"), "every word matches");
    }

    let closed = listed(&ops.get("/ops/clients?status=closed", Some(&agent)).await.body);
    assert!(!closed.is_empty());
    for id in &closed {
        let c = customer::Entity::find_by_id(*id).one(&ops.db.db).await.unwrap().unwrap();
        assert_eq!(c.status, "closed");
    }

    let town = service_location::Entity::find().one(&ops.db.db).await.unwrap().unwrap().municipality;
    let in_town = listed(&ops.get(&format!("/ops/clients?municipality={}", urlencode(&town)), Some(&agent)).await.body);
    assert!(!in_town.is_empty());
    for id in &in_town {
        let places = service_location::Entity::find()
            .filter(service_location::Column::CustomerId.eq(*id))
            .filter(service_location::Column::Municipality.eq(town.as_str()))
            .count(&ops.db.db)
            .await
            .unwrap();
        assert!(places > 0, "customer {id} has a place in {town}");
    }

    let overdue = listed(&ops.get("/ops/clients?overdue=1", Some(&agent)).await.body);
    let today = super::start_of_test().date_naive();
    let owing = invoice::Entity::find()
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::DueDate.lt(today))
        .filter(invoice::Column::BalanceCents.gt(0))
        .all(&ops.db.db)
        .await
        .unwrap();
    let mut expected: Vec<i64> = owing.iter().map(|i| i.customer_id).collect();
    expected.sort_unstable();
    expected.dedup();
    let mut shown = overdue.clone();
    shown.sort_unstable();
    assert!(!shown.is_empty() && shown.len() <= 50);
    if expected.len() <= 50 {
        assert_eq!(shown, expected, "exactly the customers with an overdue invoice");
    } else {
        assert!(shown.iter().all(|id| expected.contains(id)));
    }

    let nobody = ops.get("/ops/clients?q=zzyzx", Some(&agent)).await;
    assert!(nobody.body.contains("Aucun client ne correspond"));
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn a_customer_page_shows_everything_about_them_and_only_editors_get_edit_controls() {
    let ops = Ops::new().await;
    let julie = julie(&ops).await;
    let agent = ops.staff("agent").await;
    let page = ops.get(&format!("/ops/clients/{}", julie.id), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "Julie Leclerc",
        "GF-100002",
        "julie.leclerc2@outlook.com",
        "514-838-9458",
        "Adresses de service",
        "Abonnements",
        "Factures récentes",
        "Billets récents",
        "Modifier",
    ] {
        assert!(page.body.contains(part), "the page shows {part}");
    }
    let dispatcher = ops.staff("dispatcher").await;
    let read_only = ops.get(&format!("/ops/clients/{}", julie.id), Some(&dispatcher)).await;
    assert_eq!(read_only.status, StatusCode::OK);
    assert!(!read_only.body.contains("/fields/email/edit"), "no edit control for a dispatcher");
    let edit = ops
        .htmx_post(
            &format!("/ops/clients/{}/fields/email", julie.id),
            &dispatcher,
            &[("value", "x@y.ca"), ("previous", "")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    assert_eq!(ops.get("/ops/clients/999999", Some(&agent)).await.status, StatusCode::NOT_FOUND);
    let typo = ops.get("/ops/clients/12a", Some(&agent)).await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert!(typo.body.contains("<h1>Demande illisible</h1>"), "a page in French, not axum's English: {}", typo.body);
    assert!(typo.body.contains("class=\"button\" href=\"/ops\""), "back to the ops app, not the public home");
    let missing_field = ops.post("/ops/impersonate", &agent, &[]).await;
    assert_eq!(missing_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_field.body.contains("Demande illisible"), "{}", missing_field.body);
}

#[tokio::test]
async fn an_agent_corrects_an_email_in_place_and_the_change_is_audited_and_the_old_address_told() {
    let ops = Ops::new().await;
    let julie = julie(&ops).await;
    let agent = ops.staff("agent").await;
    let uri = format!("/ops/clients/{}/fields/email", julie.id);
    let form = ops.htmx_get(&format!("{uri}/edit"), &agent).await;
    assert!(form.body.contains("name=\"value\"") && form.body.contains("julie.leclerc2@outlook.com"));

    ops.clock.advance(Duration::minutes(1));
    let saved = ops
        .htmx_post(
            &uri,
            &agent,
            &[("value", " Julie.Leclerc@Videotron.CA "), ("previous", "julie.leclerc2@outlook.com")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.body.contains("julie.leclerc@videotron.ca") && saved.body.contains("Enregistré"));
    assert!(!saved.body.contains("<html"), "a fragment, not a page");
    let now = julie_again(&ops, julie.id).await;
    assert_eq!(now.email.as_deref(), Some("julie.leclerc@videotron.ca"));

    let entry =
        audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.entity_id, entry.actor_id),
        ("customer_update", Some(julie.id), Some(agent.id))
    );
    assert_eq!(entry.before.as_deref(), Some(r#"{"email":"julie.leclerc2@outlook.com"}"#));
    assert_eq!(entry.after.as_deref(), Some(r#"{"email":"julie.leclerc@videotron.ca"}"#));
    let told = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq("julie.leclerc2@outlook.com"))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(told, 1, "the old address hears of the change");
}

async fn julie_again(ops: &Ops, id: i64) -> customer::Model {
    customer::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap()
}

async fn audit_entries(ops: &Ops) -> u64 {
    audit_entry::Entity::find().count(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn an_invalid_email_or_phone_shows_the_error_next_to_the_field_and_saves_nothing() {
    let ops = Ops::new().await;
    let julie = julie(&ops).await;
    let agent = ops.staff("agent").await;
    let entries = audit_entries(&ops).await;
    let bad_email = ops
        .htmx_post(
            &format!("/ops/clients/{}/fields/email", julie.id),
            &agent,
            &[("value", "julie@"), ("previous", "julie.leclerc2@outlook.com")],
        )
        .await;
    assert_eq!(bad_email.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_email.body.contains("aria-invalid=\"true\"") && bad_email.body.contains("pas valide"));
    assert!(bad_email.body.contains("value=\"julie@\""), "what was typed stays in the field");
    let bad_phone = ops
        .htmx_post(
            &format!("/ops/clients/{}/fields/cell", julie.id),
            &agent,
            &[("value", "838-94"), ("previous", "+15148389458")],
        )
        .await;
    assert_eq!(bad_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_phone.body.contains("10 chiffres"));
    // Without JavaScript the whole page comes back with the field open.
    let plain = ops
        .post(
            &format!("/ops/clients/{}/fields/email", julie.id),
            &agent,
            &[("value", "julie@"), ("previous", "julie.leclerc2@outlook.com")],
        )
        .await;
    assert_eq!(plain.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        plain.body.contains("<html")
            && plain.body.contains("Billets récents")
            && plain.body.contains("aria-invalid=\"true\"")
    );

    assert_eq!(julie_again(&ops, julie.id).await, julie, "nothing saved");
    assert_eq!(audit_entries(&ops).await, entries, "nothing audited");
    // The page the field sits on lets htmx show that refusal in place.
    let page = ops.get(&format!("/ops/clients/{}", julie.id), Some(&agent)).await;
    assert!(super::swaps_refusals(&page.body), "htmx would drop the 422 answer and show nothing");
}

#[tokio::test]
async fn a_field_another_agent_changed_meanwhile_is_not_overwritten() {
    let ops = Ops::new().await;
    let julie = julie(&ops).await;
    let first = ops.staff("agent").await;
    let second = ops.staff("billing").await;
    let uri = format!("/ops/clients/{}/fields/cell", julie.id);
    // Both opened the field showing 514-838-9458; the first saves.
    let saved = ops.htmx_post(&uri, &first, &[("value", "450 555 1234"), ("previous", "+15148389458")]).await;
    assert_eq!(saved.status, StatusCode::OK);
    let stale = ops.htmx_post(&uri, &second, &[("value", "819 555 0000"), ("previous", "+15148389458")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.body.contains("Quelqu&#39;un d&#39;autre a modifié ce champ")
            || stale.body.contains("autre a modifié ce champ")
    );
    assert!(stale.body.contains("450-555-1234"), "the agent sees what it holds now");
    assert_eq!(julie_again(&ops, julie.id).await.cell.as_deref(), Some("+14505551234"));
    // Another field is still editable: only that field's change counts.
    let other = ops
        .htmx_post(
            &format!("/ops/clients/{}/fields/notes", julie.id),
            &second,
            &[("value", "Préfère les textos"), ("previous", "")],
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn an_agent_creates_a_customer_with_a_first_address_and_bad_input_creates_nothing() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let before = customer::Entity::find().count(&ops.db.db).await.unwrap();
    let bad = ops
        .post(
            "/ops/clients/new",
            &agent,
            &[
                ("kind", "residential"),
                ("first_name", "Luc"),
                ("last_name", ""),
                ("email", "luc@"),
                ("cell", ""),
                ("billing_day", "31"),
                ("street", "12 rue des Érables"),
                ("municipality", "Gatineau"),
                ("postal_code", "12345"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in
        ["Ce nom est obligatoire", "pas valide (exemple : nom@domaine.ca)", "Un jour entre 1 et 28", "Ce code postal"]
    {
        assert!(bad.body.contains(message), "{message}");
    }
    assert!(bad.body.contains("value=\"12 rue des Érables\""), "typed values are kept");
    assert_eq!(customer::Entity::find().count(&ops.db.db).await.unwrap(), before);

    let good = ops
        .post(
            "/ops/clients/new",
            &agent,
            &[
                ("kind", "residential"),
                ("first_name", "Luc"),
                ("last_name", "Gagné"),
                ("email", "luc.gagne@example.ca"),
                ("cell", "(819) 555-0199"),
                ("language", "fr"),
                ("billing_day", "15"),
                ("street", "12 rue des Érables"),
                ("municipality", "Gatineau"),
                ("postal_code", "j8p3a1"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let created = customer::Entity::find().order_by_desc(customer::Column::Id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(good.location(), format!("/ops/clients/{}", created.id));
    assert_eq!(
        (created.last_name.as_str(), created.cell.as_deref(), created.billing_day),
        ("Gagné", Some("+18195550199"), 15)
    );
    assert!(created.account_number.starts_with("GF-1"));
    let place = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.eq(created.id))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(place.postal_code, "J8P 3A1");
    let page = ops.get(good.location(), Some(&agent)).await;
    assert!(page.body.contains("Luc Gagné") && page.body.contains("12 rue des Érables, Gatineau QC J8P 3A1"));

    let second_place = ops
        .post(
            &format!("/ops/clients/{}/locations/new", created.id),
            &agent,
            &[("street", "40 chemin du Lac"), ("unit", ""), ("municipality", "Chelsea"), ("postal_code", "J9B 1A1")],
        )
        .await;
    assert_eq!(second_place.status, StatusCode::SEE_OTHER);
    let places = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.eq(created.id))
        .count(&ops.db.db)
        .await
        .unwrap();
    assert_eq!(places, 2);
    let dispatcher = ops.staff("dispatcher").await;
    assert_eq!(ops.get("/ops/clients/new", Some(&dispatcher)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_agent_cannot_leave_a_customer_without_an_email_or_a_cell() {
    let ops = Ops::new().await;
    let julie = julie(&ops).await;
    let agent = ops.staff("agent").await;
    let page = ops.get(&format!("/ops/clients/{}", julie.id), Some(&agent)).await;
    assert!(page.body.contains("<title>Julie Leclerc · Gigafibre</title>"), "a plain title");
    assert_eq!(page.headers.get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
    let no_email = ops
        .htmx_post(
            &format!("/ops/clients/{}/fields/email", julie.id),
            &agent,
            &[("value", ""), ("previous", "julie.leclerc2@outlook.com")],
        )
        .await;
    assert_eq!(no_email.status, StatusCode::OK, "the cell still reaches her");
    let no_cell = ops
        .htmx_post(
            &format!("/ops/clients/{}/fields/cell", julie.id),
            &agent,
            &[("value", " "), ("previous", "+15148389458")],
        )
        .await;
    assert_eq!(no_cell.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_cell.body.contains("liens de connexion"), "the agent is told why");
    assert_eq!(julie_again(&ops, julie.id).await.cell.as_deref(), Some("+15148389458"));
    let empty_notes = ops
        .htmx_post(&format!("/ops/clients/{}/fields/notes", julie.id), &agent, &[("value", "  "), ("previous", "")])
        .await;
    assert_eq!(empty_notes.status, StatusCode::OK);
    let entries =
        audit_entry::Entity::find().filter(audit_entry::Column::EntityId.eq(julie.id)).count(&ops.db.db).await.unwrap();
    assert_eq!(entries, 1, "only the e-mail change is logged; empty notes saved empty changed nothing");
}

#[tokio::test]
async fn an_agent_ends_every_portal_session_of_a_customer_after_confirming() {
    let ops = Ops::new().await;
    let julie = julie(&ops).await;
    let agent = ops.staff("agent").await;
    let portal =
        gigafibre::auth::session::start_customer(&ops.db.db, julie.id, super::start_of_test(), None).await.unwrap();
    let portal_cookie = format!("gigafibre_session={}", portal.cookie_value);
    let uri = format!("/ops/clients/{}/sign-out-everywhere", julie.id);
    let unconfirmed = ops.post(&uri, &agent, &[]).await;
    assert!(unconfirmed.location().contains("access=unconfirmed"));
    let still = ops.send(axum::http::Method::GET, "/portal", &[("cookie", portal_cookie.as_str())], None).await;
    assert_eq!(still.status, StatusCode::OK, "nothing ended without the confirmation");
    let ended = ops.post(&uri, &agent, &[("confirm", "yes")]).await;
    assert!(ended.location().contains("access=ended"));
    let after = ops.send(axum::http::Method::GET, "/portal", &[("cookie", portal_cookie.as_str())], None).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the customer's session is gone");
    let page = ops.get(ended.location(), Some(&agent)).await;
    assert!(page.body.contains("Toutes les sessions du client ont pris fin"));
    let dispatcher = ops.staff("dispatcher").await;
    assert_eq!(ops.post(&uri, &dispatcher, &[("confirm", "yes")]).await.status, StatusCode::FORBIDDEN);
}
