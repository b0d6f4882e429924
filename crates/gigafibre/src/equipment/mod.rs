//! Customer-premises equipment: identifiers, normalised so a modem is found
//! whichever way it was typed, and the moves a device makes at a visit.

pub mod mac;
pub mod moves;
