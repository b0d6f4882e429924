//! Who single sign-on lets in, with which role, and how the account at the
//! provider stays bound to one member of staff.

use super::*;

#[tokio::test]
async fn an_admin_by_group_signs_in_with_a_new_staff_row_a_session_and_an_audit_trail() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    let page = sso.get("/ops/sign-in").await;
    assert!(page.body.contains("Se connecter avec Gigafibre ID"), "{}", page.body);
    assert!(page.body.contains("href=\"/ops/sso/start\""));

    let back = sso.sign_in("ada.admin@gigafibre.test").await;
    assert_eq!((back.status, back.location.as_str()), (StatusCode::SEE_OTHER, "/ops"), "{}", back.body);
    assert!(back.set_cookies.iter().any(|c| c.starts_with("gigafibre_session=") && c.contains("HttpOnly")));
    assert!(back.set_cookies.iter().any(|c| c.starts_with("gigafibre_sso=;")), "the attempt cookie is cleared");
    let home = sso.get("/ops").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Ada Lavoie") && home.body.contains("Administrateur"), "{}", home.body);
    let ada = sso.member("ada.admin@gigafibre.test").await.unwrap();
    assert_eq!((ada.role.as_str(), ada.name.as_str(), ada.active), ("admin", "Ada Lavoie", true));
    assert_eq!(sso.audit().await, ["staff_sso_create", "staff_sso_sign_in"]);
    let attempt = staff_sso_attempt::Entity::find().one(&sso.db.db).await.unwrap().unwrap();
    assert!(attempt.used_at.is_some(), "the attempt is spent");
    assert_eq!(attempt.state_hash.len(), 64, "only the state's hash is kept");

    // Demoted here by mistake: the next sign-in follows the provider's groups again.
    staff_table::Entity::update_many()
        .col_expr(staff_table::Column::Role, "agent".into())
        .filter(staff_table::Column::Id.eq(ada.id))
        .exec(&sso.db.db)
        .await
        .unwrap();
    sso.new_browser();
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.status, StatusCode::SEE_OTHER);
    assert_eq!(sso.member("ada.admin@gigafibre.test").await.unwrap().role, "admin");
    let update = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("staff_sso_update"))
        .one(&sso.db.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(update.before.as_deref(), Some(r#"{"role":"agent"}"#));
    assert_eq!(update.after.as_deref(), Some(r#"{"role":"admin"}"#));
    assert_eq!(sso.sessions().await, 2);
}

#[tokio::test]
async fn without_a_mapped_group_the_staff_table_decides() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    let louis = staff::add(&sso.db.db, "Louis.Agent@gigafibre.test", "agent", Some("Louis T."), Utc::now()).await;
    let louis = louis.unwrap();
    let back = sso.sign_in("louis.agent@gigafibre.test").await;
    assert_eq!((back.status, back.location.as_str()), (StatusCode::SEE_OTHER, "/ops"));
    let home = sso.get("/ops").await;
    assert!(home.body.contains("Louis T.") && home.body.contains("Agent"), "{}", home.body);
    assert_eq!(sso.member("louis.agent@gigafibre.test").await.unwrap(), louis, "the staff row is left as it was");
    assert_eq!(sso.audit().await, ["staff_sso_sign_in"]);
    let entry = audit_entry::Entity::find().one(&sso.db.db).await.unwrap().unwrap();
    assert!(entry.after.unwrap().contains(r#""role_from":"staff table""#));
}

#[tokio::test]
async fn strangers_technicians_and_unverified_addresses_get_a_clear_page_and_no_session() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    staff::add(&sso.db.db, "louis.agent@gigafibre.test", "agent", None, Utc::now()).await.unwrap();

    let stranger = sso.sign_in("sam@example.test").await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert!(stranger.body.contains("Accès réservé au personnel"), "{}", stranger.body);
    assert!(stranger.body.contains("href=\"/ops/sign-in\""), "a way back");
    assert!(sso.member("sam@example.test").await.is_none());

    sso.new_browser();
    let technician = sso.sign_in("theo.tech@gigafibre.test").await;
    assert_eq!(technician.status, StatusCode::FORBIDDEN);
    assert!(technician.body.contains("Compte de technicien"), "{}", technician.body);
    assert!(sso.member("theo.tech@gigafibre.test").await.is_none(), "no staff row for a technician");

    sso.new_browser();
    sso.lang = "en-CA";
    let unverified = sso.sign_in("mallory@example.test").await;
    assert_eq!(unverified.status, StatusCode::BAD_REQUEST);
    assert!(unverified.body.contains("no verified e-mail address"), "{}", unverified.body);

    assert!(!sso.cookies.contains_key("gigafibre_session"));
    assert_eq!(sso.sessions().await, 0);
    assert_eq!(sso.get("/ops").await.location, "/ops/sign-in");
}

#[tokio::test]
async fn a_deactivated_member_is_refused_even_when_the_groups_say_admin() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    let denise = staff::add(&sso.db.db, "denise.former@gigafibre.test", "admin", None, Utc::now()).await.unwrap();
    deactivate(&sso.db, denise.id).await;
    let refused = sso.sign_in("denise.former@gigafibre.test").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("a été désactivé"), "{}", refused.body);
    assert!(!sso.member("denise.former@gigafibre.test").await.unwrap().active, "still deactivated");
    assert_eq!(sso.sessions().await, 0);
    assert!(sso.audit().await.is_empty());
}

#[tokio::test]
async fn with_single_sign_on_no_link_is_sent_by_e_mail_unless_the_install_asks_for_it() {
    // The provider is never reached: the sign-in page and the form only read the settings.
    let sso = Sso::new("http://127.0.0.1:9").await;
    let page = sso.app.clone().oneshot(Request::get("/ops/sign-in").body(Body::empty()).unwrap()).await.unwrap();
    let page = String::from_utf8_lossy(&page.into_body().collect().await.unwrap().to_bytes()).into_owned();
    assert!(page.contains("Se connecter avec Gigafibre ID"), "{page}");
    assert!(!page.contains("/ops/sign-in/email"), "no e-mail form beside the provider's button: {page}");
    staff::add(&sso.db.db, "louis.agent@gigafibre.test", "agent", None, Utc::now()).await.unwrap();
    let (status, body) = sso.ask_for_link("louis.agent@gigafibre.test").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a link by e-mail would go round the provider's second factor");
    assert!(body.contains("Utilisez le bouton ci-dessus"), "{body}");
    let sent = outbox_message::Entity::find().count(&sso.db.db).await.unwrap();
    assert_eq!(sent, 0);

    let sso = Sso::configured(sso.db, "http://127.0.0.1:9", &[("GIGAFIBRE_STAFF_EMAIL_LINKS", "true")]);
    let (status, body) = sso.ask_for_link("louis.agent@gigafibre.test").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(outbox_message::Entity::find().count(&sso.db.db).await.unwrap(), 1);
}

#[tokio::test]
async fn a_member_whose_groups_gave_the_role_loses_access_with_the_last_mapped_group() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    let first_browser = sso.cookies.clone();

    // The directory no longer maps Ada's groups to anything here.
    let db = sso.db;
    let mut sso = Sso::configured(db, &provider.issuer, &[("GIGAFIBRE_OIDC_ROLE_MAP", "gf-agents=agent")]);
    let refused = sso.sign_in("ada.admin@gigafibre.test").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("Aucun de vos groupes"), "{}", refused.body);
    assert_eq!(sso.sessions().await, 0, "the session she still had is over");
    sso.cookies = first_browser;
    assert_eq!(sso.get("/ops").await.location, "/ops/sign-in");
    let ada = sso.member("ada.admin@gigafibre.test").await.unwrap();
    assert_eq!((ada.role.as_str(), ada.active), ("admin", true), "the row stays for the audit log");
    assert_eq!(sso.audit().await, ["staff_sso_create", "staff_sso_sign_in", "staff_sso_left_groups"]);

    // An administrator gives her a role here: the staff table decides from now on.
    staff::add(&sso.db.db, "ada.admin@gigafibre.test", "billing", None, Utc::now()).await.unwrap();
    sso.new_browser();
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    assert_eq!(sso.member("ada.admin@gigafibre.test").await.unwrap().role, "billing");
}

#[tokio::test]
async fn a_member_is_known_by_their_account_at_the_provider_not_by_an_address() {
    if !provider_installed() {
        return;
    }
    let provider = Provider::start(0);
    let mut sso = Sso::new(&provider.issuer).await;
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    let ada = sso.member("ada.admin@gigafibre.test").await.unwrap();

    // Another account at the provider now carries Ada's address: it does not open her account.
    sso.new_browser();
    let impostor = sso.sign_in("ada.impostor@gigafibre.test").await;
    assert_eq!(impostor.status, StatusCode::FORBIDDEN);
    assert!(impostor.body.contains("liée à un autre compte"), "{}", impostor.body);
    assert!(!sso.cookies.contains_key("gigafibre_session"));

    // Her address corrected here: her own account still finds her row, and no second one is made.
    staff_table::Entity::update_many()
        .col_expr(staff_table::Column::Email, "ada.lavoie@gigafibre.test".into())
        .filter(staff_table::Column::Id.eq(ada.id))
        .exec(&sso.db.db)
        .await
        .unwrap();
    sso.new_browser();
    assert_eq!(sso.sign_in("ada.admin@gigafibre.test").await.location, "/ops");
    assert_eq!(staff_table::Entity::find().count(&sso.db.db).await.unwrap(), 1);
    assert!(sso.member("ada.admin@gigafibre.test").await.is_none());
}
