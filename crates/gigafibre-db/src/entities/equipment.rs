//! A device: ONT, router, set-top box. Where it is follows from its status.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "equipment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub serial: String,
    /// Normalised `aa:bb:cc:dd:ee:ff`.
    #[sea_orm(unique)]
    pub mac: Option<String>,
    #[sea_orm(unique)]
    pub barcode: Option<String>,
    pub model: String,
    /// `ont`, `router`, `settop` or `phone_adapter`.
    pub kind: String,
    /// `warehouse`, `van`, `installed`, `defective`, `returned` or `missing`
    /// (counted absent from the van it was in).
    pub status: String,
    pub customer_id: Option<i64>,
    pub service_location_id: Option<i64>,
    pub subscription_id: Option<i64>,
    /// The technician whose van holds it.
    pub technician_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
