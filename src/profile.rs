//! The normalized profile: one shape for every vendor (design §3, JSON form is stable).

use serde::Serialize;
use serde_json::Value;

/// How a value should be shown; set by the adapter from the vendor's documented types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ValueHint {
    #[default]
    Plain,
    /// Documented as an ISO 8601 string.
    IsoTimestamp,
    /// Documented as epoch milliseconds (`0` means unknown).
    EpochMillis,
    /// Documented as epoch seconds (`0` means unknown); config-defined vendors (design §10).
    EpochSeconds,
    /// Documented as a number of days (e.g. Coho's `calculatedProperties[].timeframe`).
    Days,
}

/// A key with the JSON value the vendor sent, type kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    pub key: String,
    pub value: Value,
    /// Display hint only; not part of the stable JSON.
    #[serde(skip)]
    pub hint: ValueHint,
}

impl Field {
    pub fn new(key: impl Into<String>, value: Value) -> Self {
        Self {
            key: key.into(),
            value,
            hint: ValueHint::Plain,
        }
    }

    pub fn with_hint(key: impl Into<String>, value: Value, hint: ValueHint) -> Self {
        Self {
            key: key.into(),
            value,
            hint,
        }
    }
}

/// A group the person belongs to (Coho segment, User.com list, Foldspace product, Chakra team/role).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Segment {
    pub id: Option<String>,
    pub name: Option<String>,
    /// Any further leaves of the vendor's segment object, so nothing is lost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Field>,
}

/// The fields of [`Location`] as its stable JSON spells them (design §3), in order: the
/// `location.<field>` paths of watch events and the merged view's rows.
pub const LOCATION_FIELDS: [&str; 8] = [
    "continent",
    "country",
    "countryCode",
    "region",
    "state",
    "city",
    "postalCode",
    "timezone",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub continent: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub timezone: Option<String>,
}

impl Location {
    /// Label/value pairs in display order.
    pub fn entries(&self) -> [(&'static str, Option<&str>); 8] {
        [
            ("Continent", self.continent.as_deref()),
            ("Country", self.country.as_deref()),
            ("Country code", self.country_code.as_deref()),
            ("Region", self.region.as_deref()),
            ("State", self.state.as_deref()),
            ("City", self.city.as_deref()),
            ("Postal code", self.postal_code.as_deref()),
            ("Timezone", self.timezone.as_deref()),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.entries().iter().all(|(_, v)| v.is_none())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub kind: Option<String>,
    pub properties: Vec<Field>,
    pub tags: Vec<Field>,
    pub segments: Vec<Segment>,
    pub attributes: Vec<Field>,
    pub location: Location,
}

/// What an adapter's `normalize` returns: the profile plus every departure from the contract.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Normalized {
    pub profile: Profile,
    pub warnings: Vec<String>,
}

/// The sections of a profile; used to say "VENDOR has no tags" vs "no tags for this user".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    Properties,
    Tags,
    Segments,
    Attributes,
    Location,
}
