//! Integration tests: one binary, each test on a fresh database of its own
//! (SQLite by default, PostgreSQL when `TEST_DATABASE_URL` names one).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod billing;
mod cli;
mod delivery;
mod dispatch;
mod dispatch_board;
mod import;
mod integrity;
mod openapi;
mod ops;
mod outbox;
mod portal;
mod support;
mod tech;
mod web;
