//! Turning a verified identity into a member of staff: the role rule, the
//! staff row kept in step with the provider's groups, and the audit log.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::{staff, staff_identity};
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
use crate::ops::staff::end_access;

/// The member of staff this identity signs in as, or why it does not.
/// Runs inside the caller's transaction, with the session it then starts;
/// a refusal writes nothing, except the end of access of a member whose
/// groups gave them their role and no longer do.
pub async fn admit<C: ConnectionTrait>(
    conn: &C,
    identity: &Identity,
    oidc: &OidcSettings,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Result<staff::Model, Refusal>, DbErr> {
    // The e-mail is how the staff table first knows a person: one the
    // provider does not say it verified (false, or silent) could be anybody's.
    let email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified == Some(true))
        .and_then(|email| normalise_email(email).ok());
    let Some(email) = email else { return Ok(Err(Refusal::NoVerifiedEmail)) };
    let issuer = oidc.issuer.as_deref().unwrap_or_default();
    let bound = staff_identity::Entity::find()
        .filter(staff_identity::Column::Issuer.eq(issuer))
        .filter(staff_identity::Column::Subject.eq(identity.subject.as_str()))
        .one(conn)
        .await?;
    let local = match &bound {
        // Known by issuer and subject: the address may have changed since.
        Some(bound) => staff::Entity::find_by_id(bound.staff_id).one(conn).await?,
        None => {
            let by_email = staff::Entity::find().filter(staff::Column::Email.eq(email.as_str())).one(conn).await?;
            // An address handed on to someone else at the provider does not
            // hand on the staff account it was bound with.
            if let Some(member) = &by_email
                && identity_of(conn, member.id, issuer).await?.is_some()
            {
                return Ok(Err(Refusal::OtherAccount));
            }
            by_email
        }
    };
    let groups_decided = bound.as_ref().is_some_and(|bound| bound.role_from_groups);
    let decision = decide(&identity.groups, &oidc.role_map, local.as_ref(), groups_decided);
    let member = match (decision, local) {
        (Decision::NotStaff, _) => return Ok(Err(Refusal::NotStaff)),
        (Decision::Deactivated, _) => return Ok(Err(Refusal::Deactivated)),
        (Decision::Technician, _) => return Ok(Err(Refusal::Technician)),
        (Decision::LeftGroups, local) => {
            if let Some(member) = local {
                withdraw(conn, &member, oidc, now).await?;
            }
            return Ok(Err(Refusal::LeftGroups));
        }
        (Decision::Admit { from_groups: false, .. }, Some(member)) => member,
        (Decision::Admit { from_groups: false, .. }, None) => return Ok(Err(Refusal::NotStaff)),
        (Decision::Admit { role, from_groups: true }, local) => {
            let member = Member { email: email.as_str(), identity, role };
            follow_groups(conn, local, member, oidc, lang, now).await?
        }
    };
    let from_groups = matches!(decision, Decision::Admit { from_groups: true, .. });
    bind(conn, bound, &member, identity, issuer, from_groups, now).await?;
    let actor = Actor { kind: "staff", id: Some(member.id), label: member.email.clone() };
    let change = Change {
        action: "staff_sso_sign_in",
        entity: "staff",
        entity_id: Some(member.id),
        before: json!(null),
        after: json!({
            "issuer": oidc.issuer,
            "subject": identity.subject,
            "role": member.role,
            "role_from": if from_groups { "groups" } else { "staff table" },
        }),
    };
    audit::record(conn, &actor, change, now).await?;
    Ok(Ok(member))
}

/// The identity a member of staff is bound to at this issuer, if any.
async fn identity_of<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
    issuer: &str,
) -> Result<Option<staff_identity::Model>, DbErr> {
    staff_identity::Entity::find()
        .filter(staff_identity::Column::StaffId.eq(staff_id))
        .filter(staff_identity::Column::Issuer.eq(issuer))
        .one(conn)
        .await
}

/// Binds the member to the provider's subject at the first sign-in, and
/// records at every one whether the groups decided the role.
async fn bind<C: ConnectionTrait>(
    conn: &C,
    bound: Option<staff_identity::Model>,
    member: &staff::Model,
    identity: &Identity,
    issuer: &str,
    role_from_groups: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    match bound {
        Some(bound) => {
            staff_identity::Entity::update_many()
                .col_expr(staff_identity::Column::RoleFromGroups, role_from_groups.into())
                .col_expr(staff_identity::Column::LastSignInAt, now.into())
                .filter(staff_identity::Column::Id.eq(bound.id))
                .exec(conn)
                .await?;
        }
        None => {
            let row = staff_identity::ActiveModel {
                id: NotSet,
                staff_id: Set(member.id),
                issuer: Set(issuer.to_owned()),
                subject: Set(identity.subject.clone()),
                role_from_groups: Set(role_from_groups),
                created_at: Set(now),
                last_sign_in_at: Set(now),
            };
            staff_identity::Entity::insert(row).exec_without_returning(conn).await?;
        }
    }
    Ok(())
}

/// A member whose groups gave the role and now give none: their sessions
/// and unused links end (the provider has withdrawn them), written to the
/// audit log. The row stays active: back in a group, they sign in again.
async fn withdraw<C: ConnectionTrait>(
    conn: &C,
    member: &staff::Model,
    oidc: &OidcSettings,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    end_access(conn, member.id).await?;
    let actor = Actor {
        kind: "system",
        id: None,
        label: format!("single sign-on ({})", oidc.issuer.as_deref().unwrap_or_default()),
    };
    let change = Change {
        action: "staff_sso_left_groups",
        entity: "staff",
        entity_id: Some(member.id),
        before: json!({ "role": member.role }),
        after: json!(null),
    };
    audit::record(conn, &actor, change, now).await
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
