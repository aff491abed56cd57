//! The words the Temporal Web UI shows for each step: activity and timer summaries, so a
//! person reading a conversation's event history sees "Plan a reply to the user" and
//! "Wait up to 24 hours for the user to confirm FindEvents" instead of ids and durations.

use std::time::Duration;

use models::{InternalPrompt, PendingPrompt};
use serde_json::Value;

/// The longest summary we hand Temporal (the Web UI shows one line).
const MAX_CHARS: usize = 200;

/// The planner call, by what it plans for.
pub(crate) fn planner(prompt: &PendingPrompt) -> String {
    match prompt {
        PendingPrompt::User { .. } => "Plan a reply to the user",
        PendingPrompt::Internal(InternalPrompt::Instruction { .. }) => "Plan the opening message",
        PendingPrompt::Internal(InternalPrompt::ToolCompleted { .. }) => "Plan after a tool result",
        PendingPrompt::Internal(InternalPrompt::ToolsCompleted { .. }) => {
            "Plan after the tools' results"
        }
        PendingPrompt::Internal(InternalPrompt::ToolDeclined { .. }) => {
            "Plan after the user declined"
        }
        PendingPrompt::Internal(InternalPrompt::MissingArguments { .. }) => {
            "Ask for missing arguments"
        }
    }
    .to_owned()
}

pub(crate) fn resolve_goal(goal_id: &str) -> String {
    bounded(format!("Look up the tools of goal {goal_id}"))
}

pub(crate) fn validator() -> String {
    "Check that the user's message fits the goal".to_owned()
}

pub(crate) fn summarizer() -> String {
    "Summarize the conversation before continuing as new".to_owned()
}

/// `FindEvents(city=Austin, month=December)`.
pub(crate) fn tool(tool: &str, args: &Value) -> String {
    let args = args
        .as_object()
        .map(|map| {
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k}={s}"),
                    other => format!("{k}={other}"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    bounded(format!("{tool}({args})"))
}

/// The timer that ends a wait for the user's confirm.
pub(crate) fn confirm_wait(tool: &str, timeout: Duration) -> String {
    bounded(format!(
        "Wait up to {} for the user to confirm {tool}",
        duration(timeout)
    ))
}

/// The timer that ends a conversation nobody writes to.
pub(crate) fn idle_wait(timeout: Duration) -> String {
    format!(
        "End the chat if the user sends nothing for {}",
        duration(timeout)
    )
}

/// The email's durable timer: `Wait until Tue 24 Nov 2026, 09:00 (Europe/Berlin)`.
pub(crate) fn email_wait(send_time: Option<&str>) -> String {
    format!("Wait until {}", send_time.unwrap_or("the send time"))
}

/// The assistant reading one request.
pub(crate) fn email_request(request: &str) -> String {
    format!("Read the request: {}", short(request))
}

pub(crate) fn email_send(recipient: &str, send_time: &str) -> String {
    bounded(format!("Send email to {recipient} at {send_time}"))
}

/// A wait in words: "a minute", "5 minutes", "24 hours", "3 days".
pub(crate) fn duration(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60);
    match minutes {
        0..=1 => "a minute".to_owned(),
        2..=119 => format!("{minutes} minutes"),
        120..=2880 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / (60 * 24)),
    }
}

/// The start of a text, for labels: at most 60 characters, on one line.
pub(crate) fn short(text: &str) -> String {
    clipped(text, 60)
}

/// The start of a text on one line: at most `chars` characters, "…" marking a cut.
pub(crate) fn clipped(text: &str, chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > chars {
        text.chars().take(chars - 1).collect::<String>() + "…"
    } else {
        text
    }
}

fn bounded(summary: String) -> String {
    if summary.chars().count() > MAX_CHARS {
        summary.chars().take(MAX_CHARS - 1).collect::<String>() + "…"
    } else {
        summary
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tool_summaries_show_set_arguments_only() {
        assert_eq!(
            tool(
                "FindEvents",
                &json!({"city": "Austin", "month": "December", "x": null})
            ),
            "FindEvents(city=Austin, month=December)"
        );
        assert!(tool("T", &json!({"a": "x".repeat(500)})).chars().count() <= MAX_CHARS);
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(duration(Duration::from_secs(5)), "a minute");
        assert_eq!(duration(Duration::from_secs(300)), "5 minutes");
        assert_eq!(duration(Duration::from_secs(86_400)), "24 hours");
        assert_eq!(duration(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(
            confirm_wait("FindEvents", Duration::from_secs(86_400)),
            "Wait up to 24 hours for the user to confirm FindEvents"
        );
    }
}
