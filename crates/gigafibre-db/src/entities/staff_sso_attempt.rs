//! One trip of a browser to the staff identity provider: what the callback
//! needs to check the answer (state, nonce, PKCE verifier), spent once.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_sso_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 of the `state` sent to the provider.
    #[sea_orm(unique)]
    pub state_hash: String,
    /// SHA-256 of the cookie that binds the attempt to the browser that started it.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The ops page to open once signed in.
    pub return_to: String,
    pub created_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
