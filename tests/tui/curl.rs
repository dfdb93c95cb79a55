//! Copy as curl (`Y` in the Request pane): a real lookup per vendor against a loopback mock,
//! with a canary key; the command names every header sent, the key only as the connection's
//! variable, and the canary never.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use userscope::config::{Config, HttpSettings, Overrides};
use userscope::lookup::Lookuper;
use userscope::secrets::EnvKeys;
use userscope::tui::message::Effect;
use userscope::vendors::{Lookup, VendorKind};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

const CANARY: &str = "CANARY-KEY-7f3e9b21d4c8a605";

/// The command for each vendor, with `{BASE}` for the mock's loopback address.
fn expected(vendor: VendorKind) -> String {
    let agent = format!("userscope/{}", env!("CARGO_PKG_VERSION"));
    match vendor {
        VendorKind::COHO => format!(
            "curl -X 'GET' -H 'user-agent: {agent}' \
             -H \"authorization: Bearer $USERSCOPE_COHO_API_KEY\" '{{BASE}}/api/data/user/u-1001'"
        ),
        VendorKind::USERCOM => format!(
            "curl -X 'GET' -H 'user-agent: {agent}' -H 'accept: */*; version=2' \
             -H \"authorization: Token $USERSCOPE_USERCOM_API_KEY\" \
             '{{BASE}}/api/public/users/search/?key=g3FaYocCy0U6'"
        ),
        VendorKind::FOLDSPACE => format!(
            "curl -X 'GET' -H 'user-agent: {agent}' \
             -H \"x-foldspace-api-key: $USERSCOPE_FOLDSPACE_API_KEY\" \
             '{{BASE}}/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2'"
        ),
        VendorKind::CHAKRA => format!(
            "curl -X 'GET' -H 'user-agent: {agent}' \
             -H \"authorization: Bearer $USERSCOPE_CHAKRA_API_KEY\" \
             '{{BASE}}/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831'"
        ),
        VendorKind::VEMETRIC => format!(
            "curl -X 'GET' -H 'user-agent: {agent}' \
             -H \"authorization: Bearer $USERSCOPE_VEMETRIC_API_KEY\" \
             '{{BASE}}/v1/users/single?id=4815162342'"
        ),
        other => panic!("no expected command for {other}: add one"),
    }
}

#[tokio::test]
async fn copy_as_curl_is_the_exact_request_with_the_key_as_its_variable() {
    for vendor in VendorKind::all() {
        let server = MockServer::start().await;
        assert!(server.address().ip().is_loopback());
        let user = rich_user(vendor);
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(user.body, "application/json"))
            .mount(&server)
            .await;
        let overrides = Overrides {
            base_url: Some(server.uri()),
            ..Overrides::default()
        };
        let connection = Config::default()
            .resolve(vendor.as_str(), &overrides, &|_: &str| None)
            .unwrap();
        let env: HashMap<String, String> = [(
            userscope::secrets::api_key_var(vendor.as_str()),
            CANARY.to_owned(),
        )]
        .into();
        let keys = EnvKeys::with_lookup(move |name: &str| env.get(name).cloned());
        let lookuper = Lookuper::new(HttpSettings::default(), Arc::new(keys)).unwrap();
        let lookup = Lookup::new(user.lookup, user.value);
        let outcome = lookuper
            .run(&connection, &lookup, None, CancellationToken::new())
            .await
            .unwrap();
        // The mock really got the canary: the command below is built from a request that
        // carried it.
        let sent = server.received_requests().await.unwrap();
        assert!(
            sent.iter().any(|r| r
                .headers
                .values()
                .any(|v| v.to_str().unwrap_or("").contains(CANARY))),
            "{vendor}"
        );

        let command = userscope::curl::curl_command(&outcome.request, &outcome.connection);
        assert_eq!(
            command,
            expected(vendor).replace("{BASE}", &server.uri()),
            "{vendor}"
        );
        assert!(!command.contains(CANARY), "{vendor}");

        // In the app: `Y` in the Request pane copies it and says what was copied.
        let mut app = loaded_with(outcome, true);
        press(&mut app, "8");
        let effects = press(&mut app, "Y");
        let copied: Vec<&String> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Copy(text) => Some(text),
                _ => None,
            })
            .collect();
        assert_eq!(copied, [&command], "{vendor}");
        let var = userscope::secrets::api_key_var(vendor.as_str());
        assert_eq!(
            app.notice.as_deref(),
            Some(
                format!(
                    "Copied the request as curl ({} characters; the key is ${var})",
                    command.chars().count()
                )
                .as_str()
            ),
            "{vendor}"
        );
        // Elsewhere `Y` still copies the key path.
        press(&mut app, "2");
        let effects = press(&mut app, "Y");
        assert!(
            matches!(effects.as_slice(), [Effect::Copy(t)] if t.starts_with("properties.")),
            "{effects:?}"
        );
    }
}
