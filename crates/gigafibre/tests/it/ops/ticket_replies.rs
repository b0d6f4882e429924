//! Answering a customer from a ticket: by e-mail or SMS in their language,
//! in their portal, and internal notes that never leave the ops app.

use axum::http::StatusCode;
use gigafibre::clock::Clock;
use gigafibre_db::entities::{customer, ticket, ticket_message};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::Ops;
use super::tickets::{
    as_customer, audit_of, customer_cookie, escaped, json, open_ticket_of_reachable, outbox_for_ticket, ticket,
};

#[tokio::test]
async fn an_answer_is_sent_in_the_customer_s_language_and_shows_in_their_portal() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let (t, c) = open_ticket_of_reachable(&ops, "fr").await;
    let body = "Bonjour, le technicien passera demain entre 8 h et 12 h.";

    let sent = ops.post(&format!("/ops/tickets/{}/reply", t.id), &agent, &[("channel", "email"), ("body", body)]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.location(), format!("/ops/tickets/{}#thread", t.id));

    let queued = outbox_for_ticket(&ops, t.id).await;
    assert_eq!(queued.len(), 1);
    let mail = &queued[0];
    assert_eq!((mail.channel.as_str(), mail.recipient.as_str()), ("email", c.email.as_deref().unwrap()));
    assert_eq!((mail.language.as_str(), mail.customer_id, mail.ticket_id), ("fr", Some(c.id), Some(t.id)));
    let subject = mail.subject.clone().unwrap();
    assert!(subject.contains(&format!("nº {}", t.id)) && subject.contains(&t.subject), "{subject}");
    assert!(mail.body_text.starts_with(body) && mail.body_text.contains("/portal/messages"), "{}", mail.body_text);

    let message = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(t.id))
        .order_by_desc(ticket_message::Column::Id)
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((message.author_kind.as_str(), message.author_staff_id), ("staff", Some(agent.id)));
    assert_eq!((message.channel.as_str(), message.internal, message.body.as_str()), ("email", false, body));
    assert_eq!(ticket(&ops, t.id).await.status, "pending", "the ticket waits for the customer");
    let audit = audit_of(&ops, t.id, "ticket_reply").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_id, Some(agent.id));
    assert_eq!(json(&audit[0].before)["status"], "open");
    assert_eq!(json(&audit[0].after)["status"], "pending");

    // The customer reads it in the portal.
    let cookie = customer_cookie(&ops, c.id).await;
    let messages = as_customer(&ops, "/portal/messages", &cookie).await;
    assert_eq!(messages.status, StatusCode::OK);
    assert!(messages.body.contains(body));
    let thread = as_customer(&ops, &format!("/portal/tickets/{}", t.id), &cookie).await;
    assert!(thread.body.contains(body) && thread.body.contains("Soutien Gigafibre"));
    assert!(thread.body.contains("en attente de votre réponse"));
}

#[tokio::test]
async fn an_answer_by_sms_goes_to_the_cell_in_english_and_reopens_a_closed_ticket() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let (t, c) = open_ticket_of_reachable(&ops, "en").await;
    let mut closed: ticket::ActiveModel = t.clone().into();
    closed.status = Set("closed".into());
    closed.closed_at = Set(Some(ops.clock.now()));
    closed.update(&ops.db.db).await.unwrap();

    let sent = ops
        .htmx_post(&format!("/ops/tickets/{}/reply", t.id), &dispatcher, &[("channel", "sms"), ("body", "On our way.")])
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(!sent.body.contains("<html"), "a fragment for htmx");
    assert!(sent.body.contains("id=\"thread\"") && sent.body.contains("On our way."));
    assert!(sent.body.contains("id=\"ticket-controls\" hx-swap-oob=\"true\""), "the status panel follows");
    assert!(
        sent.body.contains(&escaped("Aucun fournisseur n'est configuré pour ce canal")),
        "no SMS provider here: the agent is not told it was sent"
    );
    let queued = outbox_for_ticket(&ops, t.id).await;
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].channel.as_str(), queued[0].recipient.as_str()), ("sms", c.cell.as_deref().unwrap()));
    assert_eq!(queued[0].language, "en");
    assert!(queued[0].subject.is_none() && queued[0].body_text.contains("To read your conversation"));
    let after = ticket(&ops, t.id).await;
    assert_eq!((after.status.as_str(), after.closed_at), ("pending", None), "reopened, waiting for the customer");

    // A channel the customer does not have is refused.
    let mut no_cell: customer::ActiveModel = c.clone().into();
    no_cell.cell = Set(None);
    no_cell.update(&ops.db.db).await.unwrap();
    let refused =
        ops.post(&format!("/ops/tickets/{}/reply", t.id), &dispatcher, &[("channel", "sms"), ("body", "Hi")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = format!("id=\"channel-error\">{}", escaped("Ce moyen de contact n'est pas au dossier du client."));
    assert!(refused.body.contains(&error));
    assert!(refused.body.contains(">Hi</textarea>"), "what was typed stays");
    assert_eq!(outbox_for_ticket(&ops, t.id).await.len(), 1);

    // Neither e-mail nor cell: the answer waits in the portal, nothing is sent.
    let mut unreachable: customer::ActiveModel = c.clone().into();
    unreachable.cell = Set(None);
    unreachable.email = Set(None);
    unreachable.update(&ops.db.db).await.unwrap();
    let page = ops.get(&format!("/ops/tickets/{}", t.id), Some(&dispatcher)).await;
    assert!(page.body.contains("ni courriel ni cellulaire") && !page.body.contains("name=\"channel\""));
    let kept = ops.post(&format!("/ops/tickets/{}/reply", t.id), &dispatcher, &[("body", "Line fixed.")]).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER);
    assert_eq!(outbox_for_ticket(&ops, t.id).await.len(), 1);
    let last = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(t.id))
        .order_by_desc(ticket_message::Column::Id)
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((last.channel.as_str(), last.body.as_str()), ("portal", "Line fixed."));
    let cookie = customer_cookie(&ops, c.id).await;
    assert!(as_customer(&ops, &format!("/portal/tickets/{}", t.id), &cookie).await.body.contains("Line fixed."));
}

#[tokio::test]
async fn an_internal_note_is_never_sent_nor_shown_in_the_portal() {
    let ops = Ops::new().await;
    let agent = ops.staff("agent").await;
    let (t, c) = open_ticket_of_reachable(&ops, "fr").await;
    let before = t.status.clone();

    let added =
        ops.htmx_post(&format!("/ops/tickets/{}/note", t.id), &agent, &[("body", "Voisin aussi en panne: OLT?")]).await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(added.body.contains("Note interne ajoutée") && added.body.contains("Voisin aussi en panne"));
    assert!(outbox_for_ticket(&ops, t.id).await.is_empty(), "nothing goes out");
    let note = ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(t.id))
        .filter(ticket_message::Column::Internal.eq(true))
        .one(&ops.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((note.channel.as_str(), note.author_staff_id), ("note", Some(agent.id)));
    assert_eq!(ticket(&ops, t.id).await.status, before, "a note changes no status");
    assert_eq!(audit_of(&ops, t.id, "ticket_note").await.len(), 1);

    let cookie = customer_cookie(&ops, c.id).await;
    let thread = as_customer(&ops, &format!("/portal/tickets/{}", t.id), &cookie).await;
    assert_eq!(thread.status, StatusCode::OK);
    assert!(!thread.body.contains("Voisin aussi en panne"));
    let messages = as_customer(&ops, "/portal/messages", &cookie).await;
    assert!(!messages.body.contains("Voisin aussi en panne"));
}
