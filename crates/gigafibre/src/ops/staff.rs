//! Staff accounts and their one-time sign-in links: created from the CLI
//! before anything else is set up (`gigafibre staff add`, `staff link`).

use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::{session, staff, staff_identity, staff_link};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::roles::Role;
use crate::audit::{self, Actor, Change};
use crate::auth::secret::{hash, new_token};
use crate::contact::email::normalise_email;

/// A staff link is short-lived (OWASP ASVS 6.5.5: out-of-band links 10 min).
pub const LINK_LIFETIME: Duration = Duration::minutes(10);

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("'{0}' is not a valid e-mail address")]
    Email(String),
    #[error("'{0}' is not a role; use agent, dispatcher, billing or admin")]
    Role(String),
    #[error("no staff member has the e-mail {0}; add one with `gigafibre staff add`")]
    Unknown(String),
    #[error("{0} is deactivated")]
    Inactive(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Withdraws a member's access: the row stays (the audit log names them),
/// every session and unused link ends, and single sign-on no longer admits
/// them whatever their groups say.
pub async fn deactivate<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    now: DateTime<Utc>,
) -> Result<staff::Model, StaffError> {
    let email = normalise_email(email).map_err(|_| StaffError::Email(email.trim().to_owned()))?;
    let member = staff::Entity::find().filter(staff::Column::Email.eq(email.as_str())).one(conn).await?;
    let member = member.ok_or_else(|| StaffError::Unknown(email.as_str().to_owned()))?;
    staff::Entity::update_many()
        .col_expr(staff::Column::Active, false.into())
        .filter(staff::Column::Id.eq(member.id))
        .exec(conn)
        .await?;
    end_access(conn, member.id).await?;
    let actor = Actor { kind: "system", id: None, label: "gigafibre staff deactivate".into() };
    let change = Change {
        action: "staff_deactivate",
        entity: "staff",
        entity_id: Some(member.id),
        before: serde_json::json!({ "active": member.active }),
        after: serde_json::json!({ "active": false }),
    };
    audit::record(conn, &actor, change, now).await?;
    Ok(staff::Model { active: false, ..member })
}

/// Ends every session of a member of staff (their looks at the portal as a
/// customer too) and every link not yet used.
pub async fn end_access<C: ConnectionTrait>(conn: &C, staff_id: i64) -> Result<(), DbErr> {
    session::Entity::delete_many().filter(session::Column::StaffId.eq(staff_id)).exec(conn).await?;
    staff_link::Entity::delete_many()
        .filter(staff_link::Column::StaffId.eq(staff_id))
        .filter(staff_link::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Adds a member of staff, or changes the role of an existing one.
pub async fn add<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    role: &str,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<staff::Model, StaffError> {
    let email = normalise_email(email).map_err(|_| StaffError::Email(email.trim().to_owned()))?;
    let role = Role::from_code(role).ok_or_else(|| StaffError::Role(role.trim().to_owned()))?;
    let existing = staff::Entity::find().filter(staff::Column::Email.eq(email.as_str())).one(conn).await?;
    let display = name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    match existing {
        Some(member) => {
            staff::Entity::update_many()
                .col_expr(staff::Column::Role, role.code().into())
                .col_expr(staff::Column::Active, true.into())
                .filter(staff::Column::Id.eq(member.id))
                .exec(conn)
                .await?;
            // A role given here is the staff table's: single sign-on stops
            // taking it from the provider's groups unless they name one.
            staff_identity::Entity::update_many()
                .col_expr(staff_identity::Column::RoleFromGroups, false.into())
                .filter(staff_identity::Column::StaffId.eq(member.id))
                .exec(conn)
                .await?;
            Ok(staff::Model { role: role.code().into(), active: true, ..member })
        }
        None => {
            let name = display.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_owned());
            let row = staff::ActiveModel {
                id: NotSet,
                email: Set(email.as_str().to_owned()),
                name: Set(name),
                role: Set(role.code().into()),
                language: Set("fr".into()),
                active: Set(true),
                created_at: Set(now),
            };
            let id = staff::Entity::insert(row).exec(conn).await?.last_insert_id;
            staff::Entity::find_by_id(id).one(conn).await?.ok_or(StaffError::Unknown(email.as_str().to_owned()))
        }
    }
}

/// Mints a one-time link for a member of staff; returns the raw token.
pub async fn mint_link<C: ConnectionTrait>(conn: &C, email: &str, now: DateTime<Utc>) -> Result<String, StaffError> {
    let normalised = normalise_email(email).map_err(|_| StaffError::Email(email.trim().to_owned()))?;
    let member = staff::Entity::find()
        .filter(staff::Column::Email.eq(normalised.as_str()))
        .one(conn)
        .await?
        .ok_or_else(|| StaffError::Unknown(normalised.as_str().to_owned()))?;
    if !member.active {
        return Err(StaffError::Inactive(member.email));
    }
    let token = new_token();
    let row = staff_link::ActiveModel {
        id: NotSet,
        staff_id: Set(member.id),
        token_hash: Set(hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        used_at: Set(None),
    };
    staff_link::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(token)
}

/// Spends a link once, ever; returns the staff id.
pub async fn spend_link<C: ConnectionTrait>(conn: &C, token: &str, now: DateTime<Utc>) -> Result<Option<i64>, DbErr> {
    let token_hash = hash(token.trim());
    let spent = staff_link::Entity::update_many()
        .col_expr(staff_link::Column::UsedAt, now.into())
        .filter(staff_link::Column::TokenHash.eq(token_hash.as_str()))
        .filter(staff_link::Column::UsedAt.is_null())
        .filter(staff_link::Column::ExpiresAt.gte(now))
        .exec(conn)
        .await?;
    if spent.rows_affected != 1 {
        return Ok(None);
    }
    Ok(staff_link::Entity::find()
        .filter(staff_link::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
        .map(|l| l.staff_id))
}

/// Whether a link would still sign in (the page the link opens).
pub async fn link_is_live<C: ConnectionTrait>(conn: &C, token: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    Ok(staff_link::Entity::find()
        .filter(staff_link::Column::TokenHash.eq(hash(token.trim())))
        .filter(staff_link::Column::UsedAt.is_null())
        .filter(staff_link::Column::ExpiresAt.gte(now))
        .order_by_desc(staff_link::Column::Id)
        .one(conn)
        .await?
        .is_some())
}
