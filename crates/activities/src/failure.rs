//! Turning our errors into Temporal activity failures.
//!
//! The failure's type name (from `workflows::failures::error_types`) tells the workflow's
//! retry policy and its user messages what happened; `non_retryable` and
//! `next_retry_delay` tell Temporal what to do next.

use std::time::Duration;

use temporalio_common::error::ApplicationFailure;
use temporalio_sdk::activities::ActivityError;
use tools::ToolError;
pub use workflows::failures::error_types;

use crate::llm::LlmError;

fn failure(
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    type_name: &str,
    retryable: bool,
    delay: Option<Duration>,
) -> ActivityError {
    ActivityError::application(
        ApplicationFailure::builder(source)
            .type_name(type_name.to_owned())
            .non_retryable(!retryable)
            .maybe_next_retry_delay(delay)
            .build(),
    )
}

pub(crate) fn llm_failure(err: LlmError) -> ActivityError {
    use error_types::*;
    let type_name = match &err {
        LlmError::RateLimited { .. } => LLM_RATE_LIMITED,
        LlmError::QuotaExceeded(_) => LLM_QUOTA,
        LlmError::Unauthorized(_) => LLM_AUTH,
        LlmError::Forbidden(_) => LLM_PERMISSION,
        LlmError::UnknownModel { .. } => LLM_UNKNOWN_MODEL,
        LlmError::ContentPolicy { .. } => LLM_CONTENT_POLICY,
        LlmError::BadRequest { .. } => LLM_BAD_REQUEST,
        LlmError::Server { .. } => LLM_SERVER_ERROR,
        LlmError::Timeout(_) => LLM_TIMEOUT,
        LlmError::Connection(_) => LLM_CONNECTION,
        LlmError::MalformedResponse(_) | LlmError::EmptyAnswer => LLM_MALFORMED_OUTPUT,
    };
    let retryable = err.is_retryable();
    let delay = err.retry_after();
    failure(err, type_name, retryable, delay)
}

/// An answer we could not use. Retried until `attempt` reaches `max_attempts`; then final,
/// so the workflow can tell the user instead of waiting out the whole retry policy.
pub(crate) fn unusable_answer(
    err: prompts::ParseError,
    attempt: u32,
    max_attempts: u32,
) -> ActivityError {
    if attempt >= max_attempts {
        failure(
            format!(
                "the model's answer was unusable {attempt} times in a row; last problem: {err}"
            ),
            error_types::LLM_INVALID_OUTPUT,
            false,
            None,
        )
    } else {
        failure(err, error_types::LLM_MALFORMED_OUTPUT, true, None)
    }
}

pub(crate) fn prompt_failure(err: prompts::PromptError) -> ActivityError {
    failure(err, error_types::PROMPT_RENDER, false, None)
}

pub(crate) fn tool_failure(err: ToolError) -> ActivityError {
    if err.is_retryable() {
        failure(err, error_types::TOOL_FAILED, true, None)
    } else {
        failure(err, error_types::TOOL_REJECTED, false, None)
    }
}

pub(crate) fn goal_failure(err: crate::resolve::ResolveError) -> ActivityError {
    if err.is_retryable() {
        failure(err, error_types::GOAL_TOOLS_UNAVAILABLE, true, None)
    } else {
        failure(err, error_types::GOAL_UNKNOWN, false, None)
    }
}

pub(crate) fn mcp_failure(err: crate::mcp::McpError) -> ActivityError {
    use crate::mcp::McpError;
    match &err {
        McpError::Unreachable { .. } => failure(err, error_types::MCP_UNREACHABLE, true, None),
        McpError::Interrupted { .. } => failure(err, error_types::MCP_INTERRUPTED, true, None),
        McpError::UnknownServer(_) | McpError::Refused { .. } => {
            failure(err, error_types::MCP_REFUSED, false, None)
        }
    }
}

/// No way to deliver email on this worker: final, the email fails with the reason.
pub(crate) fn email_unavailable(reason: impl Into<String>) -> ActivityError {
    failure(
        reason.into(),
        error_types::EMAIL_DELIVERY_UNAVAILABLE,
        false,
        None,
    )
}

/// The email was refused for good (bad address, SMTP 5xx).
pub(crate) fn email_rejected(reason: impl Into<String>) -> ActivityError {
    failure(reason.into(), error_types::EMAIL_REJECTED, false, None)
}

/// Delivery failed in a way that may pass; Temporal retries within the send window.
pub(crate) fn email_send_failed(reason: impl Into<String>) -> ActivityError {
    failure(reason.into(), error_types::EMAIL_SEND_FAILED, true, None)
}
