//! Inputs and outputs of the agent's LLM activities.
//!
//! Inputs are structured (goal, history window, prompt kind); the activities render the
//! actual prompt text. Histories therefore hold data, not prompts, and a prompt wording
//! change reaches running conversations on their next turn without breaking replay.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{AgentGoal, ConversationHistory, LlmUsage, NextStep, PendingPrompt, PlannerDecision};

/// Input of `agent_toolPlanner`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannerInput {
    pub goal: AgentGoal,
    pub history: ConversationHistory,
    pub prompt: PendingPrompt,
    /// The planner's previous answer, so a bad one can be corrected.
    #[serde(default)]
    pub previous_tool_data: Option<PlannerDecision>,
    /// Where to stream the reply's text while the model writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveReply>,
}

/// Which live reply a planner call writes: the browser shows its text as it streams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveReply {
    /// The reply's id, also set on the agent message it becomes (`reply_id`).
    pub reply: String,
    /// The turn it answers; the validator's verdict on that turn names it too.
    pub turn: String,
    /// The turn waits for the validator's verdict (a user prompt validated alongside).
    pub gated: bool,
}

/// What `agent_toolPlanner` returns: the decision, and what the call used. Flattened, so a
/// result recorded before usage was reported (a plain decision) still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannerAnswer {
    #[serde(flatten)]
    pub decision: PlannerDecision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<LlmUsage>,
}

/// What `agent_summarizeConversation` returns. A result recorded before usage was reported
/// is the summary's text alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SummaryAnswer {
    WithUsage {
        summary: String,
        #[serde(default)]
        usage: Option<LlmUsage>,
    },
    Text(String),
}

impl SummaryAnswer {
    pub fn summary(&self) -> &str {
        match self {
            SummaryAnswer::WithUsage { summary, .. } | SummaryAnswer::Text(summary) => summary,
        }
    }

    pub fn usage(&self) -> Option<&LlmUsage> {
        match self {
            SummaryAnswer::WithUsage { usage, .. } => usage.as_ref(),
            SummaryAnswer::Text(_) => None,
        }
    }
}

/// Input of `agent_resolveGoal`: the goal whose tools the worker should resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveGoalInput {
    pub goal_id: String,
}

/// Input of `mcp_callTool`: one tool of one MCP server, with the planner's arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpCallInput {
    pub server: String,
    pub tool: String,
    pub arguments: serde_json::Value,
}

/// Input of `agent_validatePrompt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationInput {
    pub goal: AgentGoal,
    pub history: ConversationHistory,
    pub prompt: String,
    /// The turn whose planner reply streams meanwhile: the verdict releases or drops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<String>,
}

/// Input of `agent_summarizeConversation`, used before continue-as-new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryInput {
    pub goal: AgentGoal,
    pub history: ConversationHistory,
}

/// The validator's verdict: `{"validationResult": bool, "validationFailedReason": {...} | {}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationResult {
    #[serde(rename = "validationResult")]
    pub valid: bool,
    #[serde(
        rename = "validationFailedReason",
        default,
        serialize_with = "none_as_empty_object",
        deserialize_with = "empty_object_as_none"
    )]
    pub failed_reason: Option<ValidationFailure>,
    /// What the call used (not part of the verdict's wire shape when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<LlmUsage>,
}

impl ValidationResult {
    pub fn valid() -> Self {
        Self {
            valid: true,
            failed_reason: None,
            usage: None,
        }
    }
}

/// Why a prompt was rejected, phrased for the user; stored as the agent's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationFailure {
    #[serde(default = "question")]
    pub next: NextStep,
    #[serde(default)]
    pub response: String,
}

fn question() -> NextStep {
    NextStep::Question
}

fn none_as_empty_object<S: Serializer>(
    value: &Option<ValidationFailure>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(failure) => failure.serialize(serializer),
        None => serde_json::Map::new().serialize(serializer),
    }
}

fn empty_object_as_none<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<ValidationFailure>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(map)) if map.is_empty() => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(ValidationFailure {
            next: NextStep::Question,
            response: text,
        })),
        Some(other) => serde_json::from_value(other)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// What the `confirm_tool` update reports back to the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmOutcome {
    /// True when a proposed tool was waiting and is now confirmed.
    pub confirmed: bool,
    /// The tool that will run, if any.
    pub tool: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_result_uses_the_wire_shape() {
        assert_eq!(
            serde_json::to_value(ValidationResult::valid()).unwrap(),
            json!({"validationResult": true, "validationFailedReason": {}})
        );
        let rejected: ValidationResult = serde_json::from_value(json!({
            "validationResult": false,
            "validationFailedReason": {"next": "question", "response": "Let's stay on travel."}
        }))
        .unwrap();
        assert_eq!(
            rejected.failed_reason.unwrap().response,
            "Let's stay on travel."
        );
    }

    #[test]
    fn validation_reason_may_be_missing_null_or_a_bare_string() {
        let missing: ValidationResult =
            serde_json::from_value(json!({"validationResult": true})).unwrap();
        assert_eq!(missing.failed_reason, None);
        let null: ValidationResult = serde_json::from_value(
            json!({"validationResult": true, "validationFailedReason": null}),
        )
        .unwrap();
        assert_eq!(null.failed_reason, None);
        let text: ValidationResult = serde_json::from_value(
            json!({"validationResult": false, "validationFailedReason": "off topic"}),
        )
        .unwrap();
        assert_eq!(text.failed_reason.unwrap().response, "off topic");
    }
}
