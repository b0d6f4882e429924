//! The invoices an automatic payment run looks at: the open ones of every
//! customer who opted in and has a customer at Stripe.

use std::collections::HashMap;

use chrono::NaiveDate;
use gigafibre_db::entities::{autopay_charge, autopay_enrollment, customer, invoice, stripe_customer};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::decide::{Decision, Earlier, decide};

/// One invoice, whose customer opted in, and what to do with it today.
pub struct Due {
    pub invoice: invoice::Model,
    pub customer: customer::Model,
    /// Their `cus_…` at Stripe, which holds the saved card.
    pub stripe_customer: String,
    /// The card the customer agreed to, as they saw it.
    pub card_label: String,
    pub decision: Decision,
}

/// IN lists stay well under every engine's limit on bound values.
const CHUNK: usize = 5_000;

pub async fn due<C: ConnectionTrait>(conn: &C, today: NaiveDate) -> Result<Vec<Due>, DbErr> {
    let labels: HashMap<i64, String> = autopay_enrollment::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|e| (e.customer_id, e.card_label))
        .collect();
    let mut enrolled: Vec<i64> = labels.keys().copied().collect();
    enrolled.sort_unstable();
    let mut found = Vec::new();
    for customers in enrolled.chunks(CHUNK) {
        let at_stripe: HashMap<i64, String> = stripe_customer::Entity::find()
            .filter(stripe_customer::Column::CustomerId.is_in(customers.iter().copied()))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.customer_id, s.stripe_customer_id))
            .collect();
        let rows = invoice::Entity::find()
            .find_also_related(customer::Entity)
            .filter(invoice::Column::CustomerId.is_in(at_stripe.keys().copied()))
            .filter(invoice::Column::Status.eq("open"))
            .filter(invoice::Column::BalanceCents.gt(0))
            .filter(invoice::Column::IssueDate.lte(today))
            .order_by_asc(invoice::Column::CustomerId)
            .order_by_asc(invoice::Column::IssueDate)
            .order_by_asc(invoice::Column::Id)
            .all(conn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|(i, _)| i.id).collect();
        let earlier = earlier_charges(conn, &ids).await?;
        for (invoice, customer) in rows {
            let (Some(customer), Some(stripe_customer)) = (customer, at_stripe.get(&invoice.customer_id)) else {
                continue;
            };
            let decision = decide(earlier.get(&invoice.id).map_or(&[][..], Vec::as_slice), today);
            let card_label = labels.get(&customer.id).cloned().unwrap_or_default();
            found.push(Due { stripe_customer: stripe_customer.clone(), card_label, customer, decision, invoice });
        }
    }
    Ok(found)
}

async fn earlier_charges<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<HashMap<i64, Vec<Earlier>>, DbErr> {
    let mut by_invoice: HashMap<i64, Vec<Earlier>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = autopay_charge::Entity::find()
            .filter(autopay_charge::Column::InvoiceId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        for row in rows {
            by_invoice.entry(row.invoice_id).or_default().push(Earlier {
                id: row.id,
                day: row.day,
                status: row.status,
            });
        }
    }
    Ok(by_invoice)
}
