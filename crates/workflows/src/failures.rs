//! Failure type names shared by activities and workflow, and what the user is told.
//!
//! Activities tag every failure with one of [`error_types`]; the workflow names the final
//! ones in its retry policy and, when an LLM step fails for good, turns the type into an
//! agent message. The conversation stays usable: the user can try again, and an operator
//! can fix the cause (a key, a model name) without losing the chat.

use temporalio_common::error::{ActivityExecutionError, IncomingError};

/// Application failure types set by the activities.
pub mod error_types {
    /// 429: retried after the provider's `Retry-After`.
    pub const LLM_RATE_LIMITED: &str = "LlmRateLimited";
    /// 5xx, 408, 409: retried with backoff.
    pub const LLM_SERVER_ERROR: &str = "LlmServerError";
    /// The HTTP call timed out: retried.
    pub const LLM_TIMEOUT: &str = "LlmTimeout";
    /// The provider could not be reached: retried.
    pub const LLM_CONNECTION: &str = "LlmConnectionError";
    /// The answer was not usable JSON this time: retried a bounded number of times.
    pub const LLM_MALFORMED_OUTPUT: &str = "LlmMalformedOutput";

    /// 401: the key was rejected.
    pub const LLM_AUTH: &str = "LlmAuthError";
    /// 403: the key may not use this model.
    pub const LLM_PERMISSION: &str = "LlmPermissionDenied";
    /// 404 or model_not_found: no such model.
    pub const LLM_UNKNOWN_MODEL: &str = "LlmUnknownModel";
    /// The provider refused the content.
    pub const LLM_CONTENT_POLICY: &str = "LlmContentPolicy";
    /// Any other 4xx: the request itself is wrong.
    pub const LLM_BAD_REQUEST: &str = "LlmBadRequest";
    /// 429 insufficient_quota: the account is out of credit.
    pub const LLM_QUOTA: &str = "LlmQuotaExceeded";
    /// The answer stayed unusable after the allowed attempts.
    pub const LLM_INVALID_OUTPUT: &str = "LlmInvalidOutput";
    /// A prompt template failed to render (a bug, not a transient problem).
    pub const PROMPT_RENDER: &str = "PromptRenderError";

    /// A tool failed in a way that may pass (upstream 5xx, timeout): retried.
    pub const TOOL_FAILED: &str = "ToolFailed";
    /// A tool failed for good (upstream 4xx, unknown tool): not retried.
    pub const TOOL_REJECTED: &str = "ToolRejected";

    /// The goal is not one of the worker's goal files: no retry can help.
    pub const GOAL_UNKNOWN: &str = "GoalUnknown";
    /// A goal's tools could not be listed (an MCP server did not answer): retried a little.
    pub const GOAL_TOOLS_UNAVAILABLE: &str = "GoalToolsUnavailable";

    /// An MCP server could not be reached; the call was not sent.
    pub const MCP_UNREACHABLE: &str = "McpUnreachable";
    /// An MCP server stopped answering during a call: whether the tool ran is not known.
    pub const MCP_INTERRUPTED: &str = "McpInterrupted";
    /// An MCP server refused the request (unknown tool, malformed call).
    pub const MCP_REFUSED: &str = "McpRefused";

    /// No way to deliver email: SMTP is misconfigured, or the outbox cannot be written.
    pub const EMAIL_DELIVERY_UNAVAILABLE: &str = "EmailDeliveryUnavailable";
    /// The email was refused for good (an invalid address, an SMTP 5xx answer): not retried.
    pub const EMAIL_REJECTED: &str = "EmailRejected";
    /// Delivery failed in a way that may pass (server down, 4xx, timeout): retried.
    pub const EMAIL_SEND_FAILED: &str = "EmailSendFailed";
    /// The email workflow's own failure: the email could not be sent.
    pub const EMAIL_NOT_SENT: &str = "EmailNotSent";

    /// Failure types no retry can fix, named in the LLM activities' retry policy.
    pub const LLM_NON_RETRYABLE: &[&str] = &[
        LLM_AUTH,
        LLM_PERMISSION,
        LLM_UNKNOWN_MODEL,
        LLM_CONTENT_POLICY,
        LLM_BAD_REQUEST,
        LLM_QUOTA,
        LLM_INVALID_OUTPUT,
        PROMPT_RENDER,
    ];
}

/// The application failure type and message at the root of an activity failure.
pub fn failure_type(err: &ActivityExecutionError) -> (Option<String>, String) {
    let mut cause = err.cause();
    while let Some(current) = cause {
        if let IncomingError::Application(app) = current {
            return (app.type_name().map(str::to_owned), app.to_string());
        }
        cause = current.cause();
    }
    let message = err
        .failure()
        .map(|f| f.message.clone())
        .unwrap_or_else(|| err.to_string());
    (None, message)
}

/// What the agent says when an LLM step has failed for good.
pub fn llm_failure_message(err: &ActivityExecutionError) -> String {
    use error_types::*;
    let (kind, detail) = failure_type(err);
    let problem = match kind.as_deref() {
        Some(LLM_AUTH) => {
            "the language model provider rejected the API key. An operator needs to fix LLM_KEY"
        }
        Some(LLM_PERMISSION) => {
            "the API key is not allowed to use this model. An operator needs to check LLM_KEY and LLM_MODEL"
        }
        Some(LLM_UNKNOWN_MODEL) => {
            "the language model provider does not know the configured model. An operator needs to fix LLM_MODEL or LLM_BASE_URL"
        }
        Some(LLM_QUOTA) => {
            "the language model account has run out of quota. An operator needs to top it up or switch models"
        }
        Some(LLM_CONTENT_POLICY) => {
            "the language model provider declined to answer that message. Please rephrase it"
        }
        Some(LLM_BAD_REQUEST) => "the language model provider rejected the request",
        Some(LLM_INVALID_OUTPUT) => {
            "the language model kept answering in a form I could not use. Please try again, perhaps in other words"
        }
        Some(LLM_RATE_LIMITED) => {
            "the language model provider is still rate limiting requests after several tries"
        }
        Some(LLM_SERVER_ERROR | LLM_TIMEOUT | LLM_CONNECTION | LLM_MALFORMED_OUTPUT) => {
            "the language model could not be reached after several tries"
        }
        _ => "the language model step failed",
    };
    format!(
        "Sorry, I couldn't process that: {problem}. Your conversation is saved; send your message again to retry. (Details: {detail})"
    )
}

/// What the agent says when its goal's tools could not be resolved.
pub fn goal_failure_message(err: &ActivityExecutionError) -> String {
    let (kind, detail) = failure_type(err);
    match kind.as_deref() {
        Some(error_types::GOAL_UNKNOWN) => format!(
            "Sorry, this agent is not available on this deployment: {detail}. Start a new chat with another agent."
        ),
        _ => format!(
            "Sorry, I can't work right now: {detail}. Your conversation is saved; send your message again in a moment to retry."
        ),
    }
}

/// What a tool result says when the tool failed for good. A tool that is not safe to repeat
/// was attempted once; when it failed in a way that leaves its outcome unknown, the user is
/// told to check rather than to run it again.
pub fn tool_failure_message(tool: &str, repeatable: bool, err: &ActivityExecutionError) -> String {
    let (kind, detail) = failure_type(err);
    let outcome_unknown = !repeatable
        && !matches!(
            kind.as_deref(),
            Some(
                error_types::MCP_UNREACHABLE
                    | error_types::MCP_REFUSED
                    | error_types::TOOL_REJECTED
            )
        );
    if outcome_unknown {
        format!(
            "{tool} may or may not have done its work: it stopped before answering ({detail}). It was not run again, so nothing happens twice; check the result before asking for it again."
        )
    } else {
        format!("{tool} failed: {detail}")
    }
}
