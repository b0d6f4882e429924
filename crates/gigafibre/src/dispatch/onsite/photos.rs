//! Photos taken on site, kept with the job. Only JPEG, PNG and WebP are
//! kept, and only when the bytes are what the `Content-Type` says (a file
//! renamed `.jpg` is refused): a photo is served back to staff browsers, so
//! nothing else may pass for one.

use chrono::{DateTime, Utc};
use gigafibre_db::entities::dispatch_job;
use gigafibre_db::entities::job_photo::{self, Column, Entity};
use imagesize::ImageType;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::ensure_open;
use super::error::SiteError;
use crate::audit::{self, Actor, Change};

/// The largest photo kept: a phone's full-size JPEG fits.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// The most photos one job keeps.
pub const MAX_PER_JOB: u64 = 40;

/// The content type of an acceptable photo: the declared type, one of the
/// three kept, matching the bytes, whose header reads as an image.
pub fn check(declared: &str, bytes: &[u8]) -> Result<&'static str, SiteError> {
    if bytes.len() > MAX_BYTES {
        return Err(SiteError::PhotoTooLarge);
    }
    let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let found = imagesize::image_type(bytes).map_err(|_| SiteError::NotAPhoto)?;
    let content_type = match found {
        ImageType::Jpeg => "image/jpeg",
        ImageType::Png => "image/png",
        ImageType::Webp => "image/webp",
        _ => return Err(SiteError::NotAPhoto),
    };
    let size = imagesize::blob_size(bytes).map_err(|_| SiteError::NotAPhoto)?;
    if declared != content_type || size.width == 0 || size.height == 0 {
        return Err(SiteError::NotAPhoto);
    }
    Ok(content_type)
}

/// A photo as the API answers it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Kept {
    pub job_id: i64,
    pub photo_id: i64,
    pub content_type: &'static str,
    pub byte_size: usize,
    pub url: String,
}

/// Where a photo is read back.
pub fn url(job_id: i64, photo_id: i64) -> String {
    format!("/api/v1/jobs/{job_id}/photos/{photo_id}")
}

/// Keeps a checked photo with the job.
pub async fn add<C: ConnectionTrait>(
    conn: &C,
    job: &dispatch_job::Model,
    (content_type, bytes): (&'static str, Vec<u8>),
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Kept, SiteError> {
    ensure_open(job)?;
    if Entity::find().filter(Column::JobId.eq(job.id)).count(conn).await? >= MAX_PER_JOB {
        return Err(SiteError::TooManyPhotos);
    }
    let byte_size = bytes.len();
    let row = job_photo::ActiveModel {
        id: NotSet,
        job_id: Set(job.id),
        content_type: Set(content_type.to_owned()),
        byte_size: Set(i32::try_from(byte_size).map_err(|_| SiteError::PhotoTooLarge)?),
        bytes: Set(bytes),
        taken_by: Set(actor.label.clone()),
        created_at: Set(now),
    };
    let saved = row.insert(conn).await?;
    let after = json!({ "photo_id": saved.id, "content_type": content_type, "byte_size": byte_size });
    let change =
        Change { action: "job_photo_added", entity: "job_photo", entity_id: Some(job.id), before: json!({}), after };
    audit::record(conn, actor, change, now).await?;
    Ok(Kept { job_id: job.id, photo_id: saved.id, content_type, byte_size, url: url(job.id, saved.id) })
}

/// A photo of the job, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: i64,
    pub taken_by: String,
    pub created_at: DateTime<Utc>,
}

/// The job's photos, oldest first, without loading their bytes.
pub async fn list<C: ConnectionTrait>(conn: &C, job_id: i64) -> Result<Vec<Listed>, DbErr> {
    let rows: Vec<(i64, String, DateTime<Utc>)> = Entity::find()
        .select_only()
        .columns([Column::Id, Column::TakenBy, Column::CreatedAt])
        .filter(Column::JobId.eq(job_id))
        .order_by_asc(Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, taken_by, created_at)| Listed { id, taken_by, created_at }).collect())
}

/// One photo of one job, with its bytes.
pub async fn find<C: ConnectionTrait>(conn: &C, job_id: i64, photo_id: i64) -> Result<Option<job_photo::Model>, DbErr> {
    Entity::find_by_id(photo_id).filter(Column::JobId.eq(job_id)).one(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid PNG: one transparent pixel.
    const PIXEL_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D,
        0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn a_photo_is_kept_only_when_its_bytes_are_what_it_claims() {
        assert_eq!(check("image/png", PIXEL_PNG).unwrap(), "image/png");
        assert_eq!(check("IMAGE/PNG; charset=binary", PIXEL_PNG).unwrap(), "image/png");
        assert!(matches!(check("image/jpeg", PIXEL_PNG), Err(SiteError::NotAPhoto)), "a PNG called a JPEG");
        assert!(matches!(check("image/png", b"<svg onload=alert(1)>"), Err(SiteError::NotAPhoto)));
        assert!(matches!(check("image/gif", b"GIF89a\x01\x00\x01\x00"), Err(SiteError::NotAPhoto)));
        assert!(matches!(check("image/png", &PIXEL_PNG[..8]), Err(SiteError::NotAPhoto)), "a header cut short");
        assert!(matches!(check("image/png", &[]), Err(SiteError::NotAPhoto)));
    }

    #[test]
    fn a_photo_over_the_limit_is_refused_before_it_is_read() {
        let mut big = PIXEL_PNG.to_vec();
        big.resize(MAX_BYTES + 1, 0);
        assert!(matches!(check("image/png", &big), Err(SiteError::PhotoTooLarge)));
    }
}
