//! The workflow's input and the settings it reads through an activity.

use serde::{Deserialize, Serialize};

use crate::{AgentGoal, QueueEntry};

/// `AgentGoalWorkflow`'s input; also what continue-as-new carries into the next run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentWorkflowInput {
    #[serde(default)]
    pub tool_params: ToolParams,
    pub agent_goal: AgentGoal,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolParams {
    /// Summary of an earlier run; becomes the first message of this one.
    #[serde(default)]
    pub conversation_summary: Option<String>,
    /// Prompts to process first, in order.
    #[serde(default)]
    pub prompt_queue: Option<Vec<QueueEntry>>,
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
    fn settings_from_an_older_worker_fill_in_defaults() {
        let settings: WorkflowSettings =
            serde_json::from_value(json!({"show_confirm": false})).unwrap();
        assert!(!settings.show_confirm);
        assert_eq!(settings.max_history_messages, 250);
        assert_eq!(settings.llm_retry.maximum_attempts, 10);
    }
}
