//! Typed lookup errors and their stable exit codes (design §4).

use std::time::Duration;

use thiserror::Error;

/// Everything that can end a lookup. `Display` is the one-line human message with the fix.
#[derive(Debug, Error)]
pub enum LookupError {
    /// Bad usage, unknown vendor, invalid ID. Exit 2.
    #[error("{0}")]
    Usage(String),

    /// 404 / user not found. Exit 3.
    #[error("No such user at {vendor}{}", suffix(.message))]
    NotFound {
        vendor: &'static str,
        message: Option<String>,
    },

    /// No key configured for the connection. Exit 4.
    #[error("no API key for {connection}: set {env_var} or run `userscope keys set {connection}`")]
    NoKey { connection: String, env_var: String },

    /// 401 / 403. Exit 4.
    #[error("{vendor} rejected the key (HTTP {status}){}; check it, then run `userscope keys set {connection}`", suffix(.message))]
    KeyRejected {
        vendor: &'static str,
        connection: String,
        status: u16,
        message: Option<String>,
    },

    /// The key store could not be read (locked keyring, no Secret Service, …). Exit 4.
    #[error("{0}")]
    KeyStore(String),

    /// 429 after bounded retries. Exit 5.
    #[error("{vendor}: rate limited, retry in {} s{}", retry_secs(.retry_in), suffix(.message))]
    RateLimited {
        vendor: &'static str,
        retry_in: Option<Duration>,
        message: Option<String>,
    },

    /// Connection refused, DNS, TLS. Exit 6.
    #[error("could not reach {host}: {cause}")]
    Network { host: String, cause: String },

    /// Connected, but what came back was no HTTP response (another protocol, the connection
    /// closed or reset before the headers ended). Exit 6.
    #[error("{host} did not answer with HTTP: {cause}")]
    NotHttp { host: String, cause: String },

    /// Exit 6.
    #[error("{host} did not answer within {} s (timeout); raise it with --timeout", seconds_text(.after))]
    Timeout { host: String, after: Duration },

    /// 5xx or an undocumented status. Exit 6.
    #[error("{vendor} answered HTTP {status}{}{}", suffix(.message), body_excerpt(.excerpt))]
    Server {
        vendor: &'static str,
        status: u16,
        message: Option<String>,
        excerpt: Option<String>,
    },

    /// 2xx whose body is not JSON, was cut short, or is JSON of the wrong shape. Exit 6.
    #[error("{vendor} sent a body userscope cannot use (HTTP {status}): {cause}{}", body_excerpt(.excerpt))]
    InvalidBody {
        vendor: &'static str,
        status: u16,
        cause: String,
        excerpt: Option<String>,
    },

    /// Body larger than the cap; stopped reading at the cap. Exit 6.
    #[error("{vendor}'s response is larger than the {} MiB limit; raise it with --max-body-mib", .limit_bytes / (1024 * 1024))]
    TooLarge {
        vendor: &'static str,
        limit_bytes: u64,
    },

    /// The operator cancelled (TUI Esc). Not an exit path of `get`.
    #[error("cancelled")]
    Cancelled,
}

fn suffix(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.trim().is_empty() => format!(": {}", crate::sanitize::sanitize(m.trim())),
        _ => String::new(),
    }
}

fn body_excerpt(excerpt: &Option<String>) -> String {
    match excerpt {
        Some(e) if !e.trim().is_empty() => {
            format!(" — body: {}", crate::sanitize::sanitize(e.trim()))
        }
        _ => String::new(),
    }
}

/// Whole seconds as `30`, fractions as `0.5`.
fn seconds_text(d: &Duration) -> String {
    if d.subsec_millis() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{:.1}", d.as_secs_f64())
    }
}

fn retry_secs(retry_in: &Option<Duration>) -> String {
    match retry_in {
        // Rounded up: "retry in 1 s" after a 1.5 s wait would send the operator back too early.
        Some(d) => d.as_secs_f64().ceil().max(1.0).to_string(),
        None => "a few".to_owned(),
    }
}

impl LookupError {
    /// The stable exit code of `userscope get`.
    pub fn exit_code(&self) -> i32 {
        match self {
            LookupError::Usage(_) => 2,
            LookupError::NotFound { .. } => 3,
            LookupError::NoKey { .. }
            | LookupError::KeyRejected { .. }
            | LookupError::KeyStore(_) => 4,
            LookupError::RateLimited { .. } => 5,
            LookupError::Network { .. }
            | LookupError::NotHttp { .. }
            | LookupError::Timeout { .. }
            | LookupError::Server { .. }
            | LookupError::InvalidBody { .. }
            | LookupError::TooLarge { .. } => 6,
            LookupError::Cancelled => 130,
        }
    }
}
