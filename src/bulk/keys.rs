//! One key read for a whole bulk run: the credential is resolved once, before the first
//! request, and handed to every lookup from memory (a keyring behind D-Bus is asked once, not
//! once per line).

use crate::error::LookupError;
use crate::secrets::{Credential, KeyError, KeyOrigin, KeySource, api_key_var};
use crate::vendors::Connection;

/// Answers every lookup with the credential read once. `Debug` is not derived: it holds a key.
pub struct ReadOnce {
    connection: String,
    found: (Credential, KeyOrigin),
}

impl ReadOnce {
    /// Read `conn`'s credential from `source` (off the async workers: a keyring read blocks).
    /// No key, or a store that cannot be read, ends the run before anything is sent (exit 4):
    /// every line would fail the same way.
    pub async fn read(
        source: std::sync::Arc<dyn KeySource>,
        conn: &Connection,
    ) -> Result<ReadOnce, LookupError> {
        let for_read = conn.clone();
        let found = tokio::task::spawn_blocking(move || source.credential(&for_read))
            .await
            .map_err(|_| {
                LookupError::KeyStore(format!("reading the key for {} failed", conn.name))
            })?
            .map_err(|e| {
                LookupError::KeyStore(format!("cannot read the key for {}: {e}", conn.name))
            })?
            .ok_or_else(|| LookupError::NoKey {
                connection: conn.name.clone(),
                env_var: api_key_var(&conn.name),
            })?;
        Ok(ReadOnce {
            connection: conn.name.clone(),
            found,
        })
    }
}

impl KeySource for ReadOnce {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        // Only the connection it was read for: another one has no key here.
        Ok((conn.name == self.connection).then(|| self.found.clone()))
    }

    fn answers_from_memory(&self) -> bool {
        true
    }
}

/// Keys for many connections, each read from `source` once, when first asked for, then from
/// memory (`find --from`: every line asks every connection). A store error is not kept: the
/// next ask tries again. `Debug` is not derived: it holds keys.
pub struct Memo {
    source: std::sync::Arc<dyn KeySource>,
    read: std::sync::Mutex<std::collections::HashMap<String, Option<(Credential, KeyOrigin)>>>,
}

impl Memo {
    pub fn new(source: std::sync::Arc<dyn KeySource>) -> Memo {
        Memo {
            source,
            read: std::sync::Mutex::default(),
        }
    }
}

impl KeySource for Memo {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        let known = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&conn.name)
            .cloned();
        if let Some(found) = known {
            return Ok(found);
        }
        let found = self.source.credential(conn)?;
        self.read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(conn.name.clone(), found.clone());
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::secrets::ApiKey;
    use crate::vendors::VendorKind;

    struct Counting(AtomicUsize);

    impl KeySource for Counting {
        fn credential(&self, _: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Some((
                Credential::Key(ApiKey::new("k-1".to_owned())),
                KeyOrigin::Env("X".to_owned()),
            )))
        }
    }

    fn conn(name: &str) -> Connection {
        let vendor = VendorKind::all().next().unwrap();
        Connection {
            name: name.to_owned(),
            vendor,
            base_url: url::Url::parse("http://127.0.0.1:9/").unwrap(),
            auth_url: None,
        }
    }

    #[tokio::test]
    async fn the_source_is_read_once_and_only_for_its_connection() {
        let source = Arc::new(Counting(AtomicUsize::new(0)));
        let once = ReadOnce::read(source.clone(), &conn("a")).await.unwrap();
        for _ in 0..5 {
            assert!(once.credential(&conn("a")).unwrap().is_some());
        }
        assert!(once.credential(&conn("b")).unwrap().is_none());
        assert_eq!(source.0.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn no_key_is_exit_4_before_anything_runs() {
        struct Empty;
        impl KeySource for Empty {
            fn credential(
                &self,
                _: &Connection,
            ) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
                Ok(None)
            }
        }
        let err = ReadOnce::read(Arc::new(Empty), &conn("a"))
            .await
            .err()
            .unwrap();
        assert_eq!(err.exit_code(), 4);
    }

    #[test]
    fn memo_reads_each_connection_once() {
        let source = Arc::new(Counting(AtomicUsize::new(0)));
        let memo = Memo::new(source.clone());
        for _ in 0..5 {
            for name in ["a", "b"] {
                assert!(memo.credential(&conn(name)).unwrap().is_some());
            }
        }
        assert_eq!(source.0.load(Ordering::SeqCst), 2);
    }

    /// Records the thread each read runs on; has no key (so a lookup stops before sending).
    struct Where {
        memory: bool,
        threads: std::sync::Mutex<Vec<std::thread::ThreadId>>,
    }

    impl KeySource for Where {
        fn credential(&self, _: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
            self.threads
                .lock()
                .unwrap()
                .push(std::thread::current().id());
            Ok(None)
        }

        fn answers_from_memory(&self) -> bool {
            self.memory
        }
    }

    /// A key held in memory is read on the lookup's own thread; any other source on a
    /// blocking thread (a keyring read may stall on D-Bus).
    #[tokio::test]
    async fn only_a_key_in_memory_skips_the_blocking_thread() {
        assert!(
            ReadOnce::read(Arc::new(Counting(AtomicUsize::new(0))), &conn("a"))
                .await
                .unwrap()
                .answers_from_memory()
        );
        for memory in [true, false] {
            let source = Arc::new(Where {
                memory,
                threads: Default::default(),
            });
            let lookuper = crate::lookup::Lookuper::new(
                crate::config::HttpSettings::default(),
                source.clone(),
            )
            .unwrap();
            let lookup =
                crate::vendors::Lookup::new(conn("a").vendor.adapter().lookup_kinds()[0], "u-1");
            let err = lookuper
                .run(
                    &conn("a"),
                    &lookup,
                    None,
                    tokio_util::sync::CancellationToken::new(),
                )
                .await
                .unwrap_err();
            assert_eq!(err.exit_code(), 4, "{err}");
            let threads = source.threads.lock().unwrap().clone();
            assert_eq!(threads.len(), 1);
            assert_eq!(
                threads[0] == std::thread::current().id(),
                memory,
                "memory: {memory}"
            );
        }
    }
}
