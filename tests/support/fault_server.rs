//! A vendor that misbehaves on purpose: a raw TCP listener on loopback, so it can stall, cut a
//! body short, reset the connection or flood the client in ways a real HTTP library would not
//! let it. A script picks what to do per request; the server records every request head.
//!
//! The server runs on a runtime of its own (one thread), so sync tests and `#[tokio::test]`s use
//! it alike and a test that blocks on a child process cannot stall it. Dropping the server stops
//! it and every connection it still serves.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every connection handler stops by itself after this long, whatever its script says.
const CONNECTION_BOUND: Duration = Duration::from_secs(10);
/// Longest request head read; anything longer is dropped.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long the server waits for a request head before dropping the connection.
const HEAD_BOUND: Duration = Duration::from_secs(5);
/// Writes go out in pieces this big, so a flood notices a hang-up early.
const PIECE: usize = 64 * 1024;

/// A request as it arrived on the wire (target undecoded, header names lower-cased).
#[derive(Clone, Debug)]
pub struct SeenRequest {
    /// The request line as sent, e.g. `GET /v1/user/x HTTP/1.1`.
    pub line: String,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl SeenRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The key as sent, whatever the vendor's header (scheme word included).
    pub fn auth_value(&self) -> Option<&str> {
        self.header("authorization")
            .or_else(|| self.header("x-foldspace-api-key"))
    }
}

/// One thing the server does on a connection, in order.
pub enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
    /// Write the bytes one at a time with a pause after each.
    Drip(Vec<u8>, Duration),
    /// Write `total` spaces in 64 KiB pieces, counting what the socket accepts.
    Flood(u64),
    /// Write `total` body bytes of `fill` as HTTP chunked encoding, one 64 KiB chunk per piece
    /// (framing counted as written). No closing zero-size chunk: the body never ends properly,
    /// so only a client-side cap stops the reading early.
    FloodChunked {
        fill: u8,
        total: u64,
    },
    /// Abort the connection with a TCP RST (SO_LINGER 0) instead of a clean close.
    Reset,
}

/// What the server does for a request: given the request and its index (0 for the first
/// request this server saw), the steps to play on its connection.
type Script = Arc<dyn Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync>;

struct ServerState {
    script: Script,
    seen: Mutex<Vec<SeenRequest>>,
    /// Connections accepted, whether or not a request head followed.
    connections: AtomicUsize,
    /// Response bytes the socket accepted.
    written: AtomicU64,
    /// A write failed: the client hung up before the response was complete.
    client_hung_up: AtomicBool,
}

/// A running fault server; see the module docs.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<ServerState>,
    /// Dropped with the server, which ends its runtime (and so every connection).
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl FaultServer {
    /// A server on 127.0.0.1 (any free port) that lives until dropped.
    pub fn start(
        script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    ) -> FaultServer {
        FaultServer::start_on("127.0.0.1:0", script).expect("bind 127.0.0.1")
    }

    /// A server on `bind` (a loopback address: tests talk to nothing else).
    pub fn start_on(
        bind: &str,
        script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    ) -> std::io::Result<FaultServer> {
        FaultServer::launch(bind, None, Arc::new(script))
    }

    /// A server on 127.0.0.1 that also stops accepting after `lifetime`, whatever the test does.
    pub fn start_for(
        lifetime: Duration,
        script: impl Fn(&SeenRequest, usize) -> Vec<Step> + Send + Sync + 'static,
    ) -> FaultServer {
        FaultServer::launch("127.0.0.1:0", Some(lifetime), Arc::new(script))
            .expect("bind 127.0.0.1")
    }

    fn launch(bind: &str, lifetime: Option<Duration>, script: Script) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(bind)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState {
            script,
            seen: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            written: AtomicU64::new(0),
            client_hung_up: AtomicBool::new(false),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let for_loop = state.clone();
        std::thread::Builder::new()
            .name(format!("fault-server-{addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return;
                    };
                    let expired = async {
                        match lifetime {
                            Some(d) => tokio::time::sleep(d).await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        _ = stopped => {}
                        _ = expired => {}
                        _ = accept_loop(listener, for_loop) => {}
                    }
                });
                // Dropping the runtime here cancels the connections still being served.
            })?;
        Ok(FaultServer {
            addr,
            state,
            _stop: stop,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request head read so far, in arrival order.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.lock().unwrap().clone()
    }

    /// Connections accepted so far (a connection that never sent a head counts too).
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Response bytes the clients' sockets accepted so far (heads included).
    pub fn written(&self) -> u64 {
        self.state.written.load(Ordering::SeqCst)
    }

    /// Whether a write failed because a client hung up mid-response.
    pub fn client_hung_up(&self) -> bool {
        self.state.client_hung_up.load(Ordering::SeqCst)
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<ServerState>) {
    while let Ok((stream, _)) = listener.accept().await {
        state.connections.fetch_add(1, Ordering::SeqCst);
        let state = state.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_BOUND, serve(stream, state)).await;
        });
    }
}

async fn serve(mut stream: TcpStream, state: Arc<ServerState>) {
    let Some(request) = read_head(&mut stream).await else {
        return;
    };
    let index = {
        let mut seen = state.seen.lock().unwrap();
        seen.push(request.clone());
        seen.len() - 1
    };
    let steps = (state.script)(&request, index);
    for step in steps {
        let ok = match step {
            Step::Write(bytes) => write_counted(&mut stream, &bytes, &state).await,
            Step::Sleep(d) => {
                tokio::time::sleep(d).await;
                true
            }
            Step::Drip(bytes, every) => {
                let mut ok = true;
                for byte in bytes {
                    if !write_counted(&mut stream, &[byte], &state).await {
                        ok = false;
                        break;
                    }
                    tokio::time::sleep(every).await;
                }
                ok
            }
            Step::Flood(total) => {
                let piece = vec![b' '; PIECE];
                let mut left = total;
                let mut ok = true;
                while left > 0 {
                    let n = left.min(piece.len() as u64) as usize;
                    if !write_counted(&mut stream, &piece[..n], &state).await {
                        ok = false;
                        break;
                    }
                    left -= n as u64;
                }
                ok
            }
            Step::FloodChunked { fill, total } => {
                let mut left = total;
                let mut ok = true;
                while left > 0 {
                    let n = left.min(PIECE as u64) as usize;
                    if !write_counted(&mut stream, &chunk_frame(fill, n), &state).await {
                        ok = false;
                        break;
                    }
                    left -= n as u64;
                }
                ok
            }
            Step::Reset => {
                #[allow(deprecated)] // SO_LINGER 0 is exactly what makes the RST here.
                let _ = stream.set_linger(Some(Duration::ZERO));
                drop(stream);
                return;
            }
        };
        if !ok {
            state.client_hung_up.store(true, Ordering::SeqCst);
            return;
        }
    }
    let _ = stream.shutdown().await;
}

/// Write `bytes` in pieces, counting what the socket accepts; `false` once a write fails.
async fn write_counted(stream: &mut TcpStream, bytes: &[u8], state: &ServerState) -> bool {
    for piece in bytes.chunks(PIECE) {
        if stream.write_all(piece).await.is_err() {
            return false;
        }
        state
            .written
            .fetch_add(piece.len() as u64, Ordering::SeqCst);
    }
    true
}

/// One HTTP/1.1 chunk: `len` in hex, CRLF, `len` bytes of `fill`, CRLF.
fn chunk_frame(fill: u8, len: usize) -> Vec<u8> {
    let mut frame = format!("{len:x}\r\n").into_bytes();
    frame.resize(frame.len() + len, fill);
    frame.extend_from_slice(b"\r\n");
    frame
}

/// Read up to the blank line ending the request head; `None` on EOF, timeout or oversize.
async fn read_head(stream: &mut TcpStream) -> Option<SeenRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let deadline = Instant::now() + HEAD_BOUND;
    let end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return None;
        }
        let left = deadline.checked_duration_since(Instant::now())?;
        let n = tokio::time::timeout(left, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_owned();
    let mut first = line.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(SeenRequest {
        line,
        method,
        target,
        headers,
    })
}

/// A full response with Content-Length (unless one is given) and `Connection: close`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = head(status, headers);
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        // Re-open the head to add the length before the blank line.
        out.truncate(out.len() - 2);
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(body);
    out
}

/// Status line (reason phrase `Status`) and headers (plus `Connection: close`), ending with
/// the blank line.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    head_with_reason(&format!("{status} Status"), headers)
}

/// [`head`] with the status and reason phrase as given, e.g. `302 Found`.
pub fn head_with_reason(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// One `Write` of a JSON answer with this status and body.
pub fn json_response(status: u16, body: &str) -> Vec<Step> {
    vec![Step::Write(response(
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    ))]
}

/// One gzip member of 16 MiB of zeros, made by the system `gzip`: repeated, it is a gzip bomb
/// (RFC 1952 allows concatenated members) of any size. `None` without a `gzip` binary.
pub fn gzip_of_16_mib_of_zeros() -> Option<Vec<u8>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("gzip")
        .args(["-c", "-9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let feeder = std::thread::spawn(move || {
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..16 {
            stdin.write_all(&zeros).ok()?;
        }
        Some(())
    });
    let out = child.wait_with_output().ok()?;
    feeder.join().ok()??;
    if !out.status.success() || out.stdout.len() < 18 {
        return None;
    }
    Some(out.stdout)
}
