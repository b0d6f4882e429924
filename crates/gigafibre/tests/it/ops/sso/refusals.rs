//! Sign-in attempts that must not open a session: floods, replays, answers
//! from another browser or too late, cancellations, the wrong issuer, and a
//! provider that is down at first.

use super::*;

#[tokio::test]
async fn one_network_address_cannot_start_sign_ins_without_end() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    for _ in 0..gigafibre::ops::sso::STARTS_PER_IP.max {
        assert_eq!(sso.get("/ops/sso/start").await.status, StatusCode::SEE_OTHER);
    }
    let refused = sso.get("/ops/sso/start").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Attendez quelques minutes"), "{}", refused.body);
    let attempts = staff_sso_attempt::Entity::find().count(&sso.db.db).await.unwrap();
    assert_eq!(attempts, gigafibre::ops::sso::STARTS_PER_IP.max, "no row for the refused one");
    sso.clock.advance(gigafibre::ops::sso::STARTS_PER_IP.window);
    assert_eq!(sso.get("/ops/sso/start").await.status, StatusCode::SEE_OTHER, "the window passed");
}

#[tokio::test]
async fn a_bad_state_a_replayed_answer_and_a_replayed_code_are_refused() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;

    // A state the server never issued.
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    let mut forged = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { format!("{v}x") } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let bad_state = sso.callback(forged.as_str()).await;
    assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    assert!(bad_state.body.contains("ne correspond à aucune demande en cours"), "{}", bad_state.body);
    let missing = sso.get("/ops/sso/callback?code=abc").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "no state at all");

    // The real answer signs in once; the same answer again is refused.
    let browser_cookie = sso.cookies["gigafibre_sso"].clone();
    assert_eq!(sso.callback(&callback).await.status, StatusCode::SEE_OTHER);
    sso.cookies.remove("gigafibre_session");
    sso.cookies.insert("gigafibre_sso".into(), browser_cookie);
    let replayed = sso.callback(&callback).await;
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST);
    assert!(replayed.body.contains("a déjà servi"), "{}", replayed.body);

    // The code smuggled into a fresh attempt: the provider refuses it (spent,
    // and bound to another PKCE verifier).
    let code = url::Url::parse(&callback).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let fresh = url::Url::parse(&sso.get("/ops/sso/start").await.location).unwrap();
    let state = fresh.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let smuggled = sso.get(&format!("/ops/sso/callback?code={code}&state={state}")).await;
    assert_eq!(smuggled.status, StatusCode::BAD_REQUEST);
    assert!(smuggled.body.contains("pas accepté ce code"), "{}", smuggled.body);
    assert!(!smuggled.set_cookies.iter().any(|c| c.starts_with("gigafibre_session=") && !c.contains("Max-Age=0")));
    assert_eq!(sso.sessions().await, 1, "only the first answer opened a session");
}

#[tokio::test]
async fn an_answer_from_another_browser_or_too_late_is_refused() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;

    // Login CSRF: a callback carried to a browser that did not start it.
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    let theirs = sso.cookies.remove("gigafibre_sso").unwrap();
    let elsewhere = sso.callback(&callback).await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
    assert!(elsewhere.body.contains("dans un autre navigateur"), "{}", elsewhere.body);
    sso.cookies.insert("gigafibre_sso".into(), "a-cookie-of-someone-else".into());
    assert_eq!(sso.callback(&callback).await.status, StatusCode::BAD_REQUEST);
    sso.cookies.insert("gigafibre_sso".into(), theirs);
    assert_eq!(sso.callback(&callback).await.status, StatusCode::SEE_OTHER, "the right browser still gets in");

    // Ten minutes and a second later.
    sso.new_browser();
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    sso.clock.advance(Duration::minutes(10) + Duration::seconds(1));
    let late = sso.callback(&callback).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert!(late.body.contains("a expiré (10 minutes)"), "{}", late.body);
    assert_eq!(sso.sessions().await, 1);
}

#[tokio::test]
async fn a_cancelled_sign_in_comes_back_as_a_clear_page_in_the_readers_language() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    sso.lang = "en-CA";
    let authorize = url::Url::parse(&sso.get("/ops/sso/start").await.location).unwrap();
    let to_form = sso.at_provider.get(authorize.clone()).send().await.unwrap();
    let form_url = authorize.join(to_form.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    sso.at_provider.get(form_url.clone()).send().await.unwrap();
    let abort = form_url.join(&format!("{}/abort", form_url.path())).unwrap();
    let aborted = sso.at_provider.post(abort).send().await.unwrap();
    let resume = form_url.join(aborted.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let back = sso.at_provider.get(resume).send().await.unwrap();
    let callback = back.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(callback.contains("error=access_denied"), "{callback}");
    let page = sso.callback(&callback).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("Sign-in refused") && page.body.contains("did not confirm who you are"),
        "{}",
        page.body
    );
    assert_eq!(sso.sessions().await, 0);
    let spent = staff_sso_attempt::Entity::find().one(&sso.db.db).await.unwrap().unwrap();
    assert!(spent.used_at.is_some(), "a refused attempt cannot be used again");
}

#[tokio::test]
async fn a_provider_that_names_another_issuer_is_refused() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    // Our side expects `localhost`; the provider's discovery says 127.0.0.1.
    let mut sso = Sso::new(&format!("http://localhost:{}", provider.port())).await;
    let refused = sso.get("/ops/sso/start").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("ne vient pas du fournisseur"), "{}", refused.body);
    assert!(refused.location.is_empty(), "nobody is sent to that provider");
    assert_eq!(staff_sso_attempt::Entity::find().count(&sso.db.db).await.unwrap(), 0);

    // An answer whose `iss` names another provider (mix-up).
    let mut sso = Sso::on(TestDatabase::new().await, &provider.issuer);
    let callback = sso.through_provider("ada.admin@gigafibre.test").await;
    let mixed = callback.replace("iss=http", "iss=https");
    assert_ne!(mixed, callback, "the provider names itself in its answer");
    let refused = sso.callback(&mixed).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("ne vient pas du fournisseur"), "{}", refused.body);
    assert_eq!(sso.sessions().await, 0);
}

#[tokio::test]
async fn a_provider_down_at_first_stops_nothing_and_is_found_when_it_comes_up() {
    if !provider_installed() {
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut sso = Sso::new(&format!("http://127.0.0.1:{port}")).await;
    let page = sso.get("/ops/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Se connecter avec Gigafibre ID"));
    let down = sso.get("/ops/sso/start").await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY);
    assert!(down.body.contains("ne répond pas"), "{}", down.body);

    let _provider = Provider::start(port);
    let back = sso.sign_in("ada.admin@gigafibre.test").await;
    assert_eq!((back.status, back.location.as_str()), (StatusCode::SEE_OTHER, "/ops"), "{}", back.body);
}
