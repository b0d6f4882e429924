//! The invoices a dunning run looks at.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use gigafibre_db::entities::{customer, dunning_notice, invoice};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::steps::Steps;

/// An overdue invoice, its customer, and the highest step it has had.
pub struct Candidate {
    pub invoice: invoice::Model,
    pub customer: customer::Model,
    pub sent: usize,
}

/// Open invoices with a balance, due at least the first step's days before
/// `today`; late-fee invoices excepted (a fee never draws a fee).
pub async fn overdue<C: ConnectionTrait>(conn: &C, steps: &Steps, today: NaiveDate) -> Result<Vec<Candidate>, DbErr> {
    let first = steps.days().first().copied().unwrap_or(0);
    let Some(cutoff) = today.checked_sub_days(Days::new(u64::from(first))) else {
        return Ok(Vec::new());
    };
    let fee_invoices = Query::select()
        .column(dunning_notice::Column::FeeInvoiceId)
        .from(dunning_notice::Entity)
        .and_where(Expr::col(dunning_notice::Column::FeeInvoiceId).is_not_null())
        .to_owned();
    let rows = invoice::Entity::find()
        .find_also_related(customer::Entity)
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::BalanceCents.gt(0))
        .filter(invoice::Column::DueDate.lte(cutoff))
        .filter(invoice::Column::Id.not_in_subquery(fee_invoices))
        .order_by_asc(invoice::Column::DueDate)
        .order_by_asc(invoice::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|(invoice, _)| invoice.id).collect();
    let sent = highest_steps(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(invoice, customer)| {
            let sent = sent.get(&invoice.id).copied().unwrap_or(0);
            Some(Candidate { customer: customer?, sent, invoice })
        })
        .collect())
}

/// The highest step each invoice has had.
async fn highest_steps<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<HashMap<i64, usize>, DbErr> {
    let mut highest = HashMap::new();
    for chunk in ids.chunks(10_000) {
        let rows: Vec<(i64, i16)> = dunning_notice::Entity::find()
            .select_only()
            .column(dunning_notice::Column::InvoiceId)
            .column_as(dunning_notice::Column::Step.max(), "step")
            .filter(dunning_notice::Column::InvoiceId.is_in(chunk.iter().copied()))
            .group_by(dunning_notice::Column::InvoiceId)
            .into_tuple()
            .all(conn)
            .await?;
        highest.extend(rows.into_iter().map(|(id, step)| (id, usize::try_from(step).unwrap_or(0))));
    }
    Ok(highest)
}
