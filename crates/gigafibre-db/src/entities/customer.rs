//! A subscriber: a household or a business.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub account_number: String,
    #[sea_orm(unique)]
    pub legacy_id: Option<String>,
    /// `residential` or `business`.
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    /// Normalised (see `contact::email`).
    pub email: Option<String>,
    pub billing_email: Option<String>,
    /// E.164.
    pub cell: Option<String>,
    pub home_phone: Option<String>,
    /// `fr` or `en`.
    pub language: String,
    /// `active`, `suspended`, `closed` or `prospect`.
    pub status: String,
    /// Day of the month the recurring invoice is made (1 to 28).
    pub billing_day: i16,
    /// Invoices less payments, plus refunds, less credit notes, kept in step by every write.
    pub balance_cents: i64,
    pub notes: String,
    /// The customer agrees to notices by e-mail (sign-in links always go).
    pub notify_by_email: bool,
    pub notify_by_sms: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub service_locations: HasMany<super::service_location::Entity>,
    #[sea_orm(has_many)]
    pub subscriptions: HasMany<super::subscription::Entity>,
    #[sea_orm(has_many)]
    pub invoices: HasMany<super::invoice::Entity>,
    #[sea_orm(has_many)]
    pub tickets: HasMany<super::ticket::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
