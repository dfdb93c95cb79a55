//! Which keys state the facts an operator asks first (created, last seen, plan or status), as
//! ONE table of well-known key names shared by the Overview's facts and the timeline's
//! out-of-order check. Keys are compared without case, `_`, `-` or spaces, by their last dotted
//! part: `created_at`, `createdAt` and `properties.Created-At` are one name. The adapters do not
//! declare it, so a vendor whose key is not listed simply shows no such fact; adding its
//! spelling here is the whole fix.

/// A fact and the key names that state it, most telling first (a sign-up time says "created"
/// better than a first visit does).
pub const FACT_KEYS: &[(&str, &[&str])] = &[
    (
        CREATED,
        &[
            "createdat",
            "created",
            "createdtime",
            "createddate",
            "signuptime",
            "signupdate",
            "signedupat",
            "signupat",
            "registeredat",
            "firstseen",
            "firstseenat",
            "firstvisittime",
            "firstvisitdate",
        ],
    ),
    (
        LAST_SEEN,
        &[
            "lastseen",
            "lastseenat",
            "lastseendate",
            "lastseentime",
            "lastactivity",
            "lastactivityat",
            "lastactiveat",
            "lastvisit",
            "lastvisittime",
            "lastvisitdate",
            "lastlogin",
            "lastloginat",
        ],
    ),
    (
        "Plan / status",
        &[
            "plan",
            "planname",
            "tier",
            "subscription",
            "subscriptionplan",
            "status",
            "availabilitystatus",
            "lifecyclestage",
        ],
    ),
];

/// The label of the "created" fact in `FACT_KEYS`.
pub const CREATED: &str = "Created";
/// The label of the "last seen" fact in `FACT_KEYS`.
pub const LAST_SEEN: &str = "Last seen";

/// `createdAt`, `created_at`, `Created-At` → `createdat`; a dotted key is named by its last
/// part (`properties.plan` → `plan`).
pub fn normalized_key(key: &str) -> String {
    let mut out = String::new();
    normalize_key_into(key, &mut out);
    out
}

/// `normalized_key` written into `out` (cleared first), so a scan over 100,000 fields reuses
/// one buffer instead of allocating a string per field (that allocation was most of the cost
/// of showing, and of every watch refresh of, such a profile). ASCII keys, nearly all of them,
/// skip the Unicode case mapping.
pub fn normalize_key_into(key: &str, out: &mut String) {
    out.clear();
    let last = key.rsplit('.').next().unwrap_or(key);
    let kept = |c: &char| !matches!(c, '_' | '-' | ' ');
    if last.is_ascii() {
        out.extend(last.chars().filter(kept).map(|c| c.to_ascii_lowercase()));
    } else {
        out.extend(last.chars().filter(kept).flat_map(char::to_lowercase));
    }
}

/// What a timestamp says in a customer's life, for the out-of-order check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Created, signed up, first seen: nothing real happens before it.
    Created,
    /// The latest activity: it cannot precede the creation.
    LastSeen,
}

/// The role `FACT_KEYS` gives a key, if any.
pub fn role(key: &str) -> Option<Role> {
    let name = normalized_key(key);
    let listed = |label: &str| {
        FACT_KEYS
            .iter()
            .any(|(l, names)| *l == label && names.contains(&name.as_str()))
    };
    if listed(CREATED) {
        Some(Role::Created)
    } else if listed(LAST_SEEN) {
        Some(Role::LastSeen)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_fast_path_and_the_unicode_path_agree() {
        // The Kelvin sign lowercases to an ASCII `k`: only the Unicode path knows it.
        assert_eq!(normalized_key("\u{212A}ey_Name"), "keyname");
        assert_eq!(normalized_key("user.Ünder-Score"), "ünderscore");
        assert_eq!(normalized_key("LAST SEEN"), "lastseen");
        let mut buf = String::from("left over");
        normalize_key_into("Plan-Name", &mut buf);
        assert_eq!(buf, "planname");
    }

    #[test]
    fn roles_come_from_the_one_table_whatever_the_spelling() {
        assert_eq!(role("signUpDate"), Some(Role::Created));
        assert_eq!(role("properties.created_at"), Some(Role::Created));
        assert_eq!(role("first-visit-time"), Some(Role::Created));
        assert_eq!(role("lastSeenDate"), Some(Role::LastSeen));
        assert_eq!(role("last_seen"), Some(Role::LastSeen));
        assert_eq!(role("updatedAt"), None);
        assert_eq!(role("plan"), None);
        assert_eq!(normalized_key("a.Created-At"), "createdat");
    }
}
