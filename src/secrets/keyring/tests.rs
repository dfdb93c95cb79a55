//! The keyring key source against `keyring_core`'s mock store: round trips, the entry format,
//! and every store failure mapped to a distinct `KeyError`.

use super::*;
use crate::secrets::ApiKey;
use crate::vendors::VendorKind;

/// A vendor that takes only plain keys.
fn plain() -> VendorKind {
    VendorKind::all()
        .find(|v| !v.accepts_client_credentials())
        .unwrap()
}

/// A vendor that also takes a client id + secret.
fn client() -> VendorKind {
    VendorKind::all()
        .find(|v| v.accepts_client_credentials())
        .unwrap()
}
use keyring_core::mock;
use std::sync::atomic::{AtomicBool, Ordering};

fn mock_store() -> Arc<CredentialStore> {
    mock::Store::new().unwrap()
}

/// Make the next call on the mock entry for `account` fail with `err`.
fn inject(store: &Arc<CredentialStore>, account: &str, err: StoreError) {
    let entry = store.build(SERVICE, account, None).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(err);
}

fn raw_secret(store: &Arc<CredentialStore>, account: &str) -> Vec<u8> {
    store
        .build(SERVICE, account, None)
        .unwrap()
        .get_secret()
        .unwrap()
}

fn key_of(cred: Option<Credential>) -> String {
    match cred {
        Some(Credential::Key(k)) => k.expose().to_owned(),
        other => panic!("expected a plain key, got {other:?}"),
    }
}

#[test]
fn set_get_delete_round_trip() {
    let store = mock_store();
    let keys = KeyringKeys::with_store(store.clone());
    assert!(keys.credential_for("crm", plain()).unwrap().is_none());
    let kind = keys
        .store("crm", &Credential::Key(ApiKey::new("fs-secret-1")))
        .unwrap();
    assert_eq!(kind, StoreKind::Injected);
    assert_eq!(raw_secret(&store, "crm"), b"fs-secret-1");
    assert_eq!(
        key_of(keys.credential_for("crm", plain()).unwrap()),
        "fs-secret-1"
    );
    // Replacing keeps one entry with the new value.
    keys.store("crm", &Credential::Key(ApiKey::new("fs-secret-2")))
        .unwrap();
    assert_eq!(
        key_of(keys.credential_for("crm", plain()).unwrap()),
        "fs-secret-2"
    );
    keys.delete("crm").unwrap();
    assert!(keys.credential_for("crm", plain()).unwrap().is_none());
    assert_eq!(
        keys.delete("crm").unwrap_err(),
        KeyError::NotFound {
            connection: "crm".into()
        }
    );
}

#[test]
fn account_is_the_lower_cased_connection_name() {
    let store = mock_store();
    let keys = KeyringKeys::with_store(store.clone());
    keys.store(" Tok-EU ", &Credential::Key(ApiKey::new("tok")))
        .unwrap();
    assert_eq!(raw_secret(&store, "tok-eu"), b"tok");
    assert_eq!(
        key_of(keys.credential_for("tok-eu", client()).unwrap()),
        "tok"
    );
    // Another connection of the same vendor has its own entry.
    assert!(keys.credential_for("tok-us", client()).unwrap().is_none());
}

#[test]
fn client_credentials_are_one_structured_entry() {
    let store = mock_store();
    let keys = KeyringKeys::with_store(store.clone());
    let cred = Credential::ClientCredentials {
        client_id: "client-123".into(),
        secret: ApiKey::new("s3cr\"et\\x"),
    };
    keys.store("tok", &cred).unwrap();
    assert_eq!(
        String::from_utf8(raw_secret(&store, "tok")).unwrap(),
        r#"{"clientId":"client-123","secret":"s3cr\"et\\x"}"#
    );
    match keys.credential_for("tok", client()).unwrap() {
        Some(Credential::ClientCredentials { client_id, secret }) => {
            assert_eq!(client_id, "client-123");
            assert_eq!(secret.expose(), "s3cr\"et\\x");
        }
        other => panic!("expected client credentials, got {other:?}"),
    }
    // A plain token under a client-credentials vendor stays a token.
    keys.store("tok-us", &Credential::Key(ApiKey::new("eyJtoken")))
        .unwrap();
    assert_eq!(
        key_of(keys.credential_for("tok-us", client()).unwrap()),
        "eyJtoken"
    );
}

#[test]
fn unusable_stored_values_are_bad_data_without_the_value() {
    let store = mock_store();
    let keys = KeyringKeys::with_store(store.clone());
    let entry = store.build(SERVICE, "tok", None).unwrap();
    entry.set_secret(br#"{"clientId":"x"}"#).unwrap();
    let err = keys.credential_for("tok", client()).unwrap_err();
    assert!(
        matches!(&err, KeyError::BadData { connection, .. } if connection == "tok"),
        "{err:?}"
    );
    assert!(err.to_string().contains("userscope keys set tok"), "{err}");
    store
        .build(SERVICE, "helpdesk", None)
        .unwrap()
        .set_secret(&[0xff, 0xfe])
        .unwrap();
    let err = keys.credential_for("helpdesk", plain()).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    store
        .build(SERVICE, "analytics", None)
        .unwrap()
        .set_secret(b"  \n")
        .unwrap();
    let err = keys.credential_for("analytics", plain()).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn locked_keyring_is_not_reported_as_no_key() {
    let store = mock_store();
    let locked = Arc::new(AtomicBool::new(true));
    let flag = locked.clone();
    let keys = KeyringKeys::with_store_and_check(store, move || {
        if flag.load(Ordering::SeqCst) {
            Err(KeyError::Locked {
                detail: "collection locked".into(),
            })
        } else {
            Ok(())
        }
    });
    let err = keys.credential_for("crm", plain()).unwrap_err();
    assert!(matches!(err, KeyError::Locked { .. }), "{err:?}");
    assert!(matches!(
        keys.delete("crm").unwrap_err(),
        KeyError::Locked { .. }
    ));
    locked.store(false, Ordering::SeqCst);
    assert!(keys.credential_for("crm", plain()).unwrap().is_none());
}

#[test]
fn injected_store_errors_map_to_distinct_key_errors() {
    let store = mock_store();
    let keys = KeyringKeys::with_store(store.clone());
    let read = |err: StoreError| {
        inject(&store, "helpdesk", err);
        keys.credential_for("helpdesk", plain()).unwrap_err()
    };
    let denied = read(StoreError::NoStorageAccess(Box::new(
        std::io::Error::other("user said no"),
    )));
    assert_eq!(
        denied,
        KeyError::PermissionDenied {
            detail: "user said no".into(),
            // The hint names this connection's own variable (issue 15).
            hint: permission_hint(StoreKind::Injected).replace(
                "USERSCOPE_<CONNECTION>_API_KEY",
                "USERSCOPE_HELPDESK_API_KEY"
            )
        }
    );
    assert!(
        denied
            .to_string()
            .ends_with("or set USERSCOPE_HELPDESK_API_KEY instead")
    );
    assert!(
        denied
            .to_string()
            .starts_with("the keyring refused access (user said no): unlock"),
        "{denied}"
    );
    let garbled = read(StoreError::BadEncoding(vec![0xff, 0x00]));
    assert!(matches!(garbled, KeyError::BadData { .. }), "{garbled:?}");
    let failed = read(StoreError::PlatformFailure(Box::new(
        std::io::Error::other("boom"),
    )));
    assert_eq!(
        failed,
        KeyError::Unavailable("the keyring failed: Platform failure: boom".into())
    );
    // Errors on write and delete go through the same mapping.
    inject(
        &store,
        "helpdesk",
        StoreError::NoStorageAccess(Box::new(std::io::Error::other("no"))),
    );
    assert!(matches!(
        keys.store("helpdesk", &Credential::Key(ApiKey::new("k")))
            .unwrap_err(),
        KeyError::PermissionDenied { .. }
    ));
    inject(&store, "helpdesk", StoreError::Ambiguous(vec![]));
    let ambiguous = keys.delete("helpdesk").unwrap_err();
    assert!(
        ambiguous
            .to_string()
            .contains("secret-tool clear service userscope username helpdesk"),
        "{ambiguous}"
    );
}

#[test]
fn a_store_that_cannot_open_reports_why_and_is_retried() {
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = attempts.clone();
    let keys = KeyringKeys {
        kind: StoreKind::SecretService,
        opener: Box::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Err(KeyError::NoSessionBus {
                detail: "no bus".into(),
                key_var: None,
            })
        }),
        opened: Mutex::new(None),
    };
    for _ in 0..2 {
        let err = keys.credential_for("tok", client()).unwrap_err();
        assert!(err.to_string().starts_with("no D-Bus session bus"), "{err}");
    }
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
}

#[test]
fn a_broken_connection_is_reopened_on_the_next_call() {
    let store = mock_store();
    let opens = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (counter, shared) = (opens.clone(), store.clone());
    let keys = KeyringKeys {
        kind: StoreKind::SecretService,
        opener: Box::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(OpenStore::new(shared.clone(), false, Arc::new(|| Ok(()))))
        }),
        opened: Mutex::new(None),
    };
    assert!(keys.credential_for("tok", client()).unwrap().is_none());
    assert!(keys.credential_for("tok", client()).unwrap().is_none());
    assert_eq!(opens.load(Ordering::SeqCst), 1, "an open store is kept");
    inject(
        &store,
        "tok",
        StoreError::PlatformFailure(Box::new(std::io::Error::other("bus gone"))),
    );
    assert!(matches!(
        keys.credential_for("tok", client()).unwrap_err(),
        KeyError::Unavailable(_)
    ));
    assert!(keys.credential_for("tok", client()).unwrap().is_none());
    assert_eq!(
        opens.load(Ordering::SeqCst),
        2,
        "reconnected after the failure"
    );
}

#[test]
fn keyring_choice_from_the_environment() {
    assert_eq!(choose_store(None).unwrap(), platform_default());
    assert_eq!(choose_store(Some(" ")).unwrap(), platform_default());
    #[cfg(target_os = "linux")]
    assert_eq!(
        choose_store(Some("keyutils")).unwrap(),
        StoreKind::KernelKeyutils
    );
    let err = choose_store(Some("vault")).unwrap_err();
    assert!(err.to_string().contains("use `keyutils`"), "{err}");
}
