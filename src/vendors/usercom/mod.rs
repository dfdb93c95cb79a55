//! User.com: `GET https://{subdomain}.user.com/api/public/users/search/?key={key}` (also
//! `users/{id}/` and `users/search/?email=`), `Authorization: Token KEY`. Each account has its
//! own host, so a connection needs the `subdomain` setting.

use super::demo_kit::DemoVendor;
use super::{
    Connection, ConnectionSettings, Endpoint, FindClass, Lookup, LookupKind, RequestSpec, Setting,
    VendorAdapter, VendorKind, WrongShape,
};
use crate::error::LookupError;
use crate::profile::Normalized;

mod adapter;
mod demo;

pub use adapter::Usercom;
pub use adapter::{ACCEPT, AUTH};
pub use demo::UsercomDemo;

/// User.com: 64 characters.
pub const USERCOM_DEMO_KEY: &str =
    "demou8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKO";
pub use demo::USERCOM_RATE_LIMITED_ID;

/// User.com API keys are 64 characters.
const KEY_LEN: usize = 64;

const SETTINGS: &[Setting] = &[Setting {
    key: "subdomain",
    help: "User.com account subdomain (the part before .user.com)",
}];

/// `https://{subdomain}.user.com`; the subdomain must be one DNS label so it cannot pick another host.
pub fn base_for(subdomain: &str) -> Result<url::Url, LookupError> {
    let sub = subdomain.trim().to_ascii_lowercase();
    let valid = !sub.is_empty()
        && sub.len() <= 63
        && sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !sub.starts_with('-')
        && !sub.ends_with('-');
    if !valid {
        return Err(LookupError::Usage(format!(
            "`{}` is not a User.com subdomain: letters, digits and '-' only (the part before .user.com)",
            crate::sanitize::sanitize(subdomain)
        )));
    }
    crate::config::parse_base_url(&format!("https://{sub}.user.com"), "subdomain")
}

impl VendorAdapter for Usercom {
    /// The documented avatar field.
    fn avatar_field(&self) -> Option<&'static str> {
        Some("gravatar_url")
    }

    fn kind(&self) -> VendorKind {
        VendorKind::USERCOM
    }
    fn name(&self) -> &'static str {
        "usercom"
    }
    fn display_name(&self) -> &'static str {
        "User.com"
    }
    fn lookup_kinds(&self) -> &'static [LookupKind] {
        &[LookupKind::Key, LookupKind::Id, LookupKind::Email]
    }
    fn describe_kind(&self, kind: LookupKind) -> &'static str {
        match kind {
            LookupKind::Key => "user key (cookie)",
            other => other.as_str(),
        }
    }
    /// Each account has its own host: see `endpoint`.
    fn default_base_url(&self) -> Option<&'static str> {
        None
    }
    fn settings(&self) -> &'static [Setting] {
        SETTINGS
    }
    fn endpoint(&self, settings: &ConnectionSettings<'_>) -> Result<Endpoint, LookupError> {
        let base_url = match settings.get("subdomain") {
            Some(sub) => base_for(&sub),
            None => Err(LookupError::Usage(format!(
                "User.com needs your account subdomain: pass --subdomain, set USERSCOPE_{stem}_SUBDOMAIN, or add `subdomain = \"…\"` to [connections.{name}] in the config file",
                stem = settings.env_stem,
                name = settings.connection,
            ))),
        };
        Ok(Endpoint {
            base_url,
            auth_url: None,
        })
    }
    fn key_shape_warning(&self, key: &str) -> Option<String> {
        let len = key.chars().count();
        (len != KEY_LEN)
            .then(|| format!("User.com API keys are {KEY_LEN} characters long; this one has {len}"))
    }
    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        match class {
            FindClass::Email => Ok(LookupKind::Email),
            FindClass::Id => Err("User.com IDs are its own numbers, not your product's user ID"),
        }
    }
    fn demo(&self) -> &'static dyn DemoVendor {
        &UsercomDemo
    }
    fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        Usercom::build_request(self, conn, lookup)
    }
    fn normalize(&self, body: serde_json::Value) -> Result<Normalized, WrongShape> {
        Usercom::normalize(self, body)
    }
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String> {
        Usercom::error_message(self, status, body)
    }
}

#[cfg(test)]
mod tests;
