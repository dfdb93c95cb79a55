//! The demo vendors' keys as a key source. They are not secrets: they only open the built-in
//! demo server, which prints them at start. Each vendor folder holds its own, in the shape of
//! the real vendor's key.

use crate::secrets::{ApiKey, Credential, KeyError, KeyOrigin, KeySource};
use crate::vendors::Connection;
use crate::vendors::demo_kit::demo_key;

/// Hands out the demo keys (`get --demo`, `userscope --demo`). Token vendors get the ready
/// token, so a demo lookup is one request; their token exchange is still served for clients
/// that use it.
#[derive(Clone, Copy, Debug, Default)]
pub struct DemoKeys;

impl KeySource for DemoKeys {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        Ok(Some((
            Credential::Key(ApiKey::new(demo_key(conn.vendor))),
            KeyOrigin::Demo,
        )))
    }

    fn answers_from_memory(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::VendorKind;

    #[test]
    fn demo_keys_answer_every_vendor_with_origin_demo() {
        for vendor in VendorKind::all() {
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
