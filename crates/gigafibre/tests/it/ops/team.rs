//! `/ops/equipe`: the technicians, their skills in bulk, one technician's
//! form, activation; who may reach them.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use gigafibre_db::entities::{audit_entry, skill, technician, technician_skill};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::{Member, Ops};

async fn technicians(ops: &Ops) -> Vec<technician::Model> {
    technician::Entity::find().order_by_asc(technician::Column::Id).all(&ops.db.db).await.unwrap()
}

/// Every (technician, skill) → level.
async fn levels(ops: &Ops) -> BTreeMap<(i64, i64), i16> {
    let rows = technician_skill::Entity::find().all(&ops.db.db).await.unwrap();
    rows.into_iter().map(|r| ((r.technician_id, r.skill_id), r.level)).collect()
}

async fn audit_entries(ops: &Ops, action: &str) -> Vec<audit_entry::Model> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq(action))
        .order_by_asc(audit_entry::Column::Id)
        .all(&ops.db.db)
        .await
        .unwrap()
}

async fn audit_count(ops: &Ops) -> u64 {
    audit_entry::Entity::find().count(&ops.db.db).await.unwrap()
}

async fn splicing(ops: &Ops) -> skill::Model {
    skill::Entity::find().filter(skill::Column::Code.eq("fibre_splicing")).one(&ops.db.db).await.unwrap().unwrap()
}

/// The hidden value of a form field on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} field")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// The edit form of `id` as the page fills it, with `changes` on top.
async fn edit_form(ops: &Ops, who: &Member, id: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let page = ops.get(&format!("/ops/equipe/{id}"), Some(who)).await;
    assert_eq!(page.status, StatusCode::OK);
    let found = technician::Entity::find_by_id(id).one(&ops.db.db).await.unwrap().unwrap();
    let mut form: Vec<(String, String)> = vec![
        ("version".into(), hidden(&page.body, "version")),
        ("name".into(), found.name.clone()),
        (
            "phone".into(),
            found.phone.as_deref().map(|p| format!("{} {}-{}", &p[2..5], &p[5..8], &p[8..])).unwrap_or_default(),
        ),
        ("email".into(), found.email.clone().unwrap_or_default()),
        ("base".into(), found.home_base_label.clone()),
        ("shift_start".into(), format!("{:02}:{:02}", found.shift_start_minute / 60, found.shift_start_minute % 60)),
        ("shift_end".into(), format!("{:02}:{:02}", found.shift_end_minute / 60, found.shift_end_minute % 60)),
    ];
    for ((technician, skill), level) in levels(ops).await {
        if technician == id {
            form.push((format!("skill_{skill}"), level.to_string()));
        }
    }
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        form.push(((*name).into(), (*value).into()));
    }
    form
}

/// A name as people sort it: case and accents aside.
fn folded(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            other => other,
        })
        .collect()
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn only_dispatchers_and_admins_reach_the_team() {
    let ops = Ops::new().await;
    for role in ["agent", "billing"] {
        let member = ops.staff(role).await;
        assert_eq!(ops.get("/ops/equipe", Some(&member)).await.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(ops.get("/ops/equipe/1", Some(&member)).await.status, StatusCode::FORBIDDEN, "{role}");
        let bulk = [("technician", "1"), ("skill", "1"), ("level", "5"), ("op", "apply")];
        assert_eq!(ops.post("/ops/equipe/competences", &member, &bulk).await.status, StatusCode::FORBIDDEN);
        let flip = [("active", "false"), ("confirm", "yes")];
        assert_eq!(ops.post("/ops/equipe/1/activation", &member, &flip).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(audit_count(&ops).await, 0);
    for role in ["dispatcher", "admin"] {
        let member = ops.staff(role).await;
        assert_eq!(ops.get("/ops/equipe", Some(&member)).await.status, StatusCode::OK, "{role}");
    }
    assert_eq!(ops.get("/ops/equipe", None).await.location(), "/ops/sign-in");
}

#[tokio::test]
async fn the_list_shows_each_technician_as_people_read_them_sorted_and_filtered() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let all = technicians(&ops).await;
    let page = ops.get("/ops/equipe", Some(&dispatcher)).await;
    assert!(page.body.contains("Équipe technique"), "French first");
    assert!(page.body.contains("450 555-1001"), "the phone as people write it");
    let early = all.iter().find(|t| t.shift_start_minute == 7 * 60).unwrap();
    assert_eq!(early.shift_end_minute, 15 * 60 + 30);
    assert!(page.body.contains("07\u{a0}h\u{a0}00 – 15\u{a0}h\u{a0}30"));
    // Sorted by name.
    let positions: Vec<usize> = {
        let mut sorted = all.clone();
        sorted.sort_by_key(|t| folded(&t.name));
        sorted.iter().map(|t| page.body.find(&format!("/ops/equipe/{}\"", t.id)).unwrap()).collect()
    };
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "rows in name order");

    let english = ops
        .send(axum::http::Method::GET, "/ops/equipe", &[("cookie", &format!("{}; lang=en", dispatcher.cookie))], None)
        .await;
    assert!(english.body.contains("7:00\u{a0}AM – 3:30\u{a0}PM"), "English shift");

    let inactive: Vec<&technician::Model> = all.iter().filter(|t| !t.active).collect();
    assert!(!inactive.is_empty(), "the demo has inactive technicians");
    let page = ops.get("/ops/equipe?state=inactive", Some(&dispatcher)).await;
    for t in &all {
        let listed = page.body.contains(&format!("href=\"/ops/equipe/{}\"", t.id));
        assert_eq!(listed, !t.active, "{} in the inactive list", t.name);
    }

    let skill = splicing(&ops).await;
    let experts: Vec<i64> =
        levels(&ops).await.into_iter().filter(|((_, s), l)| *s == skill.id && *l >= 4).map(|((t, _), _)| t).collect();
    let page = ops.get(&format!("/ops/equipe?state=all&skill={}&min=4", skill.id), Some(&dispatcher)).await;
    for t in &all {
        let listed = page.body.contains(&format!("href=\"/ops/equipe/{}\"", t.id));
        assert_eq!(listed, experts.contains(&t.id), "{} has splicing at 4 or more", t.name);
    }
}

#[tokio::test]
async fn a_skill_given_in_bulk_changes_exactly_the_checked_technicians_and_audits_each() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let skill = splicing(&ops).await;
    let chosen: Vec<i64> = technicians(&ops).await.iter().take(5).map(|t| t.id).collect();
    let before = levels(&ops).await;
    let will_change = chosen.iter().filter(|id| before.get(&(**id, skill.id)) != Some(&3)).count();
    assert!(will_change > 0);

    let skill_id = skill.id.to_string();
    let mut form = vec![("skill", skill_id.as_str()), ("level", "3"), ("op", "apply"), ("f_state", "all")];
    let ids: Vec<String> = chosen.iter().map(i64::to_string).collect();
    form.extend(ids.iter().map(|id| ("technician", id.as_str())));
    let answer = ops.post("/ops/equipe/competences", &dispatcher, &form).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.location().contains(&format!("n={will_change}")), "{}", answer.location());
    let page = ops.get(answer.location(), Some(&dispatcher)).await;
    let said = format!("Niveau 3 en Épissure de fibre donné à {will_change} technicien");
    assert!(page.body.contains(&said), "the summary says what was done");

    let after = levels(&ops).await;
    for (key, level) in &after {
        if key.1 == skill.id && chosen.contains(&key.0) {
            assert_eq!(*level, 3);
        } else {
            assert_eq!(before.get(key), Some(level), "{key:?} was not checked and did not change");
        }
    }
    assert_eq!(after.len(), before.len() + chosen.iter().filter(|id| !before.contains_key(&(**id, skill.id))).count());
    let entries = audit_entries(&ops, "technician_skill_set").await;
    assert_eq!(entries.len(), will_change, "one entry per technician changed");
    for entry in &entries {
        assert!(chosen.contains(&entry.entity_id.unwrap()));
        assert_eq!(entry.entity, "technician");
        assert_eq!(entry.actor_id, Some(dispatcher.id));
        assert_eq!(entry.after.as_deref(), Some(r#"{"skill:fibre_splicing":3}"#));
    }

    // Taken away again through htmx: the list answers in place.
    let mut form = vec![("skill", skill_id.as_str()), ("op", "remove"), ("f_state", "all")];
    form.extend(ids.iter().take(2).map(|id| ("technician", id.as_str())));
    let answer = ops.htmx_post("/ops/equipe/competences", &dispatcher, &form).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.starts_with("<form id=\"team-roster\""), "a fragment, not a page");
    assert!(answer.body.contains("Épissure de fibre retiré à 2 techniciens."));
    let now = levels(&ops).await;
    assert!(!now.contains_key(&(chosen[0], skill.id)) && !now.contains_key(&(chosen[1], skill.id)));
    assert_eq!(now.get(&(chosen[2], skill.id)), Some(&3));
    assert_eq!(audit_entries(&ops, "technician_skill_remove").await.len(), 2);
}

#[tokio::test]
async fn a_bulk_change_without_a_technician_or_a_token_changes_nothing() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let before = levels(&ops).await;
    let answer =
        ops.post("/ops/equipe/competences", &dispatcher, &[("skill", "1"), ("level", "3"), ("op", "apply")]).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Cochez au moins un technicien"));
    let answer = ops
        .htmx_post(
            "/ops/equipe/competences",
            &dispatcher,
            &[("technician", "1"), ("skill", "1"), ("level", "9"), ("op", "apply")],
        )
        .await;
    assert!(answer.body.contains("Choisissez un niveau de 1 à 5."), "htmx gets the reason in place");
    let page = ops.get("/ops/equipe", Some(&dispatcher)).await;
    assert!(super::swaps_refusals(&page.body), "and the list lets htmx show it");
    let forged = ops
        .send(
            axum::http::Method::POST,
            "/ops/equipe/competences",
            &[("cookie", &dispatcher.cookie), ("content-type", "application/x-www-form-urlencoded")],
            Some("technician=1&skill=1&level=5&op=apply".into()),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(levels(&ops).await, before);
    assert_eq!(audit_count(&ops).await, 0);
}

#[tokio::test]
async fn an_invalid_phone_or_shift_shows_the_error_beside_the_field_and_saves_nothing() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let id = technicians(&ops).await[0].id;
    let before = technician::Entity::find_by_id(id).one(&ops.db.db).await.unwrap();
    let skills_before = levels(&ops).await;
    let form = edit_form(
        &ops,
        &dispatcher,
        id,
        &[
            ("phone", "555-12"),
            ("shift_start", "16:30"),
            ("shift_end", "08:00"),
            ("name", "Nouveau Nom"),
            ("skill_1", "5"),
        ],
    )
    .await;
    let answer = ops.post(&format!("/ops/equipe/{id}"), &dispatcher, &pairs(&form)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let phone_error = answer.body.find("id=\"phone-error\"").expect("the phone's error");
    let phone_input = answer.body.find("id=\"phone\"").unwrap();
    assert!(phone_error > phone_input && phone_error < answer.body.find("id=\"email\"").unwrap(), "beside the field");
    assert!(answer.body.contains("écrivez les 10 chiffres, par exemple 514 838-9458"));
    assert!(answer.body.contains("La fin du quart doit venir après son début."));
    assert!(answer.body.contains("value=\"555-12\""), "what was typed stays in the form");
    assert_eq!(technician::Entity::find_by_id(id).one(&ops.db.db).await.unwrap(), before, "nothing saved");
    assert_eq!(levels(&ops).await, skills_before);
    assert_eq!(audit_count(&ops).await, 0);

    let form = edit_form(&ops, &dispatcher, id, &[("email", "pas un courriel"), ("shift_end", "25:00")]).await;
    let answer = ops.post(&format!("/ops/equipe/{id}"), &dispatcher, &pairs(&form)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Écrivez une heure comme 08:00."));
    assert!(answer.body.contains("Cette adresse courriel n"));
    // Another technician's address is refused too.
    let other = technicians(&ops).await[1].email.clone().unwrap();
    let form = edit_form(&ops, &dispatcher, id, &[("email", &other)]).await;
    let answer = ops.post(&format!("/ops/equipe/{id}"), &dispatcher, &pairs(&form)).await;
    assert!(answer.body.contains("Un autre technicien utilise déjà cette adresse courriel."));
    assert_eq!(technician::Entity::find_by_id(id).one(&ops.db.db).await.unwrap(), before);
    assert_eq!(audit_count(&ops).await, 0);
}

#[tokio::test]
async fn a_valid_edit_is_saved_and_audited_with_only_what_changed() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let found = technicians(&ops).await[0].clone();
    let had_aerial = levels(&ops).await.get(&(found.id, 6)).copied();
    let aerial: i16 = if had_aerial == Some(4) { 5 } else { 4 };
    let aerial_typed = aerial.to_string();
    let form = edit_form(
        &ops,
        &dispatcher,
        found.id,
        &[
            ("phone", "(514) 838-9458"),
            ("shift_start", "07:30"),
            ("shift_end", "16:00"),
            ("skill_6", &aerial_typed),
            ("skill_2", ""),
        ],
    )
    .await;
    let answer = ops.post(&format!("/ops/equipe/{}", found.id), &dispatcher, &pairs(&form)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), format!("/ops/equipe/{}?saved=1", found.id));
    let saved = technician::Entity::find_by_id(found.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(saved.phone.as_deref(), Some("+15148389458"));
    assert_eq!((saved.shift_start_minute, saved.shift_end_minute), (450, 960));
    assert_eq!(saved.name, found.name);
    let now = levels(&ops).await;
    assert_eq!(now.get(&(found.id, 6)), Some(&aerial));
    assert_eq!(now.get(&(found.id, 2)), None, "a skill set to — is removed");

    let entries = audit_entries(&ops, "technician_update").await;
    assert_eq!(entries.len(), 1);
    let before: serde_json::Value = serde_json::from_str(entries[0].before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value = serde_json::from_str(entries[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(after["phone"], "+15148389458");
    assert_eq!(before["phone"], "+14505551001");
    assert_eq!(after["shift_start"], "07:30");
    assert_eq!(after["skill:aerial"], aerial);
    assert_eq!(before["skill:aerial"], serde_json::json!(had_aerial));
    assert!(after["skill:ont_install"].is_null());
    assert!(after.get("name").is_none() && after.get("email").is_none(), "only what changed: {after}");

    let page = ops.get(answer.location(), Some(&dispatcher)).await;
    assert!(page.body.contains("Modifications enregistrées."));
    assert!(page.body.contains("value=\"514 838-9458\""));
    assert!(page.body.contains("Fiche du technicien modifiée"), "the page shows its history");

    // Saving the same values again changes nothing and records nothing.
    let form = edit_form(&ops, &dispatcher, found.id, &[("phone", "514 838-9458")]).await;
    let again = ops.post(&format!("/ops/equipe/{}", found.id), &dispatcher, &pairs(&form)).await;
    assert_eq!(again.location(), format!("/ops/equipe/{}?saved=0", found.id));
    assert_eq!(audit_entries(&ops, "technician_update").await.len(), 1);
}

#[tokio::test]
async fn an_edit_of_a_technician_changed_meanwhile_is_refused() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let admin = ops.staff("admin").await;
    let found = technicians(&ops).await[0].clone();
    let form = edit_form(&ops, &dispatcher, found.id, &[("name", "Nom Périmé")]).await;
    // Someone else removes a skill before the form is sent.
    let skill = splicing(&ops).await;
    let id = found.id.to_string();
    let skill_id = skill.id.to_string();
    let op = if levels(&ops).await.contains_key(&(found.id, skill.id)) { "remove" } else { "apply" };
    let bulk = [("technician", id.as_str()), ("skill", skill_id.as_str()), ("level", "2"), ("op", op)];
    assert_eq!(ops.post("/ops/equipe/competences", &admin, &bulk).await.status, StatusCode::SEE_OTHER);

    let answer = ops.post(&format!("/ops/equipe/{}", found.id), &dispatcher, &pairs(&form)).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.body.contains("a modifié ce technicien pendant que vous le modifiiez"));
    let now = technician::Entity::find_by_id(found.id).one(&ops.db.db).await.unwrap().unwrap();
    assert_eq!(now.name, found.name, "nothing saved");
    assert!(audit_entries(&ops, "technician_update").await.is_empty());
    // The form now carries the current values: sent again, it saves.
    let form = edit_form(&ops, &dispatcher, found.id, &[("name", "Nom Actuel")]).await;
    let answer = ops.post(&format!("/ops/equipe/{}", found.id), &dispatcher, &pairs(&form)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn deactivating_asks_for_confirmation_and_is_audited() {
    let ops = Ops::new().await;
    let dispatcher = ops.staff("dispatcher").await;
    let found = technicians(&ops).await.into_iter().find(|t| t.active).unwrap();
    let url = format!("/ops/equipe/{}/activation", found.id);
    let page = ops.get(&format!("/ops/equipe/{}", found.id), Some(&dispatcher)).await;
    assert!(page.body.contains("hx-confirm=\"Désactiver"), "htmx asks in the browser");

    // A plain post without the confirmation gets the question, nothing else.
    let asked = ops.post(&url, &dispatcher, &[("active", "false")]).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("Oui, désactiver"));
    assert!(asked.body.contains(&format!("Désactiver {} ?", found.name)));
    assert!(asked.body.contains("name=\"confirm\" value=\"yes\""));
    assert!(technician::Entity::find_by_id(found.id).one(&ops.db.db).await.unwrap().unwrap().active);
    assert_eq!(audit_count(&ops).await, 0);

    let done = ops.post(&url, &dispatcher, &[("active", "false"), ("confirm", "yes")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/ops/equipe/{}?done=deactivated", found.id));
    assert!(!technician::Entity::find_by_id(found.id).one(&ops.db.db).await.unwrap().unwrap().active);
    let entries = audit_entries(&ops, "technician_deactivate").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].after.as_deref(), Some(r#"{"active":false}"#));
    // A second confirmation finds nothing to change and records nothing.
    ops.post(&url, &dispatcher, &[("active", "false"), ("confirm", "yes")]).await;
    assert_eq!(audit_entries(&ops, "technician_deactivate").await.len(), 1);

    // Reactivated through htmx: the box answers in place.
    let fragment = ops.htmx_post(&url, &dispatcher, &[("active", "true"), ("confirm", "yes")]).await;
    assert!(fragment.body.starts_with("<section class=\"card\" id=\"activation\""));
    assert!(fragment.body.contains("Technicien réactivé."));
    assert!(technician::Entity::find_by_id(found.id).one(&ops.db.db).await.unwrap().unwrap().active);
    assert_eq!(audit_entries(&ops, "technician_activate").await.len(), 1);
}
