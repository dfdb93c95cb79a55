//! The TUI with a config-defined vendor (design §10): the demo vendor Ledgerly registered, its
//! rich person shown in every pane (reviewed snapshots, `tests/snapshots/tui__declared_*`),
//! declared timestamps as dates and ages, and the vendor in the picker.
//!
//! Its own test binary, not a module of `tests/tui/`: registering a vendor is once per process
//! and adds it to `VendorKind::all()`, which the `tui` binary's snapshots of "every vendor" and
//! of the start screen iterate; sharing a process would make them depend on test order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

#[allow(dead_code, unused_imports)]
#[path = "tui/support.rs"]
mod support;

use support::*;
use userscope::vendors::declared::demo::demo_spec;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn ledgerly() -> VendorKind {
    userscope::vendors::register(vec![demo_spec().unwrap()]).unwrap();
    VendorKind::parse("ledgerly").unwrap()
}

#[test]
fn snapshot_every_pane_of_the_config_vendor() {
    let vendor = ledgerly();
    for (w, h) in SIZES {
        let mut app = loaded(vendor);
        for pane in Pane::ALL {
            app.profile_mut().unwrap().focus = pane;
            let name = format!("declared_ledgerly_{}_{w}x{h}", pane.title().to_lowercase());
            assert_snapshot(name, draw(&mut app, w, h).backend());
        }
    }
}

#[test]
fn declared_timestamps_show_as_dates_and_ages_on_screen() {
    let vendor = ledgerly();
    let mut app = loaded(vendor);
    app.profile_mut().unwrap().focus = Pane::Properties;
    let text = screen_text(&mut app, 120, 40);
    // epoch_s 1709287200 and iso8601 "2026-11-20T08:15:00Z", against the test clock.
    assert!(text.contains("2024-03-01T10:00:00Z ("), "{text}");
    assert!(text.contains("2026-11-20T08:15:00Z ("), "{text}");
    assert!(!text.contains("1709287200"), "{text}");
}

#[test]
fn the_picker_lists_the_config_vendor_after_the_built_ins() {
    let vendor = ledgerly();
    let mut app = app_with(true);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Ledgerly"), "{text}");
    assert_snapshot(
        "declared_start_demo_80x24",
        draw(&mut app, 80, 24).backend(),
    );
    let request = submit(&mut app, vendor, "acct-1001");
    finish(&mut app, request, Ok(rich_outcome(vendor)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
}
