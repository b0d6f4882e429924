//! Customer-premises equipment identifiers, normalised so a modem is found whichever way it was typed.

pub mod mac;
