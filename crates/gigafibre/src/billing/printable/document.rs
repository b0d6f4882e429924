//! What a printed invoice says, gathered from the database.

use askama::Template;
use gigafibre_db::entities::{customer, invoice, invoice_line, service_location};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::billing::money::Money;
use crate::config::Config;
use crate::i18n::{Lang, Messages, local_date};
use crate::ops::clients::detail::address_line;
use crate::ops::dashboard::display_name;

#[derive(Template)]
#[template(path = "billing/printable/templates/invoice.html")]
pub struct Document {
    pub(super) m: Messages,
    pub(super) company_name: String,
    pub(super) company_address: Vec<String>,
    pub(super) gst_number: Option<String>,
    pub(super) qst_number: Option<String>,
    pub(super) number: String,
    pub(super) void: bool,
    pub(super) issued: String,
    pub(super) due: String,
    pub(super) period: Option<String>,
    pub(super) customer_name: String,
    pub(super) account: String,
    pub(super) address: Option<String>,
    pub(super) lines: Vec<Line>,
    pub(super) subtotal: String,
    pub(super) gst: String,
    pub(super) qst: String,
    pub(super) total: String,
    /// Payments and credits already applied, when there are any.
    pub(super) received: Option<String>,
    pub(super) balance: String,
    pub(super) pay_url: String,
}

pub(super) struct Line {
    pub(super) description: String,
    pub(super) period: Option<String>,
    pub(super) amount: String,
}

/// The document for `found`, in its customer's language; `None` when the
/// customer is gone.
pub async fn load(db: &DatabaseConnection, config: &Config, found: invoice::Model) -> Result<Option<Document>, DbErr> {
    let Some(customer) = customer::Entity::find_by_id(found.customer_id).one(db).await? else { return Ok(None) };
    let lang = Lang::from_code(&customer.language).unwrap_or_default();
    let lines = invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.eq(found.id))
        .order_by_asc(invoice_line::Column::Position)
        .all(db)
        .await?;
    let address = service_location::Entity::find()
        .filter(service_location::Column::CustomerId.eq(customer.id))
        .order_by_asc(service_location::Column::Id)
        .one(db)
        .await?
        .map(|location| address_line(&location));
    let money = |cents: i64| Money::from_cents(cents).format(lang);
    let span = |start: Option<chrono::NaiveDate>, end: Option<chrono::NaiveDate>| match (start, end) {
        (Some(start), Some(end)) => Some(format!("{} – {}", local_date(lang, start), local_date(lang, end))),
        _ => None,
    };
    let received = found.total_cents - found.balance_cents;
    Ok(Some(Document {
        m: Messages::new(lang),
        company_name: config.company.name.clone(),
        company_address: config.company.address.clone(),
        gst_number: config.company.gst_number.clone(),
        qst_number: config.company.qst_number.clone(),
        void: found.status == "void",
        issued: local_date(lang, found.issue_date),
        due: local_date(lang, found.due_date),
        period: span(found.period_start, found.period_end),
        customer_name: display_name(&customer),
        account: customer.account_number.clone(),
        address,
        lines: lines
            .iter()
            .map(|l| Line {
                description: l.description.clone(),
                period: span(l.period_start, l.period_end),
                amount: money(l.amount_cents),
            })
            .collect(),
        subtotal: money(found.subtotal_cents),
        gst: money(found.gst_cents),
        qst: money(found.qst_cents),
        total: money(found.total_cents),
        received: (received != 0).then(|| money(-received)),
        balance: money(found.balance_cents),
        pay_url: config
            .public_url
            .join(&format!("portal/invoices/{}", found.number))
            .map_or_else(|_| config.public_url.to_string(), |url| url.to_string()),
        number: found.number,
    }))
}
