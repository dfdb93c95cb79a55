//! Themes (issue 5 item 6)

use crate::support::*;

#[test]
fn snapshot_light_and_high_contrast_themes() {
    use userscope::tui::ui::theme::ThemeName;
    for name in [ThemeName::Light, ThemeName::HighContrast] {
        let theme = Theme { color: true, name };
        let mut app = app_with(true);
        app.theme = theme;
        assert_snapshot(
            format!("theme_{}_start_80x24", name.as_str()),
            styled_screen(&draw(&mut app, 80, 24)),
        );
        let mut app = loaded(VendorKind::COHO);
        app.theme = theme;
        press(&mut app, "2j");
        assert_snapshot(
            format!("theme_{}_profile_80x24", name.as_str()),
            styled_screen(&draw(&mut app, 80, 24)),
        );
    }
}
