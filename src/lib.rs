//! userscope: look up one customer's profile in the SaaS tools a company uses.

#![forbid(unsafe_code)]

pub mod avatar;
pub mod bulk;
pub mod cli;
pub mod compare;
pub mod config;
pub mod curl;
pub mod demo;
pub mod display;
pub mod error;
pub mod find;
pub mod fsio;
pub mod history;
pub mod http;
pub mod json;
pub mod logging;
pub mod lookup;
pub mod open;
pub mod output;
pub mod profile;
pub mod sanitize;
pub mod scheduler;
pub mod secrets;
pub mod timeline;
pub mod tui;
pub mod vendors;
pub mod watch;
