//! Helpers shared by the five adapters: safe URL building from user-typed IDs, error-body
//! reading, and the bookkeeping of normalizing (types checked against the docs, every leaf
//! given exactly one home, departures collected as warnings).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};
use url::{Position, Url};

use super::{Connection, Lookup, LookupKind, VendorKind, WrongShape};
use crate::error::LookupError;
use crate::profile::{Field, Location, Normalized, Profile, Segment, ValueHint};

/// Longest ID we send. No vendor documents a longer one (Foldspace caps identifyId at 255),
/// and URLs much past a few KiB are refused by proxies with confusing errors.
pub const MAX_ID_BYTES: usize = 2048;

/// Everything outside RFC 3986 "unreserved" is encoded, so an ID can never add a path
/// segment, a query, a fragment, or be mistaken for an already-encoded sequence.
const OUTSIDE_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest vendor error message we pass on (one line on a terminal).
const MAX_MESSAGE_CHARS: usize = 300;

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// `Usage` error for a lookup kind the vendor does not offer, naming the ones it does.
pub fn check_kind(vendor: VendorKind, kind: LookupKind) -> Result<(), LookupError> {
    let kinds = vendor.lookup_kinds();
    if kinds.contains(&kind) {
        return Ok(());
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let fix = if names.len() == 1 {
        format!("use --by {}", names[0])
    } else {
        format!("use --by {}", names.join("|"))
    };
    Err(LookupError::Usage(format!(
        "{} cannot look users up by {kind}; it supports {} — {fix}",
        vendor.display_name(),
        names.join(", "),
    )))
}

/// The ID as typed, refused when empty, whitespace only or longer than [`MAX_ID_BYTES`].
/// The value is sent exactly as given (no trimming): IDs may legitimately contain spaces.
pub fn check_value(vendor: VendorKind, lookup: &Lookup) -> Result<(), LookupError> {
    let what = lookup.by.as_str();
    if lookup.value.trim().is_empty() {
        return Err(LookupError::Usage(format!(
            "the {what} to look up is empty; give the {} user's {what}, e.g. `userscope get {} VALUE --by {what}`",
            vendor.display_name(),
            vendor.as_str(),
        )));
    }
    if lookup.value.len() > MAX_ID_BYTES {
        return Err(LookupError::Usage(format!(
            "the {what} is {} bytes long, over the {MAX_ID_BYTES}-byte limit; check what was pasted",
            lookup.value.len()
        )));
    }
    Ok(())
}

/// `Usage` unless the value is one or more ASCII digits (User.com ids, Vemetric ids).
pub fn check_digits(value: &str, message: &str) -> Result<(), LookupError> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(LookupError::Usage(message.to_owned()))
    }
}

/// One ID encoded as a single path segment. `.` and `..` cannot be: every URL parser
/// (and `%2e` spellings too) treats them as dot segments and would change the endpoint.
pub fn encode_segment(id: &str) -> Result<String, LookupError> {
    if id == "." || id == ".." {
        return Err(LookupError::Usage(format!(
            "the ID `{id}` cannot be sent as a URL path segment (it would change which endpoint is called); check the ID"
        )));
    }
    Ok(utf8_percent_encode(id, OUTSIDE_UNRESERVED).to_string())
}

/// One value encoded for a query string (space as `%20`, `&`, `=`, `#`, `+` encoded).
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, OUTSIDE_UNRESERVED).to_string()
}

/// `base` (scheme, host, port of the connection) + an already-encoded path and query.
/// The parsed URL is checked to keep exactly that path and query, so no input can ever
/// reach another endpoint even if a parser rule were overlooked.
pub fn vendor_url(conn: &Connection, path: &str, query: Option<&str>) -> Result<Url, LookupError> {
    let origin = &conn.base_url[..Position::BeforePath];
    let text = match query {
        Some(q) => format!("{origin}{path}?{q}"),
        None => format!("{origin}{path}"),
    };
    let url = Url::parse(&text).map_err(|e| {
        LookupError::Usage(format!(
            "cannot build the {} URL from base {origin}: {e}; check the base URL",
            conn.vendor.display_name()
        ))
    })?;
    if url.path() != path || url.query() != query || url.fragment().is_some() {
        return Err(LookupError::Usage(
            "this ID cannot be sent safely (it would change which endpoint is called); check the ID".to_owned(),
        ));
    }
    Ok(url)
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

/// The body as a JSON object, if it is one.
pub fn error_object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A vendor message fit for one line: whitespace runs collapsed, at most ~300 characters,
/// `None` when empty. Control characters are left for `sanitize` at the edge.
pub fn one_line(text: &str) -> Option<String> {
    let mut out = String::new();
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        return None;
    }
    if out.chars().count() > MAX_MESSAGE_CHARS {
        let cut: String = out.chars().take(MAX_MESSAGE_CHARS).collect();
        out = format!("{}…", cut.trim_end());
    }
    Some(out)
}

/// A non-empty string member of an error object, made one line.
pub fn message_member(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).and_then(one_line)
}

// ---------------------------------------------------------------------------------------------
// Normalizing
// ---------------------------------------------------------------------------------------------

/// "a string", "an array", … for warnings and shape errors.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The body (or a wrapper's content) as an object, or the documented `WrongShape`.
pub fn expect_object(value: Value, what: &str) -> Result<Map<String, Value>, WrongShape> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(WrongShape(format!(
            "expected {what} to be a JSON object, got {}",
            type_name(&other)
        ))),
    }
}

/// The documented JSON type of a field, for type warnings. `null` is always accepted: the
/// vendors' own examples send `null` for fields documented with other types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Str,
    Int,
    Num,
    Bool,
    Array,
    Object,
    /// An ISO 8601 string.
    Iso,
    /// Epoch milliseconds (an integer).
    Epoch,
    /// Documented without a usable type (e.g. Chakra's `data: null`).
    Any,
}

impl Expect {
    pub fn hint(self) -> ValueHint {
        match self {
            Expect::Iso => ValueHint::IsoTimestamp,
            Expect::Epoch => ValueHint::EpochMillis,
            _ => ValueHint::Plain,
        }
    }

    fn documented_as(self) -> &'static str {
        match self {
            Expect::Str => "a string",
            Expect::Int => "an integer",
            Expect::Num => "a number",
            Expect::Bool => "a boolean",
            Expect::Array => "an array",
            Expect::Object => "an object",
            Expect::Iso => "an ISO 8601 timestamp",
            Expect::Epoch => "epoch milliseconds",
            Expect::Any => "anything",
        }
    }

    /// `None` when the value fits, else the warning's "got …" part.
    fn mismatch(self, value: &Value) -> Option<String> {
        let fits = match (self, value) {
            (_, Value::Null) | (Expect::Any, _) => true,
            (Expect::Str, Value::String(_)) => true,
            (Expect::Int | Expect::Epoch, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Expect::Num, Value::Number(_)) => true,
            (Expect::Bool, Value::Bool(_)) => true,
            (Expect::Array, Value::Array(_)) => true,
            (Expect::Object, Value::Object(_)) => true,
            (Expect::Iso, Value::String(s)) => {
                if crate::display::parse_iso(s).is_some() {
                    true
                } else {
                    return Some("got a string that is not one".to_owned());
                }
            }
            _ => false,
        };
        if fits {
            None
        } else if matches!(self, Expect::Int | Expect::Epoch) && value.is_number() {
            Some("got a fractional number".to_owned())
        } else {
            Some(format!("got {}", type_name(value)))
        }
    }
}

/// The slots of `Profile` that hold one vendor string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ident {
    Id,
    DisplayName,
    Email,
    Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Continent,
    Country,
    CountryCode,
    Region,
    State,
    City,
    PostalCode,
    Timezone,
}

/// A string for an identity or location slot: a non-empty string as is, a number as its
/// decimal text (design §3: never dropped). Anything else does not fit a slot.
fn slot_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Collects a profile. Every leaf handed to it lands in exactly one place; values that do
/// not fit where the docs put them fall back to `properties` under their own key.
#[derive(Default)]
pub struct Builder {
    pub profile: Profile,
    pub warnings: Vec<String>,
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn finish(self) -> Normalized {
        Normalized {
            profile: self.profile,
            warnings: self.warnings,
        }
    }

    /// Warnings quote vendor keys and values: made safe and kept to one line here, once.
    pub fn warn(&mut self, message: String) {
        self.warnings
            .push(crate::sanitize::sanitize(&message).into_owned());
    }

    /// Warn when `value` is not of the documented type. Returns whether it fits.
    pub fn check(&mut self, key: &str, value: &Value, expect: Expect) -> bool {
        self.check_at(|| key.to_owned(), value, expect)
    }

    /// [`Builder::check`] for a path that is only spelled out when there is a warning
    /// (paths like `attributes[912].name` would otherwise cost an allocation per item).
    pub fn check_at(
        &mut self,
        path: impl FnOnce() -> String,
        value: &Value,
        expect: Expect,
    ) -> bool {
        match expect.mismatch(value) {
            None => true,
            Some(got) => {
                let path = path();
                self.warn(format!(
                    "{path}: documented as {}, {got}",
                    expect.documented_as()
                ));
                false
            }
        }
    }

    pub fn missing(&mut self, key: &str) {
        self.warn(format!("{key}: required field missing"));
    }

    pub fn undocumented_warning(&mut self, key: &str) {
        self.warn(format!("{key}: not in the documented payload"));
    }

    /// A property, type-checked, with the hint of its documented type.
    pub fn property(&mut self, key: impl Into<String>, value: Value, expect: Expect) {
        let key = key.into();
        self.check(&key, &value, expect);
        self.profile
            .properties
            .push(Field::with_hint(key, value, expect.hint()));
    }

    /// A field the docs do not list: kept whole in properties, with a warning.
    pub fn undocumented(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        self.undocumented_warning(&key);
        self.profile.properties.push(Field::new(key, value));
    }

    pub fn attribute(&mut self, key: impl Into<String>, value: Value) {
        self.profile.attributes.push(Field::new(key, value));
    }

    pub fn tag(&mut self, key: impl Into<String>, value: Value) {
        self.profile.tags.push(Field::new(key, value));
    }

    pub fn segment(&mut self, segment: Segment) {
        self.profile.segments.push(segment);
    }

    fn ident_slot(&mut self, slot: Ident) -> &mut Option<String> {
        match slot {
            Ident::Id => &mut self.profile.id,
            Ident::DisplayName => &mut self.profile.display_name,
            Ident::Email => &mut self.profile.email,
            Ident::Kind => &mut self.profile.kind,
        }
    }

    /// A documented field that fills an identity slot. A non-empty string moves into the
    /// slot; a number becomes its decimal text; anything else (null, "", wrong type) stays in
    /// properties so nothing is lost, and the slot may be filled by a fallback later.
    pub fn identity(&mut self, slot: Ident, key: &str, value: Value, expect: Expect) {
        self.check(key, &value, expect);
        match slot_text(&value) {
            Some(text) if self.ident_slot(slot).is_none() => *self.ident_slot(slot) = Some(text),
            _ => self
                .profile
                .properties
                .push(Field::with_hint(key, value, expect.hint())),
        }
    }

    /// A field the docs do not list, stored under `key`, warned about as `path`.
    pub fn undocumented_at(&mut self, path: &str, key: impl Into<String>, value: Value) {
        self.undocumented_warning(path);
        self.profile.properties.push(Field::new(key, value));
    }

    /// A documented location string: same rule as [`Builder::identity`].
    pub fn location(&mut self, place: Place, key: &str, value: Value) {
        if !matches!(value, Value::String(_) | Value::Null) {
            self.warn(format!(
                "{key}: location value is {}, not a string",
                type_name(&value)
            ));
        }
        let loc: &mut Location = &mut self.profile.location;
        let slot = match place {
            Place::Continent => &mut loc.continent,
            Place::Country => &mut loc.country,
            Place::CountryCode => &mut loc.country_code,
            Place::Region => &mut loc.region,
            Place::State => &mut loc.state,
            Place::City => &mut loc.city,
            Place::PostalCode => &mut loc.postal_code,
            Place::Timezone => &mut loc.timezone,
        };
        match slot_text(&value) {
            Some(text) if slot.is_none() => *slot = Some(text),
            _ => self.profile.properties.push(Field::new(key, value)),
        }
    }

    /// Fill an identity slot that is still empty with a fallback (a copy; the source leaf
    /// keeps its own home).
    pub fn fallback(&mut self, slot: Ident, text: Option<String>) {
        let slot = self.ident_slot(slot);
        if slot.is_none() {
            *slot = text.filter(|t| !t.is_empty());
        }
    }

    /// The text of a property already collected (for display-name fallbacks).
    pub fn property_text(&self, key: &str) -> Option<String> {
        self.profile
            .properties
            .iter()
            .find(|f| f.key == key)
            .and_then(|f| slot_text(&f.value))
    }
}

impl Builder {
    /// A documented array: each item goes to `each(builder, "key[i]", item)`. An empty array,
    /// null or a wrong type stays whole in properties (with a type warning for the latter).
    pub fn items(
        &mut self,
        key: &str,
        value: Value,
        mut each: impl FnMut(&mut Builder, Item<'_>, Value),
    ) {
        match value {
            Value::Array(items) if !items.is_empty() => {
                for (index, item) in items.into_iter().enumerate() {
                    each(self, Item { prefix: key, index }, item);
                }
            }
            other => self.property(key, other, Expect::Array),
        }
    }

    /// A documented `Array<string>` as indexed properties (`phones[0]`, `phones[1]`).
    pub fn string_items(&mut self, key: &str, value: Value) {
        self.items(key, value, |b, at, item| {
            b.property(at.key(), item, Expect::Str)
        });
    }

    /// A documented map of free-form values: each member becomes an attribute (`prefix.k`
    /// when a prefix is given). Empty, null or a wrong type stays whole in properties.
    pub fn attribute_map(&mut self, key: &str, value: Value, prefix: Option<&str>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.profile.attributes.reserve(map.len());
                for (name, value) in map {
                    let name = match prefix {
                        Some(prefix) => member_key(prefix, &name),
                        None => name,
                    };
                    self.attribute(name, value);
                }
            }
            other => self.property(key, other, Expect::Object),
        }
    }

    /// A documented nested object flattened into properties as `prefix.member`, each member
    /// checked against `schema`; members the schema lacks are kept and warned about.
    pub fn flatten(&mut self, prefix: &str, value: Value, schema: &[(&str, Expect)]) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (name, value) in map {
                    self.schema_member(prefix, name, value, schema);
                }
            }
            other => self.property(prefix, other, Expect::Object),
        }
    }

    /// One member of a documented nested object, stored as `prefix.name`.
    pub fn schema_member(
        &mut self,
        prefix: &str,
        name: String,
        value: Value,
        schema: &[(&str, Expect)],
    ) {
        let key = member_key(prefix, &name);
        match schema.iter().find(|(documented, _)| *documented == name) {
            Some((_, expect)) => self.property(key, value, *expect),
            None => self.undocumented(key, value),
        }
    }

    /// Warn about each documented required field that the object lacks.
    pub fn require(&mut self, map: &Map<String, Value>, prefix: &str, required: &[&str]) {
        for name in required {
            if !map.contains_key(*name) {
                self.missing(&member_key(prefix, name));
            }
        }
    }
}

/// Warn when a string is longer than the documented maximum (in characters).
pub fn check_max_chars(b: &mut Builder, path: &str, value: &Value, max: usize) {
    if let Value::String(text) = value {
        let count = text.chars().count();
        if count > max {
            b.warn(format!(
                "{path}: documented as at most {max} characters, got {count}"
            ));
        }
    }
}

/// Text of a string-or-number value (segment ids/names, fallback names).
pub fn text_of(value: &Value) -> Option<String> {
    slot_text(value)
}

/// `prefix[i]` keys for array items, `prefix.key` for object members.
pub fn index_key(prefix: &str, i: usize) -> String {
    format!("{prefix}[{i}]")
}

pub fn member_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        return key.to_owned();
    }
    // Hot in large bodies: one exact allocation, no formatting machinery.
    let mut out = String::with_capacity(prefix.len() + 1 + key.len());
    out.push_str(prefix);
    out.push('.');
    out.push_str(key);
    out
}

/// Where an array item sits (`tags`, 3), spelled out (`tags[3]`) only when needed.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub prefix: &'a str,
    pub index: usize,
}

impl Item<'_> {
    /// `prefix[i]`
    pub fn key(self) -> String {
        index_key(self.prefix, self.index)
    }

    /// `prefix[i].member`
    pub fn path(self, member: &str) -> String {
        format!("{}[{}].{member}", self.prefix, self.index)
    }
}

/// A string-or-number value as text, moving a string instead of copying it.
pub fn into_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// How the members of a [`named_members`] object are checked.
#[derive(Clone, Copy)]
pub enum MemberCheck<'a> {
    /// Only the name (a string) is checked: the vendor does not document the rest.
    NameOnly,
    /// Members are checked against the schema; members it lacks are warned about.
    Schema(&'a [(&'a str, Expect)]),
}

/// An object whose `name` names its `main` member (`{name, value, id, …}`, thousands of
/// them in a big body). `put` receives the main member under the name, then every other
/// member under `NAME.member` in the body's order. Without a usable name, or without a main
/// member to name, the item's index stands in (`attributes[2].value`, `attributes[2].name`).
///
/// One consuming pass with the members parked on the stack: no hashing, no copy of the
/// name, and one allocation per `NAME.member` key — this is the hot path of the benchmark.
pub fn named_members(
    b: &mut Builder,
    at: Item<'_>,
    map: Map<String, Value>,
    main: &str,
    check: MemberCheck<'_>,
    put: fn(&mut Builder, String, Value),
) {
    const INLINE: usize = 6;
    let mut name = None;
    let mut main_value = None;
    let mut inline: [Option<(String, Value)>; INLINE] = Default::default();
    let mut spilled = Vec::new();
    let mut count = 0;
    for (key, value) in map {
        match check {
            MemberCheck::Schema(schema) => match schema.iter().find(|(m, _)| *m == key) {
                Some((_, expect)) => {
                    b.check_at(|| at.path(&key), &value, *expect);
                }
                None => b.undocumented_warning(&at.path(&key)),
            },
            MemberCheck::NameOnly if key == "name" => {
                b.check_at(|| at.path("name"), &value, Expect::Str);
            }
            MemberCheck::NameOnly => {}
        }
        if key == "name" {
            name = Some(value);
        } else if key == main {
            main_value = Some(value);
        } else if count < INLINE {
            inline[count] = Some((key, value));
            count += 1;
        } else {
            spilled.push((key, value));
        }
    }
    let usable = main_value.is_some() && name.as_ref().and_then(text_of).is_some();
    let (base, unnamed) = match name {
        Some(name) if usable => (into_text(name).unwrap_or_default(), None),
        name => (at.key(), name),
    };
    let rest = inline.iter_mut().flatten().chain(spilled.iter_mut());
    for (key, _) in rest {
        *key = member_key(&base, key);
    }
    let unnamed = unnamed.map(|value| (member_key(&base, "name"), value));
    let main_key = if usable {
        base
    } else {
        member_key(&base, main)
    };
    if let Some(value) = main_value {
        put(b, main_key, value);
    }
    for (key, value) in unnamed
        .into_iter()
        .chain(inline.into_iter().flatten())
        .chain(spilled)
    {
        put(b, key, value);
    }
}

/// A documented segment object: `id_key`/`name_key` strings (or numbers) fill id and name,
/// every other member, and an id/name that does not fit, stays in `details`.
pub fn segment_from(object: Map<String, Value>, id_key: &str, name_key: Option<&str>) -> Segment {
    let mut segment = Segment::default();
    for (key, value) in object {
        let slot = if key == id_key {
            &mut segment.id
        } else if Some(key.as_str()) == name_key {
            &mut segment.name
        } else {
            segment.details.push(Field::new(key, value));
            continue;
        };
        match slot_text(&value) {
            Some(text) if slot.is_none() => *slot = Some(text),
            _ => segment.details.push(Field::new(key, value)),
        }
    }
    segment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(base: &str) -> Connection {
        Connection {
            name: "coho".into(),
            vendor: VendorKind::Coho,
            base_url: Url::parse(base).unwrap(),
            auth_url: None,
        }
    }

    #[test]
    fn segments_encode_everything_outside_unreserved() {
        assert_eq!(encode_segment("a/../b").unwrap(), "a%2F..%2Fb");
        assert_eq!(encode_segment("x?y=1#z").unwrap(), "x%3Fy%3D1%23z");
        assert_eq!(encode_segment("100%").unwrap(), "100%25");
        assert_eq!(encode_segment("a b").unwrap(), "a%20b");
        assert_eq!(encode_segment("A-z_0.9~").unwrap(), "A-z_0.9~");
        assert_eq!(encode_segment("Zoë").unwrap(), "Zo%C3%AB");
        assert_eq!(encode_segment("a\r\n\0b").unwrap(), "a%0D%0A%00b");
    }

    #[test]
    fn dot_segments_are_refused() {
        for id in [".", ".."] {
            let err = encode_segment(id).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(
                err.to_string()
                    .contains("cannot be sent as a URL path segment"),
                "{err}"
            );
        }
        assert_eq!(encode_segment("...").unwrap(), "...");
    }

    #[test]
    fn url_keeps_origin_and_drops_base_path() {
        let url = vendor_url(
            &conn("http://127.0.0.1:8080/ignored/"),
            "/api/data/user/a%2Fb",
            None,
        )
        .unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/api/data/user/a%2Fb");
    }

    #[test]
    fn url_refuses_a_path_the_parser_would_change() {
        let err = vendor_url(&conn("https://app.coho.ai"), "/api/data/user/..", None).unwrap_err();
        assert!(err.to_string().contains("cannot be sent safely"), "{err}");
    }

    #[test]
    fn one_line_collapses_and_truncates() {
        assert_eq!(one_line("  a\n\tb  ").as_deref(), Some("a b"));
        assert_eq!(one_line(" \n "), None);
        let long = "x".repeat(400);
        let cut = one_line(&long).unwrap();
        assert_eq!(cut.chars().count(), 301);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn kind_error_names_supported_kinds() {
        let err = check_kind(VendorKind::Usercom, LookupKind::Identifier).unwrap_err();
        assert_eq!(
            err.to_string(),
            "User.com cannot look users up by identifier; it supports key, id, email — use --by key|id|email"
        );
        let err = check_kind(VendorKind::Coho, LookupKind::Email).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Coho cannot look users up by email; it supports id — use --by id"
        );
    }

    #[test]
    fn values_empty_blank_or_too_long_are_refused() {
        let lookup = |v: &str| Lookup::new(LookupKind::Id, v);
        assert!(check_value(VendorKind::Coho, &lookup("")).is_err());
        let err = check_value(VendorKind::Coho, &lookup(" \t")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the id to look up is empty; give the Coho user's id, e.g. `userscope get coho VALUE --by id`"
        );
        assert!(check_value(VendorKind::Coho, &lookup(&"a".repeat(MAX_ID_BYTES))).is_ok());
        let err =
            check_value(VendorKind::Coho, &lookup(&"a".repeat(MAX_ID_BYTES + 1))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the id is 2049 bytes long, over the 2048-byte limit; check what was pasted"
        );
    }

    #[test]
    fn type_checks_accept_null_and_name_the_problem() {
        let mut b = Builder::new();
        assert!(b.check("a", &Value::Null, Expect::Epoch));
        assert!(!b.check("signUpDate", &Value::from("x"), Expect::Epoch));
        assert!(!b.check("n", &Value::from(1.5), Expect::Int));
        assert!(!b.check("t", &Value::from("yesterday"), Expect::Iso));
        assert!(b.check("t", &Value::from("2024-03-01T10:00:00Z"), Expect::Iso));
        assert_eq!(
            b.warnings,
            [
                "signUpDate: documented as epoch milliseconds, got a string",
                "n: documented as an integer, got a fractional number",
                "t: documented as an ISO 8601 timestamp, got a string that is not one",
            ]
        );
    }
}
