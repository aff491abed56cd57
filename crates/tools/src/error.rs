//! Why a tool could not produce an answer, and whether trying again might help.
//!
//! Problems the user can fix (an unknown month, a missing origin, an unreadable amount) are
//! not errors: tools return them as `{"error": "..."}` so the planner can ask the user. A
//! `ToolError` means the tool itself failed — bad configuration, an upstream service that
//! refused or did not answer. The activity that runs the tool uses [`ToolError::is_retryable`]
//! to tell Temporal whether a retry could succeed. Messages never contain an API key.

use std::time::Duration;

/// The longest upstream error body we copy into a message.
const MAX_UPSTREAM_MESSAGE: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The registry has no tool by this name.
    #[error("unknown tool `{0}`")]
    UnknownTool(String),

    /// A setting is unusable (for example a base URL that does not parse).
    #[error("invalid tool setting: {0}")]
    Config(String),

    /// The events data set could not be read or parsed.
    #[error("events data could not be loaded: {0}")]
    EventsData(String),

    /// The upstream service answered with a non-success HTTP status.
    #[error("{service} answered HTTP {status}: {message}")]
    Upstream {
        service: &'static str,
        status: u16,
        message: String,
    },

    /// The upstream service did not answer in time.
    #[error("{service} did not answer within {} s", .after.as_secs())]
    Timeout {
        service: &'static str,
        after: Duration,
    },

    /// The upstream service could not be reached (DNS, refused connection, TLS, reset).
    #[error("could not reach {service}: {message}")]
    Connection {
        service: &'static str,
        message: String,
    },

    /// The upstream service answered with something we could not read.
    #[error("{service} sent a response we could not read: {message}")]
    BadResponse {
        service: &'static str,
        message: String,
    },
}

impl ToolError {
    /// True when the same call might succeed later: rate limits, server errors, timeouts and
    /// connection failures. Client errors (bad key, bad request, missing resource), bad
    /// configuration and unreadable responses would fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            ToolError::Upstream { status, .. } => {
                *status == 408 || *status == 429 || *status >= 500
            }
            ToolError::Timeout { .. } | ToolError::Connection { .. } => true,
            ToolError::UnknownTool(_)
            | ToolError::Config(_)
            | ToolError::EventsData(_)
            | ToolError::BadResponse { .. } => false,
        }
    }

    /// The HTTP status the upstream service answered with, if it answered.
    pub fn upstream_status(&self) -> Option<u16> {
        match self {
            ToolError::Upstream { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Makes upstream text safe to put in an error: removes the key should the service echo it,
/// and keeps it short.
pub(crate) fn scrub(text: &str, secret: &str) -> String {
    let text = if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "[redacted]")
    };
    let text = text.trim();
    match text.char_indices().nth(MAX_UPSTREAM_MESSAGE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(status: u16) -> ToolError {
        ToolError::Upstream {
            service: "Test",
            status,
            message: String::new(),
        }
    }

    #[test]
    fn rate_limits_server_errors_and_network_failures_are_retryable() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(upstream(status).is_retryable(), "{status}");
        }
        let timeout = ToolError::Timeout {
            service: "Test",
            after: Duration::from_secs(20),
        };
        assert!(timeout.is_retryable());
        let connection = ToolError::Connection {
            service: "Test",
            message: "refused".into(),
        };
        assert!(connection.is_retryable());
    }

    #[test]
    fn client_errors_and_bad_setup_are_not_retryable() {
        for status in [400, 401, 402, 403, 404, 409, 422] {
            assert!(!upstream(status).is_retryable(), "{status}");
        }
        assert!(!ToolError::UnknownTool("Nope".into()).is_retryable());
        assert!(!ToolError::Config("bad url".into()).is_retryable());
        let bad = ToolError::BadResponse {
            service: "Test",
            message: "not json".into(),
        };
        assert!(!bad.is_retryable());
    }

    #[test]
    fn scrub_removes_the_secret_and_truncates() {
        assert_eq!(
            scrub("Invalid key sk_live_123 given", "sk_live_123"),
            "Invalid key [redacted] given"
        );
        let long = "x".repeat(1000);
        assert!(scrub(&long, "").chars().count() <= MAX_UPSTREAM_MESSAGE + 1);
    }
}
