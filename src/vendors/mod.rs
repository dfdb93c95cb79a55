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

/// Every registered adapter. Vendors defined in the config file (design §10) will be appended
/// here at start-up (leaked `&'static` adapters in a `OnceLock`), so a handle stays an index.
fn registered() -> &'static [&'static dyn VendorAdapter] {
    &BUILT_IN
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
