//! What was recorded at a job's visit, as the pages show it: the checklist
//! with each line's state, the photos (without their bytes) and the
//! signature.

use gigafibre_db::entities::dispatch_job;
use sea_orm::{ConnectionTrait, DbErr};

use super::{checklist, is_open, photos, signature};
use crate::dispatch::job_types;
use crate::i18n::{Lang, local_time};

/// One line of the checklist and its state.
pub struct Line {
    pub index: usize,
    pub text: String,
    pub checked: bool,
    /// Who ticked it and when, empty when never touched.
    pub by: String,
    pub at: String,
}

pub struct Photo {
    pub url: String,
    pub taken_by: String,
    pub at: String,
}

pub struct Signature {
    pub url: String,
    pub signer_name: String,
    pub recorded_by: String,
    pub at: String,
}

pub struct SiteRecords {
    pub job_id: i64,
    pub checklist: Vec<Line>,
    pub photos: Vec<Photo>,
    pub signature: Option<Signature>,
    pub requires_signature: bool,
    /// The visit is not over: the records may still change.
    pub open: bool,
}

pub async fn load<C: ConnectionTrait>(conn: &C, job: &dispatch_job::Model, lang: Lang) -> Result<SiteRecords, DbErr> {
    let kind = checklist::type_of(conn, job).await?;
    let states = checklist::states(conn, job.id).await?;
    let lines = kind.as_ref().map(|k| job_types::checklist(k, lang)).unwrap_or_default();
    let checklist = lines
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let state = states.iter().find(|s| usize::try_from(s.item_index).ok() == Some(index));
            Line {
                index,
                text,
                checked: state.is_some_and(|s| s.checked),
                by: state.map(|s| s.changed_by.clone()).unwrap_or_default(),
                at: state.map(|s| local_time(lang, s.changed_at)).unwrap_or_default(),
            }
        })
        .collect();
    let photos = photos::list(conn, job.id)
        .await?
        .into_iter()
        .map(|p| Photo { url: photos::url(job.id, p.id), taken_by: p.taken_by, at: local_time(lang, p.created_at) })
        .collect();
    let signature = signature::find(conn, job.id).await?.map(|s| Signature {
        url: signature::url(job.id),
        signer_name: s.signer_name,
        recorded_by: s.recorded_by,
        at: local_time(lang, s.signed_at),
    });
    Ok(SiteRecords {
        job_id: job.id,
        checklist,
        photos,
        signature,
        requires_signature: kind.is_some_and(|k| k.requires_signature),
        open: is_open(job),
    })
}
