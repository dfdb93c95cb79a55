//! From the TOML as written ([`super::schema`]) to a validated [`Spec`]: every mistake is a
//! `ConfigError` at the byte offset of the value (or key) that is wrong, with a did-you-mean
//! where a name was misspelt. All or nothing: a file with one bad vendor registers none.

use toml::Spanned;

use super::schema::{RawFields, RawLookup, RawVendor, VendorsOnly};
use super::{
    AuthStyle, Fields, LookupSpec, Pointer, SegmentsSpec, Spec, TagsSpec, Template, TimeFormat,
};
use crate::config::ConfigError;
use crate::vendors::common::Place;
use crate::vendors::{FindClass, LookupKind, VendorKind};

type Checked<T> = Result<T, ConfigError>;

fn at<T>(value: &Spanned<T>, message: String) -> ConfigError {
    ConfigError {
        message: crate::sanitize::sanitize(&message).into_owned(),
        at: Some(value.span().start),
    }
}

/// "unknown X `typed`, expected one of `a`, `b` (did you mean `a`?)".
fn unknown(what: &str, typed: &Spanned<String>, names: &[&str]) -> ConfigError {
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let mut message = format!(
        "unknown {what} `{}`, expected one of {}",
        typed.get_ref(),
        list.join(", ")
    );
    if let Some(near) = crate::config::closest(typed.get_ref(), names.iter().copied()) {
        message.push_str(&format!(" (did you mean `{near}`?)"));
    }
    at(typed, message)
}

pub(super) fn parse_section(text: &str) -> Checked<Vec<Spec>> {
    let file: VendorsOnly = toml::from_str(text).map_err(|e| ConfigError {
        message: crate::sanitize::sanitize(&crate::config::with_suggestion(e.message()))
            .into_owned(),
        at: e.span().map(|span| span.start),
    })?;
    file.vendors
        .into_iter()
        .map(|(name, raw)| vendor(&name, raw))
        .collect()
}

fn vendor(name: &Spanned<String>, raw: RawVendor) -> Checked<Spec> {
    let cli = name.get_ref();
    if cli.is_empty()
        || !cli
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(at(
            name,
            format!("vendor name `{cli}` must be lowercase letters, digits and `-` ([a-z0-9-]+)"),
        ));
    }
    if let Some(built_in) = VendorKind::all().find(|v| !v.is_declared() && v.as_str() == cli) {
        return Err(at(
            name,
            format!(
                "vendor `{cli}` is built in ({}); give yours another name",
                built_in.display_name()
            ),
        ));
    }
    let display_name = match &raw.name {
        Some(given) if given.get_ref().trim().is_empty() => {
            return Err(at(given, "`name` is empty".to_owned()));
        }
        Some(given) => given.get_ref().trim().to_owned(),
        None => cli.clone(),
    };
    let base_url = crate::config::parse_base_url(raw.base_url.get_ref(), "base_url")
        .map_err(|e| at(&raw.base_url, e.to_string()))?;
    let auth = match &raw.auth {
        None => AuthStyle::Bearer,
        Some(auth) => {
            let header = |style: AuthStyle| match &auth.header {
                Some(h) => Err(at(
                    h,
                    "`header` is only for auth type \"header\"".to_owned(),
                )),
                None => Ok(style),
            };
            match auth.kind.get_ref().as_str() {
                "bearer" => header(AuthStyle::Bearer)?,
                "token" => header(AuthStyle::Token)?,
                "basic" => header(AuthStyle::Basic)?,
                "header" => match &auth.header {
                    Some(h) => AuthStyle::Header(header_name(h)?),
                    None => {
                        return Err(at(
                            &auth.kind,
                            "auth type \"header\" needs `header = \"NAME\"` (the header the key goes in)".to_owned(),
                        ));
                    }
                },
                _ => return Err(unknown("auth type", &auth.kind, &AuthStyle::TYPES)),
            }
        }
    };
    if raw.lookup.get_ref().is_empty() {
        return Err(at(
            &raw.lookup,
            "`lookup` needs at least one [[vendors.NAME.lookup]] table".to_owned(),
        ));
    }
    let mut lookups: Vec<LookupSpec> = Vec::new();
    for raw_lookup in raw.lookup.get_ref() {
        let spec = lookup(raw_lookup)?;
        if lookups.iter().any(|l| l.by == spec.by) {
            return Err(at(
                &raw_lookup.by,
                format!(
                    "a second lookup by `{}`; each kind may appear once",
                    spec.by
                ),
            ));
        }
        lookups.push(spec);
    }
    for class in FindClass::ALL {
        let mut answering = raw
            .lookup
            .get_ref()
            .iter()
            .zip(&lookups)
            .filter(|(_, l)| l.find == Some(class));
        if let (Some(_), Some((second, _))) = (answering.next(), answering.next())
            && let Some(find) = &second.find
        {
            return Err(at(
                find,
                format!("a second lookup with find = \"{class}\"; one lookup answers each class"),
            ));
        }
    }
    let fields = fields(raw.fields)?;
    let error_message = match raw.errors.and_then(|e| e.message) {
        Some(p) => Some(pointer(&p, false)?),
        None => None,
    };
    Ok(Spec {
        name: cli.clone(),
        display_name,
        base_url,
        auth,
        lookups,
        fields,
        error_message,
    })
}

/// An HTTP header name (RFC 9110 token), lower-cased.
fn header_name(given: &Spanned<String>) -> Checked<String> {
    let name = given.get_ref();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(at(given, format!("`{name}` is not an HTTP header name")));
    }
    Ok(name.to_ascii_lowercase())
}

fn pointer(given: &Spanned<String>, allow_whole: bool) -> Checked<Pointer> {
    Pointer::parse(given.get_ref(), allow_whole).map_err(|message| at(given, message))
}

fn optional(given: &Option<Spanned<String>>) -> Checked<Option<Pointer>> {
    given.as_ref().map(|p| pointer(p, false)).transpose()
}

fn lookup(raw: &RawLookup) -> Checked<LookupSpec> {
    let kinds = ["id", "key", "email", "identifier"];
    let by = LookupKind::parse(raw.by.get_ref())
        .filter(|k| k.as_str() == raw.by.get_ref())
        .ok_or_else(|| unknown("lookup kind", &raw.by, &kinds))?;
    let path = Template::path(raw.path.get_ref()).map_err(|m| at(&raw.path, m))?;
    let mut query = Vec::new();
    for (name, value) in raw.query.iter().flatten() {
        if name.get_ref().is_empty() {
            return Err(at(name, "a query parameter needs a name".to_owned()));
        }
        let template = Template::query(value.get_ref()).map_err(|m| at(value, m))?;
        query.push((name.get_ref().clone(), template));
    }
    if !path.uses_value() && !query.iter().any(|(_, t)| t.uses_value()) {
        return Err(at(
            &raw.path,
            format!(
                "the lookup by {by} never sends the value: put {{value}} in `path` (one path segment) or in a `query` value"
            ),
        ));
    }
    let profile = match &raw.profile {
        Some(p) => pointer(p, true)?,
        None => Pointer::whole(),
    };
    let find = match &raw.find {
        Some(f) => Some(
            FindClass::parse(f.get_ref())
                .filter(|c| c.as_str() == f.get_ref())
                .ok_or_else(|| unknown("find class", f, &["email", "id"]))?,
        ),
        None => None,
    };
    Ok(LookupSpec {
        by,
        path,
        query,
        profile,
        find,
    })
}

fn fields(raw: RawFields) -> Checked<Fields> {
    let tags = match &raw.tags {
        Some(t) => Some(TagsSpec {
            list: pointer(&t.list, false)?,
            key: pointer(&t.key, false)?,
            value: optional(&t.value)?,
        }),
        None => None,
    };
    let segments = match &raw.segments {
        Some(s) => Some(SegmentsSpec {
            list: pointer(&s.list, false)?,
            id: optional(&s.id)?,
            name: optional(&s.name)?,
        }),
        None => None,
    };
    let mut location = Vec::new();
    if let Some(loc) = &raw.location {
        let places = [
            (Place::Continent, &loc.continent),
            (Place::Country, &loc.country),
            (Place::CountryCode, &loc.country_code),
            (Place::Region, &loc.region),
            (Place::State, &loc.state),
            (Place::City, &loc.city),
            (Place::PostalCode, &loc.postal_code),
            (Place::Timezone, &loc.timezone),
        ];
        for (place, given) in places {
            if let Some(p) = optional(given)? {
                location.push((place, p));
            }
        }
    }
    let mut timestamps = Vec::new();
    for (where_, format) in raw.timestamps.iter().flatten() {
        let p = pointer(where_, false)?;
        let format = TimeFormat::parse(format.get_ref())
            .ok_or_else(|| unknown("timestamp format", format, &TimeFormat::NAMES))?;
        timestamps.push((p, format));
    }
    Ok(Fields {
        id: pointer(&raw.id, false)?,
        email: optional(&raw.email)?,
        name: optional(&raw.name)?,
        kind: optional(&raw.kind)?,
        tags,
        segments,
        attributes: optional(&raw.attributes)?,
        location,
        timestamps,
    })
}
