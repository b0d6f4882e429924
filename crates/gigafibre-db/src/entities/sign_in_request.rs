//! Someone asked for a sign-in link; a background job answers it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub identifier_key: String,
    pub language: String,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
