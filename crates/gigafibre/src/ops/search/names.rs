//! Names and streets matched the way people type them: without regard to
//! case or accents ("belanger" finds "Bélanger"), on both databases. The
//! database narrows with a loose `LIKE` in which every letter that may
//! carry an accent is a one-character wildcard (`b_l_ng_r`); the few rows
//! left are compared exactly, folded, here.

use gigafibre_db::entities::{customer, service_location};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::fold::fold;

/// Customers whose first name, last name or company hold every word,
/// without regard to case or accents, in name order.
pub async fn customers_named(db: &DatabaseConnection, words: &[String]) -> Result<Vec<i64>, DbErr> {
    let words: Vec<String> = words.iter().map(|w| fold(w)).collect();
    let columns = ["customers.first_name", "customers.last_name", "COALESCE(customers.company_name, '')"];
    let narrowed = words.iter().fold(Condition::all(), |all, word| {
        all.add(columns.iter().fold(Condition::any(), |any, column| any.add(loosely_holds(column, word))))
    });
    let rows: Vec<(i64, String, String, Option<String>)> = customer::Entity::find()
        .select_only()
        .columns([
            customer::Column::Id,
            customer::Column::FirstName,
            customer::Column::LastName,
            customer::Column::CompanyName,
        ])
        .filter(narrowed)
        .order_by_asc(customer::Column::LastName)
        .order_by_asc(customer::Column::FirstName)
        .order_by_asc(customer::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, first, last, company)| {
            let fields = [fold(first), fold(last), fold(company.as_deref().unwrap_or_default())];
            words.iter().all(|word| fields.iter().any(|field| field.contains(word.as_str())))
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
        .filter(loosely_holds("service_locations.street", &phrase))
        .order_by_asc(service_location::Column::Street)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter(|(_, street)| fold(street).contains(&phrase)).map(|(id, _)| id).take(limit).collect())
}

/// `column` (a trusted column expression) may hold `folded`: a superset of
/// the rows that do, found by the database.
fn loosely_holds(column: &str, folded: &str) -> Expr {
    Expr::cust(format!("LOWER({column})")).like(LikeExpr::new(loose_pattern(folded)).escape('\\'))
}

/// `%b_l_ng_r%` for `belanger`: letters that may carry an accent match any
/// one character; `LIKE`'s own wildcards typed by a person are taken literally.
fn loose_pattern(folded: &str) -> String {
    let mut pattern = String::from("%");
    for c in folded.chars() {
        match c {
            'a' | 'c' | 'e' | 'i' | 'o' | 'u' | 'y' => pattern.push('_'),
            '%' | '_' | '\\' => {
                pattern.push('\\');
                pattern.push(c);
            }
            _ => pattern.push(c),
        }
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_that_may_carry_an_accent_become_wildcards() {
        assert_eq!(loose_pattern("belanger"), "%b_l_ng_r%");
        assert_eq!(loose_pattern("50%_x"), "%50\\%\\_x%");
    }
}
