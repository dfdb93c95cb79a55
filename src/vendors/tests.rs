//! The registry is the single list: every registered vendor brings everything the rest of the
//! app asks of it.

use super::*;
use crate::demo::{self, DemoRequest};
use crate::profile::Section;

#[test]
fn handles_round_trip_through_names() {
    for vendor in VendorKind::all() {
        assert_eq!(vendor.adapter().kind(), vendor);
        let shouted = format!(" {} ", vendor.as_str().to_uppercase());
        assert_eq!(VendorKind::parse(&shouted), Some(vendor));
        let json = serde_json::to_string(&vendor).unwrap();
        assert_eq!(json, format!("\"{}\"", vendor.as_str()));
        assert_eq!(serde_json::from_str::<VendorKind>(&json).unwrap(), vendor);
        // Deserializing takes exactly the CLI name, as the config file always has.
        assert!(serde_json::from_str::<VendorKind>(&json.to_uppercase()).is_err());
        assert_eq!(format!("{vendor:?}"), format!("VendorKind({vendor})"));
    }
    assert_eq!(VendorKind::all().next(), Some(VendorKind::first()));
    assert_eq!(VendorKind::parse("nope"), None);
    let err = serde_json::from_str::<VendorKind>("\"nope\"").unwrap_err();
    let expected: Vec<String> = VendorKind::all().map(|v| format!("`{v}`")).collect();
    assert!(
        err.to_string().starts_with(&format!(
            "unknown variant `nope`, expected one of {}",
            expected.join(", ")
        )),
        "{err}"
    );
    let sorted: Vec<VendorKind> = {
        let mut all: Vec<VendorKind> = VendorKind::all().collect();
        all.sort();
        all
    };
    assert_eq!(sorted, VendorKind::all().collect::<Vec<_>>());
}

#[test]
fn every_vendor_has_lookup_kinds_an_endpoint_and_properties() {
    for vendor in VendorKind::all() {
        let adapter = vendor.adapter();
        assert!(!vendor.lookup_kinds().is_empty(), "{vendor}");
        assert_eq!(vendor.default_lookup(), vendor.lookup_kinds()[0]);
        assert!(vendor.provides(Section::Properties) && vendor.provides(Section::Attributes));
        // A default base URL, or a documented setting that yields one (given a value).
        let needs_setting = vendor.default_base_url().is_none();
        let given = |key: &str| {
            (needs_setting && adapter.settings().iter().any(|s| s.key == key))
                .then(|| "acme".to_owned())
        };
        let settings = ConnectionSettings {
            connection: vendor.as_str(),
            env_stem: "X",
            lookup: &given,
        };
        let endpoint = adapter.endpoint(&settings).unwrap();
        let base = endpoint.base_url.unwrap();
        assert_eq!(base.scheme(), "https", "{vendor}");
        match vendor.default_base_url() {
            Some(url) => assert_eq!(base.as_str().trim_end_matches('/'), url),
            None => assert!(!adapter.settings().is_empty(), "{vendor}"),
        }
        // Vendors with a token exchange have somewhere to exchange.
        assert_eq!(
            endpoint.auth_url.is_some(),
            vendor.accepts_client_credentials(),
            "{vendor}"
        );
        for setting in adapter.settings() {
            assert_eq!(super::setting(setting.key).map(|(v, _)| v), Some(vendor));
            assert!(!setting.help.is_empty());
        }
    }
}

#[test]
fn every_vendor_has_demo_people_in_order_whose_bodies_normalize() {
    for vendor in VendorKind::all() {
        let users = demo::users(vendor);
        let labels: Vec<_> = users.iter().map(|u| u.label).collect();
        assert_eq!(
            labels,
            ["rich", "sparse", "non-Latin", "300 attributes"],
            "{vendor}"
        );
        for user in users {
            assert_eq!(
                user.lookup,
                vendor.default_lookup(),
                "{vendor} {}",
                user.value
            );
            assert!(
                user.body.len() < 100_000,
                "{vendor} {} is too big",
                user.value
            );
            let body = serde_json::from_str(user.body).unwrap();
            let normalized = vendor.adapter().normalize(body).unwrap();
            assert!(normalized.profile.id.is_some(), "{vendor} {}", user.value);
            assert_eq!(demo::find(vendor, user.lookup, user.value), Some(user));
        }
    }
}

/// The demo key opens the vendor's demo responder for its first person; a wrong key does not.
#[test]
fn every_demo_key_is_accepted_by_its_demo_responder() {
    for vendor in VendorKind::all() {
        let user = &demo::users(vendor)[0];
        let conn = Connection {
            name: vendor.as_str().into(),
            vendor,
            base_url: url::Url::parse("http://127.0.0.1:1").unwrap(),
            auth_url: None,
        };
        let spec = vendor
            .adapter()
            .build_request(&conn, &Lookup::new(user.lookup, user.value))
            .unwrap();
        let answer = |key: &str| {
            let value = spec.auth.header_value(key);
            let mut headers: Vec<(&str, &str)> = vec![(spec.auth.header, value.as_str())];
            for (name, value) in &spec.headers {
                headers.push((name, value.as_str()));
            }
            demo::respond(&DemoRequest {
                method: spec.method,
                path: spec.url.path(),
                query: spec.url.query(),
                headers: &headers,
                body: b"",
                now: std::time::SystemTime::now(),
            })
        };
        let ok = answer(demo::demo_key(vendor));
        assert_eq!((vendor, ok.status), (vendor, 200));
        assert_eq!(ok.body, user.body, "{vendor}");
        assert_eq!(answer("wrong").status, 401, "{vendor}");
    }
}
