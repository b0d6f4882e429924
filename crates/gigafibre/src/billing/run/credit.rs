//! Credit a customer holds (an overpayment, a payment ahead) pays the
//! invoices the run has just issued, in the batch's transaction.

use std::collections::HashMap;

use gigafibre_db::entities::customer;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::billing::payments::apply_credit;

/// `added` holds each customer of the batch and what their new invoices
/// added to their balance, already written. Payments spread their credit on
/// open invoices as they come, so a customer holds credit exactly when
/// their balance was below zero before these invoices: only those are
/// looked at again.
pub async fn spend_credit<C: ConnectionTrait>(conn: &C, added: &[(i64, i64)]) -> Result<(), DbErr> {
    for chunk in added.chunks(1_000) {
        let balances: Vec<(i64, i64)> = customer::Entity::find()
            .select_only()
            .columns([customer::Column::Id, customer::Column::BalanceCents])
            .filter(customer::Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
            .into_tuple()
            .all(conn)
            .await?;
        let invoiced: HashMap<i64, i64> = chunk.iter().copied().collect();
        for (id, balance) in balances {
            if balance - invoiced.get(&id).copied().unwrap_or(0) < 0 {
                apply_credit(conn, id).await.map_err(|error| DbErr::Custom(error.to_string()))?;
            }
        }
    }
    Ok(())
}
