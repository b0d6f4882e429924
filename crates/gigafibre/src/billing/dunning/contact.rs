//! Where a customer's reminders go: a pure choice from their record.

use gigafibre_db::entities::customer;

use crate::outbox::Channel;

/// The channel and address for a billing reminder: the one the customer
/// chose for notices (e-mail first, the billing address before the main
/// one), else any address they have, since an unpaid balance that can lead
/// to a suspension must reach them. `None` when they have neither.
pub fn reminder_contact(customer: &customer::Model) -> Option<(Channel, String)> {
    let present = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let email = present(&customer.billing_email).or_else(|| present(&customer.email));
    let cell = present(&customer.cell);
    let chosen = match (&email, &cell) {
        (Some(email), _) if customer.notify_by_email => Some((Channel::Email, email.clone())),
        (_, Some(cell)) if customer.notify_by_sms => Some((Channel::Sms, cell.clone())),
        _ => None,
    };
    chosen.or_else(|| email.map(|e| (Channel::Email, e))).or_else(|| cell.map(|c| (Channel::Sms, c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn customer(
        email: Option<&str>,
        billing: Option<&str>,
        cell: Option<&str>,
        by_email: bool,
        by_sms: bool,
    ) -> customer::Model {
        customer::Model {
            id: 1,
            account_number: "GF-1".into(),
            legacy_id: None,
            kind: "residential".into(),
            first_name: "Camille".into(),
            last_name: "Tremblay".into(),
            company_name: None,
            email: email.map(str::to_owned),
            billing_email: billing.map(str::to_owned),
            cell: cell.map(str::to_owned),
            home_phone: None,
            language: "fr".into(),
            status: "active".into(),
            billing_day: 1,
            balance_cents: 0,
            notes: String::new(),
            notify_by_email: by_email,
            notify_by_sms: by_sms,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_customers_choice_first_then_any_address() {
        let both = customer(Some("a@x.ca"), Some("compta@x.ca"), Some("+15145550100"), true, true);
        assert_eq!(reminder_contact(&both), Some((Channel::Email, "compta@x.ca".into())));
        let sms = customer(Some("a@x.ca"), None, Some("+15145550100"), false, true);
        assert_eq!(reminder_contact(&sms), Some((Channel::Sms, "+15145550100".into())));
        let neither = customer(None, None, Some("+15145550100"), false, false);
        assert_eq!(reminder_contact(&neither), Some((Channel::Sms, "+15145550100".into())));
        assert_eq!(reminder_contact(&customer(Some(" "), None, None, true, true)), None);
    }
}
