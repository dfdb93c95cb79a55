//! The vendor registry: the ONE place that lists the vendors. Everything a vendor knows lives
//! in its own folder (`vendors/NAME/`: adapter, auth quirks, connection settings, key shape,
//! demo data and responder); the CLI, the TUI, config resolution, key stores and the demo
//! server ask the registry and never name a vendor.
//!
//! Adding a vendor: its folder, one line in [`BUILT_IN`] (plus its handle constant), its
//! fixtures under `assets/demo/` and its tests.

use serde::{Deserialize, Serialize};

use crate::profile::Section;

mod adapter;
pub mod auth;
pub mod common;
pub mod declared;
pub mod demo_kit;

pub mod chakra;
pub mod coho;
pub mod foldspace;
pub mod usercom;
pub mod vemetric;

pub use adapter::{
    AuthPlacement, Connection, ConnectionSettings, Endpoint, FindClass, Lookup, LookupKind,
    RequestSpec, Setting, VendorAdapter, WrongShape,
};

/// The built-in vendors, in the order screens and tables list them.
static BUILT_IN: [&dyn VendorAdapter; 5] = [
    &coho::Coho,
    &usercom::Usercom,
    &foldspace::Foldspace,
    &chakra::Chakra,
    &vemetric::Vemetric,
];

/// The registry once config-defined vendors (design §10) are registered: the built-ins, then
/// the declared vendors as leaked `&'static` adapters, so a handle stays an index. Set at most
/// once per process; before that, only the built-ins are registered.
struct Registry {
    all: Vec<&'static dyn VendorAdapter>,
    declared: Vec<&'static declared::Declared>,
}

static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();

/// Every registered adapter.
fn registered() -> &'static [&'static dyn VendorAdapter] {
    match REGISTRY.get() {
        Some(registry) => &registry.all,
        None => &BUILT_IN,
    }
}

/// Most config-defined vendors one process takes (handles are `u8`; a real file has a few).
pub const MAX_DECLARED: usize = 64;

/// Register config-defined vendors, once per process. A later call succeeds only when each of
/// its vendors is already registered with the same definition (the config file is read again
/// by a command after start-up registered it); an empty list changes nothing. The specs are
/// validated already (`declared::parse_section`).
pub fn register(specs: Vec<declared::Spec>) -> Result<(), String> {
    if specs.is_empty() {
        return Ok(());
    }
    if REGISTRY.get().is_none() {
        if specs.len() > MAX_DECLARED {
            return Err(format!(
                "at most {MAX_DECLARED} vendors can be defined in the config file"
            ));
        }
        let mut all: Vec<&'static dyn VendorAdapter> = BUILT_IN.to_vec();
        let mut declared = Vec::with_capacity(specs.len());
        for spec in specs.iter().cloned() {
            let index = u8::try_from(all.len()).map_err(|_| "too many vendors".to_owned())?;
            let adapter: &'static declared::Declared =
                Box::leak(Box::new(declared::Declared::new(spec, VendorKind(index))));
            all.push(adapter);
            declared.push(adapter);
        }
        // A racing registration may have won; the check below then decides.
        let _ = REGISTRY.set(Registry { all, declared });
    }
    let registry = REGISTRY
        .get()
        .ok_or_else(|| "the vendor registry could not be set".to_owned())?;
    for spec in &specs {
        match registry
            .declared
            .iter()
            .find(|d| d.spec().name == spec.name)
        {
            Some(known) if known.spec() == spec => {}
            _ => {
                return Err(format!(
                    "vendor `{}` differs from the one this process registered at start-up; run the command again",
                    spec.name
                ));
            }
        }
    }
    Ok(())
}

/// A handle to a registered vendor: an index into the registry, so it is `Copy`, compares and
/// hashes cheaply, and sorts in registry order. Only the registry creates handles, so every
/// handle names a registered vendor. (De)serialized as its stable CLI name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VendorKind(u8);

impl VendorKind {
    pub const COHO: VendorKind = VendorKind(0);
    pub const USERCOM: VendorKind = VendorKind(1);
    pub const FOLDSPACE: VendorKind = VendorKind(2);
    pub const CHAKRA: VendorKind = VendorKind(3);
    pub const VEMETRIC: VendorKind = VendorKind(4);

    /// Every registered vendor, in registry order.
    pub fn all() -> impl Iterator<Item = VendorKind> + Clone {
        (0..registered().len()).filter_map(|i| u8::try_from(i).ok().map(VendorKind))
    }

    /// The first registered vendor: the default pick where no vendor is chosen yet.
    pub fn first() -> VendorKind {
        VendorKind(0)
    }

    /// The vendor's adapter: everything it knows.
    pub fn adapter(self) -> &'static dyn VendorAdapter {
        match registered().get(usize::from(self.0)) {
            Some(adapter) => *adapter,
            // Unreachable: handles come from the registry. The first vendor keeps it total.
            None => BUILT_IN[0],
        }
    }

    /// The stable CLI name.
    pub fn as_str(self) -> &'static str {
        self.adapter().name()
    }

    /// The vendor's own spelling, for screens and messages.
    pub fn display_name(self) -> &'static str {
        self.adapter().display_name()
    }

    /// The vendor with this CLI name (any case, surrounding blanks ignored).
    pub fn parse(name: &str) -> Option<VendorKind> {
        VendorKind::all().find(|v| v.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Lookup kinds this vendor supports; the first is the default.
    pub fn lookup_kinds(self) -> &'static [LookupKind] {
        self.adapter().lookup_kinds()
    }

    pub fn default_lookup(self) -> LookupKind {
        self.lookup_kinds()
            .first()
            .copied()
            .unwrap_or(LookupKind::Id)
    }

    /// The production base URL (scheme, host and port), when it does not depend on a
    /// connection setting (those are resolved by the adapter's `endpoint`).
    pub fn default_base_url(self) -> Option<&'static str> {
        self.adapter().default_base_url()
    }

    /// Whether the vendor's documented payload has this concept at all.
    pub fn provides(self, section: Section) -> bool {
        self.adapter().provides(section)
    }

    /// The lookup kind that finds a person of this identity class (`userscope find`), or why
    /// none does.
    pub fn find_kind(self, class: FindClass) -> Result<LookupKind, &'static str> {
        self.adapter().find_kind(class)
    }

    /// Whether the vendor is defined in the config file (design §10), not built in.
    pub fn is_declared(self) -> bool {
        usize::from(self.0) >= BUILT_IN.len()
    }

    /// The config-defined vendor's adapter (its spec), if this is one.
    pub fn declared(self) -> Option<&'static declared::Declared> {
        let index = usize::from(self.0).checked_sub(BUILT_IN.len())?;
        REGISTRY.get()?.declared.get(index).copied()
    }

    /// Whether the vendor also takes a client id + secret (exchanged for tokens).
    pub fn accepts_client_credentials(self) -> bool {
        self.adapter().token_exchange().is_some()
    }
}

impl std::fmt::Display for VendorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for VendorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VendorKind({})", self.as_str())
    }
}

impl Serialize for VendorKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for VendorKind {
    /// Exactly a registered CLI name (lowercase), as the config file and history store them.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        VendorKind::all()
            .find(|v| v.as_str() == name)
            .ok_or_else(|| {
                let expected: Vec<String> = VendorKind::all().map(|v| format!("`{v}`")).collect();
                serde::de::Error::custom(format!(
                    "unknown variant `{}`, expected one of {}",
                    crate::sanitize::sanitize(&name),
                    expected.join(", ")
                ))
            })
    }
}

/// The registered CLI names, comma-separated (for messages and help texts).
pub fn vendor_names() -> String {
    VendorKind::all()
        .map(VendorKind::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The display names of the vendors that take client credentials, joined with " or ".
pub fn client_credential_vendors() -> String {
    VendorKind::all()
        .filter(|v| v.accepts_client_credentials())
        .map(VendorKind::display_name)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The vendor that declares this connection setting (for its `--KEY` help text).
pub fn setting(key: &str) -> Option<(VendorKind, Setting)> {
    VendorKind::all().find_map(|v| {
        v.adapter()
            .settings()
            .iter()
            .find(|s| s.key == key)
            .map(|s| (v, *s))
    })
}

#[cfg(test)]
mod tests;
