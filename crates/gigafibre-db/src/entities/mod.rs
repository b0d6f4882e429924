//! One entity per table. Column names and types mirror the migrations.

pub mod audit_entry;
pub mod contact;
pub mod credit_note;
pub mod customer;
pub mod dispatch_job;
pub mod equipment;
pub mod equipment_movement;
pub mod invoice;
pub mod invoice_line;
pub mod job_required_skill;
pub mod outbox_message;
pub mod payment;
pub mod payment_allocation;
pub mod plan;
pub mod rate_limit_hit;
pub mod service_location;
pub mod session;
pub mod sign_in_link;
pub mod sign_in_request;
pub mod skill;
pub mod staff;
pub mod subscription;
pub mod technician;
pub mod technician_skill;
pub mod ticket;
pub mod ticket_message;
