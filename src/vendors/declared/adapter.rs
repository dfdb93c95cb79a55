//! The one generic adapter every config-defined vendor uses. Built once per vendor at
//! start-up; the strings the trait hands out as `&'static` are leaked once then (a handful of
//! bytes per vendor, for the life of the process).

use serde_json::Value;

use super::demo::DeclaredDemo;
use super::normalize::{NoProfile, normalize};
use super::template::render_query;
use super::{AuthStyle, Spec};
use crate::error::LookupError;
use crate::profile::{Normalized, Section};
use crate::vendors::common::{check_value, error_object, one_line, vendor_url};
use crate::vendors::demo_kit::DemoVendor;
use crate::vendors::{
    AuthPlacement, Connection, FindClass, Lookup, LookupKind, RequestSpec, VendorAdapter,
    VendorKind, WrongShape,
};

/// A vendor defined in the config file.
pub struct Declared {
    spec: Spec,
    kind: VendorKind,
    name: &'static str,
    display_name: &'static str,
    base_url: &'static str,
    kinds: &'static [LookupKind],
    auth: AuthPlacement,
    demo: &'static DeclaredDemo,
}

impl Declared {
    /// The adapter for a validated spec under the handle the registry gives it. Leaks the
    /// names and the demo responder: call once per vendor and process (the registry does).
    pub fn new(spec: Spec, kind: VendorKind) -> Declared {
        let leak = |s: &str| -> &'static str { String::leak(s.to_owned()) };
        let auth = match &spec.auth {
            AuthStyle::Bearer => AuthPlacement::bearer(),
            AuthStyle::Token => AuthPlacement {
                header: "authorization",
                scheme: Some("Token"),
            },
            AuthStyle::Header(name) => AuthPlacement {
                header: leak(name),
                scheme: None,
            },
            AuthStyle::Basic => AuthPlacement {
                header: "authorization",
                scheme: Some("Basic"),
            },
        };
        let kinds: Vec<LookupKind> = spec.lookups.iter().map(|l| l.by).collect();
        let demo: &'static DeclaredDemo = Box::leak(Box::new(DeclaredDemo::for_spec(&spec)));
        Declared {
            name: leak(&spec.name),
            display_name: leak(&spec.display_name),
            base_url: leak(spec.base_url.as_str().trim_end_matches('/')),
            kinds: Vec::leak(kinds),
            auth,
            demo,
            kind,
            spec,
        }
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }
}

impl VendorAdapter for Declared {
    /// No lookup's `profile` pointer finds anything (e.g. an empty search result): design §10
    /// says that is "not found" (exit 3), like a 404.
    fn finds_nobody(&self, body: &Value) -> bool {
        super::normalize::profile_pointer(&self.spec, body).is_err()
    }

    fn kind(&self) -> VendorKind {
        self.kind
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn display_name(&self) -> &'static str {
        self.display_name
    }

    fn lookup_kinds(&self) -> &'static [LookupKind] {
        self.kinds
    }

    fn default_base_url(&self) -> Option<&'static str> {
        Some(self.base_url)
    }

    /// Properties always (every unmapped leaf lands there); the rest only when mapped.
    fn provides(&self, section: Section) -> bool {
        let f = &self.spec.fields;
        match section {
            Section::Properties => true,
            Section::Tags => f.tags.is_some(),
            Section::Segments => f.segments.is_some(),
            Section::Attributes => f.attributes.is_some(),
            Section::Location => !f.location.is_empty(),
        }
    }

    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        self.spec
            .lookups
            .iter()
            .find(|l| l.find == Some(class))
            .map(|l| l.by)
            .ok_or("no lookup of this vendor says `find` for this class in the config file")
    }

    fn demo(&self) -> &'static dyn DemoVendor {
        self.demo
    }

    fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        // The spec, not the handle, says which kinds exist (the handle is only the registry's).
        let spec = match self.spec.lookups.iter().find(|l| l.by == lookup.by) {
            Some(spec) => spec,
            None => {
                let kinds: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
                return Err(LookupError::Usage(format!(
                    "{} cannot look users up by {}; its config defines {} — use --by {}",
                    self.display_name,
                    lookup.by,
                    kinds.join(", "),
                    kinds.join("|")
                )));
            }
        };
        check_value(conn.vendor, lookup)?;
        let path = spec.path.render_path(&lookup.value)?;
        let query = render_query(&spec.query, &lookup.value);
        Ok(RequestSpec {
            method: "GET",
            url: vendor_url(conn, &path, query.as_deref())?,
            headers: vec![("accept", "application/json".to_owned())],
            auth: self.auth,
        })
    }

    fn normalize(&self, body: Value) -> Result<Normalized, WrongShape> {
        normalize(&self.spec, body).map_err(|e| match e {
            NoProfile::Nobody(pointers) => {
                let list: Vec<String> = pointers.iter().map(|p| format!("`{p}`")).collect();
                WrongShape(format!(
                    "no person in the body: no lookup's profile pointer ({}) finds anything",
                    list.join(", ")
                ))
            }
            NoProfile::Shape(message) => WrongShape(message),
        })
    }

    fn error_message(&self, _status: u16, body: &[u8]) -> Option<String> {
        let at = self.spec.error_message.as_ref()?;
        let doc = Value::Object(error_object(body)?);
        match at.resolve(&doc)? {
            Value::String(s) => one_line(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}
