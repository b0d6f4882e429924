//! Turning a verified identity into a member of staff: the role rule, the
//! staff row kept in step with the provider's groups, and the audit log.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::staff;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use serde_json::json;

use super::identity::{Decision, Identity, decide};
use super::refusal::Refusal;
use crate::audit::{self, Actor, Change};
use crate::config::OidcSettings;
use crate::contact::email::normalise_email;
use crate::i18n::Lang;
use crate::ops::roles::Role;

/// The member of staff this identity signs in as, or why it does not.
/// Runs inside the caller's transaction, with the session it then starts.
pub async fn admit<C: ConnectionTrait>(
    conn: &C,
    identity: &Identity,
    oidc: &OidcSettings,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Result<staff::Model, Refusal>, DbErr> {
    // The e-mail is how the staff table knows a person: one the provider
    // does not say it verified (false, or silent) could be anybody's.
    let email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified == Some(true))
        .and_then(|email| normalise_email(email).ok());
    let Some(email) = email else { return Ok(Err(Refusal::NoVerifiedEmail)) };
    let local = staff::Entity::find().filter(staff::Column::Email.eq(email.as_str())).one(conn).await?;
    let decision = decide(&identity.groups, &oidc.role_map, local.as_ref());
    let member = match (decision, local) {
        (Decision::NotStaff, _) => return Ok(Err(Refusal::NotStaff)),
        (Decision::Deactivated, _) => return Ok(Err(Refusal::Deactivated)),
        (Decision::Technician, _) => return Ok(Err(Refusal::Technician)),
        (Decision::Admit { from_groups: false, .. }, Some(member)) => member,
        (Decision::Admit { from_groups: false, .. }, None) => return Ok(Err(Refusal::NotStaff)),
        (Decision::Admit { role, from_groups: true }, local) => {
            let member = Member { email: email.as_str(), identity, role };
            follow_groups(conn, local, member, oidc, lang, now).await?
        }
    };
    let from = if matches!(decision, Decision::Admit { from_groups: true, .. }) { "groups" } else { "staff table" };
    let actor = Actor { kind: "staff", id: Some(member.id), label: member.email.clone() };
    let change = Change {
        action: "staff_sso_sign_in",
        entity: "staff",
        entity_id: Some(member.id),
        before: json!(null),
        after: json!({ "issuer": oidc.issuer, "subject": identity.subject, "role": member.role, "role_from": from }),
    };
    audit::record(conn, &actor, change, now).await?;
    Ok(Ok(member))
}

/// Who the provider's groups say a person is here.
struct Member<'a> {
    email: &'a str,
    identity: &'a Identity,
    role: Role,
}

/// Creates the staff row the groups call for, or brings its role and name
/// in line with the provider; each change is written to the audit log.
async fn follow_groups<C: ConnectionTrait>(
    conn: &C,
    local: Option<staff::Model>,
    Member { email, identity, role }: Member<'_>,
    oidc: &OidcSettings,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<staff::Model, DbErr> {
    let actor = Actor {
        kind: "system",
        id: None,
        label: format!("single sign-on ({})", oidc.issuer.as_deref().unwrap_or_default()),
    };
    let Some(member) = local else {
        let name = identity.name.clone().unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
        let row = staff::ActiveModel {
            id: NotSet,
            email: Set(email.to_owned()),
            name: Set(name.clone()),
            role: Set(role.code().to_owned()),
            language: Set(lang.code().to_owned()),
            active: Set(true),
            created_at: Set(now),
        };
        let id = staff::Entity::insert(row).exec(conn).await?.last_insert_id;
        let change = Change {
            action: "staff_sso_create",
            entity: "staff",
            entity_id: Some(id),
            before: json!(null),
            after: json!({ "email": email, "name": name, "role": role.code() }),
        };
        audit::record(conn, &actor, change, now).await?;
        return staff::Entity::find_by_id(id).one(conn).await?.ok_or(DbErr::RecordNotFound(format!("staff {id}")));
    };
    let name = identity.name.clone().filter(|name| *name != member.name);
    let new_role = Some(role.code()).filter(|code| *code != member.role);
    if name.is_none() && new_role.is_none() {
        return Ok(member);
    }
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    let mut update = staff::Entity::update_many().filter(staff::Column::Id.eq(member.id));
    if let Some(name) = &name {
        before.insert("name".into(), json!(member.name));
        after.insert("name".into(), json!(name));
        update = update.col_expr(staff::Column::Name, name.clone().into());
    }
    if let Some(code) = new_role {
        before.insert("role".into(), json!(member.role));
        after.insert("role".into(), json!(code));
        update = update.col_expr(staff::Column::Role, code.into());
    }
    update.exec(conn).await?;
    let change = Change {
        action: "staff_sso_update",
        entity: "staff",
        entity_id: Some(member.id),
        before: before.into(),
        after: after.into(),
    };
    audit::record(conn, &actor, change, now).await?;
    Ok(staff::Model { name: name.unwrap_or(member.name), role: role.code().to_owned(), ..member })
}
