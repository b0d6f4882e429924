//! How a payment reached us.

/// The ways a customer pays. Staff record the first four by hand; card
/// payments arrive through Stripe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Cash,
    Cheque,
    Interac,
    Bank,
    Card,
}

impl Method {
    /// What staff may record on a client's page.
    pub const MANUAL: [Method; 4] = [Method::Cash, Method::Cheque, Method::Interac, Method::Bank];

    /// The code stored in `payments.method`.
    pub fn code(self) -> &'static str {
        match self {
            Method::Cash => "cash",
            Method::Cheque => "cheque",
            Method::Interac => "interac",
            Method::Bank => "bank",
            Method::Card => "card",
        }
    }

    pub fn from_code(code: &str) -> Option<Method> {
        [Method::Cash, Method::Cheque, Method::Interac, Method::Bank, Method::Card]
            .into_iter()
            .find(|method| method.code() == code.trim())
    }
}
