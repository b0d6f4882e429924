//! What a signed-in customer sees and changes, and never sees.

use super::*;

#[tokio::test]
async fn a_customer_never_sees_another_customer_s_invoice() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cookie = portal.sign_in(known.id, &known.email.clone().unwrap()).await;
    let own = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(known.id))
        .one(&portal.db.db)
        .await
        .unwrap()
        .unwrap();
    let other = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.ne(known.id))
        .one(&portal.db.db)
        .await
        .unwrap()
        .unwrap();
    let mine = portal.get(&format!("/portal/invoices/{}", own.number), Some(&cookie)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("TPS (5 %)"));
    let theirs = portal.get(&format!("/portal/invoices/{}", other.number), Some(&cookie)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let missing = portal.get("/portal/invoices/F-9999999", Some(&cookie)).await;
    assert_eq!(theirs.body.len(), missing.body.len(), "someone else's invoice looks exactly like a missing one");
    let list = portal.get("/portal/invoices", Some(&cookie)).await;
    assert!(list.body.contains(&own.number) && !list.body.contains(&format!(">{}<", other.number)));
}

#[tokio::test]
async fn a_customer_opens_a_request_replies_and_never_sees_internal_notes() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cookie = portal.sign_in(known.id, &known.email.clone().unwrap()).await;
    let csrf = csrf_in(&portal.get("/portal/tickets/new", Some(&cookie)).await.body);

    let empty = portal
        .post_form(
            "/portal/tickets",
            &[("csrf", &csrf), ("category", "wifi"), ("subject", "W"), ("body", " ")],
            Some(&cookie),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("au moins 3 caractères") && empty.body.contains("Écrivez votre message"));
    assert!(empty.body.contains("value=\"W\""), "what was typed is kept");

    let forged = portal
        .post_form(
            "/portal/tickets",
            &[("csrf", "x"), ("category", "wifi"), ("subject", "Wi-Fi"), ("body", "Bonjour")],
            Some(&cookie),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let form = [
        ("csrf", csrf.as_str()),
        ("category", "wifi"),
        ("subject", "Wi-Fi faible au sous-sol"),
        ("body", "Le signal tombe."),
    ];
    let created = portal.post_form("/portal/tickets", &form, Some(&cookie)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let thread_url = created.location().to_owned();
    let id: i64 = thread_url.rsplit('/').next().unwrap().parse().unwrap();

    portal
        .db
        .db
        .execute_unprepared(&format!(
            "INSERT INTO ticket_messages (ticket_id, author_kind, channel, internal, body, created_at) \
             VALUES ({id}, 'staff', 'note', {}, 'Client difficile, noter tout', '2026-11-25T16:00:00Z')",
            if portal.db.url().starts_with("postgres") { "TRUE" } else { "1" }
        ))
        .await
        .unwrap();
    let reply = portal
        .post_form(
            &format!("{thread_url}/reply"),
            &[("csrf", &csrf), ("body", "Toujours pareil ce soir.")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let thread = portal.get(&thread_url, Some(&cookie)).await;
    assert!(thread.body.contains("Le signal tombe.") && thread.body.contains("Toujours pareil ce soir."));
    assert!(!thread.body.contains("Client difficile"), "an internal note never reaches the customer");

    let list = portal.get("/portal/tickets", Some(&cookie)).await;
    assert!(list.body.contains("Wi-Fi faible au sous-sol"));
    let messages = portal.get("/portal/messages", Some(&cookie)).await;
    assert!(messages.body.contains("Toujours pareil ce soir.") && messages.body.contains("Le signal tombe."));
    assert!(!messages.body.contains("Client difficile"), "nor in the messages page");

    let other = ticket::Entity::find()
        .filter(ticket::Column::CustomerId.ne(known.id))
        .one(&portal.db.db)
        .await
        .unwrap()
        .unwrap();
    let theirs = portal.get(&format!("/portal/tickets/{}", other.id), Some(&cookie)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "someone else's ticket does not exist for this customer");
    let reply_theirs = portal
        .post_form(
            &format!("/portal/tickets/{}/reply", other.id),
            &[("csrf", &csrf), ("body", "coucou")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply_theirs.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn contact_details_are_validated_saved_audited_and_old_links_stop_working() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let old_email = known.email.clone().unwrap();
    let cookie = portal.sign_in(known.id, &old_email).await;
    let page = portal.get("/portal/account", Some(&cookie)).await;
    assert!(page.body.contains(&old_email));
    let csrf = csrf_in(&page.body);

    let bad = [
        ("csrf", csrf.as_str()),
        ("email", "pas-un-courriel"),
        ("cell", "555-12"),
        ("home_phone", ""),
        ("language", "fr"),
    ];
    let refused = portal.post_form("/portal/account", &bad, Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Ce courriel n") && refused.body.contains("10 chiffres"),
        "each field says what is wrong"
    );
    let unchanged = customer::Entity::find_by_id(known.id).one(&portal.db.db).await.unwrap().unwrap();
    assert_eq!(unchanged.email, known.email, "nothing saved");

    // A link asked for before the change must not work after it.
    portal.clock.advance(Duration::minutes(16));
    let (pending_token, _) = portal.link_for(known.id, &old_email).await;

    let good = [
        ("csrf", csrf.as_str()),
        ("email", " Nouveau.Courriel@Example.CA "),
        ("cell", "(450) 555-0199"),
        ("home_phone", ""),
        ("language", "en"),
        ("notify_by_email", "on"),
    ];
    let saved = portal.post_form("/portal/account", &good, Some(&cookie)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        saved.headers[header::SET_COOKIE].to_str().unwrap().starts_with("lang=en"),
        "the language follows the choice"
    );
    let changed = customer::Entity::find_by_id(known.id).one(&portal.db.db).await.unwrap().unwrap();
    assert_eq!(changed.email.as_deref(), Some("nouveau.courriel@example.ca"));
    assert_eq!(changed.cell.as_deref(), Some("+14505550199"));
    assert_eq!(changed.home_phone, None);
    assert_eq!(changed.language, "en");
    assert!(changed.notify_by_email && !changed.notify_by_sms);

    let notice = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(old_email.as_str()))
        .order_by_desc(outbox_message::Column::Id)
        .one(&portal.db.db)
        .await
        .unwrap()
        .unwrap();
    assert!(notice.subject.unwrap().contains("modifiées"), "the old address is told, in the customer's language then");
    let stale = portal.post_form("/portal/auth", &[("token", &pending_token)], None).await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST, "a link sent to the old contacts no longer signs in");

    let audit = gigafibre_db::entities::audit_entry::Entity::find()
        .filter(gigafibre_db::entities::audit_entry::Column::EntityId.eq(known.id))
        .one(&portal.db.db)
        .await
        .unwrap()
        .expect("the change is in the audit log");
    assert_eq!(audit.actor_kind, "customer");
    assert!(audit.before.unwrap().contains(&old_email) && audit.after.unwrap().contains("nouveau.courriel@example.ca"));
}
