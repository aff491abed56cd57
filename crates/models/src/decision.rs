//! What the planner decides each turn: [`PlannerDecision`], on the wire the object the
//! Python original calls `ToolData` (same field names, kept for its clients).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::serde_helpers::null_as_default;

/// The planner's verdict on what happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NextStep {
    /// Ask the user something; no tool runs.
    #[serde(rename = "question")]
    Question,
    /// Propose running `tool` with `args`; runs once the user confirms.
    #[serde(rename = "confirm")]
    Confirm,
    /// The user wants a different goal (single-goal deployments treat it as a question).
    #[serde(rename = "pick-new-goal")]
    PickNewGoal,
    /// Every tool of the goal has run; the conversation is complete.
    #[serde(rename = "done")]
    Done,
    /// Only in history: marks the copy of a proposal the user confirmed.
    #[serde(rename = "user_confirmed_tool_run")]
    UserConfirmedToolRun,
}

impl NextStep {
    pub fn as_str(self) -> &'static str {
        match self {
            NextStep::Question => "question",
            NextStep::Confirm => "confirm",
            NextStep::PickNewGoal => "pick-new-goal",
            NextStep::Done => "done",
            NextStep::UserConfirmedToolRun => "user_confirmed_tool_run",
        }
    }
}

impl fmt::Display for NextStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The planner's answer, stored as the agent's message and shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannerDecision {
    pub next: NextStep,
    /// The proposed tool, if any.
    #[serde(default)]
    pub tool: Option<String>,
    /// The tool's arguments; `null` means not known yet.
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = std::collections::BTreeMap<String, serde_json::Value>)
    )]
    pub args: Map<String, Value>,
    /// What the agent says to the user.
    #[serde(default, deserialize_with = "null_as_default")]
    pub response: String,
    /// Whether the user must confirm the tool before it runs.
    #[serde(default, deserialize_with = "null_as_default")]
    pub force_confirm: bool,
    /// The live reply that streamed this answer's `response`, for the UI to replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_id: Option<String>,
}

impl PlannerDecision {
    /// A plain question to the user: no tool, no arguments.
    pub fn question(response: impl Into<String>) -> Self {
        Self {
            next: NextStep::Question,
            tool: None,
            args: Map::new(),
            response: response.into(),
            force_confirm: false,
            reply_id: None,
        }
    }

    /// The tool named by the planner, ignoring empty names some models send for "none".
    pub fn tool_name(&self) -> Option<&str> {
        self.tool
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("none") && *t != "null")
    }

    /// Names of the arguments the planner left null: the tool cannot run until they are known.
    pub fn missing_args(&self) -> Vec<String> {
        self.args
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_about_missing_and_null_fields() {
        let data: PlannerDecision =
            serde_json::from_value(json!({"next": "question", "args": null, "response": "Hi"}))
                .unwrap();
        assert_eq!(data.tool, None);
        assert!(data.args.is_empty());
        assert!(!data.force_confirm);
    }

    #[test]
    fn unknown_next_step_is_an_error() {
        let parsed =
            serde_json::from_value::<PlannerDecision>(json!({"next": "maybe", "response": ""}));
        assert!(parsed.is_err());
    }

    #[test]
    fn pick_new_goal_uses_its_hyphenated_wire_name() {
        let data: PlannerDecision =
            serde_json::from_value(json!({"next": "pick-new-goal"})).unwrap();
        assert_eq!(data.next, NextStep::PickNewGoal);
        assert_eq!(
            serde_json::to_value(data.next).unwrap(),
            json!("pick-new-goal")
        );
    }

    #[test]
    fn null_arguments_are_missing() {
        let data: PlannerDecision = serde_json::from_value(json!({
            "next": "confirm", "tool": "SearchFlights",
            "args": {"origin": null, "destination": "AUS", "dateDepart": null}
        }))
        .unwrap();
        let mut missing = data.missing_args();
        missing.sort();
        assert_eq!(missing, ["dateDepart", "origin"]);
    }

    #[test]
    fn placeholder_tool_names_mean_no_tool() {
        for tool in ["", "none", "null", "  "] {
            let data: PlannerDecision =
                serde_json::from_value(json!({"next": "question", "tool": tool})).unwrap();
            assert_eq!(data.tool_name(), None, "{tool:?}");
        }
    }
}
