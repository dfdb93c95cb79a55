//! Linux key stores: the Secret Service over D-Bus (default) and the kernel keyring (opt-in),
//! and how their failures become distinct `KeyError`s.
//!
//! Verified on headless machines (shared/notes/keyring-on-linux.md): no session bus →
//! `Unavailable`; a bus without a provider → `ServiceUnknown`; a locked daemon answers reads
//! with "no entry" and fails writes, so "no entry" is only believed after checking that the
//! default collection is unlocked.

use std::sync::Arc;

use keyring_core::Error as StoreError;
use secret_service::EncryptionType;
use secret_service::blocking::SecretService;
use zbus::DBusError;

use super::KeyError;
use super::keyring::OpenStore;

/// The Secret Service store. Connecting already proves a bus and a provider exist.
pub(super) fn open_secret_service() -> Result<OpenStore, KeyError> {
    let store =
        zbus_secret_service_keyring_store::Store::new().map_err(|e| classify_or_unavailable(&e))?;
    Ok(OpenStore::new(
        store,
        true,
        Arc::new(default_collection_unlocked),
    ))
}

/// The kernel keyring. A CI shell has no session keyring, and without one every call fails
/// with "access denied"; asking for the session keyring with `create` joins a fresh one.
pub(super) fn open_keyutils() -> Result<OpenStore, KeyError> {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    KeyRing::from_special_id(KeyRingIdentifier::Session, true).map_err(|e| KeyError::PermissionDenied {
        detail: format!("cannot join a session keyring: {e:?}"),
        hint: "run userscope as the user who owns the keys, or unset USERSCOPE_KEYRING to use the Secret Service".into(),
    })?;
    let store =
        linux_keyutils_keyring_store::Store::new().map_err(|e| classify_or_unavailable(&e))?;
    Ok(OpenStore::new(store, false, Arc::new(|| Ok(()))))
}

/// Whether the default collection can be read, so a "no entry" from it can be believed.
fn default_collection_unlocked() -> Result<(), KeyError> {
    // Plain: this connection never carries a secret, only the Locked property.
    let ss = SecretService::connect(EncryptionType::Plain)
        .map_err(|e| classify_ss(&e).unwrap_or_else(|| unavailable(&e)))?;
    let locked = ss
        .get_default_collection()
        .and_then(|c| c.is_locked())
        .map_err(|e| classify_ss(&e).unwrap_or_else(|| unavailable(&e)))?;
    if locked {
        return Err(KeyError::Locked {
            detail: "the default Secret Service collection is locked".into(),
        });
    }
    Ok(())
}

fn classify_or_unavailable(err: &StoreError) -> KeyError {
    classify(err).unwrap_or_else(|| {
        KeyError::Unavailable(format!("the Secret Service keyring failed: {err}"))
    })
}

fn unavailable(err: &secret_service::Error) -> KeyError {
    KeyError::Unavailable(format!("the Secret Service keyring failed: {err}"))
}

/// The Linux-specific meaning of a store error, when there is one.
pub(super) fn classify(err: &StoreError) -> Option<KeyError> {
    let inner = match err {
        StoreError::PlatformFailure(e) | StoreError::NoStorageAccess(e) => e,
        _ => return None,
    };
    if let Some(ss) = inner.downcast_ref::<secret_service::Error>() {
        return classify_ss(ss);
    }
    if let Some(ku) = inner.downcast_ref::<linux_keyutils::KeyError>() {
        return matches!(ku, linux_keyutils::KeyError::AccessDenied).then(|| KeyError::PermissionDenied {
            detail: "kernel keyring: access denied".into(),
            hint: "the process has no usable session keyring: run it as the user who owns the keys (in a CI shell: `keyctl session - userscope …`), or unset USERSCOPE_KEYRING to use the Secret Service".into(),
        });
    }
    None
}

fn classify_ss(err: &secret_service::Error) -> Option<KeyError> {
    let detail = err.to_string();
    match err {
        secret_service::Error::Unavailable => Some(KeyError::NoSessionBus {
            detail,
            key_var: None,
        }),
        secret_service::Error::Locked | secret_service::Error::Prompt => {
            Some(KeyError::Locked { detail })
        }
        // The default collection is missing: gnome-keyring has not created the login keyring.
        secret_service::Error::NoResult => Some(KeyError::Locked {
            detail: "no default keyring collection".into(),
        }),
        secret_service::Error::Zbus(z) => classify_zbus(z),
        secret_service::Error::ZbusFdo(f) => by_dbus_name(f.name().as_str(), detail),
        _ => None,
    }
}

fn classify_zbus(err: &zbus::Error) -> Option<KeyError> {
    let detail = err.to_string();
    match err {
        zbus::Error::MethodError(name, _, _) => by_dbus_name(name.as_str(), detail),
        zbus::Error::FDO(f) => by_dbus_name(f.name().as_str(), detail),
        zbus::Error::Address(_) | zbus::Error::InputOutput(_) | zbus::Error::Handshake(_) => {
            Some(KeyError::NoSessionBus {
                detail,
                key_var: None,
            })
        }
        _ => None,
    }
}

/// D-Bus error names are the protocol's stable identifiers for these situations.
fn by_dbus_name(name: &str, detail: String) -> Option<KeyError> {
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner" => {
            Some(KeyError::NoProvider { detail, key_var: None })
        }
        // Activation of a provider that is installed but cannot start.
        n if n.starts_with("org.freedesktop.DBus.Error.Spawn") => Some(KeyError::NoProvider { detail, key_var: None }),
        "org.freedesktop.DBus.Error.AccessDenied" | "org.freedesktop.DBus.Error.AuthFailed" => {
            Some(KeyError::PermissionDenied {
                detail,
                hint: "the session bus refused the request: run userscope as the desktop user, or set USERSCOPE_<CONNECTION>_API_KEY instead".into(),
            })
        }
        "org.freedesktop.Secret.Error.IsLocked" => Some(KeyError::Locked { detail }),
        // gnome-keyring answers this when the default alias points at a login collection that
        // was never created (fresh data dir, nothing unlocked yet).
        "org.freedesktop.DBus.Error.UnknownObject" | "org.freedesktop.DBus.Error.UnknownMethod" => {
            Some(KeyError::Locked { detail })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(err: secret_service::Error) -> StoreError {
        StoreError::PlatformFailure(Box::new(err))
    }

    #[test]
    fn secret_service_states_are_distinct() {
        let no_bus = classify(&platform(secret_service::Error::Unavailable)).unwrap();
        assert!(
            matches!(no_bus, KeyError::NoSessionBus { .. }),
            "{no_bus:?}"
        );
        let no_provider = classify(&platform(secret_service::Error::ZbusFdo(
            zbus::fdo::Error::ServiceUnknown(
                "The name org.freedesktop.secrets was not provided by any .service files".into(),
            ),
        )))
        .unwrap();
        assert!(
            matches!(no_provider, KeyError::NoProvider { .. }),
            "{no_provider:?}"
        );
        assert!(
            no_provider
                .to_string()
                .contains("apt install gnome-keyring")
        );
        let locked = classify(&StoreError::NoStorageAccess(Box::new(
            secret_service::Error::Prompt,
        )))
        .unwrap();
        assert!(matches!(locked, KeyError::Locked { .. }), "{locked:?}");
        let denied = classify(&platform(secret_service::Error::ZbusFdo(
            zbus::fdo::Error::AccessDenied("nope".into()),
        )))
        .unwrap();
        assert!(
            matches!(denied, KeyError::PermissionDenied { .. }),
            "{denied:?}"
        );
        let missing_collection = classify(&platform(secret_service::Error::ZbusFdo(
            zbus::fdo::Error::UnknownMethod("Object does not exist at path".into()),
        )))
        .unwrap();
        assert!(matches!(missing_collection, KeyError::Locked { .. }));
        assert_eq!(
            classify(&platform(secret_service::Error::Crypto("bad"))),
            None
        );
        assert_eq!(classify(&StoreError::NoEntry), None);
    }

    #[test]
    fn keyutils_access_denied_explains_the_session_keyring() {
        let err = classify(&StoreError::NoStorageAccess(Box::new(
            linux_keyutils::KeyError::AccessDenied,
        )))
        .unwrap();
        assert!(err.to_string().contains("keyctl session"), "{err}");
    }

    #[test]
    fn injected_secret_service_errors_flow_through_the_key_source() {
        use crate::secrets::{KeyringKeys, SERVICE};
        use crate::vendors::VendorKind;
        let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let keys = KeyringKeys::with_store(store.clone());
        type Expect = fn(&KeyError) -> bool;
        let cases: [(secret_service::Error, Expect); 3] = [
            (secret_service::Error::Unavailable, |e| {
                matches!(e, KeyError::NoSessionBus { .. })
            }),
            (secret_service::Error::Locked, |e| {
                matches!(e, KeyError::Locked { .. })
            }),
            (
                secret_service::Error::ZbusFdo(zbus::fdo::Error::NameHasNoOwner("x".into())),
                |e| matches!(e, KeyError::NoProvider { .. }),
            ),
        ];
        for (injected, expected) in cases {
            let entry = store.build(SERVICE, "crm", None).unwrap();
            let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
            cred.set_error(platform(injected));
            let err = keys
                .credential_for("crm", VendorKind::all().next().unwrap())
                .unwrap_err();
            assert!(expected(&err), "{err:?}");
        }
    }
}
