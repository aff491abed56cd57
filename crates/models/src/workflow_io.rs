//! The workflow's input and the settings it reads through an activity.

use serde::{Deserialize, Serialize};

use crate::{AgentGoal, ConversationUsage, QueueEntry, prompt::INTERNAL_PREFIX};

/// `AgentGoalWorkflow`'s input; also what continue-as-new carries into the next run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentWorkflowInput {
    #[serde(rename = "tool_params", default)]
    pub carry_over: CarryOver,
    pub agent_goal: AgentGoal,
}

impl AgentWorkflowInput {
    /// A new conversation with `goal`: its starter prompt queued as an internal
    /// instruction, written the way the Python original's clients write it.
    pub fn new_conversation(goal: AgentGoal) -> Self {
        Self {
            carry_over: CarryOver {
                conversation_summary: None,
                prompt_queue: Some(vec![QueueEntry::Text(format!(
                    "{INTERNAL_PREFIX} {}",
                    goal.starter_prompt
                ))]),
                usage: None,
                title: None,
            },
            agent_goal: goal,
        }
    }
}

/// What one run of a conversation hands the next (continue-as-new), and what a new
/// conversation starts with: the summary so far and the prompts still to process. On the wire
/// it is the input's `tool_params`, the Python original's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CarryOver {
    /// Summary of an earlier run; becomes the first message of this one.
    #[serde(default)]
    pub conversation_summary: Option<String>,
    /// Prompts to process first, in order.
    #[serde(default)]
    pub prompt_queue: Option<Vec<QueueEntry>>,
    /// What the conversation's model calls used in earlier runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<ConversationUsage>,
    /// The conversation's title so far (the list shows it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Everything the workflow needs from the environment, read once per run through the
/// `get_wf_env_vars` activity (workflow code never reads the environment itself).
///
/// Every field has a default, so a worker that only knows `show_confirm` still works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowSettings {
    /// Wait for the user's confirm before each tool (`SHOW_CONFIRM`).
    pub show_confirm: bool,
    /// Messages in one run before it continues as new with a summary.
    pub max_history_messages: usize,
    /// Most recent messages sent to the LLM each turn (plus the summary).
    pub history_window: usize,
    /// How long a proposed tool waits for the user's confirm.
    pub confirm_timeout_secs: u64,
    /// Start-to-close timeout of one LLM call attempt.
    pub llm_timeout_secs: u64,
    /// Retry policy Temporal applies to LLM activities.
    pub llm_retry: LlmRetrySettings,
    /// Validate a user prompt while the planner already answers it (`SPECULATIVE_PLANNING`):
    /// a turn takes as long as the slower call, not both; a rejected prompt's plan is thrown
    /// away, so its planner tokens are spent for nothing. Off: validate first, then plan.
    pub speculative_planning: bool,
    /// A conversation with no user message for this long ends itself with a note
    /// (`IDLE_CONVERSATION_HOURS`).
    pub idle_timeout_secs: u64,
}

impl Default for WorkflowSettings {
    fn default() -> Self {
        Self {
            show_confirm: true,
            max_history_messages: 250,
            history_window: 60,
            confirm_timeout_secs: 24 * 60 * 60,
            llm_timeout_secs: 30,
            llm_retry: LlmRetrySettings::default(),
            speculative_planning: true,
            idle_timeout_secs: 24 * 60 * 60,
        }
    }
}

/// Backoff for LLM calls: the HTTP client never retries, Temporal does, with this policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LlmRetrySettings {
    pub initial_interval_ms: u64,
    pub backoff_coefficient: f64,
    pub maximum_interval_ms: u64,
    pub maximum_attempts: u32,
}

impl Default for LlmRetrySettings {
    fn default() -> Self {
        Self {
            initial_interval_ms: 2_000,
            backoff_coefficient: 2.0,
            maximum_interval_ms: 120_000,
            maximum_attempts: 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_conversation_queues_the_starter_as_an_internal_prompt() {
        let goal: AgentGoal = serde_json::from_value(json!({
            "id": "g", "category_tag": "c", "agent_name": "a", "agent_friendly_description": "d",
            "tools": [], "description": "d", "starter_prompt": "Say hello.",
            "example_conversation_history": ""
        }))
        .unwrap();
        let input = AgentWorkflowInput::new_conversation(goal);
        let queue = input.carry_over.prompt_queue.unwrap();
        assert_eq!(queue, [QueueEntry::Text("### Say hello.".into())]);
        assert!(crate::PendingPrompt::from(queue[0].clone()).is_internal());
    }

    #[test]
    fn settings_from_an_older_worker_fill_in_defaults() {
        let settings: WorkflowSettings =
            serde_json::from_value(json!({"show_confirm": false})).unwrap();
        assert!(!settings.show_confirm);
        assert_eq!(settings.max_history_messages, 250);
        assert_eq!(settings.llm_retry.maximum_attempts, 10);
    }
}
