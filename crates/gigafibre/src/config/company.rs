//! Who sends the invoices (`GIGAFIBRE_COMPANY_*`): the name and address a
//! printed invoice carries, and the GST and QST registration numbers the
//! tax authorities require on it.

use super::{ConfigError, FileSettings, Layers};

#[derive(Clone, Debug)]
pub struct CompanySettings {
    pub name: String,
    /// Lines of the postal address, as printed.
    pub address: Vec<String>,
    /// Canada Revenue Agency's GST/HST number (`123456789 RT0001`).
    pub gst_number: Option<String>,
    /// Revenu Québec's QST number (`1234567890 TQ0001`).
    pub qst_number: Option<String>,
}

impl CompanySettings {
    pub const DEFAULT_NAME: &'static str = "Gigafibre";

    /// An invoice without the registration numbers is not a valid tax
    /// invoice: production must have them.
    pub fn problems(&self, production: bool) -> Vec<String> {
        let missing: Vec<&str> =
            [("GIGAFIBRE_GST_NUMBER", &self.gst_number), ("GIGAFIBRE_QST_NUMBER", &self.qst_number)]
                .into_iter()
                .filter(|(_, number)| number.is_none())
                .map(|(name, _)| name)
                .collect();
        if production && !missing.is_empty() {
            vec![format!("invoices need the tax registration numbers: set {}", missing.join(", "))]
        } else {
            Vec::new()
        }
    }

    /// The `config check` line.
    pub fn report_line(&self, source: &str) -> String {
        let shown = |number: &Option<String>| number.clone().unwrap_or_else(|| "not set".to_owned());
        format!(
            "invoices from {}, GST {}, QST {}  ({source})",
            self.name,
            shown(&self.gst_number),
            shown(&self.qst_number)
        )
    }
}

pub(super) fn company_settings(
    layers: &mut Layers<'_>,
    file: &mut FileSettings,
) -> Result<CompanySettings, ConfigError> {
    let name = layers.pick(
        "company_name",
        &["GIGAFIBRE_COMPANY_NAME"],
        file.company_name.take(),
        CompanySettings::DEFAULT_NAME,
    );
    let address = layers
        .optional("company_address", "GIGAFIBRE_COMPANY_ADDRESS", file.company_address.take())
        .map(|text| text.split(['\n', ';']).map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let gst_number = layers.optional("gst_number", "GIGAFIBRE_GST_NUMBER", file.gst_number.take());
    let qst_number = layers.optional("qst_number", "GIGAFIBRE_QST_NUMBER", file.qst_number.take());
    Ok(CompanySettings { name: name.trim().to_owned(), address, gst_number, qst_number })
}
