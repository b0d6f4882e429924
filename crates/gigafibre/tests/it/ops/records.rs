//! `/ops/outbox` and `/ops/audit`: the lists, their filters and cursors,
//! sign-in secrets kept out of sight, retrying a failed message, and the
//! change log's before → after.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use gigafibre::audit::{self, Actor, Change};
use gigafibre::clock::Clock;
use gigafibre::config::Config;
use gigafibre::i18n::Lang;
use gigafibre::outbox::{self, Channel, NewMessage};
use gigafibre::portal::links;
use gigafibre_db::entities::{audit_entry, customer, outbox_message, ticket};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde_json::json;

use super::{Ops, start_of_test};

/// The ids of the rows a list shows, in order (`/ops/outbox/12`, `audit-12`).
fn row_ids(body: &str, marker: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for piece in body.split(marker).skip(1) {
        let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(id) = digits.parse::<i64>()
            && ids.last() != Some(&id)
        {
            ids.push(id);
        }
    }
    ids
}

fn outbox_ids(body: &str) -> Vec<i64> {
    row_ids(body, "<td class=\"nowrap when\"><a href=\"/ops/outbox/")
}

fn audit_ids(body: &str) -> Vec<i64> {
    row_ids(body, "<tr id=\"audit-")
}

/// A link of the pager (`before=` or `after=`), unescaped.
fn pager_link(body: &str, cursor: &str) -> Option<String> {
    let nav = body.split("<nav class=\"pager\"").nth(1)?.split("</nav>").next()?;
    let link = nav
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|href| href.contains(&format!("{cursor}=")))?;
    Some(unescape(link))
}

/// Text as the browser reads it out of HTML.
fn unescape(html: &str) -> String {
    [("&#38;", "&"), ("&amp;", "&"), ("&#60;", "<"), ("&lt;", "<"), ("&#62;", ">"), ("&gt;", ">")]
        .into_iter()
        .chain([("&#34;", "\""), ("&quot;", "\""), ("&#39;", "'")])
        .fold(html.to_owned(), |text, (entity, plain)| text.replace(entity, plain))
}

async fn customers(ops: &Ops) -> Vec<customer::Model> {
    customer::Entity::find().order_by_asc(customer::Column::Id).all(&ops.db.db).await.unwrap()
}

/// Sixty messages: e-mails (even) and texts (odd), for two customers; every
/// tenth one failed.
async fn sixty_messages(ops: &Ops, first: &customer::Model, second: &customer::Model) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..60 {
        let sms = i % 2 == 1;
        let message = NewMessage {
            channel: if sms { Channel::Sms } else { Channel::Email },
            to: if sms { format!("+1514555{i:04}") } else { format!("client{i}@example.ca") },
            subject: (!sms).then(|| format!("Avis numéro {i}")),
            body_text: format!("Bonjour, voici l'avis numéro {i}."),
            body_html: None,
            language: Lang::Fr,
            customer_id: Some(if i < 40 { first.id } else { second.id }),
            ticket_id: None,
        };
        let id = outbox::enqueue(&ops.db.db, message, ops.clock.now() + Duration::seconds(i)).await.unwrap();
        if i % 10 == 0 {
            fail(ops, id, "550 boîte pleine").await;
        }
        ids.push(id);
    }
    ids
}

async fn fail(ops: &Ops, id: i64, reason: &str) {
    let row = outbox_message::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap();
    let mut row = row.into_active_model();
    row.status = Set("failed".into());
    row.attempts = Set(5);
    row.last_error = Set(Some(reason.into()));
    row.update(&ops.db.db).await.unwrap();
}

#[tokio::test]
async fn each_role_reaches_only_the_records_it_may_read() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    assert_eq!(ops.get("/ops/outbox", Some(&dispatcher)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(ops.get("/ops/outbox/1", Some(&dispatcher)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(ops.post("/ops/outbox/1/retry", &dispatcher, &[]).await.status, StatusCode::FORBIDDEN);
    for role in ["agent", "billing", "dispatcher"] {
        let member = ops.staff(role).await;
        assert_eq!(ops.get("/ops/audit", Some(&member)).await.status, StatusCode::FORBIDDEN, "{role}");
    }
    for role in ["agent", "billing", "admin"] {
        let member = ops.staff(role).await;
        assert_eq!(ops.get("/ops/outbox", Some(&member)).await.status, StatusCode::OK, "{role}");
    }
    let admin = ops.staff("admin").await;
    assert_eq!(ops.get("/ops/audit", Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(ops.get("/ops/audit", None).await.location(), "/ops/sign-in");
}

#[tokio::test]
async fn the_outbox_lists_newest_first_page_by_page_and_filters() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let all = customers(&ops).await;
    let (first, second) = (&all[0], &all[1]);
    let ids = sixty_messages(&ops, first, second).await;
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();

    let page = ops.get("/ops/outbox", Some(&agent)).await;
    assert_eq!(outbox_ids(&page.body), newest_first[..50]);
    assert!(page.body.contains("Avis numéro 58"), "an e-mail by its subject");
    assert!(pager_link(&page.body, "after").is_none(), "nothing is newer than the first page");
    let older = pager_link(&page.body, "before").expect("a link to older messages");
    let page = ops.get(&older, Some(&agent)).await;
    assert_eq!(outbox_ids(&page.body), newest_first[50..]);
    assert!(pager_link(&page.body, "before").is_none(), "the oldest page");
    let newer = pager_link(&page.body, "after").expect("a link back");
    assert_eq!(outbox_ids(&ops.get(&newer, Some(&agent)).await.body), newest_first[..50]);

    let failed = ops.get("/ops/outbox?status=failed", Some(&agent)).await;
    let expected: Vec<i64> = newest_first.iter().copied().filter(|id| (id - ids[0]) % 10 == 0).collect();
    assert_eq!(outbox_ids(&failed.body), expected);
    assert!(failed.body.contains("550 boîte pleine"), "a failed message shows its reason");

    let texts = ops.get("/ops/outbox?channel=sms&status=", Some(&agent)).await;
    assert_eq!(outbox_ids(&texts.body).len(), 30);
    assert!(!texts.body.contains("@example.ca"));

    let typed_phone = ops.get("/ops/outbox?to=(514)+555-0007", Some(&agent)).await;
    assert_eq!(outbox_ids(&typed_phone.body), vec![ids[7]]);
    assert!(typed_phone.body.contains("514-555-0007"), "the number the familiar way");
    let by_address = ops.get("/ops/outbox?to=CLIENT12%40", Some(&agent)).await;
    assert_eq!(outbox_ids(&by_address.body), vec![ids[12]]);
    let wildcard = ops.get("/ops/outbox?to=%25", Some(&agent)).await;
    assert!(outbox_ids(&wildcard.body).is_empty(), "a typed % is a character, not a wildcard");

    let by_id = ops.get(&format!("/ops/outbox?customer={}", second.id), Some(&agent)).await;
    assert_eq!(outbox_ids(&by_id.body), newest_first[..20]);
    assert!(by_id.body.contains(&format!("href=\"/ops/clients/{}\"", second.id)));
    let by_number =
        ops.get(&format!("/ops/outbox?customer={}&channel=email", second.account_number), Some(&agent)).await;
    assert_eq!(outbox_ids(&by_number.body).len(), 10);
    let unknown = ops.get("/ops/outbox?customer=GF-999999", Some(&agent)).await;
    assert!(unknown.body.contains("Aucun client ne porte ce numéro"));
    assert!(outbox_ids(&unknown.body).is_empty());
}

#[tokio::test]
async fn a_message_about_a_ticket_links_to_its_customer_and_ticket() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let about = ticket::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let message = NewMessage {
        channel: Channel::Email,
        to: "marie@example.ca".into(),
        subject: Some("Votre billet".into()),
        body_text: "Ligne 1\nLigne 2".into(),
        body_html: Some("<p onclick=\"alert(1)\">Bonjour <script>alert(2)</script></p>".into()),
        language: Lang::Fr,
        customer_id: Some(about.customer_id),
        ticket_id: Some(about.id),
    };
    let id = outbox::enqueue(&ops.db.db, message, ops.clock.now()).await.unwrap();
    let list = ops.get("/ops/outbox", Some(&agent)).await;
    assert!(list.body.contains(&format!("href=\"/ops/tickets/{}\"", about.id)));
    assert!(list.body.contains(&format!("href=\"/ops/clients/{}\"", about.customer_id)));
    let page = ops.get(&format!("/ops/outbox/{id}"), Some(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<pre class=\"message-text\">Ligne 1\nLigne 2</pre>"));
    // The HTML body is a sandboxed document of its own, escaped into srcdoc.
    let frame = page.body.split("<iframe").nth(1).unwrap().split("</iframe>").next().unwrap();
    assert!(frame.contains(" sandbox "), "{frame}");
    assert!(!frame.contains('<') && !frame.contains("\"alert"), "escaped into the attribute: {frame}");
    let document = unescape(frame.split("srcdoc=\"").nth(1).unwrap().split('"').next().unwrap());
    assert!(document.contains("<p onclick=\"alert(1)\">Bonjour <script>alert(2)</script></p>"), "{document}");
    assert!(document.starts_with("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    assert!(!page.body.contains("<script>alert(2)"), "never markup of the page itself");
    assert_eq!(ops.get("/ops/outbox/999999", Some(&agent)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(ops.get("/ops/outbox/abc", Some(&agent)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_message_kept_in_the_sandbox_says_why_in_the_readers_language() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let message = NewMessage {
        channel: Channel::Sms,
        to: "+15145550199".into(),
        subject: None,
        body_text: "Votre technicien arrive.".into(),
        body_html: None,
        language: Lang::Fr,
        customer_id: None,
        ticket_id: None,
    };
    let id = outbox::enqueue(&ops.db.db, message, ops.clock.now()).await.unwrap();
    let reason =
        "not sent: +15145550199 is not on GIGAFIBRE_OUTBOX_ALLOWLIST, which outside production limits who is reached";
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, "sandboxed".into())
        .col_expr(outbox_message::Column::LastError, reason.into())
        .col_expr(outbox_message::Column::SentAt, ops.clock.now().into())
        .filter(outbox_message::Column::Id.eq(id))
        .exec(&ops.db.db)
        .await
        .unwrap();
    let page = ops.get(&format!("/ops/outbox/{id}"), Some(&agent)).await;
    assert!(page.body.contains("seuls les destinataires de la liste"), "{}", page.body);
    assert!(page.body.contains("Gardé ici le") && !page.body.contains("Remis le"), "it was not handed over");
    assert!(!page.body.contains("not sent:") && !page.body.contains("Dernière erreur"), "no English log line");
}

#[tokio::test]
async fn a_sign_in_link_and_code_never_show_in_the_outbox() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let known = customer::Entity::find()
        .filter(customer::Column::Email.is_not_null())
        .filter(customer::Column::Cell.is_not_null())
        .filter(customer::Column::Status.eq("active"))
        .order_by_asc(customer::Column::Id)
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    let body = json!({ "identifier": known.email.clone().unwrap() }).to_string();
    let asked =
        ops.send(Method::POST, "/portal/request-link", &[("content-type", "application/json")], Some(body)).await;
    assert_eq!(asked.status, StatusCode::OK);
    let config = Arc::new(Config::load_from(None, &|_| None).unwrap());
    assert_eq!(links::answer_pending(&ops.db.db, &config.public_url, ops.clock.now()).await.unwrap(), 1);
    let sent = outbox_message::Entity::find()
        .filter(outbox_message::Column::CustomerId.eq(known.id))
        .order_by_asc(outbox_message::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap();
    let email = sent.iter().find(|m| m.channel == "email").unwrap();
    let sms = sent.iter().find(|m| m.channel == "sms").unwrap();
    let token = {
        let start = email.body_text.find("token=").unwrap() + "token=".len();
        email.body_text[start..start + 64].to_owned()
    };
    let code = {
        let start = sms.body_text.find("(code ").unwrap() + "(code ".len();
        sms.body_text[start..start + 6].to_owned()
    };
    assert!(email.body_html.as_deref().unwrap().contains(&token) && email.body_text.contains(&code));

    let english = format!("{}; lang=en", agent.cookie);
    let pages = [
        "/ops/outbox".to_owned(),
        format!("/ops/outbox?customer={}", known.id),
        format!("/ops/outbox?channel=sms&to={}", &sms.recipient[2..]),
        format!("/ops/outbox/{}", email.id),
        format!("/ops/outbox/{}", sms.id),
    ];
    for uri in &pages {
        for cookie in [agent.cookie.as_str(), english.as_str()] {
            let page = ops.send(Method::GET, uri, &[("cookie", cookie)], None).await;
            assert_eq!(page.status, StatusCode::OK, "{uri}");
            assert!(!page.body.contains(&token), "{uri} shows the token");
            assert!(!page.body.contains(&code), "{uri} shows the code");
            assert!(page.body.contains("token=•••"), "{uri} still shows that a link was sent");
        }
    }
    let sms_page = ops.get(&format!("/ops/outbox/{}", sms.id), Some(&agent)).await;
    assert!(sms_page.body.contains("(code ••••••, valide 24 h)"), "the message reads as sent, secrets masked");
}

#[tokio::test]
async fn a_failed_message_is_queued_again_once_and_audited() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let all = customers(&ops).await;
    let ids = sixty_messages(&ops, &all[0], &all[1]).await;
    let (failed, sandboxed) = (ids[10], ids[11]);
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, "sandboxed".into())
        .filter(outbox_message::Column::Id.eq(sandboxed))
        .exec(&ops.db.db)
        .await
        .unwrap();

    let page = ops.get(&format!("/ops/outbox/{failed}"), Some(&agent)).await;
    assert!(page.body.contains("550 boîte pleine") && page.body.contains("Renvoyer"));
    let forged = ops
        .send(
            Method::POST,
            &format!("/ops/outbox/{failed}/retry"),
            &[("cookie", &agent.cookie), ("content-type", "application/x-www-form-urlencoded")],
            Some("csrf=wrong".into()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(outbox_message::Entity::find_by_id(failed).one(&ops.db.db).await.unwrap().unwrap().status, "failed");

    ops.clock.advance(Duration::minutes(5));
    let retried = ops.post(&format!("/ops/outbox/{failed}/retry"), &agent, &[]).await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    assert_eq!(retried.location(), format!("/ops/outbox/{failed}?notice=retried"));
    let row = outbox_message::Entity::find_by_id(failed).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("queued", 0));
    assert_eq!(row.available_at, ops.clock.now());
    let page = ops.get(retried.location(), Some(&agent)).await;
    assert!(page.body.contains("Message remis dans la file"));
    assert!(!page.body.contains("/retry\""), "no retry button on a queued message");

    let entries = audit_entry::Entity::find().all(&ops.db.db).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].action.as_str(), entries[0].entity.as_str(), entries[0].entity_id, entries[0].actor_id),
        ("outbox_retry", "outbox_message", Some(failed), Some(agent.id))
    );

    for id in [failed, sandboxed] {
        let again = ops.post(&format!("/ops/outbox/{id}/retry"), &agent, &[]).await;
        assert_eq!(again.location(), format!("/ops/outbox/{id}?notice=not_failed"));
        let page = ops.get(again.location(), Some(&agent)).await;
        assert!(page.body.contains("Seul un message en échec peut être renvoyé"), "a clear answer");
    }
    assert_eq!(audit_entry::Entity::find().all(&ops.db.db).await.unwrap().len(), 1, "nothing else recorded");
    assert_eq!(
        outbox_message::Entity::find_by_id(sandboxed).one(&ops.db.db).await.unwrap().unwrap().status,
        "sandboxed"
    );
    assert_eq!(ops.post("/ops/outbox/999999/retry", &agent, &[]).await.status, StatusCode::NOT_FOUND);
}

async fn record(ops: &Ops, actor: (&'static str, i64, &str), change: Change<'_>, days_ago: i64) {
    let actor = Actor { kind: actor.0, id: Some(actor.1), label: actor.2.to_owned() };
    audit::record(&ops.db.db, &actor, change, start_of_test() - Duration::days(days_ago)).await.unwrap();
}

#[tokio::test]
async fn the_audit_log_reads_newest_first_with_what_changed_and_filters() {
    let ops = Ops::new().await;
    let admin = ops.staff("admin").await;
    let dispatcher = ops.staff("dispatcher").await;
    let agent = ops.staff("agent").await;
    let someone = customers(&ops).await[4].clone();
    record(
        &ops,
        ("staff", dispatcher.id, "dispatch@gigafibre.demo"),
        Change {
            action: "technician_update",
            entity: "technician",
            entity_id: Some(3),
            before: json!({ "phone": "+14505551003", "name": "Marie Roy", "skill:aerial": 2 }),
            after: json!({ "phone": "+15148389458", "name": "Marie Roy", "skill:aerial": 4 }),
        },
        10,
    )
    .await;
    record(
        &ops,
        ("customer", someone.id, &someone.account_number),
        Change {
            action: "update_contact",
            entity: "customer",
            entity_id: Some(someone.id),
            before: json!({ "email": "avant@example.ca", "notify_by_sms": false }),
            after: json!({ "email": "apres@example.ca", "notify_by_sms": true }),
        },
        8,
    )
    .await;
    record(
        &ops,
        ("staff", agent.id, "agent@gigafibre.demo"),
        Change {
            action: "ticket_merge",
            entity: "ticket",
            entity_id: Some(77),
            before: json!(null),
            after: json!(null),
        },
        5,
    )
    .await;
    // And one through the app itself.
    let technician = gigafibre_db::entities::technician::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let flip = [("active", "false"), ("confirm", "yes")];
    ops.post(&format!("/ops/equipe/{}/activation", technician.id), &dispatcher, &flip).await;

    let entries: Vec<i64> = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(entries.len(), 4);
    let page = ops.get("/ops/audit", Some(&admin)).await;
    assert_eq!(audit_ids(&page.body), entries, "newest first");
    let row = |body: &str, id: i64| {
        body.split(&format!("<tr id=\"audit-{id}\">")).nth(1).unwrap().split("</tr>").next().unwrap().to_owned()
    };
    let edit = row(&page.body, entries[3]);
    assert!(edit.contains("Fiche du technicien modifiée"));
    assert!(edit.contains("dispatch@gigafibre.demo") && edit.contains("personnel"));
    assert!(edit.contains("href=\"/ops/equipe/3\""));
    assert!(edit.contains(
        "<span class=\"field\">Téléphone</span> <span class=\"before\">+14505551003</span> <span role=\"img\" aria-label=\"devient\">→</span>"
    ));
    assert!(edit.contains("<span class=\"after\">+15148389458</span>"));
    assert!(edit.contains("Compétence : Travail aérien (poteaux)"), "a skill by its name");
    assert!(!edit.contains("<span class=\"field\">Nom</span>"), "an unchanged field is not shown");
    let contact = row(&page.body, entries[2]);
    assert!(contact.contains(&format!("href=\"/ops/clients/{}\"", someone.id)));
    assert!(contact.contains("Coordonnées modifiées") && contact.contains("client"));
    assert!(
        contact.contains("<span class=\"before\">non</span>") && contact.contains("<span class=\"after\">oui</span>")
    );
    let unknown = row(&page.body, entries[1]);
    assert!(unknown.contains("ticket_merge"), "an action without words shows its code");
    assert!(unknown.contains("href=\"/ops/tickets/77\""));
    let deactivation = row(&page.body, entries[0]);
    assert!(deactivation.contains("Technicien désactivé"));

    let english = ops.send(Method::GET, "/ops/audit", &[("cookie", &format!("{}; lang=en", admin.cookie))], None).await;
    assert!(english.body.contains("Technician record changed") && english.body.contains("Skill: Aerial work (poles)"));

    let by_actor = ops.get("/ops/audit?actor=DISPATCH", Some(&admin)).await;
    assert_eq!(audit_ids(&by_actor.body), vec![entries[0], entries[3]]);
    let by_action = ops.get("/ops/audit?action=update_contact", Some(&admin)).await;
    assert_eq!(audit_ids(&by_action.body), vec![entries[2]]);
    let by_record = ops.get(&format!("/ops/audit?entity=customer&id={}", someone.id), Some(&admin)).await;
    assert_eq!(audit_ids(&by_record.body), vec![entries[2]]);
    let by_technician = ops.get("/ops/audit?entity=technician&id=3", Some(&admin)).await;
    assert_eq!(audit_ids(&by_technician.body), vec![entries[3]]);
    // 10, 8 and 5 days ago: the 16th to the 18th of November holds one.
    let by_dates = ops.get("/ops/audit?from=2026-11-16&to=2026-11-18", Some(&admin)).await;
    assert_eq!(audit_ids(&by_dates.body), vec![entries[2]]);
    let up_to = ops.get("/ops/audit?to=2026-11-20", Some(&admin)).await;
    assert_eq!(audit_ids(&up_to.body), vec![entries[1], entries[2], entries[3]]);

    let bad = ops.get("/ops/audit?id=douze&from=25-11-2026", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("en chiffres, par exemple 12") && bad.body.contains("AAAA-MM-JJ"));
    assert!(audit_ids(&bad.body).is_empty(), "no list under filters that cannot be read");
}

#[tokio::test]
async fn the_audit_log_pages_with_a_cursor() {
    let ops = Ops::new().await;
    let admin = ops.staff("admin").await;
    for i in 0..55 {
        let change = Change {
            action: "technician_activate",
            entity: "technician",
            entity_id: Some(i),
            before: json!({ "active": false }),
            after: json!({ "active": true }),
        };
        record(&ops, ("staff", admin.id, "admin@gigafibre.demo"), change, 0).await;
    }
    let ids: Vec<i64> = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    let page = ops.get("/ops/audit?action=technician_activate", Some(&admin)).await;
    assert_eq!(audit_ids(&page.body), ids[..50]);
    let older = pager_link(&page.body, "before").unwrap();
    assert!(older.contains("action=technician_activate"), "the filter stays: {older}");
    let page = ops.get(&older, Some(&admin)).await;
    assert_eq!(audit_ids(&page.body), ids[50..]);
    let newer = pager_link(&page.body, "after").unwrap();
    assert_eq!(audit_ids(&ops.get(&newer, Some(&admin)).await.body), ids[..50]);
}
