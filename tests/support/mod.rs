//! Test support shared by the integration-test binaries: each binary includes this directory
//! with `mod support;` (or `#[path = "../support/mod.rs"] mod support;` from a `tests/NAME/`
//! directory), so there is one copy of each helper instead of one per test file.
//!
//! - [`fault_server`]: a raw-TCP vendor that misbehaves on purpose (slow, cut, reset, flooded).
//! - [`home`]: a throwaway HOME with its XDG dirs, and `userscope` commands that use only it.
//! - [`run`]: running a child with a time limit, its peak memory and its process arguments.
//! - [`leaks`]: finding a secret in bytes, in files under a directory, in process arguments.
//! - [`hostile`]: strings a hostile vendor sends, and the check that none reaches a terminal raw.
//! - [`arb_json`]: a proptest generator of JSON that often lands in the vendors' documented slots.

// Each binary uses only part of this directory; what one of them leaves unused is not dead.
#![allow(dead_code)]

pub mod arb_json;
pub mod fault_server;
pub mod home;
pub mod hostile;
pub mod leaks;
pub mod run;
