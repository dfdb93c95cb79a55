//! `[http]`: timeouts and the body size cap.

use std::time::Duration;

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    pub connect_timeout_secs: f64,
    pub timeout_secs: f64,
    pub max_body_mib: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout_secs: 10.0,
            timeout_secs: 30.0,
            max_body_mib: 32,
        }
    }
}

impl HttpSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.connect_timeout_secs.clamp(0.001, 3600.0))
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_secs.clamp(0.001, 3600.0))
    }

    pub fn max_body_bytes(&self) -> u64 {
        self.max_body_mib.saturating_mul(1024 * 1024)
    }
}
