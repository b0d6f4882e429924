//! The role matrix: every ops route against every role, and the sessions
//! that never reach `/ops` at all.

use axum::http::{Method, StatusCode};
use gigafibre::auth::secret;
use gigafibre::clock::Clock;
use gigafibre::i18n::Lang;
use gigafibre::outbox::{self, Channel, NewMessage};
use gigafibre_db::entities::{customer, dispatch_job, equipment, invoice, payment, session, technician, ticket};
use sea_orm::{ActiveValue::Set, EntityTrait};

use super::Ops;

const ALL: &[&str] = &["agent", "dispatcher", "billing", "admin"];
const CLIENT_EDITORS: &[&str] = &["agent", "billing", "admin"];
const TICKET_WORKERS: &[&str] = &["agent", "dispatcher", "admin"];
const TEAM: &[&str] = &["dispatcher", "admin"];
const OUTBOX: &[&str] = CLIENT_EDITORS;
const RECEIVABLES: &[&str] = &["agent", "billing", "admin"];
const MONEY: &[&str] = &["billing", "admin"];
const BILLING: &[&str] = &["billing", "admin"];
const DISPATCH: &[&str] = &["dispatcher", "admin"];

/// A route, and the roles that may use it (admins may use all).
struct Route {
    method: Method,
    path: &'static str,
    allowed: &'static [&'static str],
}

const fn route(method: Method, path: &'static str, allowed: &'static [&'static str]) -> Route {
    Route { method, path, allowed }
}

/// `{customer}`, `{ticket}`, `{job}`, `{technician}`, `{message}`, `{payment}` and `{invoice}` stand for real ids,
/// `{device}` for a real serial.
fn matrix() -> Vec<Route> {
    vec![
        route(Method::GET, "/ops", ALL),
        route(Method::GET, "/ops/search?q=leclerc", ALL),
        route(Method::GET, "/ops/clients", ALL),
        route(Method::GET, "/ops/clients/{customer}", ALL),
        route(Method::GET, "/ops/clients/new", CLIENT_EDITORS),
        route(Method::POST, "/ops/clients/new", CLIENT_EDITORS),
        route(Method::GET, "/ops/clients/{customer}/fields/notes/edit", CLIENT_EDITORS),
        route(Method::POST, "/ops/clients/{customer}/fields/notes", CLIENT_EDITORS),
        route(Method::GET, "/ops/clients/{customer}/locations/new", CLIENT_EDITORS),
        route(Method::POST, "/ops/clients/{customer}/locations/new", CLIENT_EDITORS),
        route(Method::POST, "/ops/clients/{customer}/sign-out-everywhere", CLIENT_EDITORS),
        route(Method::POST, "/ops/impersonate", CLIENT_EDITORS),
        route(Method::GET, "/ops/tickets", ALL),
        route(Method::GET, "/ops/tickets/{ticket}", ALL),
        route(Method::GET, "/ops/tickets/new?customer={customer}", TICKET_WORKERS),
        route(Method::POST, "/ops/tickets/new", TICKET_WORKERS),
        route(Method::POST, "/ops/tickets/{ticket}/reply", TICKET_WORKERS),
        route(Method::POST, "/ops/tickets/{ticket}/note", TICKET_WORKERS),
        route(Method::POST, "/ops/tickets/{ticket}/assign", TICKET_WORKERS),
        route(Method::POST, "/ops/tickets/{ticket}/status", TICKET_WORKERS),
        route(Method::POST, "/ops/tickets/{ticket}/priority", TICKET_WORKERS),
        route(Method::GET, "/ops/jobs/{job}", ALL),
        route(Method::GET, "/ops/jobs/new?ticket={ticket}", DISPATCH),
        route(Method::POST, "/ops/jobs/new", DISPATCH),
        route(Method::POST, "/ops/jobs/{job}/cancel", DISPATCH),
        route(Method::POST, "/ops/jobs/{job}/not-completed", DISPATCH),
        route(Method::POST, "/ops/jobs/{job}/complete", DISPATCH),
        route(Method::GET, "/ops/equipe", TEAM),
        route(Method::POST, "/ops/equipe/competences", TEAM),
        route(Method::GET, "/ops/equipe/{technician}", TEAM),
        route(Method::POST, "/ops/equipe/{technician}", TEAM),
        route(Method::POST, "/ops/equipe/{technician}/activation", TEAM),
        route(Method::GET, "/ops/dispatch", DISPATCH),
        route(Method::GET, "/ops/dispatch?view=week&day=2026-11-25", DISPATCH),
        route(Method::GET, "/ops/dispatch/changes?day=2026-11-25", DISPATCH),
        route(Method::GET, "/ops/dispatch/jobs/{job}/place", DISPATCH),
        route(Method::POST, "/ops/dispatch/jobs/{job}/place", DISPATCH),
        route(Method::POST, "/ops/dispatch/jobs/{job}/lock", DISPATCH),
        route(Method::POST, "/ops/dispatch/plan", DISPATCH),
        route(Method::POST, "/ops/dispatch/proposals/1/accept", DISPATCH),
        route(Method::POST, "/ops/equipe/{technician}/liens", TEAM),
        route(Method::POST, "/ops/equipe/{technician}/liens/999999/revoquer", TEAM),
        route(Method::GET, "/ops/equipement/{device}/etiquette", ALL),
        route(Method::GET, "/ops/facturation/runs", BILLING),
        route(Method::GET, "/ops/outbox", OUTBOX),
        route(Method::GET, "/ops/outbox/{message}", OUTBOX),
        route(Method::POST, "/ops/outbox/{message}/retry", OUTBOX),
        route(Method::GET, "/ops/audit", &["admin"]),
        route(Method::GET, "/ops/receivables", RECEIVABLES),
        route(Method::GET, "/ops/clients/{customer}/statement", RECEIVABLES),
        route(Method::GET, "/ops/clients/{customer}/payments/new", MONEY),
        route(Method::POST, "/ops/clients/{customer}/payments/new", MONEY),
        route(Method::GET, "/ops/payments/{payment}/refund", MONEY),
        route(Method::POST, "/ops/payments/{payment}/refund", MONEY),
        route(Method::GET, "/ops/invoices/{invoice}/credit-note", MONEY),
        route(Method::POST, "/ops/invoices/{invoice}/credit-note", MONEY),
        route(Method::GET, "/ops/invoices/{invoice}/print", ALL),
        route(Method::GET, "/ops/invoices", RECEIVABLES),
        route(Method::GET, "/ops/invoices?status=open&q=a&from=2026-01-01&to=2026-12-31", RECEIVABLES),
        route(Method::GET, "/ops/invoices/{invoice}", RECEIVABLES),
        route(Method::POST, "/ops/invoices/{invoice}/void", MONEY),
    ]
}

/// Real records for the routes that name one.
struct Ids {
    customer: i64,
    ticket: i64,
    job: i64,
    technician: i64,
    message: i64,
    payment: i64,
    invoice: i64,
    device: String,
}

impl Ids {
    async fn of(ops: &Ops) -> Ids {
        let customer = customer::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
        let message = NewMessage {
            channel: Channel::Email,
            to: customer.email.clone().unwrap_or_else(|| "someone@example.ca".into()),
            subject: Some("Rappel".into()),
            body_text: "Bonjour".into(),
            body_html: None,
            language: Lang::Fr,
            customer_id: Some(customer.id),
            ticket_id: None,
        };
        Ids {
            customer: customer.id,
            ticket: ticket::Entity::find().one(&ops.db.db).await.unwrap().unwrap().id,
            job: dispatch_job::Entity::find().one(&ops.db.db).await.unwrap().unwrap().id,
            technician: technician::Entity::find().one(&ops.db.db).await.unwrap().unwrap().id,
            message: outbox::enqueue(&ops.db.db, message, ops.clock.now()).await.unwrap(),
            payment: payment::Entity::find().one(&ops.db.db).await.unwrap().unwrap().id,
            invoice: invoice::Entity::find().one(&ops.db.db).await.unwrap().unwrap().id,
            device: equipment::Entity::find().one(&ops.db.db).await.unwrap().unwrap().serial,
        }
    }

    fn fill(&self, path: &str) -> String {
        path.replace("{customer}", &self.customer.to_string())
            .replace("{ticket}", &self.ticket.to_string())
            .replace("{job}", &self.job.to_string())
            .replace("{technician}", &self.technician.to_string())
            .replace("{message}", &self.message.to_string())
            .replace("{payment}", &self.payment.to_string())
            .replace("{invoice}", &self.invoice.to_string())
            .replace("{device}", &self.device)
    }
}

#[tokio::test]
async fn each_role_reaches_exactly_the_routes_of_its_work() {
    let ops = Ops::new().await;
    let ids = Ids::of(&ops).await;
    for role in ALL {
        for route in matrix() {
            // A fresh session each time: some allowed actions end the session.
            let member = ops.staff(role).await;
            let path = ids.fill(route.path);
            let answer = if route.method == Method::GET {
                ops.get(&path, Some(&member)).await
            } else {
                ops.post(&path, &member, &[]).await
            };
            let allowed = *role == "admin" || route.allowed.contains(role);
            if allowed {
                assert_ne!(answer.status, StatusCode::FORBIDDEN, "{role} may use {} {path}", route.method);
                assert!(!answer.location().contains("sign-in"), "{role} stays signed in on {path}");
            } else {
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{role} may not use {} {path}", route.method);
                assert!(
                    answer.body.contains("Votre rôle ne donne pas accès à cette page"),
                    "the refusal says why, not to reload ({role} on {path})"
                );
            }
        }
    }
}

#[tokio::test]
async fn customer_technician_and_anonymous_sessions_never_reach_the_ops_app() {
    let ops = Ops::new().await;
    let ids = Ids::of(&ops).await;
    let customer = customer::Entity::find_by_id(ids.customer).one(&ops.db.db).await.unwrap().unwrap();
    let as_customer =
        gigafibre::auth::session::start_customer(&ops.db.db, customer.id, ops.clock.now(), None).await.unwrap();
    let technician = technician::Entity::find().one(&ops.db.db).await.unwrap().unwrap();
    let cookie_value = "t".repeat(43);
    let row = session::ActiveModel {
        id_hash: Set(secret::hash(&cookie_value)),
        kind: Set("technician".into()),
        customer_id: Set(None),
        staff_id: Set(None),
        technician_id: Set(Some(technician.id)),
        csrf_token: Set("csrf".into()),
        created_at: Set(ops.clock.now()),
        last_seen_at: Set(ops.clock.now()),
        expires_at: Set(ops.clock.now() + chrono::Duration::hours(8)),
        ip: Set(None),
        user_agent: Set(None),
        resumes_staff_until: Set(None),
    };
    session::Entity::insert(row).exec_without_returning(&ops.db.db).await.unwrap();
    let cookies = [
        format!("gigafibre_session={}", as_customer.cookie_value),
        format!("gigafibre_session={cookie_value}"),
        String::new(),
    ];
    for cookie in &cookies {
        for route in matrix().iter().filter(|r| r.method == Method::GET) {
            let path = ids.fill(route.path);
            let answer = ops.send(Method::GET, &path, &[("cookie", cookie.as_str())], None).await;
            assert_eq!(
                (answer.status, answer.location()),
                (StatusCode::SEE_OTHER, "/ops/sign-in"),
                "{path} with {cookie:?}"
            );
        }
    }
}
