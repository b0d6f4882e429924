//! Names and streets matched the way people type them, folded in Rust:
//! one narrow read of the column, then a comparison without case or
//! accents. Folding in SQL (a chain of REPLACE) cost 30 times more.

use gigafibre_db::entities::{customer, service_location};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::fold::fold;

/// Customers whose first name, last name or company hold every word,
/// without regard to case or accents, in name order.
pub async fn customers_named(db: &DatabaseConnection, words: &[String]) -> Result<Vec<i64>, DbErr> {
    let words: Vec<String> = words.iter().map(|w| fold(w)).collect();
    let rows: Vec<(i64, String, String, Option<String>)> = customer::Entity::find()
        .select_only()
        .columns([
            customer::Column::Id,
            customer::Column::FirstName,
            customer::Column::LastName,
            customer::Column::CompanyName,
        ])
        .order_by_asc(customer::Column::LastName)
        .order_by_asc(customer::Column::FirstName)
        .order_by_asc(customer::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, first, last, company)| {
            let name = fold(&format!("{first} {last} {}", company.as_deref().unwrap_or_default()));
            words.iter().all(|word| name.contains(word.as_str()))
        })
        .map(|(id, ..)| id)
        .collect())
}

/// Service locations whose street holds `phrase`, without regard to case or
/// accents, in street order; at most `limit`.
pub async fn locations_on(db: &DatabaseConnection, phrase: &str, limit: usize) -> Result<Vec<i64>, DbErr> {
    let phrase = fold(phrase);
    let rows: Vec<(i64, String)> = service_location::Entity::find()
        .select_only()
        .columns([service_location::Column::Id, service_location::Column::Street])
        .filter(service_location::Column::Street.ne(""))
        .order_by_asc(service_location::Column::Street)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter(|(_, street)| fold(street).contains(&phrase)).map(|(id, _)| id).take(limit).collect())
}
