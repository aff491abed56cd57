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
    /// Several tools proposed together: one confirm (or decline) covers them all and they
    /// run concurrently. `tool` and `args` then repeat the first call.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub tool_calls: Vec<ToolCall>,
    /// Names a tool proposal, so that a confirm or decline meant for it never lands on a
    /// newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<String>,
}

/// One tool the planner proposes, with its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolCall {
    pub tool: String,
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = std::collections::BTreeMap<String, serde_json::Value>)
    )]
    pub args: Map<String, Value>,
}

impl ToolCall {
    /// Names of the arguments left null: the tool cannot run until they are known.
    pub fn missing_args(&self) -> Vec<String> {
        self.args
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k.clone())
            .collect()
    }
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
            tool_calls: Vec::new(),
            proposal_id: None,
        }
    }

    /// Brings a planner's answer into one shape: real tool names only, a single call in
    /// `tool`/`args`, several in `tool_calls` with the first repeated in `tool`/`args`.
    pub fn normalize(&mut self) {
        self.tool_calls
            .retain(|call| real_tool_name(&call.tool).is_some());
        match self.tool_calls.len() {
            0 => {}
            1 => {
                let call = self.tool_calls.remove(0);
                self.tool = Some(call.tool);
                self.args = call.args;
            }
            _ => {
                self.tool = Some(self.tool_calls[0].tool.clone());
                self.args = self.tool_calls[0].args.clone();
            }
        }
    }

    /// Every tool this answer proposes, in order: `tool_calls`, or the single `tool`.
    pub fn calls(&self) -> Vec<ToolCall> {
        if !self.tool_calls.is_empty() {
            return self.tool_calls.clone();
        }
        self.tool_name()
            .map(|tool| ToolCall {
                tool: tool.to_owned(),
                args: self.args.clone(),
            })
            .into_iter()
            .collect()
    }

    /// The proposed tools' names, joined for messages: "FindEvents and SearchFlights".
    pub fn tool_names(&self) -> String {
        let calls = self.calls();
        joined_names(calls.iter().map(|c| c.tool.as_str()))
            .unwrap_or_else(|| "the proposed tool".to_owned())
    }

    /// The tool named by the planner, ignoring empty names some models send for "none".
    pub fn tool_name(&self) -> Option<&str> {
        self.tool.as_deref().and_then(real_tool_name)
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

/// Names for a sentence: "A", "A and B", "A, B and C"; `None` for no names.
pub(crate) fn joined_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let names: Vec<&str> = names.into_iter().collect();
    match names.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// A tool name, unless it is one of the placeholders some models send for "none".
fn real_tool_name(tool: &str) -> Option<&str> {
    Some(tool.trim()).filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("none") && *t != "null")
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
    fn several_calls_keep_the_first_in_tool_and_args() {
        let mut data: PlannerDecision = serde_json::from_value(json!({
            "next": "confirm", "response": "Both?",
            "tool_calls": [
                {"tool": "FindEvents", "args": {"city": "Austin", "month": "March"}},
                {"tool": "none", "args": {}},
                {"tool": "FindEvents", "args": {"city": "Denver", "month": "March"}}
            ]
        }))
        .unwrap();
        data.normalize();
        assert_eq!(data.tool_name(), Some("FindEvents"));
        assert_eq!(data.args["city"], "Austin");
        let calls = data.calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].args["city"], "Denver");
        assert_eq!(data.tool_names(), "FindEvents and FindEvents");
    }

    #[test]
    fn one_call_in_tool_calls_becomes_the_single_tool() {
        let mut data: PlannerDecision = serde_json::from_value(json!({
            "next": "confirm",
            "tool_calls": [{"tool": "SearchFlights", "args": {"origin": "SEA"}}]
        }))
        .unwrap();
        data.normalize();
        assert!(data.tool_calls.is_empty());
        assert_eq!(data.tool_name(), Some("SearchFlights"));
        let wire = serde_json::to_value(&data).unwrap();
        assert!(
            wire.get("tool_calls").is_none(),
            "single calls keep the original shape"
        );
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
