//! `/ops/equipe`: the technicians — how to reach them, where they start
//! from, their shift, their skills with levels, whether they take work.
//! Dispatchers and admins only (`Staff<ManageTeam>`).
//!
//! - `roster`: the queries, and how a technician reads on screen;
//! - `shift`: times of day as typed and shown (pure);
//! - `list`: the list, its filters, and skills given to many at once;
//! - `edit`: one technician's form;
//! - `activation`: activating and deactivating, asked twice.

mod activation;
mod edit;
mod list;
pub(crate) mod roster;
mod shift;

pub(crate) use edit::parse_id;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/equipe", get(list::page))
        .route("/ops/equipe/competences", post(list::tag_skills))
        .route("/ops/equipe/{id}", get(edit::page).post(edit::save))
        .route("/ops/equipe/{id}/activation", post(activation::change))
        .route("/ops/equipe/{id}/liens", post(crate::tech::issue::create))
        .route("/ops/equipe/{id}/liens/{link}/revoquer", post(crate::tech::issue::revoke))
}
