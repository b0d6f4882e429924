//! What every ops page shares: who is signed in, the sections their role
//! reaches, the sign-out and search forms' token.

use super::roles::{Allowed, AnyRole, Dispatch, ManageTeam, ReadBilling, ReadOutbox, ReadReceivables, Role, Staff};

/// A section of the ops app in the side navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Clients,
    Tickets,
    Dispatch,
    Receivables,
    Team,
    Billing,
    Outbox,
    Audit,
}

impl Section {
    const ALL: [Section; 9] = [
        Section::Dashboard,
        Section::Clients,
        Section::Tickets,
        Section::Dispatch,
        Section::Receivables,
        Section::Billing,
        Section::Team,
        Section::Outbox,
        Section::Audit,
    ];

    fn href(self) -> &'static str {
        match self {
            Section::Dashboard => "/ops",
            Section::Clients => "/ops/clients",
            Section::Tickets => "/ops/tickets",
            Section::Dispatch => "/ops/dispatch",
            Section::Receivables => "/ops/receivables",
            Section::Team => "/ops/equipe",
            Section::Billing => super::billing::RUNS_PATH,
            Section::Outbox => "/ops/outbox",
            Section::Audit => "/ops/audit",
        }
    }

    fn message_key(self) -> &'static str {
        match self {
            Section::Dashboard => "ops.nav.dashboard",
            Section::Clients => "ops.nav.clients",
            Section::Tickets => "ops.nav.tickets",
            Section::Dispatch => "ops.nav.dispatch",
            Section::Receivables => "ops.nav.receivables",
            Section::Team => "ops.nav.team",
            Section::Billing => "ops.nav.billing",
            Section::Outbox => "ops.nav.outbox",
            Section::Audit => "ops.nav.audit",
        }
    }

    /// Whether `role` may open the section (the pages check again).
    fn reachable_by(self, role: Role) -> bool {
        match self {
            Section::Dashboard | Section::Clients | Section::Tickets => AnyRole::admits(role),
            Section::Dispatch => Dispatch::admits(role),
            Section::Receivables => ReadReceivables::admits(role),
            Section::Team => ManageTeam::admits(role),
            Section::Billing => ReadBilling::admits(role),
            Section::Outbox => ReadOutbox::admits(role),
            Section::Audit => role == Role::Admin,
        }
    }
}

/// One link of the side navigation.
pub struct NavLink {
    pub href: &'static str,
    pub key: &'static str,
    pub current: bool,
}

/// The frame around an ops page.
pub struct Frame {
    pub name: String,
    pub role_key: &'static str,
    pub csrf: String,
    pub nav: Vec<NavLink>,
}

impl Frame {
    pub fn new<R: Allowed>(staff: &Staff<R>, section: Section) -> Frame {
        let nav = Section::ALL
            .into_iter()
            .filter(|s| s.reachable_by(staff.role))
            .map(|s| NavLink { href: s.href(), key: s.message_key(), current: s == section })
            .collect();
        Frame {
            name: staff.member.name.clone(),
            role_key: staff.role.message_key(),
            csrf: staff.csrf_token.clone(),
            nav,
        }
    }
}
