//! Why a tool call can fail, and how each failure reaches the caller: in one place.
//!
//! MCP has two ways to fail a `tools/call`. A protocol error (JSON-RPC `error`) says the request
//! could not be routed at all; a tool result with `isError: true` says the tool ran and could
//! not do what was asked. Every [`ToolError`] is the second kind: its text is written for the
//! model that called the tool, so it can correct the arguments and try again. Arguments that
//! do not fit the schema (a string where a number belongs) never reach a tool: rmcp answers
//! them with an `isError` result of its own, and an unknown tool name with a JSON-RPC
//! `invalid params` error.

use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};

/// A tool ran and could not answer; the message says what to change.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error(
        "unknown currency code {code:?}; use an ISO 4217 code from the reference table: {supported}"
    )]
    UnknownCurrency {
        code: String,
        /// Comma-separated codes, in the table's order.
        supported: String,
    },
    #[error("amount must be a finite number, not {0}")]
    InvalidAmount(f64),
    #[error("unknown time zone {zone:?}; use an IANA name such as America/Chicago{hint}")]
    UnknownZone {
        zone: String,
        /// Either empty or a sentence that starts with "; ".
        hint: String,
    },
    #[error("`at` must be an RFC 3339 instant such as 2026-12-24T18:30:00Z, not {0:?}")]
    InvalidInstant(String),
    #[error("{city:?} is not in the table of North American cities{hint}")]
    UnknownCity {
        city: String,
        /// Either empty or a sentence that starts with "; ".
        hint: String,
    },
    #[error("`{field}` must not be empty")]
    EmptyField { field: &'static str },
    #[error("`{field}` is {chars} characters long; at most {max} are allowed")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    /// The note may or may not be in the file: the caller should check before saving it again.
    #[error("could not save the note: {0}")]
    NotesFile(#[source] std::io::Error),
}

impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, rmcp::ErrorData> {
        Ok(CallToolResult::error(vec![ContentBlock::text(self.to_string())]).into())
    }
}
