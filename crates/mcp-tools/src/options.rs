//! What a server is started with: the tools' settings (from the environment for the binary,
//! built by hand in tests) and, for HTTP, the header a request must carry.

use std::path::PathBuf;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use serde::Deserialize;
use settings::{Env, SettingsError};

/// The notes file used when `MCP_TOOLS_NOTES_FILE` is unset: in the working directory.
pub const DEFAULT_NOTES_FILE: &str = "notes.jsonl";

/// Settings every tool call sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOptions {
    /// Waited at the start of every tool call (`MCP_TOOLS_DELAY_MS`). Tests use it to stop
    /// the server while a call is in flight.
    pub delay: Duration,
    /// Where `save_trip_note` appends (`MCP_TOOLS_NOTES_FILE`).
    pub notes_file: PathBuf,
}

impl Default for ToolOptions {
    fn default() -> Self {
        ToolOptions {
            delay: Duration::ZERO,
            notes_file: PathBuf::from(DEFAULT_NOTES_FILE),
        }
    }
}

/// The environment variables, named as serde fields in lower case (see [`Env::parse`]).
#[derive(Debug, Deserialize)]
struct ToolVars {
    mcp_tools_delay_ms: Option<u64>,
    mcp_tools_notes_file: Option<PathBuf>,
}

impl ToolOptions {
    /// Reads `MCP_TOOLS_DELAY_MS` and `MCP_TOOLS_NOTES_FILE`; unset means the default.
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let vars: ToolVars = env.parse()?;
        let defaults = ToolOptions::default();
        Ok(ToolOptions {
            delay: vars
                .mcp_tools_delay_ms
                .map_or(defaults.delay, Duration::from_millis),
            notes_file: vars.mcp_tools_notes_file.unwrap_or(defaults.notes_file),
        })
    }
}

/// A header every HTTP request must carry, e.g. `X-Api-Key: secret`. Built only by
/// [`RequiredHeader::parse`], so its name and value are always valid HTTP.
#[derive(Clone, PartialEq, Eq)]
pub struct RequiredHeader {
    name: HeaderName,
    value: HeaderValue,
}

/// Why a `Name: value` text is not a usable header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("a required header is written \"Name: value\"")]
    MissingColon,
    #[error("{0:?} is not a valid header name")]
    BadName(String),
    /// The value itself is not repeated: it may be a secret.
    #[error("the value of header {0} is empty or not valid in HTTP")]
    BadValue(String),
}

impl RequiredHeader {
    /// Parses `Name: value`; spaces around either part are ignored.
    pub fn parse(text: &str) -> Result<Self, HeaderError> {
        let (name, value) = text.split_once(':').ok_or(HeaderError::MissingColon)?;
        let name = HeaderName::try_from(name.trim())
            .map_err(|_| HeaderError::BadName(name.trim().to_owned()))?;
        let value = value.trim();
        let value = HeaderValue::from_str(value)
            .ok()
            .filter(|_| !value.is_empty())
            .ok_or_else(|| HeaderError::BadValue(name.to_string()))?;
        Ok(RequiredHeader { name, value })
    }

    pub fn name(&self) -> &HeaderName {
        &self.name
    }

    /// True when `value` is the one required.
    pub fn accepts(&self, value: Option<&HeaderValue>) -> bool {
        value.is_some_and(|value| value.as_bytes() == self.value.as_bytes())
    }
}

impl std::fmt::Debug for RequiredHeader {
    /// The name only: the value is usually a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequiredHeader")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// How the HTTP server runs.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    pub tools: ToolOptions,
    /// When set, requests without this header get 401.
    pub required_header: Option<RequiredHeader>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_variables_mean_no_delay_and_notes_in_the_working_directory() {
        let options = ToolOptions::from_env(&Env::from_pairs::<&str, &str>([])).unwrap();
        assert_eq!(options, ToolOptions::default());
        assert_eq!(options.notes_file, PathBuf::from("notes.jsonl"));
    }

    #[test]
    fn variables_set_the_delay_and_the_notes_file() {
        let env = Env::from_pairs([
            ("MCP_TOOLS_DELAY_MS", "250"),
            ("MCP_TOOLS_NOTES_FILE", "/tmp/trip.jsonl"),
        ]);
        let options = ToolOptions::from_env(&env).unwrap();
        assert_eq!(options.delay, Duration::from_millis(250));
        assert_eq!(options.notes_file, PathBuf::from("/tmp/trip.jsonl"));
    }

    #[test]
    fn a_bad_delay_names_its_variable() {
        let env = Env::from_pairs([("MCP_TOOLS_DELAY_MS", "soon")]);
        let err = ToolOptions::from_env(&env).unwrap_err();
        assert_eq!(err.variable, "MCP_TOOLS_DELAY_MS");
    }

    #[test]
    fn required_header_is_parsed_from_name_and_value() {
        let header = RequiredHeader::parse(" X-Api-Key :  s3cret ").unwrap();
        assert_eq!(header.name().as_str(), "x-api-key");
        assert!(header.accepts(Some(&HeaderValue::from_static("s3cret"))));
        assert!(!header.accepts(Some(&HeaderValue::from_static("other"))));
        assert!(!header.accepts(None));
        // A value may itself contain colons (URLs, some token formats).
        let header = RequiredHeader::parse("Authorization: Bearer a:b").unwrap();
        assert!(header.accepts(Some(&HeaderValue::from_static("Bearer a:b"))));
    }

    #[test]
    fn malformed_required_headers_are_refused_without_echoing_the_value() {
        assert_eq!(
            RequiredHeader::parse("X-Api-Key"),
            Err(HeaderError::MissingColon)
        );
        assert!(matches!(
            RequiredHeader::parse("bad name: v"),
            Err(HeaderError::BadName(_))
        ));
        let err = RequiredHeader::parse("X-Api-Key:   ").unwrap_err();
        assert_eq!(err, HeaderError::BadValue("x-api-key".into()));
        let debug = format!("{:?}", RequiredHeader::parse("X-Api-Key: s3cret").unwrap());
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
