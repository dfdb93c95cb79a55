//! Shape checks for keys whose vendor documents a format. A mismatch is only a warning (the
//! vendor may change its format); the warning describes the shape, never the key.

use crate::vendor::VendorKind;

/// User.com API keys are 64 characters.
const USERCOM_KEY_LEN: usize = 64;
/// Vemetric API keys are `vem_` followed by 32 lowercase letters or digits.
const VEMETRIC_PREFIX: &str = "vem_";
const VEMETRIC_BODY_LEN: usize = 32;

/// A warning when `key` does not look like the vendor's documented key format.
pub fn shape_warning(vendor: VendorKind, key: &str) -> Option<String> {
    if key.chars().any(char::is_whitespace) {
        return Some(format!(
            "the {} key contains whitespace; API keys normally do not (was something else pasted with it?)",
            vendor.display_name()
        ));
    }
    match vendor {
        VendorKind::Usercom => {
            let len = key.chars().count();
            (len != USERCOM_KEY_LEN).then(|| {
                format!(
                    "User.com API keys are {USERCOM_KEY_LEN} characters long; this one has {len}"
                )
            })
        }
        VendorKind::Vemetric => {
            let body = key.strip_prefix(VEMETRIC_PREFIX);
            let well_formed = body.is_some_and(|b| {
                b.len() == VEMETRIC_BODY_LEN
                    && b.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
            (!well_formed).then(|| {
                format!(
                    "Vemetric API keys look like `{VEMETRIC_PREFIX}` followed by {VEMETRIC_BODY_LEN} lowercase letters or digits; this one does not ({} characters{})",
                    key.chars().count(),
                    if body.is_none() { ", no vem_ prefix" } else { "" }
                )
            })
        }
        VendorKind::Coho | VendorKind::Foldspace | VendorKind::Chakra => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usercom_wants_64_characters() {
        assert_eq!(shape_warning(VendorKind::Usercom, &"a".repeat(64)), None);
        assert_eq!(
            shape_warning(VendorKind::Usercom, &"a".repeat(63)).as_deref(),
            Some("User.com API keys are 64 characters long; this one has 63")
        );
    }

    #[test]
    fn vemetric_wants_prefix_and_32_lowercase_alphanumerics() {
        let good = format!("vem_{}", "a1".repeat(16));
        assert_eq!(shape_warning(VendorKind::Vemetric, &good), None);
        let upper = format!("vem_{}", "A1".repeat(16));
        let short = "vem_abc".to_owned();
        let no_prefix = "a1".repeat(18);
        for bad in [&upper, &short, &no_prefix] {
            let warning = shape_warning(VendorKind::Vemetric, bad).expect("a warning");
            assert!(
                !warning.contains(bad.as_str()),
                "the warning must not echo the key"
            );
        }
        assert!(
            shape_warning(VendorKind::Vemetric, &no_prefix)
                .unwrap()
                .contains("no vem_ prefix")
        );
    }

    #[test]
    fn undocumented_formats_only_reject_whitespace() {
        assert_eq!(shape_warning(VendorKind::Foldspace, "anything-goes"), None);
        assert!(
            shape_warning(VendorKind::Chakra, "two words")
                .unwrap()
                .contains("whitespace")
        );
    }
}
