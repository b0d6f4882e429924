//! `/j/van`: the devices in the technician's van, and the count that
//! corrects the list (see [`count`]).

mod count;

use std::collections::HashSet;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gigafibre_db::entities::equipment;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use super::current::CurrentTechnician;
use super::scan::new_device::actor;
use super::today::private;
use crate::i18n::{Lang, Messages};
use crate::web::{AppState, PageError, RequestLang};
use count::{Counted, Refused};

async fn van<C: ConnectionTrait>(conn: &C, technician_id: i64) -> Result<Vec<equipment::Model>, DbErr> {
    equipment::Entity::find()
        .filter(equipment::Column::TechnicianId.eq(technician_id))
        .filter(equipment::Column::Status.eq("van"))
        .order_by_asc(equipment::Column::Kind)
        .order_by_asc(equipment::Column::Serial)
        .all(conn)
        .await
}

#[derive(Template)]
#[template(path = "tech/van/templates/van.html")]
struct VanPage {
    m: Messages,
    current_path: String,
    csrf: String,
    who: String,
    devices: Vec<equipment::Model>,
    /// (good news, message) above the list.
    notice: Option<(bool, String)>,
    found: String,
}

#[derive(Deserialize)]
pub struct VanQuery {
    missing: Option<usize>,
    found: Option<usize>,
}

/// `GET /j/van`.
pub async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
    Query(query): Query<VanQuery>,
) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let notice = match (query.missing, query.found) {
        (Some(missing), Some(found)) => Some((
            true,
            m.t("tech.van.counted").replace("{missing}", &missing.to_string()).replace("{found}", &found.to_string()),
        )),
        _ => None,
    };
    render(&state, lang, &technician, notice, String::new(), StatusCode::OK).await
}

async fn render(
    state: &AppState,
    lang: Lang,
    technician: &CurrentTechnician,
    notice: Option<(bool, String)>,
    found: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let devices = van(&state.db, technician.id()).await.map_err(|e| PageError::database(lang, e))?;
    let page = VanPage {
        m: Messages::new(lang),
        current_path: "/j/van".into(),
        csrf: technician.csrf_token.clone(),
        who: technician.technician.name.clone(),
        devices,
        notice,
        found,
    };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((status, private(), Html(html)).into_response())
}

/// `POST /j/van/count`: `present` once per ticked device, `found` the
/// codes of devices in the van but not listed.
pub async fn count(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    technician: CurrentTechnician,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    technician.check_csrf(&field("csrf"), lang)?;
    let present: HashSet<i64> =
        fields.iter().filter(|(k, _)| k == "present").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let typed = field("found");
    let counted = Counted { present, found: count::codes(&typed) };
    let db_error = |e| PageError::database(lang, e);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await.map_err(db_error)?;
    let listed = van(&txn, technician.id()).await.map_err(db_error)?;
    let applied =
        count::apply(&txn, &actor(&technician), technician.id(), &listed, &counted, now).await.map_err(db_error)?;
    match applied {
        Ok(outcome) => {
            txn.commit().await.map_err(db_error)?;
            let to = format!("/j/van?missing={}&found={}", outcome.missing.len(), outcome.found.len());
            Ok(Redirect::to(&to).into_response())
        }
        Err(refused) => {
            txn.rollback().await.map_err(db_error)?;
            let m = Messages::new(lang);
            let message = match refused {
                Refused::Unknown(code) => m.t("tech.van.unknown").replace("{code}", &code),
                Refused::Installed(serial) => m.t("tech.van.installed").replace("{code}", &serial),
            };
            render(&state, lang, &technician, Some((false, message)), typed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
