//! The demo vendors' keys. They are not secrets: they only open the built-in demo server, which
//! prints them at start. Each has the shape of the real vendor's key.

use crate::secrets::{ApiKey, Credential, KeyError, KeyOrigin, KeySource};
use crate::vendor::{Connection, VendorKind};

/// A ready Coho access token (a JWT, like the real ones).
pub const COHO_DEMO_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2Vyc2NvcGUtZGVtbyIsImlzcyI6InVzZXJzY29wZSBkZW1vIHNlcnZlciIsInJvbGVzIjpbIkRhdGEgQVBJIFVzZXIiXX0.ZGVtby1zaWduYXR1cmUtbm90LWEtc2VjcmV0LTAwMDA";
/// Coho API-token client id, exchanged with [`COHO_DEMO_SECRET`] for [`COHO_DEMO_TOKEN`].
pub const COHO_DEMO_CLIENT_ID: &str = "0d3c5e2a-7b41-4f6e-9c28-5a1b3d7e9f60";
pub const COHO_DEMO_SECRET: &str = "5f8e2c1d-9a34-4b7e-8d60-2e1f4c9b7a35";
/// What the token exchange answers as `refresh_token`; the refresh endpoint accepts it.
pub const COHO_DEMO_REFRESH_TOKEN: &str = "rt_demo_aF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJzzzzg";
/// User.com: 64 characters.
pub const USERCOM_DEMO_KEY: &str =
    "demou8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKO";
pub const FOLDSPACE_DEMO_KEY: &str = "fsk_demo_AkWvj7FAc9QeWJKY40uvSwMFLZDe1f8r";
pub const CHAKRA_DEMO_KEY: &str = "chk_demo_f219e9cb0eb53f16947ccf25ec84d8dbc7425477";
/// Vemetric: `vem_` + 32 lowercase letters and digits.
pub const VEMETRIC_DEMO_KEY: &str = "vem_demomxg9edn581u33xtplpft75v2seh6";

/// The key (for Coho: the ready access token) the demo server accepts for this vendor.
pub fn demo_key(vendor: VendorKind) -> &'static str {
    match vendor {
        VendorKind::Coho => COHO_DEMO_TOKEN,
        VendorKind::Usercom => USERCOM_DEMO_KEY,
        VendorKind::Foldspace => FOLDSPACE_DEMO_KEY,
        VendorKind::Chakra => CHAKRA_DEMO_KEY,
        VendorKind::Vemetric => VEMETRIC_DEMO_KEY,
    }
}

/// Hands out the demo keys (`get --demo`, `userscope --demo`). Coho gets the ready token, so
/// a demo lookup is one request; the token exchange is still served for clients that use it.
#[derive(Clone, Copy, Debug, Default)]
pub struct DemoKeys;

impl KeySource for DemoKeys {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        Ok(Some((
            Credential::Key(ApiKey::new(demo_key(conn.vendor))),
            KeyOrigin::Demo,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_real_shapes() {
        assert_eq!(USERCOM_DEMO_KEY.len(), 64);
        assert!(USERCOM_DEMO_KEY.chars().all(|c| c.is_ascii_alphanumeric()));
        let vem = VEMETRIC_DEMO_KEY.strip_prefix("vem_").unwrap();
        assert_eq!(vem.len(), 32);
        assert!(
            vem.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_eq!(COHO_DEMO_TOKEN.split('.').count(), 3);
    }

    #[test]
    fn demo_keys_answer_every_vendor_with_origin_demo() {
        for vendor in VendorKind::ALL {
            let conn = Connection {
                name: vendor.as_str().into(),
                vendor,
                base_url: url::Url::parse("http://127.0.0.1:1").unwrap(),
                auth_url: None,
            };
            let (cred, origin) = DemoKeys.credential(&conn).unwrap().unwrap();
            assert_eq!(origin, KeyOrigin::Demo);
            match cred {
                Credential::Key(k) => assert_eq!(k.expose(), demo_key(vendor)),
                other => panic!("{other:?}"),
            }
        }
    }
}
