//! A gapless numbering sequence: the last number issued, moved in the same
//! transaction as the document that takes the next one.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "number_sequences")]
pub struct Model {
    /// `invoice`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub last_value: i64,
}

impl ActiveModelBehavior for ActiveModel {}
