//! What `userscope find` looks for: the value and its identity class. Checked before anything
//! is sent (an empty value, or `--as email` without `@`, is a usage error, exit 2).

use serde::Serialize;

use crate::error::LookupError;
use crate::vendors::FindClass;

/// The person asked for (§9's `query`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Query {
    /// Trimmed: blanks around a pasted value are never part of it.
    pub value: String,
    #[serde(rename = "as")]
    pub class: FindClass,
}

impl Query {
    /// The class is `email` when the value contains `@`, else `id`, unless `as_class` says.
    pub fn parse(value: &str, as_class: Option<FindClass>) -> Result<Query, LookupError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(LookupError::Usage(
                "the value to find is empty: give an email or your product's user ID".to_owned(),
            ));
        }
        let class = match as_class {
            Some(class) => class,
            None if value.contains('@') => FindClass::Email,
            None => FindClass::Id,
        };
        if class == FindClass::Email && !value.contains('@') {
            return Err(LookupError::Usage(format!(
                "`{}` is not an email (no @); drop --as email to find it as an ID",
                crate::sanitize::sanitize(value)
            )));
        }
        Ok(Query {
            value: value.to_owned(),
            class,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_comes_from_the_value_unless_told() {
        let q = Query::parse("  Mara@Example.org ", None).unwrap();
        assert_eq!(
            q,
            Query {
                value: "Mara@Example.org".into(),
                class: FindClass::Email
            }
        );
        assert_eq!(
            Query::parse("acct-7781", None).unwrap().class,
            FindClass::Id
        );
        // An ID that happens to contain @ (some products use them) can be forced.
        assert_eq!(
            Query::parse("team@7781", Some(FindClass::Id))
                .unwrap()
                .class,
            FindClass::Id
        );
    }

    #[test]
    fn empty_values_and_emails_without_at_are_usage_errors() {
        for (value, class) in [
            ("", None),
            (" \t ", None),
            ("acct-7781", Some(FindClass::Email)),
        ] {
            let err = Query::parse(value, class).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{value:?}");
        }
        assert_eq!(
            Query::parse("acct-7781", Some(FindClass::Email))
                .unwrap_err()
                .to_string(),
            "`acct-7781` is not an email (no @); drop --as email to find it as an ID"
        );
    }
}
