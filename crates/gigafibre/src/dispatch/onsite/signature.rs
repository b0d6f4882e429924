//! The customer's signature, drawn on the technician's screen: a PNG image
//! and the signer's name. A job whose type requires it cannot be completed
//! through the API until it is recorded; signing again replaces it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use gigafibre_db::entities::dispatch_job;
use gigafibre_db::entities::job_signature::{self, Column, Entity};
use imagesize::ImageType;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::checklist::type_of;
use super::ensure_open;
use super::error::SiteError;
use crate::audit::{self, Actor, Change};

/// The largest signature image kept (a phone's pad is far below).
pub const MAX_BYTES: usize = 512 * 1024;

/// The longest signer's name.
const MAX_NAME: usize = 120;

/// A signature as the app sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct Signing {
    pub signer_name: String,
    /// The PNG, base64 (a `data:image/png;base64,` prefix is accepted).
    pub png_base64: String,
}

/// What was recorded, as the API answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signed {
    pub job_id: i64,
    pub signer_name: String,
    pub signed_at: DateTime<Utc>,
    pub url: String,
}

/// Where a job's signature is read back.
pub fn url(job_id: i64) -> String {
    format!("/api/v1/jobs/{job_id}/signature")
}

/// The signer's name, trimmed, and the PNG's bytes; refused when either is
/// missing, the image is not a PNG, or its size makes no sense for a pad.
pub fn check(signing: &Signing) -> Result<(String, Vec<u8>), SiteError> {
    let name = signing.signer_name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(SiteError::SignerName);
    }
    let encoded = signing.png_base64.trim();
    let encoded = encoded.strip_prefix("data:image/png;base64,").unwrap_or(encoded);
    if encoded.len() > MAX_BYTES.div_ceil(3) * 4 {
        return Err(SiteError::BadSignature);
    }
    let png = STANDARD.decode(encoded).map_err(|_| SiteError::BadSignature)?;
    let is_png = matches!(imagesize::image_type(&png), Ok(ImageType::Png));
    let size = imagesize::blob_size(&png).map_err(|_| SiteError::BadSignature)?;
    let sensible = (40..=4096).contains(&size.width) && (20..=4096).contains(&size.height);
    if !is_png || !sensible {
        return Err(SiteError::BadSignature);
    }
    Ok((name.to_owned(), png))
}

/// Records (or replaces) the job's signature.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    job: &dispatch_job::Model,
    (signer_name, png): (String, Vec<u8>),
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Signed, SiteError> {
    ensure_open(job)?;
    let row = job_signature::ActiveModel {
        id: NotSet,
        job_id: Set(job.id),
        png: Set(png),
        signer_name: Set(signer_name.clone()),
        recorded_by: Set(actor.label.clone()),
        signed_at: Set(now),
    };
    let update = [Column::Png, Column::SignerName, Column::RecordedBy, Column::SignedAt];
    let upsert = OnConflict::column(Column::JobId).update_columns(update).to_owned();
    Entity::insert(row).on_conflict(upsert).exec_without_returning(conn).await?;
    let change = Change {
        action: "job_signed",
        entity: "job_signature",
        entity_id: Some(job.id),
        before: json!({}),
        after: json!({ "signer_name": signer_name }),
    };
    audit::record(conn, actor, change, now).await?;
    Ok(Signed { job_id: job.id, signer_name, signed_at: now, url: url(job.id) })
}

pub async fn find<C: ConnectionTrait>(conn: &C, job_id: i64) -> Result<Option<job_signature::Model>, DbErr> {
    Entity::find().filter(Column::JobId.eq(job_id)).one(conn).await
}

/// Refuses to complete a job whose type requires a signature not yet recorded.
pub async fn required_is_recorded<C: ConnectionTrait>(conn: &C, job: &dispatch_job::Model) -> Result<(), SiteError> {
    let required = type_of(conn, job).await?.is_some_and(|kind| kind.requires_signature);
    if required && Entity::find().filter(Column::JobId.eq(job.id)).count(conn).await? == 0 {
        return Err(SiteError::SignatureMissing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> String {
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        STANDARD.encode(bytes)
    }

    #[test]
    fn a_signature_needs_a_name_and_a_png_the_size_of_a_pad() {
        let good = Signing { signer_name: "  Marie Tremblay ".into(), png_base64: png(600, 200) };
        assert_eq!(check(&good).unwrap().0, "Marie Tremblay");
        let data_url = Signing { png_base64: format!("data:image/png;base64,{}", png(600, 200)), ..good.clone() };
        assert!(check(&data_url).is_ok());
        let nameless = Signing { signer_name: " ".into(), ..good.clone() };
        assert!(matches!(check(&nameless), Err(SiteError::SignerName)));
        let dot = Signing { png_base64: png(1, 1), ..good.clone() };
        assert!(matches!(check(&dot), Err(SiteError::BadSignature)));
        let garbage = Signing { png_base64: "not base64 at all".into(), ..good.clone() };
        assert!(matches!(check(&garbage), Err(SiteError::BadSignature)));
        let jpeg = Signing { png_base64: STANDARD.encode([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), ..good };
        assert!(matches!(check(&jpeg), Err(SiteError::BadSignature)));
    }
}
