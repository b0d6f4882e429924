//! Collecting overdue invoices: the reminder days (`GIGAFIBRE_DUNNING_DAYS`)
//! and the optional late fee (`GIGAFIBRE_LATE_FEE`).

use super::{ConfigError, FileSettings, Layers, invalid};
use crate::billing::dunning::{LateFee, Steps};

#[derive(Clone, Debug, Default)]
pub struct CollectionsSettings {
    /// Days after the due date at which reminders go out; the last one is
    /// the suspension notice.
    pub dunning: Steps,
    pub late_fee: LateFee,
}

impl CollectionsSettings {
    /// The `config check` line.
    pub fn report_line(&self, source: &str) -> String {
        let reminders = if self.dunning.is_off() {
            "no reminders".to_owned()
        } else {
            let days: Vec<String> = self.dunning.days().iter().map(u32::to_string).collect();
            format!(
                "reminders {} days after the due date (the last one warns of suspension), from 09:00",
                days.join(", ")
            )
        };
        format!("dunning       {reminders}; late fee {}  ({source})", self.late_fee.describe())
    }
}

pub(super) fn collections_settings(
    layers: &mut Layers<'_>,
    file: &mut FileSettings,
) -> Result<CollectionsSettings, ConfigError> {
    let days = layers.pick("dunning_days", &["GIGAFIBRE_DUNNING_DAYS"], file.dunning_days.take(), Steps::DEFAULT);
    let dunning = Steps::parse(&days).map_err(|error| invalid("GIGAFIBRE_DUNNING_DAYS", &days, error.to_string()))?;
    let fee = layers.pick("late_fee", &["GIGAFIBRE_LATE_FEE"], file.late_fee.take(), "off");
    let late_fee = LateFee::parse(&fee).map_err(|error| invalid("GIGAFIBRE_LATE_FEE", &fee, error.to_string()))?;
    Ok(CollectionsSettings { dunning, late_fee })
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::billing::money::Money;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }

    #[test]
    fn reminders_default_to_three_steps_and_late_fees_to_off() {
        let config = Config::load_from(None, &env(&[])).unwrap();
        assert_eq!(config.collections.dunning.days(), &[7, 21, 45]);
        assert_eq!(config.collections.late_fee, crate::billing::dunning::LateFee::Off);
        let report = config.report().0.join("\n");
        assert!(report.contains("reminders 7, 21, 45 days after the due date"), "{report}");
        assert!(report.contains("late fee off"), "{report}");

        let config =
            Config::load_from(None, &env(&[("GIGAFIBRE_DUNNING_DAYS", "off"), ("GIGAFIBRE_LATE_FEE", "12.50")]))
                .unwrap();
        assert!(config.collections.dunning.is_off());
        assert_eq!(config.collections.late_fee, crate::billing::dunning::LateFee::Fixed(Money::from_cents(1250)));
        assert!(config.report().0.join("\n").contains("no reminders; late fee $12.50 at each reminder"));
    }

    #[test]
    fn a_bad_value_names_the_setting_and_says_what_to_write() {
        let error = Config::load_from(None, &env(&[("GIGAFIBRE_DUNNING_DAYS", "45,7")])).unwrap_err().to_string();
        assert!(
            error.contains("GIGAFIBRE_DUNNING_DAYS '45,7'") && error.contains("later than the one before"),
            "{error}"
        );
        let error = Config::load_from(None, &env(&[("GIGAFIBRE_LATE_FEE", "lots")])).unwrap_err().to_string();
        assert!(error.contains("GIGAFIBRE_LATE_FEE 'lots'") && error.contains("1.5%"), "{error}");
    }
}
