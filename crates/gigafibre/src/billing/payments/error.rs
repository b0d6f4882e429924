//! What can stop a payment, a refund or a credit note.

use crate::billing::money::Money;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("no such customer")]
    UnknownCustomer,
    #[error("no such payment")]
    UnknownPayment,
    #[error("no such invoice, or not one of this customer's open invoices")]
    UnknownInvoice,
    #[error("the amount must be more than zero")]
    NotPositive,
    #[error("at most {0} of this payment can still be refunded")]
    RefundTooLarge(Money),
    #[error("at most {0} of this invoice can still be credited")]
    CreditTooLarge(Money),
    #[error("only an issued invoice (open or paid) can be credited")]
    NotIssued,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl PaymentError {
    /// The catalogue key that tells staff what to change.
    pub fn message_key(&self) -> &'static str {
        match self {
            PaymentError::UnknownCustomer | PaymentError::UnknownPayment | PaymentError::UnknownInvoice => {
                "billing.error.unknown"
            }
            PaymentError::NotPositive => "billing.error.not_positive",
            PaymentError::RefundTooLarge(_) => "billing.error.refund_too_large",
            PaymentError::CreditTooLarge(_) => "billing.error.credit_too_large",
            PaymentError::NotIssued => "billing.error.not_issued",
            PaymentError::Database(_) => "billing.error.database",
        }
    }

    /// The ceiling the request went past, to show beside the message.
    pub fn limit(&self) -> Option<Money> {
        match self {
            PaymentError::RefundTooLarge(limit) | PaymentError::CreditTooLarge(limit) => Some(*limit),
            _ => None,
        }
    }
}
