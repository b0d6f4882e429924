//! Why a change to a job was refused: each reason reads in the user's
//! language (a catalogue key) and maps to one HTTP status.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use super::status::Status;
use crate::equipment::moves::Refused;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("a job cannot go from {from:?} to {to:?}")]
    Illegal { from: Status, to: Status },
    #[error("the job changed since it was read")]
    Stale,
    #[error("a reason is required")]
    ReasonMissing,
    #[error("the text is too long")]
    TooLong,
    #[error("what was done is required")]
    NoteMissing,
    /// The board's rules refuse the place asked for: why, in the caller's language.
    #[error("{0}")]
    Placement(String),
    #[error("no active technician with that id")]
    UnknownTechnician,
    #[error("no status {0}")]
    UnknownStatus(String),
    #[error("a booking needs a start")]
    StartMissing,
    #[error("no device with serial {0}")]
    UnknownDevice(String),
    #[error("device {serial}: {refused}")]
    Device { serial: String, refused: Refused },
    #[error("device {0} is named twice")]
    DeviceTwice(String),
    /// Not a job the caller may name: answered as if it did not exist.
    #[error("no such job")]
    NotFound,
    /// A technician asked for a move only staff make.
    #[error("only staff make this move")]
    StaffOnly,
    /// A technician skipped "en route" (the customer hears of the visit then).
    #[error("the technician must be on the way first")]
    EnRouteFirst,
    /// The job left the technician's day after they were sent it.
    #[error("the job was {0:?}")]
    TakenAway(Taken),
}

/// What happened to a job a technician no longer holds, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub how: TakenHow,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakenHow {
    /// Given to another technician.
    Reassigned,
    /// Taken off every day, waiting again.
    Unscheduled,
    /// Still theirs, on another day.
    Moved,
}

impl JobError {
    /// The catalogue key of what the user is told (a database failure is
    /// never told: it gets an error id instead).
    pub fn message_key(&self) -> &'static str {
        match self {
            JobError::Database(_) => "dispatch.error.internal",
            JobError::Illegal { .. } => "dispatch.error.illegal",
            JobError::Stale => "dispatch.error.stale",
            JobError::ReasonMissing => "dispatch.error.reason_missing",
            JobError::TooLong => "dispatch.error.too_long",
            JobError::NoteMissing => "dispatch.error.note_missing",
            JobError::Placement(_) => "dispatch.error.placement",
            JobError::UnknownTechnician => "dispatch.error.unknown_technician",
            JobError::StartMissing => "dispatch.error.start_missing",
            JobError::UnknownStatus(_) => "dispatch.error.unknown_status",
            JobError::UnknownDevice(_) => "dispatch.error.unknown_device",
            JobError::Device { refused, .. } => refused.message_key(),
            JobError::DeviceTwice(_) => "dispatch.error.device_twice",
            JobError::NotFound => "api.problem.not_found",
            JobError::StaffOnly => "dispatch.error.staff_only",
            JobError::EnRouteFirst => "dispatch.error.en_route_first",
            JobError::TakenAway(Taken { how: TakenHow::Reassigned, .. }) => "dispatch.error.reassigned",
            JobError::TakenAway(Taken { how: TakenHow::Unscheduled, .. }) => "dispatch.error.unscheduled",
            JobError::TakenAway(Taken { how: TakenHow::Moved, .. }) => "dispatch.error.moved",
        }
    }

    /// The message in `lang`, with the status names or serial it is about.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        let template = crate::i18n::text(lang, self.message_key());
        match self {
            JobError::Illegal { from, to } => template
                .replace("{from}", &crate::i18n::Messages::new(lang).code(from.code()))
                .replace("{to}", &crate::i18n::Messages::new(lang).code(to.code())),
            JobError::UnknownDevice(serial) | JobError::DeviceTwice(serial) | JobError::Device { serial, .. } => {
                template.replace("{serial}", serial)
            }
            JobError::UnknownStatus(code) => template.replace("{status}", code),
            JobError::Placement(why) => why.clone(),
            JobError::TakenAway(taken) => template.replace("{time}", &super::notices::spoken_time(lang, taken.at)),
            _ => template.to_owned(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            JobError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
            JobError::Illegal { .. } | JobError::Stale | JobError::EnRouteFirst | JobError::TakenAway(_) => {
                StatusCode::CONFLICT
            }
            JobError::NotFound => StatusCode::NOT_FOUND,
            JobError::StaffOnly => StatusCode::FORBIDDEN,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// A short stable name for the API's problem type.
    pub fn kind(&self) -> &'static str {
        match self {
            JobError::Database(_) => "internal",
            JobError::Illegal { .. } => "illegal-transition",
            JobError::Stale => "stale-version",
            JobError::NotFound => "not-found",
            JobError::StaffOnly => "forbidden",
            JobError::EnRouteFirst => "en-route-first",
            JobError::TakenAway(_) => "job-taken-away",
            JobError::Placement(_) => "placement-refused",
            JobError::UnknownDevice(_) | JobError::Device { .. } | JobError::DeviceTwice(_) => "equipment-refused",
            _ => "invalid-request",
        }
    }
}
