//! The built-in demo vendors: an HTTP server on 127.0.0.1 that answers like the real services,
//! on their real paths, from the fixtures in `assets/demo/` (embedded in the binary).
//! `userscope demo-server`, `get --demo` and the TUI's `--demo` all run this. What each vendor
//! answers, its people and its keys live in its folder (`vendors/NAME/demo.rs`).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use tokio::sync::oneshot;
use url::Url;

use crate::vendors::{Connection, VendorKind};

mod keys;
mod respond;

pub use crate::vendors::demo_kit::{
    DemoRequest, DemoResponse, DemoUser, RATE_LIMITED_ID, RETRY_AFTER_SECS, demo_key, find,
    is_rate_limited, rate_limited, users,
};
pub use keys::DemoKeys;
pub use respond::respond;

/// A running demo server. Dropping it stops the server.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// The demo server on a free loopback port, for a command's `--demo` (a failure to bind is
/// a network error naming 127.0.0.1, as the commands report it).
pub async fn start_for_command() -> Result<DemoServer, crate::error::LookupError> {
    start(0)
        .await
        .map_err(|e| crate::error::LookupError::Network {
            host: "127.0.0.1".to_owned(),
            cause: format!("could not start the demo server: {e}"),
        })
}

/// Bind 127.0.0.1:`port` (0 picks a free port) and serve the demo vendors in a tokio task.
/// Must be called inside a tokio runtime.
pub async fn start(port: u16) -> std::io::Result<DemoServer> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().fallback(handle);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // Either an explicit stop or the handle being dropped ends the server.
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::warn!("demo server stopped: {e}");
        }
    });
    tracing::info!("demo vendors listening on {addr}");
    Ok(DemoServer {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

impl DemoServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`: scheme, host and port only, like every connection's base URL.
    pub fn base_url(&self) -> Url {
        base_url_for(self.addr)
    }

    /// A connection to this server for a vendor, named after the vendor (the key account).
    /// Token exchanges are served here too.
    pub fn connection(&self, vendor: VendorKind) -> Connection {
        let base_url = self.base_url();
        Connection {
            name: vendor.as_str().to_owned(),
            vendor,
            auth_url: vendor
                .accepts_client_credentials()
                .then(|| base_url.clone()),
            base_url,
        }
    }

    /// Stop accepting, let requests in flight finish, and wait for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[allow(
    clippy::expect_used,
    reason = "a constant URL, checked by every demo test"
)]
fn base_url_for(addr: SocketAddr) -> Url {
    let mut url = Url::parse("http://127.0.0.1/").expect("a constant URL parses");
    // A socket address always makes a valid host and port; fall back to the bare URL otherwise.
    let _ = url.set_ip_host(addr.ip());
    let _ = url.set_port(Some(addr.port()));
    url
}

/// The axum glue: copy the request into a `DemoRequest`, answer it, copy the answer back.
async fn handle(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let header_pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let request = DemoRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query(),
        headers: &header_pairs,
        body: &body,
        now: SystemTime::now(),
    };
    let answer = respond(&request);
    // Method, path and status only: never headers (keys) or bodies.
    tracing::debug!(method = %method, path = uri.path(), status = answer.status, "demo request");
    into_response(answer)
}

fn into_response(answer: DemoResponse) -> Response {
    let mut response = Response::new(Body::from(answer.body.into_owned()));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_is_scheme_host_port() {
        let url = base_url_for(SocketAddr::from(([127, 0, 0, 1], 8787)));
        assert_eq!(url.as_str(), "http://127.0.0.1:8787/");
    }
}
