//! A customer's lifecycle as moments on one time axis: every timestamp the profile holds
//! (every field whose adapter hint says it is one: built-in adapters and config-defined
//! vendors' `timestamps` set the same hints, so no vendor is named here), in order, with the
//! ones that cannot be placed (0, null, unparseable) listed apart. Pure: no TUI types, no I/O;
//! the widgets draw what `Timeline` and `axis::layout` say.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

use crate::compare::instant;
use crate::profile::{Field, Profile, ValueHint};
use crate::sanitize::sanitize;

pub mod axis;
pub mod roles;

pub use axis::{Axis, Mark, layout};
pub use roles::Role;

/// Why a moment is drawn where it is not: the axis stays readable however wrong the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suspicion {
    /// More than a day after now (a clock or unit error); placed at now.
    Future,
    /// Before 1990, long before any of these products existed; placed at 1990-01-01.
    Ancient,
}

/// One timestamp of the profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    /// The field's key, sanitized (`signUpDate`).
    pub label: String,
    /// Where it came from, sanitized: `properties.signUpDate`.
    pub path: String,
    /// The instant as sent.
    pub at: DateTime<Utc>,
    /// Where the axis places it: `at`, clamped when suspicious.
    pub placed: DateTime<Utc>,
    pub suspicious: Option<Suspicion>,
    /// A last-seen moment before a created one (as in Foldspace's own documentation example).
    pub out_of_order: bool,
    pub role: Option<Role>,
}

/// Why a timestamp field is not on the axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeftOutWhy {
    /// Epoch `0`: the vendors' "unknown".
    Zero,
    /// `null` or an empty string.
    Empty,
    /// Not a timestamp of the documented form.
    Unparseable,
}

impl LeftOutWhy {
    pub fn as_str(self) -> &'static str {
        match self {
            LeftOutWhy::Zero => "0",
            LeftOutWhy::Empty => "empty",
            LeftOutWhy::Unparseable => "unparseable",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// Sanitized, like `Moment::path`.
    pub path: String,
    pub why: LeftOutWhy,
}

/// Every timestamp of a profile, ordered by instant (ties keep the profile's order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub moments: Vec<Moment>,
    pub left_out: Vec<LeftOut>,
}

/// How far after now a timestamp may be before it is suspicious (clocks drift; time zones).
const FUTURE_SLACK_HOURS: i64 = 24;

/// The earliest believable moment: 1990-01-01T00:00:00Z.
pub fn earliest_believable() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn is_timestamp(hint: ValueHint) -> bool {
    matches!(
        hint,
        ValueHint::IsoTimestamp | ValueHint::EpochMillis | ValueHint::EpochSeconds
    )
}

fn why_left_out(value: &Value) -> LeftOutWhy {
    match value {
        Value::Null => LeftOutWhy::Empty,
        Value::String(s) if s.trim().is_empty() => LeftOutWhy::Empty,
        Value::Number(n) if n.as_f64() == Some(0.0) => LeftOutWhy::Zero,
        _ => LeftOutWhy::Unparseable,
    }
}

impl Timeline {
    /// The profile's timestamps as of `now` (which decides what is "in the future").
    pub fn of(profile: &Profile, now: DateTime<Utc>) -> Timeline {
        Timeline::collect(profile).as_of(now)
    }

    /// The profile's timestamps without reading a clock (built once with the view; `as_of`
    /// marks the future ones when drawn).
    pub fn collect(profile: &Profile) -> Timeline {
        let sections: [(&str, &[Field]); 3] = [
            ("properties", &profile.properties),
            ("attributes", &profile.attributes),
            ("tags", &profile.tags),
        ];
        let fields = sections
            .into_iter()
            .flat_map(|(section, fields)| fields.iter().map(move |f| (section, f)))
            .chain(
                profile
                    .segments
                    .iter()
                    .flat_map(|s| s.details.iter().map(|f| ("segments", f))),
            );
        Timeline::from_fields(fields)
    }

    /// The timeline of `(section, field)` pairs: the fields whose hint is a timestamp.
    pub fn from_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a Field)>) -> Timeline {
        let earliest = earliest_believable();
        let mut timeline = Timeline::default();
        for (section, field) in fields {
            if !is_timestamp(field.hint) {
                continue;
            }
            let path = sanitize(&format!("{section}.{}", field.key)).into_owned();
            let Some(at) = instant(&field.value, field.hint) else {
                timeline.left_out.push(LeftOut {
                    path,
                    why: why_left_out(&field.value),
                });
                continue;
            };
            let (placed, suspicious) = if at < earliest {
                (earliest, Some(Suspicion::Ancient))
            } else {
                (at, None)
            };
            timeline.moments.push(Moment {
                label: sanitize(&field.key).into_owned(),
                path,
                at,
                placed,
                suspicious,
                out_of_order: false,
                // A nested key (`emails[0].createdAt`) is about that member, not the person.
                role: (!field.key.contains(['.', '[']))
                    .then(|| roles::role(&field.key))
                    .flatten(),
            });
        }
        // Stable: moments at the same instant keep the order the vendor sent them in.
        timeline.moments.sort_by_key(|m| m.at);
        timeline.flag_out_of_order();
        timeline
    }

    /// This timeline as of `now`: a moment more than a day after it is placed at `now` and
    /// marked suspicious (the order stays by the instant as sent).
    pub fn as_of(&self, now: DateTime<Utc>) -> Timeline {
        let latest = now + Duration::hours(FUTURE_SLACK_HOURS);
        let mut timeline = self.clone();
        for m in &mut timeline.moments {
            if m.at > latest {
                m.placed = now;
                m.suspicious = Some(Suspicion::Future);
            } else if m.suspicious == Some(Suspicion::Future) {
                m.placed = m.at;
                m.suspicious = None;
            }
        }
        timeline.flag_out_of_order();
        timeline
    }

    /// A last-seen moment before the (first) created one cannot be: flag it.
    fn flag_out_of_order(&mut self) {
        let created = self
            .moments
            .iter()
            .filter(|m| m.role == Some(Role::Created) && m.suspicious.is_none())
            .map(|m| m.at)
            .min();
        if let Some(created) = created {
            for m in &mut self.moments {
                m.out_of_order = m.role == Some(Role::LastSeen) && m.at < created;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.moments.is_empty() && self.left_out.is_empty()
    }

    /// The latest moment (by instant as sent).
    pub fn last(&self) -> Option<&Moment> {
        self.moments.last()
    }

    /// The moments drawn when at most `cap` fit, and how many are not ("+12 more"): the
    /// first `cap - 1` and the last, so the story's end (last seen) is never the one cut.
    pub fn shown(&self, cap: usize) -> (Vec<&Moment>, usize) {
        let n = self.moments.len();
        if n <= cap {
            return (self.moments.iter().collect(), 0);
        }
        if cap == 0 {
            return (Vec::new(), n);
        }
        let mut shown: Vec<&Moment> = self.moments.iter().take(cap - 1).collect();
        shown.extend(self.moments.last());
        (shown, n - cap)
    }

    /// The instants the axis spans: the earliest and latest placed moment.
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let first = self.moments.iter().map(|m| m.placed).min()?;
        let last = self.moments.iter().map(|m| m.placed).max()?;
        Some((first, last))
    }
}

#[cfg(test)]
mod tests;
