//! `gigafibre tech …`: the technicians, and sign-in links to the tech app
//! for one of them, named by id, e-mail, phone or name.

use chrono::NaiveDate;
use gigafibre_db::entities::technician;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::contact::email::normalise_email;
use crate::contact::phone::normalise_phone;

#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("no technician matches '{0}'; `gigafibre tech list` shows them all")]
    Unknown(String),
    #[error("'{typed}' matches {} technicians: {}; name one by its id", .matches.len(), .matches.join(", "))]
    Ambiguous { typed: String, matches: Vec<String> },
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A technician as `tech list --json` prints them.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
}

pub async fn list<C: ConnectionTrait>(conn: &C) -> Result<Vec<Listed>, DbErr> {
    let rows = technician::Entity::find().order_by_asc(technician::Column::Id).all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|t| Listed { id: t.id, name: t.name, email: t.email, phone: t.phone, active: t.active })
        .collect())
}

/// The table `tech list` prints.
pub fn table(rows: &[Listed]) -> String {
    let mut out = format!("{:>4}  {:<28} {:<34} {:<14} {}\n", "id", "name", "email", "phone", "active");
    for t in rows {
        out.push_str(&format!(
            "{:>4}  {:<28} {:<34} {:<14} {}\n",
            t.id,
            t.name,
            t.email.as_deref().unwrap_or("-"),
            t.phone.as_deref().unwrap_or("-"),
            if t.active { "yes" } else { "no" }
        ));
    }
    out
}

/// The one technician `typed` names: an id, an e-mail, a phone written any
/// way, or (part of) a name.
pub async fn find<C: ConnectionTrait>(conn: &C, typed: &str) -> Result<technician::Model, FindError> {
    let typed = typed.trim();
    let unknown = || FindError::Unknown(typed.to_owned());
    if let Ok(id) = typed.parse::<i64>()
        && let Some(found) = technician::Entity::find_by_id(id).one(conn).await?
    {
        return Ok(found);
    }
    let filter = if let Ok(email) = normalise_email(typed) {
        technician::Column::Email.eq(email.as_str())
    } else if let Ok(phone) = normalise_phone(typed) {
        technician::Column::Phone.eq(phone.as_str())
    } else {
        technician::Column::Id.is_not_null()
    };
    let mut matches = technician::Entity::find().filter(filter).order_by_asc(technician::Column::Id).all(conn).await?;
    if normalise_email(typed).is_err() && normalise_phone(typed).is_err() {
        let wanted = typed.to_lowercase();
        matches.retain(|t| !wanted.is_empty() && t.name.to_lowercase().contains(&wanted));
    }
    match matches.len() {
        0 => Err(unknown()),
        1 => matches.pop().ok_or_else(unknown),
        _ => Err(FindError::Ambiguous {
            typed: typed.to_owned(),
            matches: matches.iter().map(|t| format!("{} ({})", t.name, t.id)).collect(),
        }),
    }
}

/// A calendar date written `YYYY-MM-DD`, with a message that says so.
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"))
}
