//! Inputs and outputs of the agent's LLM activities.
//!
//! Inputs are structured (goal, history window, prompt kind); the activities render the
//! actual prompt text. Histories therefore hold data, not prompts, and a prompt wording
//! change reaches running conversations on their next turn without breaking replay.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use serde_json::{Map, Value};

use crate::{
    AgentGoal, ConversationHistory, LlmUsage, NextStep, PendingPrompt, PlannerDecision, ToolCall,
};

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
    /// The tool proposal waiting for the user's answer, if any: the message may accept or
    /// decline it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PlannerDecision>,
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
    /// While a proposal waits: whether the message accepts or declines it (a plain prompt
    /// otherwise).
    #[serde(
        rename = "userIntent",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_intent"
    )]
    pub intent: Option<UserIntent>,
    /// What the call used (not part of the verdict's wire shape when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<LlmUsage>,
}

impl ValidationResult {
    pub fn valid() -> Self {
        Self {
            valid: true,
            failed_reason: None,
            intent: None,
            usage: None,
        }
    }
}

/// What a user's message means for the proposal waiting for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserIntent {
    /// "yes", "ok, go ahead": run it, exactly as the Confirm button does.
    Accept,
    /// "no", "don't": drop it, exactly as the Decline button does.
    Decline,
}

/// Models write `"none"`, `null` or leave the field out for a plain prompt; anything that is
/// not clearly accept or decline is a plain prompt.
fn lenient_intent<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<UserIntent>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(
        match value.as_ref().and_then(Value::as_str).map(str::trim) {
            Some(text) if text.eq_ignore_ascii_case("accept") => Some(UserIntent::Accept),
            Some(text) if text.eq_ignore_ascii_case("decline") => Some(UserIntent::Decline),
            _ => None,
        },
    )
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

/// The `confirm_proposal` update's input: which proposal, and optionally edited arguments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfirmRequest {
    /// The proposal the user saw; a newer one refuses the confirm. `None`: the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<String>,
    /// Replaces the single proposed tool's arguments (checked against its argument list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Map<String, Value>>,
}

/// The `decline_proposal` update's input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeclineRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<String>,
    /// Why, in the user's words; the planner hears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a confirm ran (with each tool's result) or a decline dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalOutcome {
    pub proposal_id: Option<String>,
    pub tool_calls: Vec<ToolRun>,
}

/// One tool of a proposal: its arguments and, once it ran, what it returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolRun {
    pub tool: String,
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = std::collections::BTreeMap<String, serde_json::Value>)
    )]
    pub args: Map<String, Value>,
    /// What the tool returned (`{"error": ...}` when it failed); absent when it did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<serde_json::Value>))]
    pub result: Option<Value>,
}

impl ProposalOutcome {
    /// The proposal's tools, joined for messages: "FindEvents and SearchFlights".
    pub fn tool_names(&self) -> String {
        crate::decision::joined_names(self.tool_calls.iter().map(|c| c.tool.as_str()))
            .unwrap_or_else(|| "the proposal".to_owned())
    }
}

impl From<ToolCall> for ToolRun {
    fn from(call: ToolCall) -> Self {
        Self {
            tool: call.tool,
            args: call.args,
            result: None,
        }
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
    fn user_intent_is_read_leniently() {
        for (wire, intent) in [
            (json!("accept"), Some(UserIntent::Accept)),
            (json!("Decline"), Some(UserIntent::Decline)),
            (json!("none"), None),
            (json!(null), None),
            (json!(true), None),
        ] {
            let verdict: ValidationResult = serde_json::from_value(json!({
                "validationResult": true, "validationFailedReason": {}, "userIntent": wire
            }))
            .unwrap();
            assert_eq!(verdict.intent, intent, "{wire}");
        }
        let plain: ValidationResult =
            serde_json::from_value(json!({"validationResult": true})).unwrap();
        assert_eq!(plain.intent, None);
    }

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
