//! Config parsing and connection resolution.

use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

/// The vendor that declares a setting (region, subdomain), and one with a fixed host.
fn declaring(key: &str) -> VendorKind {
    crate::vendors::setting(key).unwrap().0
}

fn fixed_host_vendor() -> VendorKind {
    VendorKind::all()
        .find(|v| v.adapter().settings().is_empty())
        .unwrap()
}

#[test]
fn default_connections_use_documented_hosts() {
    let c = Config::default();
    for vendor in VendorKind::all() {
        match (
            vendor.default_base_url(),
            c.resolve(vendor.as_str(), &Overrides::default(), &no_env),
        ) {
            (Some(url), Ok(conn)) => {
                assert_eq!(conn.base_url.as_str().trim_end_matches('/'), url);
                assert_eq!(conn.auth_url.is_some(), vendor.accepts_client_credentials());
            }
            // No fixed host: a setting is needed first.
            (None, Err(err)) => assert_eq!(err.exit_code(), 2, "{vendor}"),
            (url, conn) => panic!("{vendor}: {url:?} {conn:?}"),
        }
    }
    let upper = fixed_host_vendor().as_str().to_uppercase();
    assert!(c.resolve(&upper, &Overrides::default(), &no_env).is_ok());
}

#[test]
fn settings_come_from_flag_env_or_file_and_mean_what_the_vendor_says() {
    let regional = declaring("region");
    let name = regional.as_str();
    let stem = env_stem(name);
    let c = Config::default();
    let us = Overrides {
        region: Some("us".into()),
        ..Overrides::default()
    };
    let lookup = |key: &str| (key == "region").then(|| "us".to_owned());
    let expected = regional
        .adapter()
        .endpoint(&ConnectionSettings {
            connection: name,
            env_stem: &stem,
            lookup: &lookup,
        })
        .unwrap();
    let from_flag = c.resolve(name, &us, &no_env).unwrap();
    let default = c.resolve(name, &Overrides::default(), &no_env).unwrap();
    assert_ne!(from_flag.base_url, default.base_url);
    assert_eq!(&from_flag.base_url, expected.base_url.as_ref().unwrap());
    assert_eq!(from_flag.auth_url, expected.auth_url);
    let var = format!("USERSCOPE_{stem}_REGION");
    let env = |v: &str| (v == var).then(|| "us".to_owned());
    let from_env = c.resolve(name, &Overrides::default(), &env).unwrap();
    assert_eq!(from_env.base_url, from_flag.base_url);
    let file = Config::parse(&format!("[connections.{name}]\nregion = \"us\"\n")).unwrap();
    let from_file = file.resolve(name, &Overrides::default(), &no_env).unwrap();
    assert_eq!(from_file.base_url, from_flag.base_url);
    // A bad value is refused by the declaring vendor, with the file's line and column.
    let err = Config::parse_located(
        &format!("[connections.{name}]\nregion = \"mars\"\n"),
        "c.toml",
    )
    .unwrap_err();
    let message = regional
        .adapter()
        .check_setting("region", "mars")
        .unwrap_err();
    assert_eq!(err, format!("c.toml:2:10: {message}"));
    let bad = Overrides {
        region: Some("mars".into()),
        ..Overrides::default()
    };
    assert_eq!(c.resolve(name, &bad, &no_env).unwrap_err().exit_code(), 2);
}

#[test]
fn a_missing_or_invalid_subdomain_is_a_usage_error() {
    let vendor = declaring("subdomain");
    let c = Config::default();
    let err = c
        .resolve(vendor.as_str(), &Overrides::default(), &no_env)
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let o = Overrides {
        subdomain: Some("evil.com/x".into()),
        ..Overrides::default()
    };
    assert_eq!(
        c.resolve(vendor.as_str(), &o, &no_env)
            .unwrap_err()
            .exit_code(),
        2
    );
    let o = Overrides {
        subdomain: Some("acme".into()),
        ..Overrides::default()
    };
    let conn = c.resolve(vendor.as_str(), &o, &no_env).unwrap();
    assert_eq!(
        conn.base_url.host_str().map(|h| h.starts_with("acme.")),
        Some(true)
    );
    // A base URL makes the subdomain unnecessary.
    let o = Overrides {
        base_url: Some("http://127.0.0.1:9".into()),
        ..Overrides::default()
    };
    assert!(c.resolve(vendor.as_str(), &o, &no_env).is_ok());
}

#[test]
fn base_url_precedence_flag_env_config() {
    let vendor = fixed_host_vendor();
    let name = vendor.as_str();
    let c = Config::parse(&format!(
        "[connections.{name}]\nbase_url = \"http://127.0.0.1:1\"\n"
    ))
    .unwrap();
    let var = format!("USERSCOPE_{}_BASE_URL", env_stem(name));
    let env = |v: &str| (v == var).then(|| "http://127.0.0.1:2".to_owned());
    let flag = Overrides {
        base_url: Some("http://127.0.0.1:3".into()),
        ..Overrides::default()
    };
    assert_eq!(
        c.resolve(name, &Overrides::default(), &no_env)
            .unwrap()
            .base_url
            .port(),
        Some(1)
    );
    assert_eq!(
        c.resolve(name, &Overrides::default(), &env)
            .unwrap()
            .base_url
            .port(),
        Some(2)
    );
    assert_eq!(
        c.resolve(name, &flag, &env).unwrap().base_url.port(),
        Some(3)
    );
}

#[test]
fn named_connections_and_unknown_names() {
    let regional = declaring("region");
    let text = format!(
        "[connections.eu-2]\nvendor = \"{}\"\nregion = \"us\"\n[connections.acme]\nvendor = \"{}\"\nsubdomain = \"acme\"\n",
        regional,
        declaring("subdomain")
    );
    let c = Config::parse(&text).unwrap();
    let conn = c.resolve("eu-2", &Overrides::default(), &no_env).unwrap();
    let us = Overrides {
        region: Some("us".into()),
        ..Overrides::default()
    };
    let direct = Config::default()
        .resolve(regional.as_str(), &us, &no_env)
        .unwrap();
    assert_eq!((conn.vendor, &conn.base_url), (regional, &direct.base_url));
    assert_eq!(conn.name, "eu-2");
    assert_eq!(
        c.resolve("nope", &Overrides::default(), &no_env)
            .unwrap_err()
            .exit_code(),
        2
    );
    assert!(Config::parse("[connections.x]\nregion = \"eu\"\n").is_err());
    assert!(Config::parse("[connections.x]\nvendor = \"nope\"\n").is_err());
    let prefixed = parse_base_url("https://h/api/", "t").unwrap(); // more: tests/fidelity.rs
    assert_eq!(prefixed.as_str(), "https://h/api");
    assert!(parse_base_url("ftp://h", "t").is_err());
    for raw in [
        "http://alice:S3cret@127.0.0.1:8080",
        "alice:S3cret@127.0.0.1:8080",
    ] {
        let err = parse_base_url(raw, "--base-url").unwrap_err().to_string();
        assert!(!err.contains("S3cret") && !err.contains("alice"), "{err}");
        assert!(err.contains("***@127.0.0.1:8080"), "{err}");
    }
}

#[test]
fn unknown_keys_suggest_the_nearest_name_in_every_section() {
    let cases = [
        (
            "thme = 1\n",
            "c.toml:1:1: unknown field `thme`, expected one of `http`, `connections`, `tui`, `find`, `vendors`, `watch`",
            None,
        ),
        (
            "[htp]\n",
            "c.toml:1:2: unknown field `htp`, expected one of `http`, `connections`, `tui`, `find`, `vendors`, `watch`",
            Some("http"),
        ),
        (
            "[http]\n\ntimeout_sec = 3\n",
            "c.toml:3:1: unknown field `timeout_sec`, expected one of `connect_timeout_secs`, `timeout_secs`, `max_body_mib`",
            Some("timeout_secs"),
        ),
        (
            "[tui]\nthme = \"light\"\n",
            "c.toml:2:1: unknown field `thme`, expected one of `theme`, `keys`, `watch_secs`, `avatars`",
            Some("theme"),
        ),
        (
            "[connections.eu]\nvendor = \"x\"\nbase_ulr = \"http://127.0.0.1:1\"\n",
            "c.toml:3:1: unknown field `base_ulr`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`",
            Some("base_url"),
        ),
        (
            "[connections.eu]\nsubdomian = \"acme\"\n",
            "c.toml:2:1: unknown field `subdomian`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`",
            Some("subdomain"),
        ),
        (
            "[connections.eu]\ncolour = \"red\"\n",
            "c.toml:2:1: unknown field `colour`, expected one of `vendor`, `region`, `subdomain`, `base_url`, `auth_url`, `rate`",
            None,
        ),
    ];
    for (text, start, suggestion) in cases {
        let err = Config::parse_located(text, "c.toml").unwrap_err();
        let expected = match suggestion {
            Some(name) => format!("{start} (did you mean `{name}`?)"),
            None => start.to_owned(),
        };
        assert_eq!(err, expected, "{text}");
    }
    // An enum value (the vendor) gets the same help.
    let vendor = VendorKind::all().next().unwrap().as_str();
    let typo = format!("{}x", vendor);
    let err = Config::parse_located(&format!("[connections.a]\nvendor = \"{typo}\"\n"), "c.toml")
        .unwrap_err();
    assert!(err.starts_with("c.toml:2:10: unknown variant"), "{err}");
    assert!(
        err.ends_with(&format!("(did you mean `{vendor}`?)")),
        "{err}"
    );
}

#[test]
fn closest_accepts_typos_only() {
    let names = ["theme", "keys"];
    assert_eq!(closest("thme", names.into_iter()), Some("theme"));
    assert_eq!(closest("Theme", names.into_iter()), Some("theme"));
    assert_eq!(closest("kyes", names.into_iter()), Some("keys"));
    assert_eq!(closest("zzzzzz", names.into_iter()), None);
    assert_eq!(closest("theme", names.into_iter()), None);
}

#[test]
fn a_connections_rate_is_a_number_of_zero_or_more() {
    let name = fixed_host_vendor().as_str();
    let c = Config::parse(&format!("[connections.{name}]\nrate = 2.5\n")).unwrap();
    assert_eq!(c.rate(name), Some(2.5));
    let c = Config::parse(&format!("[connections.{name}]\nrate = 10\n")).unwrap();
    assert_eq!(c.rate(name), Some(10.0));
    for no_cap in ["0", "inf"] {
        let c = Config::parse(&format!("[connections.{name}]\nrate = {no_cap}\n")).unwrap();
        assert_eq!(c.rate(name), Some(f64::INFINITY));
    }
    assert_eq!(Config::default().rate(name), None);
    let err =
        Config::parse_located(&format!("[connections.{name}]\nrate = -1\n"), "c.toml").unwrap_err();
    assert!(err.starts_with("c.toml:2:8: `rate` must be"), "{err}");
    let err = Config::parse_located(
        &format!("[connections.{name}]\nrate = \"fast\"\n"),
        "c.toml",
    )
    .unwrap_err();
    assert!(err.starts_with("c.toml:2:8:"), "{err}");
}

#[test]
fn errors_say_file_line_and_column() {
    let text = "[http]\ntimeout_secs = 5.0\n\n[tui]\nthme = \"light\"\n";
    let err = Config::parse_located(text, "config.toml").unwrap_err();
    assert!(
        err.starts_with("config.toml:5:1: unknown field `thme`"),
        "{err}"
    );
    let err = Config::parse_located("[http]\ntimeout = 3\n", "c.toml").unwrap_err();
    assert!(
        err.starts_with("c.toml:2:1: unknown field `timeout`"),
        "{err}"
    );
    assert_eq!(line_and_column("ab\ncdé\nx", 7), (2, 4));
    // A connection name with ESC and BEL is shown with visible stand-ins, never raw.
    let err = Config::parse_located(
        "[connections.\"a\\u001b[2Jb\\u0007\"]\nregion = \"eu\"\n",
        "c.toml",
    )
    .unwrap_err();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("a␛[2Jb␇"), "{err}");
}
