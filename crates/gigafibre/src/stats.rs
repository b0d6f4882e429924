//! How many of each: the figures `gigafibre stats` prints.

use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};
use serde::Serialize;

use gigafibre_db::entities::{customer, equipment, invoice, payment, subscription, technician, ticket};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub customers: u64,
    pub subscriptions: u64,
    pub invoices: u64,
    pub payments: u64,
    pub tickets: u64,
    pub technicians: u64,
    pub equipment: u64,
}

impl Stats {
    pub async fn count(db: &DatabaseConnection) -> Result<Stats, DbErr> {
        Ok(Stats {
            customers: customer::Entity::find().count(db).await?,
            subscriptions: subscription::Entity::find().count(db).await?,
            invoices: invoice::Entity::find().count(db).await?,
            payments: payment::Entity::find().count(db).await?,
            tickets: ticket::Entity::find().count(db).await?,
            technicians: technician::Entity::find().count(db).await?,
            equipment: equipment::Entity::find().count(db).await?,
        })
    }

    /// `(name, count)` in a fixed order, for the table view.
    pub fn rows(&self) -> [(&'static str, u64); 7] {
        [
            ("customers", self.customers),
            ("subscriptions", self.subscriptions),
            ("invoices", self.invoices),
            ("payments", self.payments),
            ("tickets", self.tickets),
            ("technicians", self.technicians),
            ("equipment", self.equipment),
        ]
    }
}
