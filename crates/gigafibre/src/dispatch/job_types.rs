//! The kinds of visit, kept as data (`job_types`): their names in each
//! language, how long one takes, whether the customer signs, what the
//! technician checks.

use gigafibre_db::entities::job_type;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::i18n::Lang;

/// The types staff can pick for a new job, in a stable order.
pub async fn active<C: ConnectionTrait>(conn: &C) -> Result<Vec<job_type::Model>, DbErr> {
    job_type::Entity::find()
        .filter(job_type::Column::Active.eq(true))
        .order_by_asc(job_type::Column::Id)
        .all(conn)
        .await
}

pub async fn by_code<C: ConnectionTrait>(conn: &C, code: &str) -> Result<Option<job_type::Model>, DbErr> {
    job_type::Entity::find().filter(job_type::Column::Code.eq(code)).one(conn).await
}

/// The type's name in `lang`.
pub fn name(kind: &job_type::Model, lang: Lang) -> &str {
    match lang {
        Lang::Fr => &kind.name_fr,
        Lang::En => &kind.name_en,
    }
}

/// The name of the type `code` in `lang`, or the code when no such type exists.
pub fn name_of<'a>(types: &'a [job_type::Model], code: &'a str, lang: Lang) -> &'a str {
    types.iter().find(|t| t.code == code).map_or(code, |t| name(t, lang))
}

/// What the technician checks at a visit of this type, one item a line.
pub fn checklist(kind: &job_type::Model, lang: Lang) -> Vec<String> {
    let text = match lang {
        Lang::Fr => &kind.checklist_fr,
        Lang::En => &kind.checklist_en,
    };
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect()
}
