//! Shape checks for keys whose vendor documents a format. A mismatch is only a warning (the
//! vendor may change its format); the warning describes the shape, never the key. The formats
//! themselves live in each vendor's folder.

use crate::vendors::VendorKind;

/// Why a key cannot be stored at all: it holds a control character (NUL, ESC, DEL, …), which
/// no vendor's key has and which would break every request header. The message names the
/// kind of character and its position, never the key.
pub fn control_character_refusal(key: &str) -> Option<String> {
    let (position, c) = key.chars().enumerate().find(|(_, c)| c.is_control())?;
    let name = match c {
        '\0' => "NUL".to_owned(),
        '\u{1b}' => "ESC".to_owned(),
        '\u{7f}' => "DEL".to_owned(),
        '\t' => "TAB".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        c if u32::from(c) < 0x20 => format!("a C0 control character (U+{:04X})", u32::from(c)),
        c => format!("a C1 control character (U+{:04X})", u32::from(c)),
    };
    Some(format!(
        "the key contains {name} at character {}; API keys never hold control characters (was something else pasted with it?): nothing stored",
        position + 1
    ))
}

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
    fn keys_with_control_characters_are_refused_by_class_never_echoed() {
        let cases = [
            ("abc\0def", "NUL at character 4"),
            ("\u{1b}[2Jkey", "ESC at character 1"),
            ("key\u{7f}", "DEL at character 4"),
            ("k\u{7}y", "a C0 control character (U+0007) at character 2"),
            ("k\u{9b}y", "a C1 control character (U+009B) at character 2"),
        ];
        for (key, said) in cases {
            let refusal = control_character_refusal(key).unwrap();
            assert!(refusal.contains(said), "{refusal}");
            assert!(
                !refusal.contains("key\u{7f}") && !refusal.contains("def"),
                "{refusal}"
            );
        }
        assert_eq!(control_character_refusal("vem_0123456789abcdef"), None);
    }

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
