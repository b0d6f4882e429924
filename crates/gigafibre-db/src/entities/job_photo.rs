//! A photo taken on site, kept with its job.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job_id: i64,
    /// `image/jpeg`, `image/png` or `image/webp`, checked against the bytes.
    pub content_type: String,
    pub byte_size: i32,
    pub bytes: Vec<u8>,
    pub taken_by: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
