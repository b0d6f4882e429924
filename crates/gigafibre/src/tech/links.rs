//! Sign-in links for the technician app: made by a dispatcher or the
//! command line, bound to a technician and a day (or one job), shown once,
//! stored as a hash, spent once, revocable. The mechanisms are the portal's
//! and the staff links': random tokens hashed at rest, database-backed rate
//! limits, a GET that changes nothing and a POST that spends.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use gigafibre_db::entities::{dispatch_job, session, technician, technician_link};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use super::day::{day_of, end_of_day};
use crate::audit::{self, Actor, Change};
use crate::auth::rate_limit::{self, Limit, Verdict};
use crate::auth::secret::{hash, new_token};
use crate::i18n::{Lang, local_date, text};
use crate::outbox::{self, Channel, NewMessage};

/// A link must be opened within two hours of being made; the session it
/// opens lasts until the end of its day.
pub const LINK_LIFETIME: Duration = Duration::hours(2);
/// Links made for one technician per window (the portal's per-identifier
/// allowance).
pub const PER_TECHNICIAN: Limit = Limit { max: 3, window: Duration::minutes(15) };
/// Links one member of staff (or the command line) makes per window.
pub const PER_ISSUER: Limit = Limit { max: 30, window: Duration::minutes(15) };

/// What a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The technician's jobs of that day.
    Day(NaiveDate),
    /// One job only.
    Job(i64),
}

impl Scope {
    pub fn of(link: &technician_link::Model) -> Scope {
        link.job_id.map_or(Scope::Day(link.day), Scope::Job)
    }
}

/// A link asked for.
pub struct Request<'a> {
    pub technician_id: i64,
    pub job_id: Option<i64>,
    /// The day for a day link (default: today in Québec).
    pub day: Option<NaiveDate>,
    pub issued_by: &'a Actor,
    /// Also text it to the technician's phone through the outbox.
    pub send_sms: bool,
}

/// A link made: the address is shown once, to whoever asked.
#[derive(Debug)]
pub struct Issued {
    pub link: technician_link::Model,
    pub url: String,
    pub sms_queued: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("too many links asked for; try again in {0} s")]
    RateLimited(i64),
    #[error("this technician is deactivated")]
    Inactive,
    #[error("there is no such technician")]
    UnknownTechnician,
    #[error("job {0} is not assigned to this technician")]
    NotTheirJob(i64),
    #[error("{0} is in the past")]
    PastDay(NaiveDate),
    #[error("this technician has no phone number to text the link to")]
    NoPhone,
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl IssueError {
    /// The catalogue key of the message shown to a dispatcher.
    pub fn message_key(&self) -> &'static str {
        match self {
            IssueError::RateLimited(_) => "tech.issue.error.rate_limited",
            IssueError::Inactive => "tech.issue.error.inactive",
            IssueError::UnknownTechnician => "tech.issue.error.unknown",
            IssueError::NotTheirJob(_) => "tech.issue.error.not_their_job",
            IssueError::PastDay(_) => "tech.issue.error.past_day",
            IssueError::NoPhone => "tech.issue.error.no_phone",
            IssueError::Database(_) => "error.server.title",
        }
    }
}

/// Makes a link, in one transaction with its rate limits and audit entry.
pub async fn issue(
    db: &DatabaseConnection,
    public_url: &url::Url,
    request: Request<'_>,
    now: DateTime<Utc>,
) -> Result<Issued, IssueError> {
    let txn = crate::db::begin_write(db).await?;
    let buckets = [
        (format!("tech-link:{}", request.technician_id), PER_TECHNICIAN),
        (format!("tech-link-issuer:{}:{}", request.issued_by.kind, request.issued_by.label), PER_ISSUER),
    ];
    for (bucket, limit) in &buckets {
        rate_limit::lock(&txn, bucket).await?;
        if let Verdict::RetryAfter(seconds) = rate_limit::check(&txn, bucket, *limit, now).await? {
            return Err(IssueError::RateLimited(seconds));
        }
    }
    let found = technician::Entity::find_by_id(request.technician_id).one(&txn).await?;
    let found = found.ok_or(IssueError::UnknownTechnician)?;
    if !found.active {
        return Err(IssueError::Inactive);
    }
    let today = day_of(now);
    let day = match request.job_id {
        Some(job_id) => {
            let job = dispatch_job::Entity::find_by_id(job_id).one(&txn).await?;
            let job = job.filter(|j| j.technician_id == Some(found.id)).ok_or(IssueError::NotTheirJob(job_id))?;
            job.scheduled_start.map(day_of).unwrap_or(today).max(today)
        }
        None => request.day.unwrap_or(today),
    };
    if day < today {
        return Err(IssueError::PastDay(day));
    }
    let phone = found.phone.clone().filter(|_| request.send_sms);
    if request.send_sms && phone.is_none() {
        return Err(IssueError::NoPhone);
    }
    for (bucket, _) in &buckets {
        rate_limit::hit(&txn, bucket, now).await?;
    }
    let token = new_token();
    let row = technician_link::ActiveModel {
        id: NotSet,
        technician_id: Set(found.id),
        job_id: Set(request.job_id),
        day: Set(day),
        token_hash: Set(hash(&token)),
        issued_by: Set(request.issued_by.label.clone()),
        created_at: Set(now),
        expires_at: Set((now + LINK_LIFETIME).min(end_of_day(day))),
        used_at: Set(None),
        revoked_at: Set(None),
        session_hash: Set(None),
    };
    let id = technician_link::Entity::insert(row).exec(&txn).await?.last_insert_id;
    let link = technician_link::Entity::find_by_id(id).one(&txn).await?.ok_or(IssueError::UnknownTechnician)?;
    let url = public_url.join(&format!("j/auth?token={token}")).map(|u| u.to_string()).unwrap_or_default();
    let sms_queued = match phone {
        Some(phone) => queue_sms(&txn, phone, &url, day, now).await?,
        None => false,
    };
    let change = Change {
        action: "technician_link_issue",
        entity: "technician",
        entity_id: Some(found.id),
        before: json!({}),
        after: json!({ "link": id, "day": day.to_string(), "job": request.job_id, "sms": sms_queued }),
    };
    audit::record(&txn, request.issued_by, change, now).await?;
    txn.commit().await?;
    Ok(Issued { link, url, sms_queued })
}

/// Queues the link by SMS within the system's sign-in text budget.
async fn queue_sms<C: ConnectionTrait>(
    conn: &C,
    phone: String,
    url: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    const BUDGET: &str = "sms:sign-in";
    if rate_limit::check(conn, BUDGET, crate::portal::links::SMS_BUDGET, now).await? != Verdict::Allowed {
        return Ok(false);
    }
    rate_limit::hit(conn, BUDGET, now).await?;
    let lang = Lang::default();
    let body = text(lang, "tech.sms.link").replace("{day}", &local_date(lang, day)).replace("{url}", url);
    let message = NewMessage {
        channel: Channel::Sms,
        to: phone,
        subject: None,
        body_text: body,
        body_html: None,
        language: lang,
        customer_id: None,
        ticket_id: None,
    };
    outbox::enqueue(conn, message, now).await.map(|_| true)
}

/// Why a link did not sign anyone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Expired,
    Used,
    Revoked,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::Unknown => "tech.refused.unknown",
            Refusal::Expired => "tech.refused.expired",
            Refusal::Used => "tech.refused.used",
            Refusal::Revoked => "tech.refused.revoked",
        }
    }
}

fn why_not(link: &technician_link::Model, now: DateTime<Utc>) -> Refusal {
    if link.revoked_at.is_some() {
        Refusal::Revoked
    } else if link.used_at.is_some() {
        Refusal::Used
    } else if link.expires_at < now {
        Refusal::Expired
    } else {
        Refusal::Unknown
    }
}

async fn by_token<C: ConnectionTrait>(conn: &C, token: &str) -> Result<Option<technician_link::Model>, DbErr> {
    technician_link::Entity::find().filter(technician_link::Column::TokenHash.eq(hash(token.trim()))).one(conn).await
}

/// Checks a link without spending it (the page the link opens).
pub async fn peek<C: ConnectionTrait>(conn: &C, token: &str, now: DateTime<Utc>) -> Result<Result<(), Refusal>, DbErr> {
    Ok(match by_token(conn, token).await? {
        None => Err(Refusal::Unknown),
        Some(link) if link.used_at.is_none() && link.revoked_at.is_none() && link.expires_at >= now => Ok(()),
        Some(link) => Err(why_not(&link, now)),
    })
}

/// Spends a link: one conditional update, so two clicks at once sign in once.
pub async fn spend<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<technician_link::Model, Refusal>, DbErr> {
    let spent = technician_link::Entity::update_many()
        .col_expr(technician_link::Column::UsedAt, now.into())
        .filter(technician_link::Column::TokenHash.eq(hash(token.trim())))
        .filter(technician_link::Column::UsedAt.is_null())
        .filter(technician_link::Column::RevokedAt.is_null())
        .filter(technician_link::Column::ExpiresAt.gte(now))
        .exec(conn)
        .await?;
    Ok(match (spent.rows_affected, by_token(conn, token).await?) {
        (1, Some(link)) => Ok(link),
        (_, None) => Err(Refusal::Unknown),
        (_, Some(link)) => Err(why_not(&link, now)),
    })
}

/// Ties a spent link to the session it opened.
pub async fn bind_session<C: ConnectionTrait>(conn: &C, link_id: i64, cookie_value: &str) -> Result<(), DbErr> {
    technician_link::Entity::update_many()
        .col_expr(technician_link::Column::SessionHash, hash(cookie_value).into())
        .filter(technician_link::Column::Id.eq(link_id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// The live link behind a technician's session, if it was not revoked.
pub async fn of_session<C: ConnectionTrait>(
    conn: &C,
    cookie_value: &str,
) -> Result<Option<technician_link::Model>, DbErr> {
    technician_link::Entity::find()
        .filter(technician_link::Column::SessionHash.eq(hash(cookie_value)))
        .filter(technician_link::Column::RevokedAt.is_null())
        .one(conn)
        .await
}

/// Revokes one of a technician's links: unspent, it no longer signs in;
/// spent, the session it opened ends. Returns whether anything changed.
pub async fn revoke<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    link_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(link) = technician_link::Entity::find_by_id(link_id)
        .filter(technician_link::Column::TechnicianId.eq(technician_id))
        .filter(technician_link::Column::RevokedAt.is_null())
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    technician_link::Entity::update_many()
        .col_expr(technician_link::Column::RevokedAt, now.into())
        .filter(technician_link::Column::Id.eq(link.id))
        .exec(conn)
        .await?;
    if let Some(session_hash) = link.session_hash {
        session::Entity::delete_by_id(session_hash).exec(conn).await?;
    }
    Ok(true)
}

/// A technician's links that still matter: those of today and later that
/// were not revoked, newest first.
pub async fn outstanding<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<technician_link::Model>, DbErr> {
    technician_link::Entity::find()
        .filter(technician_link::Column::TechnicianId.eq(technician_id))
        .filter(technician_link::Column::RevokedAt.is_null())
        .filter(technician_link::Column::Day.gte(day_of(now)))
        .order_by_desc(technician_link::Column::Id)
        .all(conn)
        .await
}
