//! Sign-in by link and by code, and the hostile cases around it.

use super::*;

#[tokio::test]
async fn every_identifier_on_file_gets_a_link_by_email_and_sms() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cell = known.cell.clone().unwrap();
    let home = known.home_phone.clone().unwrap();
    let identifiers = [
        known.email.clone().unwrap().to_uppercase(),
        known.billing_email.clone().unwrap(),
        typed(&cell),
        home.replace("+1", ""),
        known.account_number.to_lowercase(),
        known.legacy_id.clone().unwrap(),
    ];
    for identifier in identifiers {
        let before = portal.messages().await;
        let answer = portal.request_link(&identifier).await;
        assert_eq!(answer.status, StatusCode::OK, "{identifier}");
        assert!(answer.body.contains("\"status\":\"sent\""), "{}", answer.body);
        assert_eq!(portal.deliver().await, 1, "{identifier} names the customer");
        assert_eq!(portal.messages().await, before + 2, "{identifier}: one e-mail and one SMS");
        let email = portal.last_message(known.id, "email").await.unwrap();
        assert_eq!(email.recipient, known.email.clone().unwrap());
        let sms = portal.last_message(known.id, "sms").await.unwrap();
        assert_eq!(sms.recipient, cell);
        assert!(sms.body_text.contains(&token_in(&email.body_text)), "the SMS carries the same link");
        // Three per identifier per 15 minutes: move on between identifiers.
        portal.clock.advance(Duration::minutes(16));
    }
}

#[tokio::test]
async fn a_known_and_an_unknown_identifier_get_the_same_answer() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let real = portal.request_link(&known.email.clone().unwrap()).await;
    let fake = portal.request_link("personne.inconnue@example.com").await;
    assert_eq!(real.status, fake.status);
    let keys = |a: &Answer| {
        let value: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&real), keys(&fake));
    let names = |a: &Answer| {
        let mut names: Vec<String> = a.headers.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    };
    assert_eq!(names(&real), names(&fake));
    assert!(fake.body.contains("p***@e***.com"), "the hint comes from what was typed: {}", fake.body);
    portal.deliver().await;
    assert_eq!(portal.messages().await, 2, "only the known customer was sent anything");
}

#[tokio::test]
async fn the_fourth_request_for_one_phone_in_fifteen_minutes_waits() {
    let portal = Portal::new().await;
    for typed in ["(514) 555-0000", "514.555.0000"] {
        assert_eq!(portal.request_link(typed).await.status, StatusCode::OK);
    }
    assert_eq!(portal.request_link("+1 514 555 0000").await.status, StatusCode::OK);
    let fourth = portal.request_link("5145550000").await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = fourth.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(portal.request_link("514-555-9999").await.status, StatusCode::OK, "another identifier is served");

    let form = portal.post_form("/portal/request-link", &[("identifier", "514 555 0000")], None).await;
    assert_eq!(form.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(form.body.contains("Trop de demandes"), "the page shows a banner");

    portal.clock.advance(Duration::minutes(15) + Duration::seconds(1));
    assert_eq!(portal.request_link("514 555 0000").await.status, StatusCode::OK, "the window passed");
}

#[tokio::test]
async fn opening_a_link_changes_nothing_and_the_click_signs_in_once() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let (token, _) = portal.link_for(known.id, &known.email.clone().unwrap()).await;
    let uri = format!("/portal/auth?token={token}");
    for _ in 0..5 {
        for method in [Method::GET, Method::HEAD] {
            let answer = portal.send(method, &uri, &[], None).await;
            assert_eq!(answer.status, StatusCode::OK);
            assert!(answer.headers.get(header::SET_COOKIE).is_none(), "a scanner gets no session");
        }
    }
    assert_eq!(portal.sessions().await, 0);

    let form = [("token", token.as_str())];
    let (first, second) =
        tokio::join!(portal.post_form("/portal/auth", &form, None), portal.post_form("/portal/auth", &form, None));
    let signed_in = [&first, &second].iter().filter(|a| a.status == StatusCode::SEE_OTHER).count();
    assert_eq!(signed_in, 1, "two clicks at once make exactly one session");
    assert_eq!(portal.sessions().await, 1);
    let winner = if first.status == StatusCode::SEE_OTHER { &first } else { &second };
    assert_eq!(winner.location(), "/portal");
    let cookie = winner.cookie().unwrap();
    let set_cookie = winner.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");

    let dashboard = portal.get("/portal", Some(&cookie)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains(&known.last_name), "the dashboard greets the customer");

    let again = portal.post_form("/portal/auth", &[("token", &token)], None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("déjà servi"), "a used link says so");
}

#[tokio::test]
async fn a_link_expires_after_24_hours_and_an_older_link_gives_way_to_a_newer() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let email = known.email.clone().unwrap();
    let (old, _) = portal.link_for(known.id, &email).await;
    let (new, _) = portal.link_for(known.id, &email).await;
    let refused = portal.post_form("/portal/auth", &[("token", &old)], None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("plus récent"), "{}", refused.body);

    portal.clock.advance(links::LINK_LIFETIME + Duration::seconds(1));
    let expired = portal.post_form("/portal/auth", &[("token", &new)], None).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert!(expired.body.contains("expiré"));
    let tampered = portal.post_form("/portal/auth", &[("token", &"0".repeat(64))], None).await;
    assert!(tampered.body.contains("pas valide"), "{}", tampered.body);
    assert_eq!(portal.sessions().await, 0);
}

#[tokio::test]
async fn the_code_signs_in_on_another_device_and_the_sixth_wrong_one_ends_the_link() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cell = typed(known.cell.as_ref().unwrap());
    let (_, code) = portal.link_for(known.id, &cell).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=5 {
        let answer = portal.post_form("/portal/code", &[("identifier", &cell), ("code", wrong)], None).await;
        assert!(answer.body.contains("ne correspond pas"), "attempt {attempt}");
    }
    let sixth = portal.post_form("/portal/code", &[("identifier", &cell), ("code", wrong)], None).await;
    assert!(sixth.body.contains("Trop de codes"), "{}", sixth.body);
    let too_late = portal.post_form("/portal/code", &[("identifier", &cell), ("code", &code)], None).await;
    assert_eq!(too_late.status, StatusCode::BAD_REQUEST, "the right code no longer works");

    portal.clock.advance(Duration::minutes(16));
    let (_, code) = portal.link_for(known.id, &cell).await;
    let right = portal.post_form("/portal/code", &[("identifier", &cell), ("code", &code)], None).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert!(right.cookie().is_some());
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cookie = portal.sign_in(known.id, &known.email.clone().unwrap()).await;
    let page = portal.get("/portal", Some(&cookie)).await;
    let csrf_start = page.body.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = page.body[csrf_start..csrf_start + 64].to_owned();

    let forged = portal.post_form("/portal/sign-out", &[("csrf", "forged")], Some(&cookie)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no sign-out without the form's token");
    assert_eq!(portal.sessions().await, 1);

    let out = portal.post_form("/portal/sign-out", &[("csrf", &csrf)], Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/portal/sign-in");
    assert_eq!(portal.sessions().await, 0);
    let after = portal.get("/portal", Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location().starts_with("/portal/sign-in?next=%2Fportal&expired=1"), "{}", after.location());
}

#[tokio::test]
async fn only_public_pages_answer_without_a_session() {
    let portal = Portal::new().await;
    let anonymous = portal.get("/portal/invoices?page=2", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/portal/sign-in?next=%2Fportal%2Finvoices%3Fpage%3D2");
    let htmx = portal.send(Method::GET, "/portal/invoices", &[("hx-request", "true")], None).await;
    assert_eq!(htmx.status, StatusCode::UNAUTHORIZED, "an htmx call gets 401, not a page");
    let session_in_url = portal.get("/portal?session=abc&gigafibre_session=abc", None).await;
    assert_eq!(session_in_url.status, StatusCode::SEE_OTHER, "an id in a URL is ignored");
    assert_eq!(portal.get("/portal/sign-in", None).await.status, StatusCode::OK);
    for old in ["/login", "/update-password"] {
        let answer = portal.get(old, None).await;
        assert_eq!(answer.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(answer.location(), "/portal/sign-in");
    }
}

#[tokio::test]
async fn a_hundred_wrong_codes_in_a_day_lock_sign_in_by_code() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cell = typed(known.cell.as_ref().unwrap());
    let (_, code) = portal.link_for(known.id, &cell).await;
    let now = start_of_test();
    for minute in 0..100 {
        gigafibre::auth::rate_limit::hit(
            &portal.db.db,
            &format!("sign-in-failures:{}", known.id),
            now - Duration::minutes(minute),
        )
        .await
        .unwrap();
    }
    let locked = portal.post_form("/portal/code", &[("identifier", &cell), ("code", &code)], None).await;
    assert_eq!(locked.status, StatusCode::BAD_REQUEST);
    assert!(locked.body.contains("bloquée jusqu"), "{}", locked.body);
    assert_eq!(portal.sessions().await, 0, "even the right code does not sign in while locked");
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_device_and_every_pending_link() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let email = known.email.clone().unwrap();
    let phone_cookie = portal.sign_in(known.id, &email).await;
    let laptop_cookie = portal.sign_in(known.id, &email).await;
    portal.clock.advance(Duration::minutes(16));
    let (pending, _) = portal.link_for(known.id, &email).await;
    assert_eq!(portal.sessions().await, 2);

    let csrf = csrf_in(&portal.get("/portal/account", Some(&phone_cookie)).await.body);
    let out = portal.post_form("/portal/sign-out-everywhere", &[("csrf", &csrf)], Some(&phone_cookie)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(portal.sessions().await, 0);
    assert_eq!(
        portal.get("/portal", Some(&laptop_cookie)).await.status,
        StatusCode::SEE_OTHER,
        "the laptop is out too"
    );
    let stale = portal.post_form("/portal/auth", &[("token", &pending)], None).await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST, "a stolen link is useless after signing out everywhere");
}

#[tokio::test]
async fn a_forged_forwarded_for_header_does_not_dodge_the_per_address_limit() {
    let portal = &Portal::new().await;
    let ask = |n: u32| {
        let body = serde_json::json!({ "identifier": format!("450555{n:04}") }).to_string();
        let forged = format!("203.0.113.{n}");
        async move {
            portal
                .send(
                    Method::POST,
                    "/portal/request-link",
                    &[("content-type", "application/json"), ("x-forwarded-for", &forged)],
                    Some(body),
                )
                .await
                .status
        }
    };
    for n in 0..links::PER_IP.max as u32 {
        assert_eq!(ask(n).await, StatusCode::OK, "request {n}");
    }
    assert_eq!(ask(99).await, StatusCode::TOO_MANY_REQUESTS, "the header is not believed without a trusted proxy");
}

#[tokio::test]
async fn the_code_form_cannot_tell_known_from_unknown_identifiers() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cell = typed(known.cell.as_ref().unwrap());
    portal.link_for(known.id, &cell).await;
    let wrong = portal.post_form("/portal/code", &[("identifier", &cell), ("code", "000001")], None).await;
    let stranger =
        portal.post_form("/portal/code", &[("identifier", "(999) 555-0000"), ("code", "000001")], None).await;
    assert_eq!(wrong.status, stranger.status);
    let message = |a: &Answer| a.body.contains("ne correspond pas") && a.body.contains("name=\"code\"");
    assert!(message(&wrong) && message(&stranger), "same refusal and same form for both");
}

#[tokio::test]
async fn one_customer_gets_at_most_three_links_per_window_whatever_identifier_asks() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let identifiers = [
        known.email.clone().unwrap(),
        known.billing_email.clone().unwrap(),
        typed(known.cell.as_ref().unwrap()),
        known.account_number.clone(),
        format!("L{}", known.legacy_id.clone().unwrap()),
        format!("LL{}", known.legacy_id.clone().unwrap()),
    ];
    for identifier in &identifiers {
        assert_eq!(portal.request_link(identifier).await.status, StatusCode::OK, "{identifier}");
    }
    portal.deliver().await;
    let emails = outbox_message::Entity::find()
        .filter(outbox_message::Column::CustomerId.eq(known.id))
        .filter(outbox_message::Column::Channel.eq("email"))
        .count(&portal.db.db)
        .await
        .unwrap();
    assert_eq!(emails, 3, "the fourth and later asks send nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_sent_at_once_still_end_the_link_after_six() {
    let portal = Portal::new().await;
    let known = well_known(&portal).await;
    let cell = typed(known.cell.as_ref().unwrap());
    let (_, code) = portal.link_for(known.id, &cell).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let body = serde_urlencoded::to_string([("identifier", cell.as_str()), ("code", wrong)]).unwrap();
    let guesses: Vec<_> = (0..20)
        .map(|_| {
            let (app, body) = (portal.app.clone(), body.clone());
            tokio::spawn(async move {
                let request = Request::post("/portal/code")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap();
                app.oneshot(request).await.unwrap().status()
            })
        })
        .collect();
    for guess in guesses {
        assert_eq!(guess.await.unwrap(), StatusCode::BAD_REQUEST);
    }
    let right = portal.post_form("/portal/code", &[("identifier", &cell), ("code", &code)], None).await;
    assert_eq!(right.status, StatusCode::BAD_REQUEST, "the link ended after six wrong codes, in parallel or not");
    let link = gigafibre_db::entities::sign_in_link::Entity::find()
        .filter(gigafibre_db::entities::sign_in_link::Column::CustomerId.eq(known.id))
        .one(&portal.db.db)
        .await
        .unwrap()
        .unwrap();
    assert!(link.failed_codes <= links::MAX_WRONG_CODES + 1, "{} attempts counted", link.failed_codes);
    assert!(link.revoked_at.is_some());
}

#[tokio::test]
async fn another_site_cannot_ask_for_links_in_a_visitor_s_name() {
    let portal = Portal::new().await;
    let body = serde_json::json!({ "identifier": "450 555 0123" }).to_string();
    let foreign = portal
        .send(
            Method::POST,
            "/portal/request-link",
            &[("content-type", "application/json"), ("origin", "https://evil.example")],
            Some(body),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}
