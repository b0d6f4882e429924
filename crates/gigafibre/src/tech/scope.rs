//! What a technician's link lets them see: the jobs of its scope, and the
//! devices those jobs, their van and the warehouse hold. Anything else is
//! answered as if it did not exist.

use std::collections::HashSet;

use gigafibre_db::entities::{dispatch_job, equipment};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::day::{end_of_day, start_of_day};
use super::links::Scope;

/// The technician's jobs in the scope, in route order.
pub async fn jobs<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    scope: Scope,
) -> Result<Vec<dispatch_job::Model>, DbErr> {
    let query = dispatch_job::Entity::find().filter(dispatch_job::Column::TechnicianId.eq(technician_id));
    let query = match scope {
        Scope::Day(day) => query
            .filter(dispatch_job::Column::ScheduledStart.gte(start_of_day(day)))
            .filter(dispatch_job::Column::ScheduledStart.lt(end_of_day(day))),
        Scope::Job(id) => query.filter(dispatch_job::Column::Id.eq(id)),
    };
    query.order_by_asc(dispatch_job::Column::ScheduledStart).order_by_asc(dispatch_job::Column::Id).all(conn).await
}

/// One job, if it is in the scope.
pub async fn job<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    scope: Scope,
    job_id: i64,
) -> Result<Option<dispatch_job::Model>, DbErr> {
    Ok(jobs(conn, technician_id, scope).await?.into_iter().find(|j| j.id == job_id))
}

/// Whether the technician may see a device: in their van, in the
/// warehouse (stock anyone may take), or at a customer of one of the jobs
/// in their scope.
pub async fn may_see<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    scope: Scope,
    device: &equipment::Model,
) -> Result<bool, DbErr> {
    if device.status == "van" && device.technician_id == Some(technician_id) {
        return Ok(true);
    }
    if device.status == "warehouse" && device.customer_id.is_none() {
        return Ok(true);
    }
    let Some(customer_id) = device.customer_id else { return Ok(false) };
    let customers: HashSet<i64> = jobs(conn, technician_id, scope).await?.iter().map(|j| j.customer_id).collect();
    Ok(customers.contains(&customer_id))
}

/// A device by serial, if the technician may see it.
pub async fn device<C: ConnectionTrait>(
    conn: &C,
    technician_id: i64,
    scope: Scope,
    serial: &str,
) -> Result<Option<equipment::Model>, DbErr> {
    let found = equipment::Entity::find().filter(equipment::Column::Serial.eq(serial)).one(conn).await?;
    match found {
        Some(device) if may_see(conn, technician_id, scope, &device).await? => Ok(Some(device)),
        _ => Ok(None),
    }
}
