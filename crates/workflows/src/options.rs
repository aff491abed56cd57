//! How each activity the workflows call is run: timeouts, retries, heartbeats and ids
//! (docs/ARCHITECTURE.md, Temporal owns retries).
//!
//! Kept apart from the workflows so their files read as the turn they implement; every
//! policy here is data Temporal records with the activity, so changing one only affects
//! activities scheduled after the change.

use std::time::Duration;

use models::WorkflowSettings;
use temporalio_common::RetryPolicy;
use temporalio_sdk::{ActivityCloseTimeouts, ActivityOptions};

use crate::failures::error_types;

/// Every attempt is bounded, and so is the whole call with its retries (30 minutes).
fn close_timeouts(attempt: Duration) -> ActivityCloseTimeouts {
    ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: Duration::from_secs(30 * 60),
        start_to_close: attempt,
    }
}

/// `get_wf_env_vars`: a local lookup, quick or broken.
pub(crate) fn settings() -> ActivityOptions {
    ActivityOptions::with_close_timeouts(close_timeouts(Duration::from_secs(10)))
        .summary("Read the worker's settings".to_owned())
        .build()
}

/// LLM calls: Temporal owns every retry, with the configured backoff; errors no retry can
/// fix are named so they fail at once. Model calls heartbeat, so a lost worker is noticed
/// within the heartbeat timeout rather than the attempt's.
pub(crate) fn llm(settings: &WorkflowSettings, summary: String) -> ActivityOptions {
    let retry = &settings.llm_retry;
    ActivityOptions::with_close_timeouts(close_timeouts(Duration::from_secs(
        settings.llm_timeout_secs,
    )))
    .heartbeat_timeout(Duration::from_secs(10))
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_millis(retry.initial_interval_ms))
            .backoff_coefficient(retry.backoff_coefficient)
            .maximum_interval(Duration::from_millis(retry.maximum_interval_ms))
            .maximum_attempts(retry.maximum_attempts)
            .non_retryable_error_types(error_types::LLM_NON_RETRYABLE.iter().copied())
            .build(),
    )
    .summary(summary)
    .build()
}

/// Tool calls: 30 s per attempt, 30 min in all, default backoff; upstream rejections fail
/// at once. Tools heartbeat, so a lost worker is noticed in seconds. The activity id is the
/// call's position in the conversation, which the tool uses for idempotency.
pub(crate) fn tool(call_id: String, summary: String) -> ActivityOptions {
    ActivityOptions::with_close_timeouts(close_timeouts(Duration::from_secs(30)))
        .heartbeat_timeout(Duration::from_secs(10))
        .activity_id(call_id)
        .retry_policy(
            RetryPolicy::builder()
                .maximum_interval(Duration::from_secs(60))
                .non_retryable_error_types([error_types::TOOL_REJECTED])
                .build(),
        )
        .summary(summary)
        .build()
}

/// An MCP tool: 30 s per attempt, heartbeats, the call's position as its id. A tool that
/// is read-only or idempotent is retried like any tool; any other is attempted once, since a
/// failed attempt may have done its work (the user is told instead).
pub(crate) fn mcp_tool(call_id: String, summary: String, repeatable: bool) -> ActivityOptions {
    let retry = if repeatable {
        RetryPolicy::builder()
            .maximum_interval(Duration::from_secs(30))
            .non_retryable_error_types([error_types::MCP_REFUSED])
            .build()
    } else {
        RetryPolicy::builder().maximum_attempts(1).build()
    };
    ActivityOptions::with_close_timeouts(close_timeouts(Duration::from_secs(30)))
        .heartbeat_timeout(Duration::from_secs(10))
        .activity_id(call_id)
        .retry_policy(retry)
        .summary(summary)
        .build()
}

/// `agent_resolveGoal`: reads goal files and asks MCP servers for their tools. A server
/// that does not answer gets three tries in about ten seconds; then the user is told, and
/// the next message tries again.
pub(crate) fn resolve_goal(summary: String) -> ActivityOptions {
    ActivityOptions::with_close_timeouts(ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: Duration::from_secs(60),
        start_to_close: Duration::from_secs(20),
    })
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_secs(1))
            .backoff_coefficient(2.0)
            .maximum_attempts(3)
            .non_retryable_error_types([error_types::GOAL_UNKNOWN])
            .build(),
    )
    .summary(summary)
    .build()
}

/// `email_checkDelivery`: reads settings and probes the outbox folder.
pub(crate) fn email_check() -> ActivityOptions {
    ActivityOptions::with_close_timeouts(close_timeouts(Duration::from_secs(10)))
        .summary("Check how email is delivered".to_owned())
        .build()
}

/// The send: 20 s per attempt, retried with backoff for the send window (default a
/// minute), then final. A refused email (bad address, SMTP 5xx) fails at once. One send per
/// email, so its activity id is fixed.
pub(crate) fn email_send(window_secs: u64, summary: String) -> ActivityOptions {
    ActivityOptions::with_close_timeouts(ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: Duration::from_secs(window_secs.max(1)),
        start_to_close: Duration::from_secs(20),
    })
    .heartbeat_timeout(Duration::from_secs(10))
    .activity_id("send".to_owned())
    .retry_policy(
        RetryPolicy::builder()
            .initial_interval(Duration::from_secs(1))
            .backoff_coefficient(2.0)
            .maximum_interval(Duration::from_secs(10))
            .non_retryable_error_types([
                error_types::EMAIL_REJECTED,
                error_types::EMAIL_DELIVERY_UNAVAILABLE,
            ])
            .build(),
    )
    .summary(summary)
    .build()
}
