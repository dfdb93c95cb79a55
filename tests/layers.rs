//! The registry (`src/vendors/mod.rs`) is the single list of vendors: no other code under `src/`
//! names one, and `userscope vendors` lists exactly the registry. (Registry completeness — demo
//! data, demo keys, lookup kinds, endpoints — is unit-tested in `src/vendors/tests.rs`.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use userscope::vendors::VendorKind;

/// Every spelling of a vendor name that code could use, lowercase.
fn vendor_words() -> Vec<String> {
    let mut words = Vec::new();
    for vendor in VendorKind::all() {
        for word in [
            vendor.as_str().to_ascii_lowercase(),
            vendor.display_name().to_ascii_lowercase(),
        ] {
            if !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Files of modules other branches are reworking at the same time, which still name vendors
/// until their owners apply the renames in the vendors branch report. This list must shrink to
/// nothing at merge; each entry is checked to still need its exemption, so it cannot go stale.
const PENDING_ON_OTHER_BRANCHES: &[&str] = &[];

/// Where a vendor is allowed to be named: its own folder, and the registry.
fn may_name_vendors(relative: &str) -> bool {
    if relative == "src/vendors/mod.rs" {
        return true;
    }
    VendorKind::all().any(|v| relative.starts_with(&format!("src/vendors/{}/", v.as_str())))
}

/// The code part of a line: nothing from `//` on (comments may speak of vendors). A `//` inside
/// a string literal (a URL) is kept: the literal is code.
fn code_part(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            return &line[..i];
        }
    }
    line
}

fn offending_lines(text: &str, words: &[String]) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = code_part(line).to_ascii_lowercase();
            words.iter().any(|w| code.contains(w.as_str()))
        })
        .map(|(i, line)| format!("{}: {}", i + 1, line.trim()))
        .collect()
}

#[test]
fn no_code_outside_a_vendor_folder_names_a_vendor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let words = vendor_words();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(
        files.len() > 50,
        "the scan found only {} files",
        files.len()
    );
    let mut problems = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if may_name_vendors(&relative) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = offending_lines(&text, &words);
        let pending = PENDING_ON_OTHER_BRANCHES.contains(&relative.as_str());
        match (lines.is_empty(), pending) {
            (true, false) => {}
            (false, true) => {}
            (true, true) => problems.push(format!(
                "{relative} no longer names a vendor: remove it from PENDING_ON_OTHER_BRANCHES"
            )),
            (false, false) => problems.push(format!("{relative}:\n  {}", lines.join("\n  "))),
        }
    }
    assert!(
        problems.is_empty(),
        "vendor names outside src/vendors/<name>/ and the registry:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_sees_names_in_code_but_not_in_comments() {
    let words = vendor_words();
    let first = VendorKind::all().next().unwrap();
    let code = format!("let v = \"{}\"; // fine", first.display_name());
    assert_eq!(offending_lines(&code, &words).len(), 1);
    let comment = format!("// the {} adapter", first.display_name());
    assert!(offending_lines(&comment, &words).is_empty());
    let doc = format!("/// e.g. `userscope get {first}`");
    assert!(offending_lines(&doc, &words).is_empty());
    let url_in_string = format!("let u = \"https://{first}.example\";");
    assert_eq!(offending_lines(&url_in_string, &words).len(), 1);
    assert!(may_name_vendors(&format!("src/vendors/{first}/adapter.rs")));
    assert!(may_name_vendors("src/vendors/mod.rs"));
    assert!(!may_name_vendors("src/vendors/common/mod.rs"));
    assert!(!may_name_vendors("src/lookup.rs"));
}

#[test]
fn cli_vendors_lists_exactly_the_registry() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("userscope").unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("USERSCOPE_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .env("USERSCOPE_CONFIG", home.path().join("no-such-config.toml"))
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .arg("vendors")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let registry: Vec<&str> = VendorKind::all().map(VendorKind::as_str).collect();
    assert_eq!(names, registry, "{text}");
    for vendor in VendorKind::all() {
        assert!(text.contains(vendor.display_name()), "{text}");
    }
}

#[test]
fn the_registry_lists_the_five_vendors_in_order_under_stable_names() {
    let names: Vec<&str> = VendorKind::all().map(VendorKind::as_str).collect();
    assert_eq!(
        names,
        ["coho", "usercom", "foldspace", "chakra", "vemetric"]
    );
    let consts = [
        VendorKind::COHO,
        VendorKind::USERCOM,
        VendorKind::FOLDSPACE,
        VendorKind::CHAKRA,
        VendorKind::VEMETRIC,
    ];
    assert_eq!(VendorKind::all().collect::<Vec<_>>(), consts);
    for vendor in VendorKind::all() {
        assert_eq!(vendor.adapter().kind(), vendor);
        assert_eq!(
            VendorKind::parse(&format!(" {} ", vendor.as_str().to_uppercase())),
            Some(vendor)
        );
        let json = serde_json::to_string(&vendor).unwrap();
        assert_eq!(json, format!("\"{}\"", vendor.as_str()));
        assert_eq!(serde_json::from_str::<VendorKind>(&json).unwrap(), vendor);
    }
    assert_eq!(VendorKind::parse("nope"), None);
    let err = serde_json::from_str::<VendorKind>("\"nope\"").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown variant `nope`, expected one of `coho`, `usercom`"),
        "{err}"
    );
    assert!(VendorKind::COHO < VendorKind::VEMETRIC);
    assert_eq!(format!("{:?}", VendorKind::CHAKRA), "VendorKind(chakra)");
}

/// `src/` files, as paths relative to the crate root, with their text.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (relative, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// Code lines of `text` (comments left out) that mention `needle`.
fn uses(text: &str, needle: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| code_part(line).contains(needle))
        .map(|(n, line)| format!("{}: {}", n + 1, line.trim()))
        .collect()
}

/// The layers point one way (ARCHITECTURE.md): nothing below the UI imports `tui` or `cli`,
/// `http` does not import `lookup`, and the domain modules hold no terminal types.
#[test]
fn the_layers_point_one_way() {
    let mut problems = Vec::new();
    for (relative, text) in sources() {
        let ui = relative.starts_with("src/tui/")
            || relative.starts_with("src/cli/")
            || relative == "src/main.rs"
            || relative == "src/lib.rs";
        let mut forbidden: Vec<&str> = Vec::new();
        if !ui {
            forbidden.extend(["crate::tui", "crate::cli"]);
        }
        if relative.starts_with("src/http/") {
            forbidden.push("crate::lookup");
        }
        let domain = [
            "src/compare/",
            "src/json/",
            "src/open.rs",
            "src/scheduler.rs",
        ];
        if domain.iter().any(|d| relative.starts_with(d)) {
            forbidden.extend(["ratatui", "crossterm"]);
        }
        for needle in forbidden {
            for hit in uses(&text, needle) {
                problems.push(format!("{relative} uses {needle}: {hit}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layer_scanner_sees_imports_in_code_only() {
    let text = "use crate::tui::app;\n// crate::tui in a comment\nlet s = \"x\"; // crate::cli\n";
    assert_eq!(uses(text, "crate::tui"), ["1: use crate::tui::app;"]);
    assert!(uses(text, "crate::cli").is_empty());
}
