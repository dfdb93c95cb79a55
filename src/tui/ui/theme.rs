//! Colours and emphasis in one place. Three palettes (`[tui] theme = "dark" | "light" |
//! "high-contrast"` in the config file); with `NO_COLOR` set (https://no-color.org) the same
//! roles are told apart by bold, underline and reverse video only, whatever the theme.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// For dark terminal backgrounds (the default).
    #[default]
    Dark,
    /// For light backgrounds: no yellow or cyan text, darker accents.
    Light,
    /// Bright colours, bold text and reverse-video selection, no dim grey.
    HighContrast,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }

    pub fn parse(name: &str) -> Option<ThemeName> {
        let wanted = name.trim().to_ascii_lowercase().replace('_', "-");
        ThemeName::ALL.into_iter().find(|t| t.as_str() == wanted)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub name: ThemeName,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            color: true,
            name: ThemeName::Dark,
        }
    }
}

/// One colour per role and palette.
struct Palette {
    muted: Color,
    accent: Color,
    border: Color,
    key: Color,
    heading: Color,
    selected_bg: Option<Color>,
    warning: Color,
    error: Color,
    ok: Color,
    string: Color,
    number: Color,
}

const DARK: Palette = Palette {
    muted: Color::DarkGray,
    accent: Color::Cyan,
    border: Color::DarkGray,
    key: Color::Blue,
    heading: Color::Magenta,
    selected_bg: Some(Color::Indexed(237)),
    warning: Color::Yellow,
    error: Color::Red,
    ok: Color::Green,
    string: Color::Green,
    number: Color::Yellow,
};

const LIGHT: Palette = Palette {
    muted: Color::Indexed(243),
    accent: Color::Indexed(25),
    border: Color::Indexed(248),
    key: Color::Indexed(18),
    heading: Color::Indexed(90),
    selected_bg: Some(Color::Indexed(253)),
    warning: Color::Indexed(130),
    error: Color::Indexed(124),
    ok: Color::Indexed(28),
    string: Color::Indexed(28),
    number: Color::Indexed(130),
};

const HIGH_CONTRAST: Palette = Palette {
    muted: Color::Gray,
    accent: Color::LightYellow,
    border: Color::White,
    key: Color::LightCyan,
    heading: Color::LightMagenta,
    selected_bg: None,
    warning: Color::LightYellow,
    error: Color::LightRed,
    ok: Color::LightGreen,
    string: Color::LightGreen,
    number: Color::LightYellow,
};

impl Theme {
    /// The default theme, in colour unless `NO_COLOR` is set to a non-empty value.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            name: ThemeName::Dark,
        }
    }

    /// Apply `[tui] theme = "…"` from the config file; `NO_COLOR` still wins (it only turns
    /// colour off). An unknown name is an error, so a typo does not silently look wrong.
    pub fn with_config(self, tui: &crate::config::TuiSettings) -> Result<Theme, String> {
        let Some(value) = &tui.theme else {
            return Ok(self);
        };
        let names: Vec<&str> = ThemeName::ALL.iter().map(|t| t.as_str()).collect();
        let name = ThemeName::parse(value).ok_or_else(|| {
            format!(
                "[tui] theme: unknown theme {:?}; use one of {}",
                crate::sanitize::sanitize(value),
                names.join(", ")
            )
        })?;
        Ok(Theme { name, ..self })
    }

    fn palette(&self) -> &'static Palette {
        match self.name {
            ThemeName::Dark => &DARK,
            ThemeName::Light => &LIGHT,
            ThemeName::HighContrast => &HIGH_CONTRAST,
        }
    }

    fn high_contrast(&self) -> bool {
        self.name == ThemeName::HighContrast
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        if self.color && self.high_contrast() {
            Style::new().fg(Color::White)
        } else {
            Style::new()
        }
    }

    pub fn muted(&self) -> Style {
        if self.color {
            Style::new().fg(self.palette().muted)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn title(&self) -> Style {
        self.fg(self.palette().accent).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.fg(self.palette().border)
    }

    pub fn border_focused(&self) -> Style {
        self.fg(self.palette().accent).add_modifier(Modifier::BOLD)
    }

    pub fn key(&self) -> Style {
        self.fg(self.palette().key).add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.fg(self.palette().heading).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        if !self.color {
            return Style::new().add_modifier(Modifier::REVERSED);
        }
        match self.palette().selected_bg {
            Some(bg) => Style::new().bg(bg).add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    pub fn warning(&self) -> Style {
        self.fg(self.palette().warning).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette().error).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        let style = self.fg(self.palette().ok);
        if self.high_contrast() {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    fn filled(&self, fg: Color, bg: Color) -> Style {
        if self.color {
            Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn badge(&self) -> Style {
        match self.name {
            ThemeName::Light => self.filled(Color::White, Color::Indexed(130)),
            _ => self.filled(Color::Black, Color::Yellow),
        }
    }

    pub fn demo_badge(&self) -> Style {
        if self.color {
            let bg = match self.name {
                ThemeName::Light => Color::Indexed(90),
                ThemeName::Dark => Color::Magenta,
                ThemeName::HighContrast => Color::LightMagenta,
            };
            let fg = if self.name == ThemeName::Light {
                Color::White
            } else {
                Color::Black
            };
            Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn tab(&self) -> Style {
        self.muted()
    }

    pub fn tab_active(&self) -> Style {
        match self.name {
            ThemeName::Dark => self.filled(Color::Black, Color::Cyan),
            ThemeName::Light => self.filled(Color::White, Color::Indexed(25)),
            ThemeName::HighContrast => self.filled(Color::Black, Color::LightYellow),
        }
    }

    pub fn hint_key(&self) -> Style {
        self.fg(self.palette().accent).add_modifier(Modifier::BOLD)
    }

    /// Characters a filter matched.
    pub fn matched(&self) -> Style {
        self.fg(self.palette().warning)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn json_key(&self) -> Style {
        self.fg(self.palette().key)
    }

    pub fn json_string(&self) -> Style {
        self.fg(self.palette().string)
    }

    pub fn json_number(&self) -> Style {
        self.fg(self.palette().number)
    }

    pub fn json_literal(&self) -> Style {
        self.fg(self.palette().heading)
    }

    pub fn json_punct(&self) -> Style {
        self.muted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tui(text: &str) -> crate::config::TuiSettings {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_config_picks_a_theme_and_rejects_unknown_names() {
        let base = Theme::default();
        assert_eq!(base.with_config(&tui("")).unwrap(), base);
        for (name, want) in [
            ("dark", ThemeName::Dark),
            ("light", ThemeName::Light),
            ("high-contrast", ThemeName::HighContrast),
            ("High_Contrast", ThemeName::HighContrast),
        ] {
            let theme = base
                .with_config(&tui(&format!("theme = \"{name}\"")))
                .unwrap();
            assert_eq!(theme.name, want);
        }
        assert_eq!(
            base.with_config(&tui("theme = \"solarized\"")).unwrap_err(),
            "[tui] theme: unknown theme \"solarized\"; use one of dark, light, high-contrast"
        );
        assert!(toml::from_str::<crate::config::TuiSettings>("theme = 3").is_err());
    }

    #[test]
    fn no_color_wins_over_the_theme() {
        let plain = Theme {
            color: false,
            name: ThemeName::Dark,
        };
        let light = plain.with_config(&tui("theme = \"light\"")).unwrap();
        assert!(!light.color);
        assert_eq!(light.title().fg, None);
        assert_eq!(light.selected(), plain.selected());
        assert_eq!(
            Theme::default().title().fg,
            Some(Color::Cyan),
            "dark stays as it was"
        );
    }
}
