//! Reading tool arguments the way an LLM actually sends them.
//!
//! The planner's `args` object is usually right, but not always: keys may differ in case or
//! use snake_case (`date_depart` for `dateDepart`), numbers may arrive as strings and strings
//! as numbers, empty values may be `null`, `""` or the text `"null"`, and now and then the
//! whole object arrives as a JSON string. Tools read through [`Args`] so none of that matters
//! and nothing panics.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Default)]
pub(crate) struct Args(Map<String, Value>);

impl Args {
    pub(crate) fn new(value: Value) -> Self {
        match value {
            Value::Object(map) => Args(map),
            Value::String(text) => match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => Args(map),
                _ => Args::default(),
            },
            _ => Args::default(),
        }
    }

    /// The value under `name`, matching exactly first, then ignoring case, `_` and `-`.
    /// `null` counts as absent.
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        let found = self.0.get(name).or_else(|| {
            let wanted = normalize_key(name);
            self.0
                .iter()
                .find(|(key, _)| normalize_key(key) == wanted)
                .map(|(_, value)| value)
        });
        found.filter(|value| !value.is_null())
    }

    /// The argument as trimmed text; numbers and booleans are written out. Empty strings and
    /// placeholder words (`null`, `none`) count as absent.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        let text = match self.value(name)? {
            Value::String(text) => text.trim().to_string(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            _ => return None,
        };
        let placeholder = ["null", "none", "undefined"]
            .iter()
            .any(|word| text.eq_ignore_ascii_case(word));
        (!text.is_empty() && !placeholder).then_some(text)
    }

    /// The argument as a whole number, from a JSON number or a numeric string.
    pub(crate) fn integer(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            Value::Number(number) => number.as_i64().or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0)
                    .map(|f| f as i64)
            }),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }
}

fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_match_across_case_and_separators() {
        let args = Args::new(json!({"date_depart": "2026-03-01", "ORIGIN": "ORD"}));
        assert_eq!(args.text("dateDepart").as_deref(), Some("2026-03-01"));
        assert_eq!(args.text("origin").as_deref(), Some("ORD"));
    }

    #[test]
    fn empty_and_placeholder_values_are_absent() {
        let args = Args::new(json!({"a": null, "b": "  ", "c": "null", "d": "None"}));
        for key in ["a", "b", "c", "d", "missing"] {
            assert_eq!(args.text(key), None, "{key}");
        }
    }

    #[test]
    fn numbers_and_strings_convert_both_ways() {
        let args = Args::new(json!({"n": 12, "s": " 7 ", "f": 3.0, "flag": true}));
        assert_eq!(args.text("n").as_deref(), Some("12"));
        assert_eq!(args.integer("s"), Some(7));
        assert_eq!(args.integer("f"), Some(3));
        assert_eq!(args.text("flag").as_deref(), Some("true"));
    }

    #[test]
    fn object_encoded_as_a_string_is_unwrapped_and_junk_is_empty() {
        let args = Args::new(json!("{\"city\": \"Austin\"}"));
        assert_eq!(args.text("city").as_deref(), Some("Austin"));
        assert_eq!(Args::new(json!([1, 2])).text("city"), None);
        assert_eq!(Args::new(Value::Null).text("city"), None);
    }
}
