//! Opting in and out of automatic payment, each written to the audit log.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::autopay_enrollment::{self, Column, Entity};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::json;

use crate::audit::{self, Actor, Change};

/// The customer's enrollment, when they opted in.
pub async fn enrollment_of<C: ConnectionTrait>(
    conn: &C,
    customer_id: i64,
) -> Result<Option<autopay_enrollment::Model>, DbErr> {
    Entity::find().filter(Column::CustomerId.eq(customer_id)).one(conn).await
}

/// Opts the customer in with `card_label` as the card they agreed to;
/// opting in again only updates the card shown.
pub async fn opt_in(
    db: &DatabaseConnection,
    customer_id: i64,
    card_label: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let before = enrollment_of(&txn, customer_id).await?;
    if before.is_some() {
        Entity::update_many()
            .col_expr(Column::CardLabel, card_label.into())
            .filter(Column::CustomerId.eq(customer_id))
            .exec(&txn)
            .await?;
    } else {
        let row = autopay_enrollment::ActiveModel {
            id: NotSet,
            customer_id: Set(customer_id),
            card_label: Set(card_label.to_owned()),
            enrolled_at: Set(now),
        };
        Entity::insert(row).exec_without_returning(&txn).await?;
    }
    let change = Change {
        action: "autopay_on",
        entity: "customer",
        entity_id: Some(customer_id),
        before: json!({ "autopay": before.is_some() }),
        after: json!({ "autopay": true, "card": card_label }),
    };
    audit::record(&txn, actor, change, now).await?;
    txn.commit().await
}

/// Opts the customer out; `false` when they were not in.
pub async fn opt_out(
    db: &DatabaseConnection,
    customer_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let removed = Entity::delete_many().filter(Column::CustomerId.eq(customer_id)).exec(&txn).await?;
    if removed.rows_affected == 0 {
        return Ok(false);
    }
    let change = Change {
        action: "autopay_off",
        entity: "customer",
        entity_id: Some(customer_id),
        before: json!({ "autopay": true }),
        after: json!({ "autopay": false }),
    };
    audit::record(&txn, actor, change, now).await?;
    txn.commit().await?;
    Ok(true)
}
