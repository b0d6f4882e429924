//! The customer's signature for a job, drawn on the technician's screen.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_signatures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub job_id: i64,
    /// A PNG image.
    pub png: Vec<u8>,
    pub signer_name: String,
    pub recorded_by: String,
    pub signed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
