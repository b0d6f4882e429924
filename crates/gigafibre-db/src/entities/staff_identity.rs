//! A member of staff as the identity provider knows them: issuer and
//! subject, bound at the first single sign-on and matched on every one after.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_identities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_id: i64,
    pub issuer: String,
    pub subject: String,
    /// The provider's groups gave the role at the last sign-in, so they
    /// decide it at every sign-in: leaving every mapped group ends access.
    pub role_from_groups: bool,
    pub created_at: DateTimeUtc,
    pub last_sign_in_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
