//! `userscope demo-server [--port N]`: serve the built-in demo vendors on 127.0.0.1 until Ctrl-C
//! or SIGTERM. Prints where it listens, the demo keys and base URLs as ready-to-paste `export`
//! lines, and the demo people per vendor. The demo keys are not secrets: they only open this server.

use std::io::Write;

use url::Url;

use super::DemoServerArgs;
use crate::demo::{self, DemoServer};
use crate::secrets::{api_key_var, env_stem};
use crate::vendor::VendorKind;

/// Exit code when the port cannot be bound: like `get`'s network errors (design §4: 6).
pub const EXIT_BIND_FAILED: i32 = 6;

pub async fn run(args: DemoServerArgs) -> i32 {
    let server = match demo::start(args.port).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("userscope: {}", bind_error_message(args.port, &error));
            return EXIT_BIND_FAILED;
        }
    };
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) must not stop the server: it keeps serving, silently.
    let _ = out.write_all(banner(&server).as_bytes());
    let _ = out.flush();
    drop(out);
    wait_for_stop_signal().await;
    server.shutdown().await;
    0
}

fn bind_error_message(port: u16, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {port} on 127.0.0.1 is already in use; pick another with --port N, or --port 0 for any free port"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on port {port} on 127.0.0.1; pick a port above 1023 with --port N, or --port 0"
        ),
        _ => format!("cannot listen on 127.0.0.1:{port}: {error}"),
    }
}

/// Everything printed at start. The first line is stable (`Demo vendors listening on URL`):
/// scripts and tests read the port from it.
pub fn banner(server: &DemoServer) -> String {
    let base = base_text(&server.base_url());
    let mut text = format!("Demo vendors listening on {base}\n\n");
    text.push_str("# Paste into a shell, then e.g. `userscope get coho u-1001`:\n");
    for vendor in VendorKind::ALL {
        let stem = env_stem(vendor.as_str());
        text.push_str(&format!("export USERSCOPE_{stem}_BASE_URL={base}\n"));
        if vendor == VendorKind::Coho {
            text.push_str(&format!("export USERSCOPE_{stem}_AUTH_URL={base}\n"));
        }
        text.push_str(&format!(
            "export {}={}\n",
            api_key_var(vendor.as_str()),
            demo::demo_key(vendor)
        ));
    }
    text.push_str(&format!(
        "# Coho can also exchange a client id + secret for its token (unset USERSCOPE_COHO_API_KEY first):\n\
         # export USERSCOPE_COHO_CLIENT_ID={}\n\
         # export USERSCOPE_COHO_SECRET={}\n\n",
        demo::COHO_DEMO_CLIENT_ID,
        demo::COHO_DEMO_SECRET
    ));
    text.push_str(&people_table());
    text.push_str("\nPress Ctrl-C to stop.\n");
    text
}

/// `http://127.0.0.1:PORT`, without the trailing slash (it pastes into `--base-url` as is).
fn base_text(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

/// The demo people per vendor, and the lookup that always answers 429.
pub fn people_table() -> String {
    let mut text = String::from("Demo users (vendor, lookup kind, value, what it shows):\n");
    for vendor in VendorKind::ALL {
        for user in demo::users(vendor) {
            text.push_str(&format!(
                "  {:<10} {:<11} {:<38} {}\n",
                vendor.as_str(),
                user.lookup.as_str(),
                user.value,
                user.label
            ));
            for (kind, value) in user.also {
                text.push_str(&format!(
                    "  {:<10} {:<11} {:<38} {} (same person)\n",
                    vendor.as_str(),
                    kind.as_str(),
                    value,
                    user.label
                ));
            }
        }
        let (kind, value) = demo::rate_limited(vendor);
        text.push_str(&format!(
            "  {:<10} {:<11} {:<38} always rate limited (429)\n",
            vendor.as_str(),
            kind.as_str(),
            value
        ));
    }
    text.push_str("Any other ID answers 404; a wrong key answers 401, each in the vendor's own error format.\n");
    text
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addr_in_use_message_says_what_to_do() {
        let error = std::io::Error::from(std::io::ErrorKind::AddrInUse);
        assert_eq!(
            bind_error_message(8787, &error),
            "port 8787 on 127.0.0.1 is already in use; pick another with --port N, or --port 0 for any free port"
        );
    }

    #[test]
    fn people_table_lists_every_person_alias_and_rate_limited_id() {
        let table = people_table();
        assert!(
            table
                .contains("  coho       id          u-1001                                 rich\n")
        );
        assert!(table.contains(
            "  usercom    email       jane.doe@brightpath.io                 rich (same person)\n"
        ));
        assert!(table.contains("  vemetric   id          429                                    always rate limited (429)\n"));
        assert_eq!(
            table
                .lines()
                .filter(|l| l.contains("always rate limited"))
                .count(),
            5
        );
    }

    #[tokio::test]
    async fn banner_prints_the_real_port_keys_and_base_urls() {
        let server = demo::start(0).await.unwrap();
        let port = server.addr().port();
        let text = banner(&server);
        let first = text.lines().next().unwrap();
        assert_eq!(
            first,
            format!("Demo vendors listening on http://127.0.0.1:{port}")
        );
        assert!(text.contains(&format!(
            "export USERSCOPE_VEMETRIC_BASE_URL=http://127.0.0.1:{port}\n"
        )));
        assert!(text.contains(&format!(
            "export USERSCOPE_COHO_AUTH_URL=http://127.0.0.1:{port}\n"
        )));
        assert!(text.contains(&format!(
            "export USERSCOPE_USERCOM_API_KEY={}\n",
            demo::USERCOM_DEMO_KEY
        )));
        assert!(text.contains(&format!(
            "export USERSCOPE_COHO_API_KEY={}\n",
            demo::COHO_DEMO_TOKEN
        )));
        server.shutdown().await;
    }
}
