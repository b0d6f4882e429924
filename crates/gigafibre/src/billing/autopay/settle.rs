//! Recording the payment of a charge Stripe says succeeded, exactly once:
//! the automatic payment run and the webhook both come here, and the first
//! to mark the charge settled records the payment; the other changes
//! nothing. Same PaymentIntent, one payment.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::autopay_charge::{Column, Entity};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::billing::money::Money;
use crate::billing::payments::{self, Method, NewPayment, PaymentError, Target};

/// Records the payment for charge `charge_id` in the caller's transaction.
/// `None` when it was recorded before (or the charge is unknown).
pub async fn settle<C: ConnectionTrait>(
    conn: &C,
    charge_id: i64,
    payment_intent: &str,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<Option<i64>, PaymentError> {
    // One conditional update decides who records it: under the row lock a
    // second settler finds the payment already there.
    let claimed = Entity::update_many()
        .col_expr(Column::Status, Expr::value("succeeded"))
        .col_expr(Column::PaymentIntentId, Expr::value(payment_intent))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(charge_id))
        .filter(Column::Status.ne("succeeded"))
        .exec(conn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    let Some(charge) = Entity::find_by_id(charge_id).one(conn).await? else { return Ok(None) };
    let new = |target| NewPayment {
        customer_id: charge.customer_id,
        amount,
        method: Method::Card,
        reference: payment_intent.to_owned(),
        received_at: now,
        target,
    };
    let recorded = match payments::record(conn, new(Target::Invoices(vec![charge.invoice_id])), now).await {
        // Settled some other way meanwhile: the money still counts.
        Err(PaymentError::UnknownInvoice) => payments::record(conn, new(Target::OldestFirst), now).await?,
        other => other?,
    };
    Entity::update_many()
        .col_expr(Column::PaymentId, Expr::value(recorded.payment_id))
        .filter(Column::Id.eq(charge_id))
        .exec(conn)
        .await?;
    let actor = Actor { kind: "system", id: None, label: "Stripe".to_owned() };
    let change = Change {
        action: "payment_record",
        entity: "customer",
        entity_id: Some(charge.customer_id),
        before: json!(null),
        after: json!({
            "payment": recorded.payment_id,
            "amount": amount.to_string(),
            "method": Method::Card.code(),
            "reference": payment_intent,
            "autopay_charge": charge_id,
        }),
    };
    audit::record(conn, &actor, change, now).await?;
    Ok(Some(recorded.payment_id))
}

/// The charge a PaymentIntent's metadata names, for the webhook.
pub fn charge_of(payment_intent: &serde_json::Value) -> Option<i64> {
    payment_intent["metadata"]["autopay_charge"].as_str()?.parse().ok()
}

/// Marks a charge failed unless it was settled; `false` when it was.
pub async fn mark_failed<C: ConnectionTrait>(
    conn: &C,
    charge_id: i64,
    payment_intent: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Status, Expr::value("failed"))
        .col_expr(Column::Failure, Expr::value(reason.chars().take(500).collect::<String>()))
        .col_expr(Column::UpdatedAt, Expr::value(now));
    if let Some(id) = payment_intent {
        update = update.col_expr(Column::PaymentIntentId, Expr::value(id));
    }
    let marked = update.filter(Column::Id.eq(charge_id)).filter(Column::Status.eq("pending")).exec(conn).await?;
    Ok(marked.rows_affected == 1)
}

/// Notes the PaymentIntent of a charge Stripe is still settling.
pub async fn note_intent<C: ConnectionTrait>(
    conn: &C,
    charge_id: i64,
    payment_intent: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    Entity::update_many()
        .col_expr(Column::PaymentIntentId, Expr::value(payment_intent))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(charge_id))
        .filter(Column::PaymentIntentId.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
