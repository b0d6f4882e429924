//! Gigafibre FSM: one system that runs a fibre-internet provider.
//!
//! The code is laid out by feature: each folder holds one capability's
//! rules, queries, handlers and templates.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod billing;
pub mod cli;
pub mod clock;
pub mod config;
pub mod contact;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod equipment;
pub mod i18n;
pub mod integrity;
pub mod legacy;
pub mod ops;
pub mod outbox;
pub mod portal;
pub mod stats;
pub mod tech;
pub mod web;
