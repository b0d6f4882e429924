//! Staff roles, carried by the type of the extractor a handler takes: a
//! handler that takes `Staff<Billing>` cannot be reached by an agent, and no
//! customer or technician session reaches `/ops` at all.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gigafibre_db::entities::staff;
use sea_orm::EntityTrait;

use crate::auth::session;
use crate::web::{AppState, PageError};

/// The roles staff can hold (technicians only reach the tech app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Agent,
    Dispatcher,
    Billing,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Agent, Role::Dispatcher, Role::Billing, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Dispatcher => "dispatcher",
            Role::Billing => "billing",
            Role::Admin => "admin",
        }
    }

    /// The catalogue key of the role's name.
    pub fn message_key(self) -> &'static str {
        match self {
            Role::Agent => "role.agent",
            Role::Dispatcher => "role.dispatcher",
            Role::Billing => "role.billing",
            Role::Admin => "role.admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code.trim().to_lowercase())
    }
}

/// Which roles a handler admits. Admins are admitted everywhere.
pub trait Allowed: Send + Sync + 'static {
    fn admits(role: Role) -> bool;
}

/// Declares a marker type admitting the listed roles (and admins).
macro_rules! capability {
    ($(#[$doc:meta])* $name:ident: $($role:ident)|*) => {
        $(#[$doc])*
        pub struct $name;
        impl Allowed for $name {
            fn admits(role: Role) -> bool {
                matches!(role, Role::Admin $(| Role::$role)*)
            }
        }
    };
}

capability!(
    /// Any member of staff: the dashboard, search, reading clients and tickets.
    AnyRole: Agent | Dispatcher | Billing
);
capability!(
    /// Correcting a customer's record, creating one, seeing the portal as them.
    EditClients: Agent | Billing
);
capability!(
    /// Answering, assigning and triaging tickets.
    WorkTickets: Agent | Dispatcher
);
capability!(
    /// The technicians: skills, shifts, activation.
    ManageTeam: Dispatcher
);
capability!(
    /// Dispatch: creating a job from a ticket, booking, cancelling and
    /// recording how a visit went; the board and the map; planning a day.
    Dispatch: Dispatcher
);
capability!(
    /// The messages the system sent, and retrying a failed one.
    ReadOutbox: Agent | Billing
);
capability!(
    /// Reading what customers owe: statements and the aging of receivables.
    ReadReceivables: Agent | Billing
);
capability!(
    /// Moving money: recording payments, refunds, credit notes.
    HandleMoney: Billing
);
capability!(
    /// The billing runs: what each issued, for how much, what it could not bill.
    ReadBilling: Billing
);
capability!(
    /// Who did what: the audit log.
    AdminOnly:
);

/// A signed-in member of staff whose role `R` admits.
pub struct Staff<R: Allowed> {
    pub member: staff::Model,
    pub role: Role,
    pub csrf_token: String,
    pub cookie_value: String,
    /// When this session ends.
    pub session_ends_at: DateTime<Utc>,
    allowed: PhantomData<R>,
}

impl<R: Allowed> Staff<R> {
    /// Refuses a form that does not carry this session's token: it was not
    /// posted from one of our pages.
    pub fn check_csrf(&self, posted: &str, lang: crate::i18n::Lang) -> Result<(), PageError> {
        if posted == self.csrf_token { Ok(()) } else { Err(PageError::forbidden(lang)) }
    }
}

/// Not signed in as staff: to the staff sign-in page (401 for htmx/API);
/// signed in with a role that is not admitted: 403.
pub enum Refused {
    SignIn { partial: bool },
    Forbidden(PageError),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::SignIn { partial: true } => {
                (StatusCode::UNAUTHORIZED, [(header::CACHE_CONTROL, "no-store")], "sign-in required").into_response()
            }
            Refused::SignIn { partial: false } => Redirect::to("/ops/sign-in").into_response(),
            Refused::Forbidden(page) => page.into_response(),
        }
    }
}

impl<R: Allowed> FromRequestParts<AppState> for Staff<R> {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let partial = parts.headers.contains_key("hx-request");
        let sign_in = || Refused::SignIn { partial };
        let cookie_value = session::cookie_value(&state.config, &parts.headers).ok_or_else(sign_in)?;
        let row =
            session::find(&state.db, &cookie_value, state.clock.now()).await.ok().flatten().ok_or_else(sign_in)?;
        let staff_id = row.staff_id.filter(|_| row.kind == "staff").ok_or_else(sign_in)?;
        let member = staff::Entity::find_by_id(staff_id).one(&state.db).await.ok().flatten().filter(|m| m.active);
        let member = member.ok_or_else(sign_in)?;
        let role = Role::from_code(&member.role).ok_or_else(sign_in)?;
        if !R::admits(role) {
            let lang = crate::web::language::lang_of(parts);
            return Err(Refused::Forbidden(PageError::not_allowed(lang)));
        }
        let session_ends_at = row.expires_at;
        Ok(Staff { member, role, csrf_token: row.csrf_token, cookie_value, session_ends_at, allowed: PhantomData })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_reach_everything_and_each_role_only_its_work() {
        assert!(Role::ALL.iter().all(|&role| AnyRole::admits(role)));
        assert!(Role::ALL.iter().all(|&role| !AdminOnly::admits(role) || role == Role::Admin));
        assert!(EditClients::admits(Role::Billing) && !EditClients::admits(Role::Dispatcher));
        assert!(WorkTickets::admits(Role::Dispatcher) && !WorkTickets::admits(Role::Billing));
        assert!(ManageTeam::admits(Role::Admin) && !ManageTeam::admits(Role::Agent));
        assert!(
            Dispatch::admits(Role::Dispatcher) && !Dispatch::admits(Role::Agent) && !Dispatch::admits(Role::Billing)
        );
        assert!(ReadOutbox::admits(Role::Agent) && !ReadOutbox::admits(Role::Dispatcher));
        assert!(ReadReceivables::admits(Role::Agent) && !ReadReceivables::admits(Role::Dispatcher));
        assert!(HandleMoney::admits(Role::Billing) && !HandleMoney::admits(Role::Agent));
    }
}
