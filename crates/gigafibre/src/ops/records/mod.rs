//! The records staff look back at: the outbox of every e-mail and SMS
//! (`/ops/outbox`, agents, billing and admins) and the audit log
//! (`/ops/audit`, admins). Both are long lists read newest first with a
//! cursor (`?before=<id>`, `?after=<id>`), never an offset or a count.

pub mod audit;
mod changes;
mod outbox;
mod redact;

use axum::Router;
use axum::routing::{get, post};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/outbox", get(outbox::list))
        .route("/ops/outbox/{id}", get(outbox::message))
        .route("/ops/outbox/{id}/retry", post(outbox::retry))
        .route("/ops/audit", get(audit::page))
}

/// A choice in a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: &str, label: &str, selected: bool) -> Choice {
        Choice { value: value.to_owned(), label: label.to_owned(), selected }
    }
}

/// Where the rows of a page sit in the whole list: the cursors of the
/// pages on either side, when there are any.
#[derive(Debug, Default)]
pub struct Page {
    newer: Option<i64>,
    older: Option<i64>,
    pub newer_href: Option<String>,
    pub older_href: Option<String>,
}

impl Page {
    /// The links to the pages on either side, keeping the filters.
    pub fn with_links(self, path: &str, filters: &[(&'static str, String)]) -> Page {
        let href = |cursor: &'static str, id: i64| {
            let mut pairs = filters.to_vec();
            pairs.push((cursor, id.to_string()));
            format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
        };
        Page {
            newer_href: self.newer.map(|id| href("after", id)),
            older_href: self.older.map(|id| href("before", id)),
            ..self
        }
    }
}

/// One page of `select`, newest first by `id`: the rows older than
/// `before`, or the ones just newer than `after`. One query of `size + 1`
/// rows on the primary key, whatever the size of the table.
pub async fn keyset<E, C>(
    select: Select<E>,
    id: E::Column,
    before: Option<&str>,
    after: Option<&str>,
    size: u64,
    conn: &C,
) -> Result<(Vec<E::Model>, Page), DbErr>
where
    E: EntityTrait,
    E::Model: HasId,
    C: ConnectionTrait,
{
    let cursor = |raw: Option<&str>| raw.and_then(|v| v.trim().parse::<i64>().ok());
    let (before, after) = (cursor(before), cursor(after));
    let mut page = Page::default();
    let rows = match (before, after) {
        (None, Some(after)) => {
            let mut rows = select.filter(id.gt(after)).order_by_asc(id).limit(size + 1).all(conn).await?;
            if rows.len() as u64 > size {
                rows.truncate(size as usize);
                page.newer = rows.last().map(HasId::id);
            }
            rows.reverse();
            page.older = Some(rows.last().map_or(after + 1, HasId::id));
            rows
        }
        (before, _) => {
            let mut select = select;
            if let Some(before) = before {
                select = select.filter(id.lt(before));
            }
            let mut rows = select.order_by_desc(id).limit(size + 1).all(conn).await?;
            if rows.len() as u64 > size {
                rows.truncate(size as usize);
                page.older = rows.last().map(HasId::id);
            }
            page.newer = before.map(|before| rows.first().map_or(before - 1, HasId::id));
            rows
        }
    };
    Ok((rows, page))
}

/// A row's primary key, for the cursors.
pub trait HasId {
    fn id(&self) -> i64;
}

impl HasId for gigafibre_db::entities::outbox_message::Model {
    fn id(&self) -> i64 {
        self.id
    }
}

impl HasId for gigafibre_db::entities::audit_entry::Model {
    fn id(&self) -> i64 {
        self.id
    }
}

/// `%typed%` for `LIKE … ESCAPE '\'`, the wildcards typed taken literally.
pub fn like_pattern(typed: &str) -> String {
    format!("%{}%", crate::ops::search::fold::escaped(typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_typed_are_searched_for_literally() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn page_links_keep_the_filters() {
        let page = Page { newer: Some(90), older: Some(41), ..Page::default() };
        let page = page.with_links("/ops/outbox", &[("status", "failed".into()), ("to", "a b".into())]);
        assert_eq!(page.newer_href.as_deref(), Some("/ops/outbox?status=failed&to=a+b&after=90"));
        assert_eq!(page.older_href.as_deref(), Some("/ops/outbox?status=failed&to=a+b&before=41"));
    }
}
