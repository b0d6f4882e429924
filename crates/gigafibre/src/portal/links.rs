//! Sign-in links and codes: asking for one, answering the ask off the
//! request path, and spending one — once, ever.

use chrono::{DateTime, Duration, Utc};
use gigafibre_db::entities::{customer, sign_in_link, sign_in_request};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::identifier::{Hint, Identifier};
use crate::auth::rate_limit::{self, Limit, Verdict};
use crate::auth::secret::{hash, new_code, new_token};
use crate::i18n::{Lang, text};
use crate::outbox::{self, Channel, NewMessage};

/// A link still works the next morning (the product's choice; see
/// docs/security.md for what makes that safe).
pub const LINK_LIFETIME: Duration = Duration::hours(24);
/// Wrong codes allowed on one link; the next wrong one ends it.
pub const MAX_WRONG_CODES: i32 = 5;
/// Requests for one identifier per window.
pub const PER_IDENTIFIER: Limit = Limit { max: 3, window: Duration::minutes(15) };
/// Requests from one address per window: wider, for a household or an office.
pub const PER_IP: Limit = Limit { max: 30, window: Duration::minutes(15) };
/// Wrong codes one account may take in a day before it is locked for the rest
/// of the window (NIST SP 800-63B: at most 100 consecutive failures).
pub const FAILURES_PER_ACCOUNT: Limit = Limit { max: 100, window: Duration::hours(24) };
/// Links sent to one customer per window, whatever identifier asked: a
/// customer's e-mails, phones and numbers cannot be used to flood them.
pub const PER_CUSTOMER: Limit = Limit { max: 3, window: Duration::minutes(15) };
/// Text messages the whole system sends per hour for sign-in.
pub const SMS_BUDGET: Limit = Limit { max: 500, window: Duration::hours(1) };

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// The same answer whether or not the identifier is known.
    Accepted(Hint),
    RateLimited {
        retry_after_seconds: i64,
    },
}

/// Records a request for a link. The same work is done for a known and an
/// unknown identifier; the lookup and the sending happen later, in
/// [`answer_pending`].
pub async fn request(
    db: &DatabaseConnection,
    identifier: &Identifier,
    lang: Lang,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<Requested, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let identifier_bucket = format!("sign-in:{}", identifier.key());
    let ip_bucket = format!("sign-in-ip:{}", ip.as_deref().unwrap_or("unknown"));
    rate_limit::lock(&txn, &identifier_bucket).await?;
    rate_limit::lock(&txn, &ip_bucket).await?;
    let verdicts = [
        rate_limit::check(&txn, &identifier_bucket, PER_IDENTIFIER, now).await?,
        rate_limit::check(&txn, &ip_bucket, PER_IP, now).await?,
    ];
    let wait = verdicts.iter().filter_map(|v| if let Verdict::RetryAfter(s) = v { Some(*s) } else { None }).max();
    if let Some(retry_after_seconds) = wait {
        txn.rollback().await?;
        return Ok(Requested::RateLimited { retry_after_seconds });
    }
    rate_limit::hit(&txn, &identifier_bucket, now).await?;
    rate_limit::hit(&txn, &ip_bucket, now).await?;
    let row = sign_in_request::ActiveModel {
        id: NotSet,
        identifier_key: Set(identifier.key()),
        language: Set(lang.code().to_owned()),
        ip: Set(ip),
        created_at: Set(now),
        processed_at: Set(None),
    };
    sign_in_request::Entity::insert(row).exec_without_returning(&txn).await?;
    txn.commit().await?;
    Ok(Requested::Accepted(identifier.hint()))
}

/// Answers every pending request: a link and a code by e-mail and SMS to
/// the contacts on file of the customer it names, nothing for an unknown
/// one. Safe with several instances: each request is claimed once.
pub async fn answer_pending(
    db: &DatabaseConnection,
    public_url: &url::Url,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let pending = sign_in_request::Entity::find()
        .filter(sign_in_request::Column::ProcessedAt.is_null())
        .order_by_asc(sign_in_request::Column::Id)
        .limit(100)
        .all(db)
        .await?;
    let mut answered = 0;
    for request in pending {
        let txn = db.begin().await?;
        let claimed = sign_in_request::Entity::update_many()
            .col_expr(sign_in_request::Column::ProcessedAt, now.into())
            .filter(sign_in_request::Column::Id.eq(request.id))
            .filter(sign_in_request::Column::ProcessedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        if let Some(identifier) = Identifier::from_key(&request.identifier_key)
            && let Some(customer) = identifier.find_customer(&txn).await?
            && let bucket = format!("links-sent:{}", customer.id)
            && rate_limit::check(&txn, &bucket, PER_CUSTOMER, now).await? == Verdict::Allowed
        {
            rate_limit::hit(&txn, &bucket, now).await?;
            let lang = Lang::from_code(&customer.language).unwrap_or_default();
            send_link(&txn, &customer, &identifier, lang, public_url, now).await?;
            answered += 1;
        }
        txn.commit().await?;
    }
    Ok(answered)
}

async fn send_link<C: ConnectionTrait>(
    conn: &C,
    customer: &customer::Model,
    identifier: &Identifier,
    lang: Lang,
    public_url: &url::Url,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Only the newest link of an identifier works.
    revoke_links_of(conn, customer.id, now).await?;
    let token = new_token();
    let code = new_code();
    let link = sign_in_link::ActiveModel {
        id: NotSet,
        customer_id: Set(customer.id),
        identifier_key: Set(identifier.key()),
        token_hash: Set(hash(&token)),
        code_hash: Set(hash(&code)),
        failed_codes: Set(0),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        used_at: Set(None),
        revoked_at: Set(None),
    };
    sign_in_link::Entity::insert(link).exec_without_returning(conn).await?;

    let url = public_url.join(&format!("portal/auth?token={token}")).map(|u| u.to_string()).unwrap_or_default();
    let fill = |key: &str| text(lang, key).replace("{url}", &url).replace("{code}", &code);
    if let Some(email) = customer.email.clone().or_else(|| customer.billing_email.clone()) {
        let html = format!(
            "<p>{}</p><p><a href=\"{url}\" style=\"display:inline-block;background:#0b5cad;color:#fff;padding:12px 20px;\
             border-radius:6px;text-decoration:none\">{}</a></p><p>{}</p><p>{}</p>",
            fill("email.sign_in.intro"),
            fill("email.sign_in.button"),
            fill("email.sign_in.code"),
            fill("email.sign_in.fallback"),
        );
        let message = NewMessage {
            channel: Channel::Email,
            to: email,
            subject: Some(fill("email.sign_in.subject")),
            body_text: fill("email.sign_in.text"),
            body_html: Some(html),
            language: lang,
            customer_id: Some(customer.id),
            ticket_id: None,
        };
        outbox::enqueue(conn, message, now).await?;
    }
    if let Some(cell) = customer.cell.clone()
        && rate_limit::check(conn, "sms:sign-in", SMS_BUDGET, now).await? == Verdict::Allowed
    {
        rate_limit::hit(conn, "sms:sign-in", now).await?;
        let message = NewMessage {
            channel: Channel::Sms,
            to: cell,
            subject: None,
            body_text: fill("sms.sign_in"),
            body_html: None,
            language: lang,
            customer_id: Some(customer.id),
            ticket_id: None,
        };
        outbox::enqueue(conn, message, now).await?;
    }
    Ok(())
}

/// Every outstanding link of a customer stops working (a newer link, sign
/// out everywhere, a staff revocation).
pub async fn revoke_links_of<C: ConnectionTrait>(conn: &C, customer_id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::RevokedAt, now.into())
        .filter(sign_in_link::Column::CustomerId.eq(customer_id))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map(|_| ())
}

/// Why a link or code did not sign anyone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Expired,
    Used,
    Replaced,
    WrongCode,
    TooManyCodes,
    Locked,
}

impl Refusal {
    /// The catalogue key of the message the sign-in page shows.
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::Unknown => "portal.refused.unknown",
            Refusal::Expired => "portal.refused.expired",
            Refusal::Used => "portal.refused.used",
            Refusal::Replaced => "portal.refused.replaced",
            Refusal::WrongCode => "portal.refused.wrong_code",
            Refusal::TooManyCodes => "portal.refused.too_many_codes",
            Refusal::Locked => "portal.refused.locked",
        }
    }
}

/// Spends a link's token: one conditional update, so that two clicks at
/// once sign in once. Returns the customer's id.
pub async fn spend_token<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<i64, Refusal>, DbErr> {
    let token_hash = hash(token.trim());
    let spent = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::UsedAt, now.into())
        .filter(sign_in_link::Column::TokenHash.eq(token_hash.as_str()))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::RevokedAt.is_null())
        .filter(sign_in_link::Column::ExpiresAt.gte(now))
        .exec(conn)
        .await?;
    let link = sign_in_link::Entity::find().filter(sign_in_link::Column::TokenHash.eq(token_hash)).one(conn).await?;
    Ok(match (spent.rows_affected, link) {
        (1, Some(link)) => Ok(link.customer_id),
        (_, None) => Err(Refusal::Unknown),
        (_, Some(link)) => Err(why_not(&link, now)),
    })
}

/// Checks a link without spending it (the page the link opens).
pub async fn peek_token<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, DbErr> {
    let link =
        sign_in_link::Entity::find().filter(sign_in_link::Column::TokenHash.eq(hash(token.trim()))).one(conn).await?;
    Ok(match link {
        None => Err(Refusal::Unknown),
        Some(link) if link.used_at.is_none() && link.revoked_at.is_none() && link.expires_at >= now => Ok(()),
        Some(link) => Err(why_not(&link, now)),
    })
}

fn why_not(link: &sign_in_link::Model, now: DateTime<Utc>) -> Refusal {
    if link.used_at.is_some() {
        Refusal::Used
    } else if link.failed_codes > MAX_WRONG_CODES {
        Refusal::TooManyCodes
    } else if link.revoked_at.is_some() {
        Refusal::Replaced
    } else if link.expires_at < now {
        Refusal::Expired
    } else {
        Refusal::Unknown
    }
}

/// Spends the newest live link of an identifier with its 6-digit code.
pub async fn spend_code<C: ConnectionTrait>(
    conn: &C,
    identifier: &Identifier,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Result<i64, Refusal>, DbErr> {
    let Some(link) = sign_in_link::Entity::find()
        .filter(sign_in_link::Column::IdentifierKey.eq(identifier.key()))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::RevokedAt.is_null())
        .filter(sign_in_link::Column::ExpiresAt.gte(now))
        .order_by_desc(sign_in_link::Column::Id)
        .one(conn)
        .await?
    else {
        return Ok(Err(Refusal::Unknown));
    };
    let failures_bucket = format!("sign-in-failures:{}", link.customer_id);
    if let Verdict::RetryAfter(_) = rate_limit::check(conn, &failures_bucket, FAILURES_PER_ACCOUNT, now).await? {
        return Ok(Err(Refusal::Locked));
    }
    // Take one attempt before comparing, in one conditional update, so that
    // guesses sent in parallel cannot all find the counter at zero.
    let reserved = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::FailedCodes, Expr::col(sign_in_link::Column::FailedCodes).add(1))
        .filter(sign_in_link::Column::Id.eq(link.id))
        .filter(sign_in_link::Column::FailedCodes.lte(MAX_WRONG_CODES))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    if reserved.rows_affected != 1 {
        return Ok(Err(Refusal::TooManyCodes));
    }
    if hash(code.trim()) == link.code_hash {
        let spent = sign_in_link::Entity::update_many()
            .col_expr(sign_in_link::Column::UsedAt, now.into())
            .col_expr(sign_in_link::Column::FailedCodes, link.failed_codes.into())
            .filter(sign_in_link::Column::Id.eq(link.id))
            .filter(sign_in_link::Column::UsedAt.is_null())
            .filter(sign_in_link::Column::RevokedAt.is_null())
            .exec(conn)
            .await?;
        return Ok(if spent.rows_affected == 1 { Ok(link.customer_id) } else { Err(Refusal::Used) });
    }
    rate_limit::hit(conn, &failures_bucket, now).await?;
    // The attempt that went past the allowance ends the link.
    let ended = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::RevokedAt, now.into())
        .filter(sign_in_link::Column::Id.eq(link.id))
        .filter(sign_in_link::Column::FailedCodes.gt(MAX_WRONG_CODES))
        .filter(sign_in_link::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(Err(if ended.rows_affected == 1 { Refusal::TooManyCodes } else { Refusal::WrongCode }))
}
