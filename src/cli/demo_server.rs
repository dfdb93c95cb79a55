//! `userscope demo-server [--port N]`: serve the built-in demo vendors on 127.0.0.1 until Ctrl-C
//! or SIGTERM. Prints where it listens, the demo keys and base URLs as ready-to-paste `export`
//! lines, and the demo people per vendor. The demo keys are not secrets: they only open this server.

use std::io::Write;

use url::Url;

use super::DemoServerArgs;
use crate::demo::{self, DemoServer};
use crate::secrets::{api_key_var, env_stem};
use crate::vendors::VendorKind;

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
    // Listen for SIGTERM before announcing the port: a script that reads the banner and stops
    // the server at once must not kill it before the handler is in place.
    let stop = StopSignal::listen();
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) must not stop the server: it keeps serving, silently.
    let _ = out.write_all(banner(&server).as_bytes());
    let _ = out.flush();
    drop(out);
    stop.wait().await;
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
    if let Some(first) = VendorKind::all().next()
        && let Some(user) = demo::users(first).first()
    {
        text.push_str(&format!(
            "# Paste into a shell, then e.g. `userscope get {first} {}`:\n",
            user.value
        ));
    }
    for vendor in VendorKind::all() {
        let stem = env_stem(vendor.as_str());
        text.push_str(&format!("export USERSCOPE_{stem}_BASE_URL={base}\n"));
        if vendor.accepts_client_credentials() {
            text.push_str(&format!("export USERSCOPE_{stem}_AUTH_URL={base}\n"));
        }
        text.push_str(&format!(
            "export {}={}\n",
            api_key_var(vendor.as_str()),
            demo::demo_key(vendor)
        ));
    }
    for vendor in VendorKind::all() {
        if let Some((client_id, secret)) = vendor.adapter().demo().client_credentials() {
            let stem = env_stem(vendor.as_str());
            text.push_str(&format!(
                "# {} can also exchange a client id + secret for its token (unset {} first):\n\
                 # export USERSCOPE_{stem}_CLIENT_ID={client_id}\n\
                 # export USERSCOPE_{stem}_SECRET={secret}\n\n",
                vendor.display_name(),
                api_key_var(vendor.as_str()),
            ));
        }
    }
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
    for vendor in VendorKind::all() {
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

/// Ctrl-C or (on Unix) SIGTERM, registered when created.
struct StopSignal {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl StopSignal {
    fn listen() -> Self {
        StopSignal {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok(),
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        if let Some(mut term) = self.term {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
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
    fn people_table_has_a_rate_limited_line_per_vendor() {
        let table = people_table();
        assert_eq!(
            table
                .lines()
                .filter(|l| l.contains("always rate limited"))
                .count(),
            VendorKind::all().count()
        );
        for vendor in VendorKind::all() {
            let first = &demo::users(vendor)[0];
            let line = format!(
                "  {:<10} {:<11} {:<38} rich\n",
                vendor.as_str(),
                first.lookup.as_str(),
                first.value
            );
            assert!(table.contains(&line), "{table}");
        }
    }
}
