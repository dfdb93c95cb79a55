//! `userscope keys set|delete|list|test`: API keys in the OS keyring (service `userscope`,
//! account = connection name). A key is never read from the command line, printed or logged.
//!
//! Exit codes: 0 done (also `delete` of a key that was not there: deleting is idempotent);
//! 2 bad usage, unknown connection or no key given; 4 the key store failed, or `list` found a
//! keyring error on some row, or `test` found no key / a rejected key. `test` otherwise uses
//! the exit codes of `get` (design §4): 5 rate limited, 6 network or server trouble.
//!
//! `keys set` reads the key from a hidden prompt on a terminal, or from stdin otherwise (one
//! line; surrounding whitespace is dropped): `printf %s "$KEY" | userscope keys set VENDOR`.
//! Client credentials (vendors with a token exchange): `--client-id ID` (not a secret) with the
//! secret from the prompt or stdin; on a terminal without `--client-id` the command asks which
//! of the two you have.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use zeroize::{Zeroize, Zeroizing};

use super::{ConnectionArgs, KeysCommand};
use crate::config::{Config, vendor_names};
use crate::error::LookupError;
use crate::lookup::Lookuper;
use crate::sanitize::sanitize;
use crate::secrets::{
    self, ApiKey, Credential, EnvKeys, KeyError, KeyOrigin, KeySource, KeyringKeys, SERVICE,
    api_key_var,
};
use crate::vendors::{Connection, Lookup, LookupKind, VendorKind};

/// Longest key accepted on stdin; real keys are far shorter.
const MAX_KEY_BYTES: usize = 16 * 1024;

/// The ID `keys test` looks up when none is given: a 404 for it still proves the key works.
const PROBE_ID: &str = "userscope-key-test";

pub async fn run(cmd: KeysCommand) -> i32 {
    let result = match cmd {
        KeysCommand::Set {
            connection,
            client_id,
        } => blocking(move || set(&connection, client_id.as_deref())).await,
        KeysCommand::Delete { connection } => blocking(move || delete(&connection)).await,
        KeysCommand::List { json } => blocking(move || list(json)).await,
        KeysCommand::Test {
            connection,
            id,
            conn,
        } => test(&connection, id.as_deref(), &conn).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("userscope: {error}");
            error.exit_code()
        }
    }
}

/// Keyring calls and terminal prompts block; keep them off the async workers.
async fn blocking(
    work: impl FnOnce() -> Result<i32, LookupError> + Send + 'static,
) -> Result<i32, LookupError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| LookupError::Usage(format!("internal error: {e}")))?
}

/// A connection's keyring account and vendor. Unlike `Config::resolve` this needs no URL, so a
/// key can be stored before the settings that make the vendor's host (e.g. a subdomain).
pub fn key_target(config: &Config, name: &str) -> Result<(String, VendorKind), LookupError> {
    let name = name.trim();
    let vendor = match config.connections.get(name) {
        Some(conf) => conf.vendor.or_else(|| VendorKind::parse(name)),
        None => VendorKind::parse(name),
    };
    let vendor = vendor.ok_or_else(|| {
        let configured: Vec<String> = config
            .connections
            .keys()
            .map(|n| sanitize(n).into_owned())
            .collect();
        let configured = if configured.is_empty() {
            String::new()
        } else {
            format!("; configured connections: {}", configured.join(", "))
        };
        LookupError::Usage(format!(
            "unknown vendor or connection `{}`; vendors: {}{configured}",
            sanitize(name),
            vendor_names()
        ))
    })?;
    Ok((name.to_ascii_lowercase(), vendor))
}

fn set(name: &str, client_id: Option<&str>) -> Result<i32, LookupError> {
    let config = Config::load()?;
    let (account, vendor) = key_target(&config, name)?;
    if client_id.is_some() && !vendor.accepts_client_credentials() {
        return Err(LookupError::Usage(format!(
            "--client-id is only for {} connections; `{account}` is {}",
            crate::vendors::client_credential_vendors(),
            vendor.display_name()
        )));
    }
    let credential = if std::io::stdin().is_terminal() {
        read_from_terminal(&account, vendor, client_id)?
    } else {
        let secret = read_key_from_stdin(&account)?;
        match client_id {
            Some(id) => client_credentials(vendor, id, secret)?,
            None => Credential::Key(secret),
        }
    };
    let stored_text = match &credential {
        Credential::Key(key) => key.expose(),
        Credential::ClientCredentials { secret, .. } => secret.expose(),
    };
    if let Some(refusal) = secrets::control_character_refusal(stored_text) {
        return Err(LookupError::Usage(refusal));
    }
    if let Credential::Key(key) = &credential
        && let Some(warning) = secrets::shape_warning(vendor, key.expose())
    {
        eprintln!("warning: {warning}; storing it anyway");
    }
    let keyring = KeyringKeys::os();
    let kind = keyring.store(&account, &credential)?;
    tracing::info!(connection = %account, store = %kind, kind = credential.kind_text(), "stored a key");
    println!(
        "Stored the {} for {account} in the {kind} (service {SERVICE}, account {account}).",
        credential.kind_text()
    );
    if let Some((_, KeyOrigin::Env(var))) =
        EnvKeys::from_process_env().credential_for(&account, vendor)
    {
        eprintln!("note: {var} is set in this environment and takes precedence over the keyring");
    }
    Ok(0)
}

fn client_credentials(
    vendor: VendorKind,
    client_id: &str,
    secret: ApiKey,
) -> Result<Credential, LookupError> {
    let client_id = client_id.trim();
    if client_id.is_empty()
        || client_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(LookupError::Usage(format!(
            "the {} client id must be one word without spaces",
            vendor.display_name()
        )));
    }
    Ok(Credential::ClientCredentials {
        client_id: client_id.to_owned(),
        secret,
    })
}

/// Hidden prompt; for a vendor with a token exchange and no `--client-id`, first ask whether
/// this is a ready token.
fn read_from_terminal(
    account: &str,
    vendor: VendorKind,
    client_id: Option<&str>,
) -> Result<Credential, LookupError> {
    let exchange = vendor.adapter().token_exchange();
    let name = vendor.display_name();
    let client_id = match (exchange, client_id) {
        (Some(exchange), None) => {
            eprintln!(
                "{name} accepts an {}, or a client id + secret that userscope exchanges for short-lived tokens.",
                exchange.token_name()
            );
            eprint!(
                "Client id (leave empty to store an {} instead): ",
                exchange.token_name()
            );
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| LookupError::Usage(format!("cannot read the client id: {e}")))?;
            let line = line.trim().to_owned();
            (!line.is_empty()).then_some(line)
        }
        (_, id) => id.map(str::to_owned),
    };
    let what = match (&client_id, exchange) {
        (Some(_), _) => format!("{name} client secret"),
        (None, Some(exchange)) => format!("{name} {}", exchange.token_name()),
        (None, None) => format!("{name} API key"),
    };
    let mut typed = rpassword::prompt_password(format!("{what} for {account} (input hidden): "))
        .map_err(|e| LookupError::Usage(format!("cannot read the key from the terminal: {e}")))?;
    let secret = ApiKey::from_secret_str(typed.trim());
    typed.zeroize();
    if secret.expose().is_empty() {
        return Err(LookupError::Usage(
            "no key typed; nothing stored".to_owned(),
        ));
    }
    match client_id {
        Some(id) => client_credentials(vendor, &id, secret),
        None => Ok(Credential::Key(secret)),
    }
}

/// The key from non-terminal stdin: one line, read into a fixed buffer that is wiped on drop
/// (a growing buffer would leave unwiped copies behind when it reallocates).
fn read_key_from_stdin(account: &str) -> Result<ApiKey, LookupError> {
    let mut buffer = Zeroizing::new(vec![0u8; MAX_KEY_BYTES + 1]);
    let mut filled = 0;
    let mut stdin = std::io::stdin().lock();
    while filled < buffer.len() {
        match stdin.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(LookupError::Usage(format!(
                    "cannot read the key from stdin: {e}"
                )));
            }
        }
    }
    if filled > MAX_KEY_BYTES {
        return Err(LookupError::Usage(format!(
            "stdin holds more than {MAX_KEY_BYTES} bytes; give only the key, e.g. `printf %s \"$KEY\" | userscope keys set {account}`"
        )));
    }
    let text = std::str::from_utf8(&buffer[..filled])
        .map_err(|_| LookupError::Usage("the key on stdin is not UTF-8 text".to_owned()))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(LookupError::Usage(format!(
            "no key on stdin; nothing stored. Pipe the key in (`printf %s \"$KEY\" | userscope keys set {account}`) or run the command in a terminal to type it"
        )));
    }
    if key.contains(['\n', '\r']) {
        return Err(LookupError::Usage(format!(
            "stdin holds more than one line; give only the key ({} client credentials: pass --client-id ID and only the secret on stdin)",
            crate::vendors::client_credential_vendors()
        )));
    }
    Ok(ApiKey::from_secret_str(key))
}

fn delete(name: &str) -> Result<i32, LookupError> {
    let config = Config::load()?;
    let (account, vendor) = key_target(&config, name)?;
    let keyring = KeyringKeys::os();
    match keyring.delete(&account) {
        Ok(kind) => {
            tracing::info!(connection = %account, store = %kind, "deleted a key");
            println!("Deleted the key for {account} from the {kind}.");
        }
        Err(KeyError::NotFound { .. }) => println!(
            "No key for {account} in the {}; nothing to delete.",
            keyring.kind()
        ),
        Err(e) => return Err(e.into()),
    }
    if let Some((_, KeyOrigin::Env(var))) =
        EnvKeys::from_process_env().credential_for(&account, vendor)
    {
        eprintln!("note: {var} is still set in this environment, and userscope will keep using it");
    }
    Ok(0)
}

/// One row of `keys list`: where a connection's key comes from, never the key.
#[derive(Debug, PartialEq)]
pub struct KeyRow {
    pub connection: String,
    pub vendor: VendorKind,
    pub status: String,
    pub keyring_error: Option<KeyError>,
}

/// The key status of a connection from what the environment and the keyring said.
pub fn key_status(
    env: Option<&(Credential, KeyOrigin)>,
    keyring: &Result<Option<Credential>, KeyError>,
) -> String {
    let env_text = env.map(|(_, origin)| origin.to_string());
    let keyring_text = match keyring {
        Ok(Some(Credential::ClientCredentials { .. })) => {
            Some("keyring (client id + secret)".to_owned())
        }
        Ok(Some(Credential::Key(_))) => Some("keyring".to_owned()),
        Ok(None) => None,
        Err(e) => Some(format!("keyring error: {}", short_error(e))),
    };
    match (env_text, keyring_text, keyring) {
        (Some(env), Some(_), Ok(_)) => format!("{env} + keyring (env wins)"),
        (Some(env), Some(err), Err(_)) => format!("{env} ({err})"),
        (Some(env), None, _) => env,
        (None, Some(k), _) => k,
        (None, None, _) => "not set".to_owned(),
    }
}

/// A few words per row; the full message with the fix is printed once below the table.
fn short_error(err: &KeyError) -> &'static str {
    match err {
        KeyError::NoSessionBus { .. } => "no D-Bus session bus",
        KeyError::NoProvider { .. } => "no Secret Service provider",
        KeyError::Locked { .. } => "keyring locked",
        KeyError::NotFound { .. } => "no item",
        KeyError::PermissionDenied { .. } => "access denied",
        KeyError::BadData { .. } => "stored value unusable",
        KeyError::Unavailable(_) => "keyring unavailable",
    }
}

fn list(json: bool) -> Result<i32, LookupError> {
    let config = Config::load()?;
    let env = EnvKeys::from_process_env();
    let keyring = KeyringKeys::os();
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    for name in config.connection_names() {
        let (account, vendor) = key_target(&config, &name)?;
        let from_env = env.credential_for(&account, vendor);
        let from_keyring = keyring.credential_for(&account, vendor);
        if json {
            json_rows.push(key_json(&account, vendor, from_env.as_ref(), &from_keyring));
        }
        rows.push(KeyRow {
            status: key_status(from_env.as_ref(), &from_keyring),
            connection: sanitize(&account).into_owned(),
            vendor,
            keyring_error: from_keyring.err(),
        });
    }
    if json {
        let text = serde_json::to_string_pretty(&json_rows)
            .map_err(|e| LookupError::Usage(format!("cannot render JSON: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", render_list(&rows, &keyring.kind().to_string()));
    }
    let failed = rows.iter().any(|r| r.keyring_error.is_some());
    Ok(if failed { 4 } else { 0 })
}

/// One connection of `keys list --json`: whether a key is set and where from, never the key.
/// `env` names the variable that holds one; `keyring` is `key`, `client_credentials`, `error`
/// or null; `status` is the table's text.
pub fn key_json(
    account: &str,
    vendor: VendorKind,
    env: Option<&(Credential, KeyOrigin)>,
    keyring: &Result<Option<Credential>, KeyError>,
) -> serde_json::Value {
    let env_var = env.map(|(_, origin)| match origin {
        KeyOrigin::Env(var) => var.clone(),
        other => other.to_string(),
    });
    let in_keyring = match keyring {
        Ok(Some(Credential::Key(_))) => Some("key"),
        Ok(Some(Credential::ClientCredentials { .. })) => Some("client_credentials"),
        Ok(None) => None,
        Err(_) => Some("error"),
    };
    serde_json::json!({
        "connection": account,
        "vendor": vendor.as_str(),
        "keySet": env.is_some() || matches!(keyring, Ok(Some(_))),
        "env": env_var,
        "keyring": in_keyring,
        "status": key_status(env, keyring),
        "keyringError": keyring.as_ref().err().map(|e| sanitize(&e.to_string()).into_owned()),
    })
}

/// The `keys list` table, then each distinct keyring error once with its fix.
pub fn render_list(rows: &[KeyRow], store: &str) -> String {
    let width = |f: fn(&KeyRow) -> usize, title: &str| {
        rows.iter().map(f).chain([title.len()]).max().unwrap_or(0)
    };
    let w_conn = width(|r| r.connection.chars().count(), "CONNECTION");
    let w_vendor = width(|r| r.vendor.as_str().len(), "VENDOR");
    let mut out = format!(
        "Keys come from USERSCOPE_<CONNECTION>_API_KEY first, then the {store} (service {SERVICE}).\n"
    );
    out.push_str(&format!(
        "{:<w_conn$}  {:<w_vendor$}  KEY\n",
        "CONNECTION", "VENDOR"
    ));
    for row in rows {
        out.push_str(&format!(
            "{:<w_conn$}  {:<w_vendor$}  {}\n",
            row.connection,
            row.vendor.as_str(),
            row.status
        ));
    }
    let mut shown: Vec<String> = Vec::new();
    for err in rows.iter().filter_map(|r| r.keyring_error.as_ref()) {
        let message = err.to_string();
        if !shown.contains(&message) {
            out.push_str(&format!("\nkeyring: {message}\n"));
            shown.push(message);
        }
    }
    if rows.iter().any(|r| r.status == "not set") {
        out.push_str("\nSet a key with `userscope keys set CONNECTION` (or the USERSCOPE_<CONNECTION>_API_KEY environment variable).\n");
    }
    out
}

/// Answers with one credential found beforehand, so `keys test` reads the keyring once.
struct FoundKey(Credential, KeyOrigin);

impl KeySource for FoundKey {
    fn credential(&self, _conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        Ok(Some((self.0.clone(), self.1.clone())))
    }
}

/// The lookup `keys test` makes without `--id`: one that a 404 answers for any valid key.
fn probe_lookup(vendor: VendorKind) -> Lookup {
    let kind = if vendor.lookup_kinds().contains(&LookupKind::Identifier) {
        LookupKind::Identifier
    } else {
        vendor.default_lookup()
    };
    Lookup::new(kind, PROBE_ID)
}

async fn test(name: &str, id: Option<&str>, flags: &ConnectionArgs) -> Result<i32, LookupError> {
    let config = Config::load()?;
    let settings = super::get::http_settings(&config.http, flags)?;
    let overrides = super::get::overrides(flags)?;
    let env = |var: &str| std::env::var(var).ok();
    let conn = config.resolve(name, &overrides, &env)?;
    let lookup = match id {
        Some(id) => super::get::parse_lookup(&conn, None, id)?,
        None => probe_lookup(conn.vendor),
    };
    let for_keys = conn.clone();
    let found =
        blocking_credential(move || secrets::default_key_source().credential(&for_keys)).await?;
    let (credential, origin) = found.ok_or_else(|| LookupError::NoKey {
        connection: conn.name.clone(),
        env_var: api_key_var(&conn.name),
    })?;
    let vendor = conn.vendor.display_name();
    let lookuper = Lookuper::new(settings, Arc::new(FoundKey(credential, origin.clone())))?;
    match lookuper
        .run(&conn, &lookup, None, CancellationToken::new())
        .await
    {
        Ok(outcome) => {
            println!(
                "key accepted: {vendor} answered HTTP {} for {} (key from {origin})",
                outcome.request.status, conn.name
            );
            Ok(0)
        }
        Err(LookupError::NotFound { .. }) => {
            println!(
                "key accepted: {vendor} answered 404 (no such user), so the key itself works for {} (key from {origin})",
                conn.name
            );
            Ok(0)
        }
        Err(rejected @ LookupError::KeyRejected { .. }) => {
            println!("key rejected (key from {origin})");
            Err(rejected)
        }
        Err(other) => Err(other),
    }
}

async fn blocking_credential(
    work: impl FnOnce() -> Result<Option<(Credential, KeyOrigin)>, KeyError> + Send + 'static,
) -> Result<Option<(Credential, KeyOrigin)>, LookupError> {
    let found = tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| LookupError::Usage(format!("internal error: {e}")))?;
    found.map_err(LookupError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_lookup_uses_a_kind_every_vendor_accepts() {
        for vendor in VendorKind::all() {
            let probe = probe_lookup(vendor);
            assert_eq!(probe.value, PROBE_ID);
            assert!(vendor.lookup_kinds().contains(&probe.by), "{vendor}");
            let expected = if vendor.lookup_kinds().contains(&LookupKind::Identifier) {
                LookupKind::Identifier
            } else {
                vendor.default_lookup()
            };
            assert_eq!(probe.by, expected, "{vendor}");
        }
    }

    #[test]
    fn list_json_says_where_a_key_is_never_the_key() {
        let vendor = VendorKind::all().next().unwrap();
        let env = (
            Credential::Key(ApiKey::new("sk-live-123".to_owned())),
            KeyOrigin::Env("USERSCOPE_X_API_KEY".to_owned()),
        );
        let keyring = Ok(Some(Credential::Key(ApiKey::new("kr-456".to_owned()))));
        let row = key_json("x", vendor, Some(&env), &keyring);
        assert_eq!(
            row,
            serde_json::json!({
                "connection": "x", "vendor": vendor.as_str(), "keySet": true,
                "env": "USERSCOPE_X_API_KEY", "keyring": "key",
                "status": "env USERSCOPE_X_API_KEY + keyring (env wins)", "keyringError": null
            })
        );
        let text = row.to_string();
        assert!(
            !text.contains("sk-live-123") && !text.contains("kr-456"),
            "{text}"
        );
        let none = key_json("y", vendor, None, &Ok(None));
        assert_eq!(none["keySet"], false);
        assert_eq!(none["env"], serde_json::Value::Null);
        assert_eq!(none["status"], "not set");
    }

    #[test]
    fn client_id_must_be_one_word() {
        let vendor = VendorKind::all()
            .find(|v| v.accepts_client_credentials())
            .unwrap();
        let err = client_credentials(vendor, "my id", ApiKey::new("s")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the {} client id must be one word without spaces",
                vendor.display_name()
            )
        );
        assert!(matches!(
            client_credentials(vendor, " cid ", ApiKey::new("s")).unwrap(),
            Credential::ClientCredentials { client_id, .. } if client_id == "cid"
        ));
    }
}
