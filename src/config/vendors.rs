//! The `vendors` field of [`super::Config`]: the first of the two parse phases. The
//! `[vendors.*]` tables are validated (`vendors::declared`) and registered before the rest of
//! the file is deserialized, and the field then keeps the handles of the vendors the file
//! defines.

use serde::Deserialize;

use super::ConfigError;
use crate::vendors::VendorKind;

/// The vendors this config file defines, in registry order (empty without `[vendors]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclaredVendors {
    pub kinds: Vec<VendorKind>,
}

/// The tables were read and checked in the first phase; the second only skips them.
impl<'de> Deserialize<'de> for DeclaredVendors {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(DeclaredVendors::default())
    }
}

/// Phase one: validate the file's vendors and register them (once per process).
pub(super) fn register_section(text: &str) -> Result<DeclaredVendors, ConfigError> {
    let specs = crate::vendors::declared::parse_section(text)?;
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    crate::vendors::register(specs).map_err(|message| ConfigError { message, at: None })?;
    Ok(DeclaredVendors {
        kinds: names
            .iter()
            .filter_map(|name| VendorKind::all().find(|v| v.is_declared() && v.as_str() == name))
            .collect(),
    })
}

/// For a demo run, before anything reads the config file: register the demo vendor together
/// with the vendors the config file defines (registration is once per process, and the file
/// is read again by the command). A file that cannot be read or parsed adds nothing here: the
/// command's own load reports it with its line. A config vendor named like the demo vendor
/// wins over it.
pub fn register_demo_vendors() -> Result<(), String> {
    let mut specs = from_config_file();
    if let Some(demo) = crate::vendors::declared::demo::demo_spec()
        && !specs.iter().any(|s| s.name == demo.name)
    {
        specs.insert(0, demo);
    }
    crate::vendors::register(specs)
}

/// The config file's vendors, or none when it is missing, unreadable, untrusted or broken.
fn from_config_file() -> Vec<crate::vendors::declared::Spec> {
    let Some(path) = super::config_path() else {
        return Vec::new();
    };
    let Ok(bytes) = crate::fsio::read_capped(&path, MAX_CONFIG_BYTES) else {
        return Vec::new();
    };
    if super::check_trusted(&path).is_err() {
        return Vec::new();
    }
    String::from_utf8(bytes)
        .ok()
        .and_then(|text| crate::vendors::declared::parse_section(&text).ok())
        .unwrap_or_default()
}

/// The cap `Config::load` reads the file under (config/file.rs); a real file is a few KiB.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
