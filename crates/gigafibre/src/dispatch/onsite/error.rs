//! Why a checklist tick, a photo or a signature was refused: each reason
//! reads in the user's language and maps to one HTTP status.

use axum::http::StatusCode;
use sea_orm::DbErr;

use crate::api::Problem;
use crate::i18n::{Lang, text};

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("the job is over: its records no longer change")]
    Closed,
    #[error("the job type's checklist has no such line")]
    UnknownItem,
    #[error("only JPEG, PNG and WebP photos are kept")]
    NotAPhoto,
    #[error("the photo is larger than the limit")]
    PhotoTooLarge,
    #[error("the job has as many photos as it may keep")]
    TooManyPhotos,
    #[error("the signature is not a PNG image of a sensible size")]
    BadSignature,
    #[error("the signer's name is missing or too long")]
    SignerName,
    #[error("the job type requires the customer's signature")]
    SignatureMissing,
}

impl SiteError {
    fn message_key(&self) -> &'static str {
        match self {
            SiteError::Database(_) => "dispatch.error.internal",
            SiteError::Closed => "onsite.error.closed",
            SiteError::UnknownItem => "onsite.error.unknown_item",
            SiteError::NotAPhoto => "onsite.error.not_a_photo",
            SiteError::PhotoTooLarge => "onsite.error.photo_too_large",
            SiteError::TooManyPhotos => "onsite.error.too_many_photos",
            SiteError::BadSignature => "onsite.error.bad_signature",
            SiteError::SignerName => "onsite.error.signer_name",
            SiteError::SignatureMissing => "onsite.error.signature_missing",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            SiteError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
            SiteError::Closed | SiteError::TooManyPhotos | SiteError::SignatureMissing => StatusCode::CONFLICT,
            SiteError::NotAPhoto => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            SiteError::PhotoTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            SiteError::UnknownItem | SiteError::BadSignature | SiteError::SignerName => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
    }

    /// A short stable name for the API's problem type.
    pub fn kind(&self) -> &'static str {
        match self {
            SiteError::Database(_) => "internal",
            SiteError::Closed => "job-closed",
            SiteError::UnknownItem => "unknown-checklist-item",
            SiteError::NotAPhoto => "unsupported-image",
            SiteError::PhotoTooLarge => "image-too-large",
            SiteError::TooManyPhotos => "too-many-photos",
            SiteError::BadSignature => "bad-signature",
            SiteError::SignerName => "signer-name-required",
            SiteError::SignatureMissing => "signature-required",
        }
    }

    pub fn problem(self, lang: Lang) -> Problem {
        match self {
            SiteError::Database(cause) => Problem::database(lang, cause),
            refused => {
                let title = refused.status().canonical_reason().unwrap_or("Error").to_owned();
                let detail = text(lang, refused.message_key()).to_owned();
                Problem { status: refused.status(), kind: refused.kind(), title, detail: Some(detail) }
            }
        }
    }
}
