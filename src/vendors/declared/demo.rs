//! The demo side of config-defined vendors. Every declared vendor gets a responder that
//! answers its own lookup paths (so `--demo` never sends its key anywhere else); the demo
//! vendor "Ledgerly" (its TOML and fixtures in `assets/demo/ledgerly/`, embedded) also has
//! demo people, registered when a demo runs.

use std::borrow::Cow;

use base64::Engine;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::{AuthStyle, LookupSpec, Pointer, Spec};
use crate::demo_fixture;
use crate::vendors::LookupKind;
use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, DemoVendor, EVERYWHERE_EMAIL, EVERYWHERE_ID,
    RETRY_AFTER_SECS, method_not_allowed, scheme_token,
};

/// The demo vendor's definition, exactly as the README documents it.
pub const DEMO_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo/ledgerly/vendor.toml"
));

/// The key the demo server accepts for the demo vendor (not a secret).
pub const DEMO_KEY: &str = "lgr_demo_7f3a9c2e";

const RICH: &str = demo_fixture!("ledgerly", "acct-1001");
const SPARSE: &str = demo_fixture!("ledgerly", "acct-1002");
const NON_LATIN: &str = demo_fixture!("ledgerly", "acct-1003");
const MANY: &str = demo_fixture!("ledgerly", "acct-1004");
const EVERYWHERE: &str = demo_fixture!("ledgerly", "everywhere");

static USERS: [DemoUser; 4] = [
    DemoUser {
        lookup: LookupKind::Id,
        value: "acct-1001",
        label: "rich",
        also: &[(LookupKind::Email, "zoe.angstrom@example.com")],
        body: RICH,
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "acct-1002",
        label: "sparse",
        also: &[],
        body: SPARSE,
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "acct-1003",
        label: "non-Latin",
        also: &[(LookupKind::Email, "yuki.tanaka@example.jp")],
        body: NON_LATIN,
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "acct-1004",
        label: "300 attributes",
        also: &[],
        body: MANY,
    },
];

static EVERYWHERE_USER: DemoUser = DemoUser {
    lookup: LookupKind::Id,
    value: EVERYWHERE_ID,
    label: "find demo person",
    also: &[(LookupKind::Email, EVERYWHERE_EMAIL)],
    body: EVERYWHERE,
};

/// The demo vendor's spec, parsed from [`DEMO_TOML`] (checked by a unit test, so `None` here
/// would mean a broken build).
pub fn demo_spec() -> Option<Spec> {
    super::parse_section(DEMO_TOML).ok()?.into_iter().next()
}

/// A declared vendor's demo: its paths, its auth header, and people only for the demo vendor.
pub struct DeclaredDemo {
    key: &'static str,
    auth: AuthStyle,
    lookups: Vec<LookupSpec>,
    users: &'static [DemoUser],
    everywhere: Option<&'static DemoUser>,
}

impl DeclaredDemo {
    /// The demo vendor's spec gets its people; any other declared vendor a responder that
    /// knows nobody (a demo never reaches a real host).
    pub fn for_spec(spec: &Spec) -> DeclaredDemo {
        let is_demo = demo_spec().is_some_and(|demo| demo == *spec);
        DeclaredDemo {
            key: if is_demo {
                DEMO_KEY
            } else {
                String::leak(format!("demo-{}-key", spec.name))
            },
            auth: spec.auth.clone(),
            lookups: spec.lookups.clone(),
            users: if is_demo { &USERS } else { &[] },
            everywhere: is_demo.then_some(&EVERYWHERE_USER),
        }
    }

    fn key_accepted(&self, req: &DemoRequest<'_>) -> bool {
        let given = match &self.auth {
            AuthStyle::Bearer => scheme_token(req, "Bearer").map(Cow::Borrowed),
            AuthStyle::Token => scheme_token(req, "Token").map(Cow::Borrowed),
            AuthStyle::Header(name) => req.header(name).map(|v| Cow::Borrowed(v.trim())),
            AuthStyle::Basic => scheme_token(req, "Basic").map(|t| {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(t)
                    .unwrap_or_default();
                Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
            }),
        };
        given.is_some_and(|g| g == self.key)
    }

    /// The body answering `lookup` for this person: the fixture as committed for the first
    /// lookup; for the others, the person moved to where that lookup's `profile` points.
    fn body(&self, user: &'static DemoUser, lookup: &LookupSpec) -> DemoResponse {
        let first = self.lookups.first().map(|l| &l.profile);
        if first == Some(&lookup.profile) {
            return DemoResponse::fixture(user.body);
        }
        let person = serde_json::from_str::<Value>(user.body)
            .ok()
            .and_then(|doc| first.and_then(|p| p.resolve(&doc)).cloned());
        DemoResponse::json(200, &embed(&lookup.profile, person))
    }
}

/// A document in which `at` finds `person`; with no person, the container it would be in,
/// empty (`/results/0` → `{"results": []}`: an empty search result, for when an empty 2xx
/// search reads as not found).
fn embed(at: &Pointer, person: Option<Value>) -> Value {
    let mut tokens = at.tokens();
    let mut inner = match (person, tokens.pop()) {
        (Some(person), Some(last)) => wrap(&last, person),
        (Some(person), None) => person,
        (None, Some(last)) if last.parse::<usize>().is_ok() => json!([]),
        (None, _) => json!({}),
    };
    while let Some(token) = tokens.pop() {
        inner = wrap(&token, inner);
    }
    inner
}

fn wrap(token: &str, inner: Value) -> Value {
    if token == "0" {
        json!([inner])
    } else {
        json!({ token: inner })
    }
}

impl DemoVendor for DeclaredDemo {
    fn key(&self) -> &'static str {
        self.key
    }

    fn users(&self) -> &'static [DemoUser] {
        self.users
    }

    fn everywhere(&self) -> Option<&'static DemoUser> {
        self.everywhere
    }

    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse> {
        let (lookup, value) = self.lookups.iter().find_map(|l| {
            if let Some(encoded) = l.path.match_path(req.path) {
                let value = percent_decode_str(encoded).decode_utf8().ok()?;
                return Some((l, Some(value.into_owned())));
            }
            if !l.path.is_path(req.path) {
                return None;
            }
            let asked = l
                .query
                .iter()
                .find(|(_, t)| t.uses_value())
                .and_then(|(name, _)| req.query_param(name));
            Some((l, asked))
        })?;
        if !req.is_get() {
            return Some(method_not_allowed("GET"));
        }
        let error = |status: u16, message: &str| {
            DemoResponse::json(status, &json!({"error": {"message": message}}))
        };
        if !self.key_accepted(req) {
            return Some(error(401, "missing or invalid API token"));
        }
        let Some(value) = value else {
            return Some(error(400, "the lookup value is missing"));
        };
        if self.is_rate_limited(lookup.by, &value) {
            return Some(
                error(429, "slow down").with_header("retry-after", RETRY_AFTER_SECS.to_string()),
            );
        }
        let found = self.users.iter().chain(self.everywhere).find(|u| {
            std::iter::once((u.lookup, u.value))
                .chain(u.also.iter().copied())
                .any(|(k, v)| k == lookup.by && self.same_value(k, v, &value))
        });
        Some(match found {
            Some(user) => self.body(user, lookup),
            // A documented 404 for strangers, whichever lookup asked (an empty 200 search
            // would be "not found" too, through `VendorAdapter::finds_nobody`).
            None => error(404, "no such contact"),
        })
    }
}
