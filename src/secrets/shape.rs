//! Shape checks for keys whose vendor documents a format. A mismatch is only a warning (the
//! vendor may change its format); the warning describes the shape, never the key. The formats
//! themselves live in each vendor's folder.

use crate::vendors::VendorKind;

/// A warning when `key` does not look like the vendor's documented key format.
pub fn shape_warning(vendor: VendorKind, key: &str) -> Option<String> {
    if key.chars().any(char::is_whitespace) {
        return Some(format!(
            "the {} key contains whitespace; API keys normally do not (was something else pasted with it?)",
            vendor.display_name()
        ));
    }
    vendor.adapter().key_shape_warning(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_refused_for_every_vendor_without_echoing_the_key() {
        for vendor in VendorKind::all() {
            let warning = shape_warning(vendor, "two words").unwrap();
            assert_eq!(
                warning,
                format!(
                    "the {} key contains whitespace; API keys normally do not (was something else pasted with it?)",
                    vendor.display_name()
                )
            );
        }
    }

    #[test]
    fn each_vendor_checks_its_own_demo_key_shape() {
        for vendor in VendorKind::all() {
            let key = crate::demo::demo_key(vendor);
            assert_eq!(shape_warning(vendor, key), None, "{vendor}");
        }
    }
}
