//! Follow (pure): after the first round, an email seen in a found profile is looked up at the
//! connections that take emails and were not asked yet. One round only, so nothing loops; each
//! connection still has one row, so nothing is asked twice.

use crate::config::FindSettings;
use crate::vendors::{FindClass, Lookup};

use super::route::{Target, route};
use super::row::{Row, Status};

/// A follow-up: ask row `row` (a skipped one) with `lookup`, because of `via`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUp {
    pub row: usize,
    pub lookup: Lookup,
    /// `email from <connection>`.
    pub via: String,
}

/// The follow-ups after a round. The email is the first one found, in row order (so the
/// answer does not depend on which vendor was quicker); rows asked already, without a key or
/// that cannot take an email are left alone. `targets` are the rows' targets, same order.
pub fn follow_ups(rows: &[Row], targets: &[Target], settings: &FindSettings) -> Vec<FollowUp> {
    let Some((email, source)) = rows.iter().find_map(|row| {
        let outcome = row.found()?;
        let email = outcome.profile.email.as_deref()?.trim();
        (email.contains('@')).then(|| (email.to_owned(), row.connection.clone()))
    }) else {
        return Vec::new();
    };
    rows.iter()
        .enumerate()
        .filter(|(_, row)| matches!(row.status, Status::Skipped { .. }))
        .filter_map(|(i, row)| {
            let target = targets.iter().find(|t| t.name == row.connection)?;
            let kind = route(target, FindClass::Email, settings).ok()?;
            Some(FollowUp {
                row: i,
                lookup: Lookup::new(kind, email.clone()),
                via: format!("email from {source}"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::find::route::TargetError;
    use crate::profile::Profile;
    use crate::vendors::{LookupKind, VendorKind};

    /// A vendor that takes emails and one that does not, from what the adapters say.
    fn email_vendor() -> VendorKind {
        VendorKind::all()
            .find(|v| v.find_kind(FindClass::Email).is_ok())
            .unwrap()
    }

    fn target(name: &str, vendor: VendorKind) -> Target {
        Target {
            name: name.into(),
            vendor,
            connection: Err(TargetError {
                exit_code: 2,
                message: String::new(),
            }),
        }
    }

    fn row(name: &str, vendor: VendorKind, status: Status) -> Row {
        Row {
            connection: name.into(),
            vendor,
            lookup: None,
            via: None,
            status,
        }
    }

    fn found(name: &str, email: Option<&str>) -> Row {
        let vendor = VendorKind::first();
        let mut outcome = crate::lookup::outcome_for_tests(
            vendor,
            name,
            Profile {
                email: email.map(str::to_owned),
                ..Profile::default()
            },
        );
        outcome.lookup = Lookup::new(LookupKind::Id, "acct-1");
        row(
            name,
            vendor,
            Status::Found {
                elapsed: Duration::ZERO,
                outcome: Box::new(outcome),
            },
        )
    }

    fn skipped(name: &str, vendor: VendorKind) -> Row {
        row(name, vendor, Status::Skipped { reason: "r".into() })
    }

    #[test]
    fn the_first_found_email_goes_to_skipped_email_connections_once() {
        let mail = email_vendor();
        let kind = mail.find_kind(FindClass::Email).unwrap();
        let rows = vec![
            found("a", None),
            found("b", Some(" mara@example.org ")),
            found("c", Some("other@example.org")),
            skipped("m1", mail),
            row(
                "m2",
                mail,
                Status::NotFound {
                    elapsed: Duration::ZERO,
                },
            ),
            row("m3", mail, Status::NoKey { reason: "r".into() }),
        ];
        let targets: Vec<Target> = ["a", "b", "c", "m1", "m2", "m3"]
            .iter()
            .map(|n| {
                target(
                    n,
                    if n.starts_with('m') {
                        mail
                    } else {
                        VendorKind::first()
                    },
                )
            })
            .collect();
        let ups = follow_ups(&rows, &targets, &FindSettings::default());
        assert_eq!(
            ups,
            [FollowUp {
                row: 3,
                lookup: Lookup::new(kind, "mara@example.org"),
                via: "email from b".into()
            }]
        );
        // After the follow-up was asked the row is no longer skipped: a second call finds
        // nothing more to do (no loops, no duplicates).
        let mut after = rows.clone();
        after[3] = row(
            "m1",
            mail,
            Status::NotFound {
                elapsed: Duration::ZERO,
            },
        );
        assert!(follow_ups(&after, &targets, &FindSettings::default()).is_empty());
    }

    #[test]
    fn nothing_to_follow_without_a_found_email_or_an_email_connection() {
        let mail = email_vendor();
        let rows = vec![found("a", Some("not-an-email")), skipped("m1", mail)];
        let targets = vec![target("a", VendorKind::first()), target("m1", mail)];
        assert!(follow_ups(&rows, &targets, &FindSettings::default()).is_empty());
        // A skipped connection that cannot take emails is never asked.
        let no_mail = VendorKind::all()
            .find(|v| v.find_kind(FindClass::Email).is_err())
            .unwrap();
        let rows = vec![found("a", Some("m@example.org")), skipped("x", no_mail)];
        let targets = vec![target("a", VendorKind::first()), target("x", no_mail)];
        assert!(follow_ups(&rows, &targets, &FindSettings::default()).is_empty());
    }
}
