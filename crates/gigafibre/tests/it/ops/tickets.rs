//! `/ops/tickets`: the list and its filters, a ticket with its thread, the
//! actions on it (answer, internal note, assign, status, priority) and
//! opening a ticket for a customer.

use axum::http::StatusCode;
use chrono::Duration;
use gigafibre::auth::session::{self, Owner};
use gigafibre::clock::Clock;
use gigafibre_db::entities::{audit_entry, customer, outbox_message, service_location, ticket, ticket_message};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::Ops;

/// The tickets a list page shows, in order.
fn ids_in(page: &str) -> Vec<i64> {
    let Some(body) = page.split("<tbody>").nth(1) else { return Vec::new() };
    let body = body.split("</tbody>").next().unwrap();
    body.split("<a href=\"/ops/tickets/").skip(1).map(|rest| rest.split('"').next().unwrap().parse().unwrap()).collect()
}

/// The href of the link whose text starts with `label`.
fn link(page: &str, label: &str) -> Option<String> {
    let end = page.find(&format!(">{label}")).or_else(|| page.find(&format!(">← {label}")))?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(page[start..].split('"').next()?.replace("&#38;", "&").replace("&amp;", "&"))
}

async fn all_tickets(ops: &Ops) -> Vec<ticket::Model> {
    ticket::Entity::find().all(&ops.db.db).await.unwrap()
}

/// The first page the list should show: `keep` applied, newest first.
fn expected(tickets: &[ticket::Model], keep: impl Fn(&ticket::Model) -> bool) -> Vec<i64> {
    let mut kept: Vec<&ticket::Model> = tickets.iter().filter(|t| keep(t)).collect();
    kept.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.id)));
    kept.into_iter().take(50).map(|t| t.id).collect()
}

fn active(t: &ticket::Model) -> bool {
    t.status == "open" || t.status == "pending"
}

pub(super) async fn ticket(ops: &Ops, id: i64) -> ticket::Model {
    ticket::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap()
}

/// An open ticket of a customer who has both an e-mail and a cell, and speaks `language`.
pub(super) async fn open_ticket_of_reachable(ops: &Ops, language: &str) -> (ticket::Model, customer::Model) {
    for c in ops.reachable_customers(language).await {
        if let Some(t) = ops.open_ticket_of(c.id).await {
            return (t, c);
        }
    }
    panic!("the demo has an open ticket of a reachable {language} customer");
}

/// The version the ticket's forms carry, read from its page.
fn version_in(page: &str) -> String {
    let start =
        page.find("name=\"version\" value=\"").expect("a form with a version") + "name=\"version\" value=\"".len();
    page[start..].split('"').next().unwrap().to_owned()
}

pub(super) async fn audit_of(ops: &Ops, ticket_id: i64, action: &str) -> Vec<audit_entry::Model> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("ticket"))
        .filter(audit_entry::Column::EntityId.eq(ticket_id))
        .filter(audit_entry::Column::Action.eq(action))
        .order_by_asc(audit_entry::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap()
}

pub(super) fn json(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().unwrap()).unwrap()
}

/// A customer session cookie, as the portal's sign-in would give.
pub(super) async fn customer_cookie(ops: &Ops, customer_id: i64) -> String {
    let new = session::start(&ops.db.db, Owner::Customer(customer_id), ops.clock.now(), None).await.unwrap();
    format!("gigafibre_session={}", new.cookie_value)
}

pub(super) async fn as_customer(ops: &Ops, uri: &str, cookie: &str) -> super::Answer {
    ops.send(axum::http::Method::GET, uri, &[("cookie", cookie)], None).await
}

pub(super) async fn outbox_for_ticket(ops: &Ops, ticket_id: i64) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find().filter(outbox_message::Column::TicketId.eq(ticket_id)).all(&ops.db.db).await.unwrap()
}

#[tokio::test]
async fn the_list_shows_the_tickets_to_handle_newest_first() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let tickets = all_tickets(&ops).await;

    let page = ops.get("/ops/tickets", Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Billets") && page.body.contains("Ouvert le"), "French first");
    assert_eq!(ids_in(&page.body), expected(&tickets, active));
    let newest = tickets.iter().find(|t| t.id == ids_in(&page.body)[0]).unwrap();
    assert!(page.body.contains(&format!("/ops/clients/{}\"", newest.customer_id)), "the customer links to their page");
    // The dashboard's link for the tickets to handle shows the same list.
    let from_dashboard = ops.get("/ops/tickets?status=active", Some(&agent)).await;
    assert_eq!(ids_in(&from_dashboard.body), ids_in(&page.body));

    let english = ops
        .send(axum::http::Method::GET, "/ops/tickets", &[("cookie", &agent.cookie), ("accept-language", "en")], None)
        .await;
    assert!(english.body.contains("Opened") && english.body.contains("Next page"));
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let now = ops.clock.now();
    // A few active tickets no one holds, and a few the agent holds.
    let some_active: Vec<ticket::Model> = all_tickets(&ops).await.into_iter().filter(active).take(9).collect();
    for (index, t) in some_active.into_iter().enumerate() {
        let mut row: ticket::ActiveModel = t.into();
        row.assigned_staff_id = Set(if index % 3 == 0 { None } else { Some(agent.id) });
        row.update(&ops.db.db).await.unwrap();
    }
    let tickets = all_tickets(&ops).await;
    let ids = |uri: String| {
        let ops = &ops;
        let agent = &agent;
        async move {
            let page = ops.get(&uri, Some(agent)).await;
            assert_eq!(page.status, StatusCode::OK, "{uri}");
            ids_in(&page.body)
        }
    };

    let urgent = ids("/ops/tickets?status=active&priority=urgent".into()).await;
    assert!(!urgent.is_empty());
    assert_eq!(urgent, expected(&tickets, |t| active(t) && t.priority == "urgent"));
    let urgent_page = ops.get("/ops/tickets?priority=urgent", Some(&agent)).await.body;
    assert!(
        !urgent_page.contains("pill high") && !urgent_page.contains("pill normal") && !urgent_page.contains("pill low")
    );

    let unassigned = ids("/ops/tickets?status=active&assignee=none".into()).await;
    assert_eq!(unassigned.len(), 3);
    assert_eq!(unassigned, expected(&tickets, |t| active(t) && t.assigned_staff_id.is_none()));
    let mine = ids("/ops/tickets?assignee=me".into()).await;
    assert_eq!(mine, expected(&tickets, |t| active(t) && t.assigned_staff_id == Some(agent.id)));
    let dispatcher = ops.staff("dispatcher").await;
    let theirs = ids(format!("/ops/tickets?assignee={}", dispatcher.id)).await;
    assert_eq!(theirs, expected(&tickets, |t| active(t) && t.assigned_staff_id == Some(dispatcher.id)));

    let day = now - Duration::hours(24);
    let week = now - Duration::days(7);
    let today = ids("/ops/tickets?status=active&age=today".into()).await;
    let this_week = ids("/ops/tickets?status=active&age=week".into()).await;
    let older = ids("/ops/tickets?status=active&age=older".into()).await;
    assert!(!today.is_empty() && !this_week.is_empty() && !older.is_empty(), "the demo has tickets of every age");
    assert_eq!(today, expected(&tickets, |t| active(t) && t.created_at >= day));
    assert_eq!(this_week, expected(&tickets, |t| active(t) && t.created_at >= week && t.created_at < day));
    assert_eq!(older, expected(&tickets, |t| active(t) && t.created_at < week));
    // The dashboard's cell link: urgent tickets to handle opened today.
    let cell = ids("/ops/tickets?status=active&priority=urgent&age=today".into()).await;
    assert_eq!(cell, expected(&tickets, |t| active(t) && t.priority == "urgent" && t.created_at >= day));

    assert_eq!(ids("/ops/tickets?status=closed".into()).await, expected(&tickets, |t| t.status == "closed"));
    assert_eq!(ids("/ops/tickets?status=pending".into()).await, expected(&tickets, |t| t.status == "pending"));
    assert_eq!(ids("/ops/tickets?status=all".into()).await, expected(&tickets, |_| true));
    assert_eq!(
        ids("/ops/tickets?status=all&category=billing".into()).await,
        expected(&tickets, |t| t.category == "billing")
    );
    let subject = tickets.iter().find(|t| t.status == "closed").unwrap().subject.clone();
    let word = subject.split(' ').next_back().unwrap().to_uppercase();
    assert_eq!(
        ids(format!("/ops/tickets?status=all&q={}", urlencode(&word))).await,
        expected(&tickets, |t| t.subject.to_lowercase().contains(&word.to_lowercase()))
    );
    assert_eq!(ids("/ops/tickets?status=all&q=100%25".into()).await, Vec::<i64>::new(), "% matches itself");

    // Unknown values are ignored, never an error.
    assert_eq!(
        ids("/ops/tickets?status=deleted&priority=critical&age=x&assignee=y".into()).await,
        expected(&tickets, active)
    );
    let none = ops.get("/ops/tickets?category=no_such_thing", Some(&agent)).await;
    assert!(none.body.contains("Aucun billet ne correspond"));
}

/// Text as the page writes it.
pub(super) fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("x", text)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn pages_follow_each_other_without_overlap_and_keep_the_filters() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let tickets = all_tickets(&ops).await;
    // Two tickets opened at the same moment straddle nothing: the id breaks the tie.
    let mut all: Vec<&ticket::Model> = tickets.iter().filter(|t| t.status == "closed").collect();
    all.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.id)));
    let mut twin: ticket::ActiveModel = all[50].clone().into();
    twin.created_at = Set(all[49].created_at);
    twin.update(&ops.db.db).await.unwrap();
    let tickets = all_tickets(&ops).await;
    let mut order: Vec<&ticket::Model> = tickets.iter().filter(|t| t.status == "closed").collect();
    order.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.id)));
    let order: Vec<i64> = order.into_iter().map(|t| t.id).collect();

    let first = ops.get("/ops/tickets?status=closed", Some(&billing)).await;
    assert_eq!(ids_in(&first.body), order[..50]);
    assert!(link(&first.body, "Première page").is_none());
    let next = link(&first.body, "Page suivante").expect("a next page");
    assert!(next.contains("status=closed") && next.contains(&format!("before={}", order[49])), "{next}");
    let second = ops.get(&next, Some(&billing)).await;
    assert_eq!(ids_in(&second.body), order[50..100]);
    let third = ops.get(&link(&second.body, "Page suivante").unwrap(), Some(&billing)).await;
    assert_eq!(ids_in(&third.body), order[100..150]);
    assert_eq!(link(&third.body, "Première page").unwrap(), "/ops/tickets?status=closed");

    // Filters ride along.
    let filtered = ops.get("/ops/tickets?status=all&priority=low&category=wifi", Some(&billing)).await;
    let next = link(&filtered.body, "Page suivante").unwrap();
    assert!(next.contains("priority=low") && next.contains("category=wifi") && next.contains("status=all"));
    let page = ops.get(&next, Some(&billing)).await;
    let later = ids_in(&page.body);
    assert!(!later.is_empty() && later.iter().all(|id| !ids_in(&filtered.body).contains(id)));
    assert!(later.iter().all(|id| {
        let t = tickets.iter().find(|t| t.id == *id).unwrap();
        t.priority == "low" && t.category == "wifi"
    }));

    // The last page has no next link; a cursor past the end says so.
    let oldest = *order.last().unwrap();
    let end = ops.get(&format!("/ops/tickets?status=closed&before={oldest}"), Some(&billing)).await;
    assert!(ids_in(&end.body).is_empty() && link(&end.body, "Page suivante").is_none());
    assert!(end.body.contains("Aucun autre billet"));
}

#[tokio::test]
async fn a_ticket_shows_its_customer_and_whole_thread_with_internal_notes_marked() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let (t, c) = open_ticket_of_reachable(&ops, "fr").await;
    let note = ops
        .post(&format!("/ops/tickets/{}/note", t.id), &agent, &[("body", "Client difficile, rappeler le soir")])
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER);

    let page = ops.get(&format!("/ops/tickets/{}", t.id), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&t.subject));
    assert!(page.body.contains(&format!("href=\"/ops/clients/{}\"", c.id)) && page.body.contains(&c.account_number));
    assert!(page.body.contains(c.email.as_deref().unwrap()));
    let messages =
        ticket_message::Entity::find().filter(ticket_message::Column::TicketId.eq(t.id)).all(&ops.db.db).await.unwrap();
    for m in &messages {
        assert!(page.body.contains(&escaped(&m.body)), "every message shows");
    }
    let note_item = page.body.split("<li class=\"internal\">").nth(1).expect("the note is marked internal");
    let note_item = note_item.split("</li>").next().unwrap();
    assert!(
        note_item.contains("Note interne")
            && note_item.contains("Client difficile")
            && note_item.contains("Antoine Agent")
    );

    let missing = ops.get("/ops/tickets/99999999", Some(&agent)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page introuvable"));
    assert_eq!(ops.get("/ops/tickets/abc", Some(&agent)).await.status, StatusCode::NOT_FOUND);
    let anonymous = ops.get(&format!("/ops/tickets/{}", t.id), None).await;
    assert_eq!((anonymous.status, anonymous.location()), (StatusCode::SEE_OTHER, "/ops/sign-in"));
}

#[tokio::test]
async fn assign_status_and_priority_changes_are_audited_with_before_and_after() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let dispatcher = ops.staff("dispatcher").await;
    let (t, _) = open_ticket_of_reachable(&ops, "fr").await;
    let uri = format!("/ops/tickets/{}", t.id);

    let target = if t.assigned_staff_id == Some(dispatcher.id) { agent.id } else { dispatcher.id };
    let version = version_in(&ops.get(&uri, Some(&agent)).await.body);
    let assigned =
        ops.post(&format!("{uri}/assign"), &agent, &[("version", &version), ("assignee", &target.to_string())]).await;
    assert_eq!((assigned.status, assigned.location()), (StatusCode::SEE_OTHER, uri.as_str()));
    assert_eq!(ticket(&ops, t.id).await.assigned_staff_id, Some(target));
    let entry = &audit_of(&ops, t.id, "ticket_assign").await[0];
    assert_eq!((entry.actor_kind.as_str(), entry.actor_id), ("staff", Some(agent.id)));
    assert_eq!(json(&entry.before)["assigned_staff_id"], serde_json::json!(t.assigned_staff_id));
    assert_eq!(json(&entry.after)["assigned_staff_id"], target);

    // htmx: the panel comes back in place, with the new version.
    let version = version_in(&ops.get(&uri, Some(&agent)).await.body);
    let status =
        ops.htmx_post(&format!("{uri}/status"), &agent, &[("version", &version), ("status", "resolved")]).await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(status.body.starts_with("<section class=\"card ticket-controls\" id=\"ticket-controls\">"));
    assert!(status.body.contains("Modification enregistrée"));
    let resolved = ticket(&ops, t.id).await;
    assert_eq!(resolved.status, "resolved");
    assert!(resolved.closed_at.is_some());
    let entry = &audit_of(&ops, t.id, "ticket_status").await[0];
    assert_eq!(
        (json(&entry.before)["status"].clone(), json(&entry.after)["status"].clone()),
        ("open".into(), "resolved".into())
    );

    let version = version_in(&status.body);
    let wanted = other_priority(&t);
    let priority =
        ops.htmx_post(&format!("{uri}/priority"), &agent, &[("version", &version), ("priority", wanted)]).await;
    assert_eq!(priority.status, StatusCode::OK);
    assert_eq!(ticket(&ops, t.id).await.priority, wanted);
    let entry = &audit_of(&ops, t.id, "ticket_priority").await[0];
    assert_eq!(json(&entry.before)["priority"], serde_json::json!(t.priority));
    assert_eq!(json(&entry.after)["priority"], wanted);

    // Unassigning, with the version the last answer carried.
    let version = version_in(&priority.body);
    let unassigned = ops.htmx_post(&format!("{uri}/assign"), &agent, &[("version", &version), ("assignee", "")]).await;
    assert_eq!(unassigned.status, StatusCode::OK);
    assert_eq!(ticket(&ops, t.id).await.assigned_staff_id, None);
    let entries = audit_of(&ops, t.id, "ticket_assign").await;
    assert_eq!(json(&entries[1].after)["assigned_staff_id"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_change_made_from_an_outdated_page_is_refused_and_changes_nothing() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let dispatcher = ops.staff("dispatcher").await;
    let (t, _) = open_ticket_of_reachable(&ops, "fr").await;
    let uri = format!("/ops/tickets/{}", t.id);
    // Both open the ticket; the dispatcher changes the priority first.
    let seen_by_agent = version_in(&ops.get(&uri, Some(&agent)).await.body);
    let seen_by_dispatcher = version_in(&ops.get(&uri, Some(&dispatcher)).await.body);
    let wanted = other_priority(&t);
    let first = ops
        .post(&format!("{uri}/priority"), &dispatcher, &[("version", &seen_by_dispatcher), ("priority", wanted)])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let after_first = ticket(&ops, t.id).await;
    let audited = audit_entry::Entity::find().count(&ops.db.db).await.unwrap();

    let late =
        ops.htmx_post(&format!("{uri}/status"), &agent, &[("version", &seen_by_agent), ("status", "closed")]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("Ce billet a été modifié par Diane Dispatch entre-temps"), "{}", late.body);
    assert!(late.body.contains("Recharger"));
    let plain = ops.post(&format!("{uri}/assign"), &agent, &[("version", &seen_by_agent), ("assignee", "")]).await;
    assert_eq!(plain.status, StatusCode::CONFLICT);
    assert!(plain.body.contains("<html") && plain.body.contains("modifié par Diane Dispatch"));
    let forged =
        ops.post(&format!("{uri}/status"), &agent, &[("version", "not-a-version"), ("status", "closed")]).await;
    assert_eq!(forged.status, StatusCode::CONFLICT);
    assert_eq!(ticket(&ops, t.id).await, after_first, "nothing changed");
    assert_eq!(audit_entry::Entity::find().count(&ops.db.db).await.unwrap(), audited);

    // The customer answering in the portal also makes an open page outdated.
    let version = version_in(&ops.get(&uri, Some(&agent)).await.body);
    ops.clock.advance(Duration::minutes(1));
    let cookie = customer_cookie(&ops, t.customer_id).await;
    let portal_page = as_customer(&ops, &format!("/portal/tickets/{}", t.id), &cookie).await.body;
    let csrf = {
        let start = portal_page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
        portal_page[start..start + 64].to_owned()
    };
    let form = serde_urlencoded::to_string([("csrf", csrf.as_str()), ("body", "Toujours en panne")]).unwrap();
    let answered = ops
        .send(
            axum::http::Method::POST,
            &format!("/portal/tickets/{}/reply", t.id),
            &[("cookie", &cookie), ("content-type", "application/x-www-form-urlencoded")],
            Some(form),
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let late =
        ops.htmx_post(&format!("{uri}/priority"), &agent, &[("version", &version), ("priority", "normal")]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("modifié par le client"));
    assert_eq!(ticket(&ops, t.id).await.priority, wanted);
}

#[tokio::test]
async fn billing_reads_tickets_but_cannot_act_on_them() {
    let ops = Ops::new().await;
    let billing = ops.staff("billing").await;
    let (t, c) = open_ticket_of_reachable(&ops, "fr").await;
    let uri = format!("/ops/tickets/{}", t.id);

    assert_eq!(ops.get("/ops/tickets", Some(&billing)).await.status, StatusCode::OK);
    let page = ops.get(&uri, Some(&billing)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/reply\"") && !page.body.contains("name=\"version\""), "no forms to act");

    let version = rules_version(&t);
    for (action, form) in [
        ("reply", vec![("body", "Bonjour")]),
        ("note", vec![("body", "Note")]),
        ("assign", vec![("version", version.as_str()), ("assignee", "")]),
        ("status", vec![("version", version.as_str()), ("status", "closed")]),
        ("priority", vec![("version", version.as_str()), ("priority", "low")]),
    ] {
        let answer = ops.post(&format!("{uri}/{action}"), &billing, &form).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(
        ops.get(&format!("/ops/tickets/new?customer={}", c.id), Some(&billing)).await.status,
        StatusCode::FORBIDDEN
    );
    let new = ops.post("/ops/tickets/new", &billing, &[("customer", &c.id.to_string()), ("subject", "Facture")]).await;
    assert_eq!(new.status, StatusCode::FORBIDDEN);
    assert_eq!(ticket(&ops, t.id).await, t);
    assert!(outbox_for_ticket(&ops, t.id).await.is_empty());
}

/// A priority the ticket does not have yet.
fn other_priority(t: &ticket::Model) -> &'static str {
    if t.priority == "urgent" { "low" } else { "urgent" }
}

fn rules_version(t: &ticket::Model) -> String {
    t.updated_at.timestamp_micros().to_string()
}

#[tokio::test]
async fn bad_input_shows_an_error_beside_the_field_and_saves_nothing() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let (t, _) = open_ticket_of_reachable(&ops, "fr").await;
    let uri = format!("/ops/tickets/{}", t.id);
    let messages = || async {
        ticket_message::Entity::find()
            .filter(ticket_message::Column::TicketId.eq(t.id))
            .count(&ops.db.db)
            .await
            .unwrap()
    };
    let count = messages().await;

    let empty = ops.post(&format!("{uri}/reply"), &agent, &[("body", "   ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"reply-error\">Écrivez un message."));
    let long = "x".repeat(5_001);
    let too_long = ops.htmx_post(&format!("{uri}/note"), &agent, &[("body", &long)]).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("id=\"note-error\">Le texte dépasse 5 000 caractères."));
    assert!(too_long.body.contains(&long), "what was typed stays");
    let just_right = ops.post(&format!("{uri}/note"), &agent, &[("body", &"é".repeat(5_000))]).await;
    assert_eq!(just_right.status, StatusCode::SEE_OTHER);
    assert_eq!(messages().await, count + 1);
    assert!(outbox_for_ticket(&ops, t.id).await.is_empty());

    let page = ops.get(&uri, Some(&agent)).await;
    assert!(super::swaps_refusals(&page.body), "htmx shows these refusals in place");
    let version = version_in(&page.body);
    let before = ticket(&ops, t.id).await;
    let status = ops.htmx_post(&format!("{uri}/status"), &agent, &[("version", &version), ("status", "deleted")]).await;
    assert_eq!(status.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(status.body.contains("id=\"ticket-status-error\">Choisissez un statut de la liste."));
    let priority =
        ops.post(&format!("{uri}/priority"), &agent, &[("version", &version), ("priority", "critical")]).await;
    assert_eq!(priority.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(priority.body.contains("Choisissez une priorité de la liste."));
    let billing = ops.staff("billing").await;
    for someone in [billing.id.to_string(), "999999".into(), "x".into()] {
        let assign =
            ops.htmx_post(&format!("{uri}/assign"), &agent, &[("version", &version), ("assignee", &someone)]).await;
        assert_eq!(assign.status, StatusCode::UNPROCESSABLE_ENTITY, "{someone}");
    }
    let forged = ops
        .send(
            axum::http::Method::POST,
            &format!("{uri}/status"),
            &[("cookie", &agent.cookie), ("content-type", "application/x-www-form-urlencoded")],
            Some(format!("csrf=wrong&version={version}&status=closed")),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let missing = ops.post("/ops/tickets/99999999/status", &agent, &[("version", "1"), ("status", "closed")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(ticket(&ops, t.id).await, before, "nothing changed");
    assert!(audit_of(&ops, t.id, "ticket_status").await.is_empty());
}

#[tokio::test]
async fn staff_open_a_ticket_for_a_customer() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let dispatcher = ops.staff("dispatcher").await;
    let location = service_location::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let c = customer::Entity::find_by_id(location.customer_id).one(&ops.db.db).await.unwrap().unwrap();
    let other = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.ne(c.id))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();

    let form = ops.get(&format!("/ops/tickets/new?customer={}", c.id), Some(&agent)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&c.account_number) && form.body.contains(&location.street));
    assert_eq!(ops.get("/ops/tickets/new?customer=99999999", Some(&agent)).await.status, StatusCode::NOT_FOUND);

    let tickets = ticket::Entity::find().count(&ops.db.db).await.unwrap();
    let customer_id = c.id.to_string();
    let refused = ops
        .post(
            "/ops/tickets/new",
            &agent,
            &[
                ("customer", &customer_id),
                ("category", "wifi"),
                ("priority", "high"),
                ("subject", "W"),
                ("location", &other.id.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("au moins 3 caractères") && refused.body.contains("Choisissez une adresse de ce client")
    );
    assert_eq!(ticket::Entity::find().count(&ops.db.db).await.unwrap(), tickets);

    let created = ops
        .post(
            "/ops/tickets/new",
            &agent,
            &[
                ("customer", &customer_id),
                ("category", "wifi"),
                ("priority", "high"),
                ("subject", "Wi-Fi coupe au sous-sol"),
                ("description", "Appel du client : coupures depuis lundi."),
                ("location", &location.id.to_string()),
                ("assignee", &dispatcher.id.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let id: i64 = created.location().strip_prefix("/ops/tickets/").unwrap().parse().unwrap();
    let t = ticket(&ops, id).await;
    assert_eq!(
        (t.customer_id, t.service_location_id, t.assigned_staff_id),
        (c.id, Some(location.id), Some(dispatcher.id))
    );
    assert_eq!((t.status.as_str(), t.priority.as_str(), t.category.as_str()), ("open", "high", "wifi"));
    assert_eq!(t.subject, "Wi-Fi coupe au sous-sol");
    let entry = &audit_of(&ops, id, "ticket_create").await[0];
    assert_eq!(entry.actor_id, Some(agent.id));
    assert_eq!(json(&entry.after)["subject"], "Wi-Fi coupe au sous-sol");
    let page = ops.get(created.location(), Some(&agent)).await;
    assert!(page.body.contains("Appel du client : coupures depuis lundi."));
    let list = ops.get("/ops/tickets", Some(&agent)).await;
    assert_eq!(ids_in(&list.body)[0], id, "the newest ticket heads the list");
}
