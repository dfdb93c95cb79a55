//! userscope: look up one customer's profile in the SaaS tools a company uses.

pub mod cli;
pub mod compare;
pub mod config;
pub mod demo;
pub mod display;
pub mod error;
pub mod history;
pub mod http;
pub mod json;
pub mod logging;
pub mod lookup;
pub mod open;
pub mod output;
pub mod profile;
pub mod sanitize;
pub mod secrets;
pub mod tui;
pub mod vendors;

/// Transitional: the old path `crate::vendor`, kept only so the modules other branches are
/// changing at the same time (tui, history, http) still compile here. The lead removes it at
/// merge, after renaming `crate::vendor` to `crate::vendors` there.
#[doc(hidden)]
pub use vendors as vendor;
