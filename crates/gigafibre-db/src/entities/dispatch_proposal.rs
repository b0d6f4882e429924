//! A plan "Plan this day" proposed for one local day.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dispatch_proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `YYYY-MM-DD`, America/Toronto.
    pub day: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub distance_m: i64,
}

impl ActiveModelBehavior for ActiveModel {}
