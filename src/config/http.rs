//! `[http]`: timeouts and the body size cap.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    #[serde(deserialize_with = "seconds")]
    pub connect_timeout_secs: f64,
    #[serde(deserialize_with = "seconds")]
    pub timeout_secs: f64,
    #[serde(deserialize_with = "mebibytes")]
    pub max_body_mib: u64,
}

/// The rule for every timeout, in the file and on the command line: finite and above zero
/// (`nan`, `inf`, `0` and negatives are refused, never clamped into something surprising).
pub fn positive_seconds(value: f64) -> Result<f64, String> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(format!("must be a positive number of seconds, not {value}"))
    }
}

/// The rule for the body cap: at least 1 MiB.
pub fn positive_mebibytes(value: u64) -> Result<u64, String> {
    if value >= 1 {
        Ok(value)
    } else {
        Err("must be at least 1 (MiB)".to_owned())
    }
}

fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    positive_seconds(f64::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn mebibytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    positive_mebibytes(u64::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// Seconds as a duration; values outside the rule (only possible when built in code) fall back
/// to `default` instead of panicking in `Duration::from_secs_f64`.
fn duration(secs: f64, default: f64) -> Duration {
    let secs = positive_seconds(secs).unwrap_or(default).min(3600.0);
    Duration::try_from_secs_f64(secs.max(0.001)).unwrap_or(Duration::from_secs(30))
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
        duration(
            self.connect_timeout_secs,
            HttpSettings::default().connect_timeout_secs,
        )
    }

    pub fn timeout(&self) -> Duration {
        duration(self.timeout_secs, HttpSettings::default().timeout_secs)
    }

    pub fn max_body_bytes(&self) -> u64 {
        self.max_body_mib.saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_zero_negative_and_infinite_timeouts_are_refused_with_their_place() {
        for bad in ["nan", "0", "0.0", "-1", "inf", "-inf"] {
            let text = format!("[http]\ntimeout_secs = {bad}\n");
            let err = crate::config::Config::parse_located(&text, "c.toml").unwrap_err();
            assert!(
                err.starts_with("c.toml:2:16: must be a positive number of seconds"),
                "{bad}: {err}"
            );
        }
        let err = crate::config::Config::parse_located("[http]\nmax_body_mib = 0\n", "c.toml")
            .unwrap_err();
        assert!(err.starts_with("c.toml:2:16: must be at least 1"), "{err}");
    }

    #[test]
    fn durations_never_panic_on_values_built_in_code() {
        let odd = HttpSettings {
            connect_timeout_secs: f64::NAN,
            timeout_secs: f64::INFINITY,
            max_body_mib: 1,
        };
        assert_eq!(odd.connect_timeout(), Duration::from_secs(10));
        assert_eq!(odd.timeout(), Duration::from_secs(30));
        let big = HttpSettings {
            timeout_secs: 1e300,
            ..HttpSettings::default()
        };
        assert_eq!(big.timeout(), Duration::from_secs(3600));
    }
}
