//! Runs each way an entry can be read against the database and gathers
//! the hits: customers first, then devices, invoices and addresses.

use gigafibre_db::entities::{contact, customer, equipment, invoice, service_location};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::fold::starts_with;
use super::names::{customers_named, locations_on};
use super::probe::Probe;
use crate::i18n::{Lang, local_date};
use crate::ops::clients::detail::address_line;
use crate::ops::dashboard::display_name;

const CUSTOMERS: u64 = 6;
const OTHERS: u64 = 4;

/// One thing found, as the result list shows it.
pub struct Hit {
    /// Catalogue key of what it is (customer, device, invoice, address).
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub href: String,
}

/// The four kinds are looked up at once, each on its own pooled connection:
/// a search takes as long as its slowest lookup, not the sum of them.
pub async fn find(db: &DatabaseConnection, probe: &Probe, lang: Lang) -> Result<Vec<Hit>, DbErr> {
    let (customers, devices, invoices, addresses) = tokio::try_join!(
        customers(db, probe),
        devices(db, probe, lang),
        invoices(db, probe, lang),
        addresses(db, probe)
    )?;
    let mut hits = customers.iter().map(customer_hit).collect::<Vec<_>>();
    hits.extend(devices);
    hits.extend(invoices);
    hits.extend(addresses);
    Ok(hits)
}

fn customer_hit(c: &customer::Model) -> Hit {
    let reach = [c.cell.as_deref(), c.home_phone.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|p| crate::contact::phone::normalise_phone(p).ok())
        .map(|p| p.national())
        .next()
        .or_else(|| c.email.clone())
        .unwrap_or_default();
    Hit {
        kind: "ops.search.customer",
        title: display_name(c),
        detail: [c.account_number.as_str(), reach.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        href: format!("/ops/clients/{}", c.id),
    }
}

/// Customers by phone, e-mail, identifier or name, without repeats.
async fn customers(db: &DatabaseConnection, probe: &Probe) -> Result<Vec<customer::Model>, DbErr> {
    let mut any = Condition::any();
    let mut asked = false;
    if let Some(phone) = &probe.phone {
        let through_contacts = contact::Entity::find()
            .select_only()
            .column(contact::Column::CustomerId)
            .filter(contact::Column::Phone.eq(phone.as_str()))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        any = any
            .add(customer::Column::Cell.eq(phone.as_str()))
            .add(customer::Column::HomePhone.eq(phone.as_str()))
            .add(customer::Column::Id.is_in(through_contacts));
        asked = true;
    }
    if let Some(digits) = &probe.phone_digits {
        let pattern = format!("%{digits}%");
        any = any
            .add(customer::Column::Cell.like(pattern.as_str()))
            .add(customer::Column::HomePhone.like(pattern.as_str()));
        asked = true;
    }
    if let Some(email) = &probe.email {
        any = any
            .add(customer::Column::Email.like(starts_with(email)))
            .add(customer::Column::BillingEmail.like(starts_with(email)));
        asked = true;
    }
    if !probe.codes.is_empty() {
        any = any
            .add(customer::Column::AccountNumber.is_in(probe.codes.clone()))
            .add(customer::Column::LegacyId.is_in(probe.codes.clone()));
        asked = true;
    }
    if !probe.words.is_empty() {
        let named = customers_named(db, &probe.words).await?;
        any = any.add(customer::Column::Id.is_in(named.into_iter().take(CUSTOMERS as usize)));
        asked = true;
    }
    if !asked {
        return Ok(Vec::new());
    }
    customer::Entity::find()
        .filter(any)
        .order_by_asc(customer::Column::LastName)
        .order_by_asc(customer::Column::FirstName)
        .limit(CUSTOMERS)
        .all(db)
        .await
}

async fn devices(db: &DatabaseConnection, probe: &Probe, lang: Lang) -> Result<Vec<Hit>, DbErr> {
    let mut any = Condition::any();
    if let Some(mac) = &probe.mac {
        any = any.add(equipment::Column::Mac.eq(mac.as_str()));
    }
    if !probe.codes.is_empty() {
        any = any
            .add(equipment::Column::Serial.is_in(probe.codes.clone()))
            .add(equipment::Column::Barcode.is_in(probe.codes.clone()));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    let found = equipment::Entity::find().filter(any).limit(OTHERS).all(db).await?;
    Ok(found
        .into_iter()
        .map(|e| Hit {
            kind: "ops.search.device",
            detail: format!("{} · {}", e.model, crate::i18n::Messages::new(lang).code(&e.status)),
            href: e
                .customer_id
                .map_or_else(|| format!("/ops/search?q={}", e.serial), |id| format!("/ops/clients/{id}")),
            title: e.serial,
        })
        .collect())
}

async fn invoices(db: &DatabaseConnection, probe: &Probe, lang: Lang) -> Result<Vec<Hit>, DbErr> {
    if probe.codes.is_empty() {
        return Ok(Vec::new());
    }
    let found = invoice::Entity::find()
        .filter(invoice::Column::Number.is_in(probe.codes.clone()))
        .find_also_related(customer::Entity)
        .limit(OTHERS)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .map(|(i, c)| Hit {
            kind: "ops.search.invoice",
            title: i.number,
            detail: format!(
                "{} · {} · {}",
                c.as_ref().map(display_name).unwrap_or_default(),
                local_date(lang, i.issue_date),
                crate::billing::money::Money::from_cents(i.total_cents).format(lang)
            ),
            href: format!("/ops/clients/{}", i.customer_id),
        })
        .collect())
}

async fn addresses(db: &DatabaseConnection, probe: &Probe) -> Result<Vec<Hit>, DbErr> {
    let Some(phrase) = &probe.phrase else { return Ok(Vec::new()) };
    let ids = locations_on(db, phrase, OTHERS as usize).await?;
    let found = service_location::Entity::find()
        .filter(service_location::Column::Id.is_in(ids))
        .find_also_related(customer::Entity)
        .order_by_asc(service_location::Column::Street)
        .limit(OTHERS)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .map(|(l, c)| Hit {
            kind: "ops.search.address",
            title: address_line(&l),
            detail: c.as_ref().map(|c| format!("{} · {}", display_name(c), c.account_number)).unwrap_or_default(),
            href: format!("/ops/clients/{}", l.customer_id),
        })
        .collect())
}
