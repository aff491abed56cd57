//! Goals and the tools they use, as the planner sees them.
//!
//! A goal is data (a file under `goals/`, read by the `goals` crate); its tools are resolved
//! by the worker when a conversation starts: built-in tools from the tool registry, MCP tools
//! from their servers. What the workflow holds is the resolved goal, so a replay never asks a
//! server again.

use serde::{Deserialize, Serialize};

/// One argument of a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolArgument {
    pub name: String,
    #[serde(rename = "type")]
    pub arg_type: String,
    pub description: String,
    /// The tool cannot run without it (the planner must ask for it).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub required: bool,
}

/// A tool the agent may propose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDefinition {
    /// What the planner calls it: a built-in tool's name (also the Temporal activity type
    /// that runs it), or `<server>/<tool>` for an MCP tool.
    pub name: String,
    pub description: String,
    pub arguments: Vec<ToolArgument>,
    /// Where the tool runs.
    #[serde(default, skip_serializing_if = "ToolSource::is_builtin")]
    pub source: ToolSource,
    /// The tool only reads: running it changes nothing (MCP's `readOnlyHint`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Running it twice with the same arguments has the effect of running it once (MCP's
    /// `idempotentHint`); such a tool is retried after a failure of unknown outcome.
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotent: bool,
}

/// Where a tool runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolSource {
    /// An activity of this worker named after the tool.
    #[default]
    Builtin,
    /// A tool of an MCP server from `MCP_CONFIG`.
    Mcp { server: String, tool: String },
}

impl ToolSource {
    pub fn is_builtin(&self) -> bool {
        matches!(self, ToolSource::Builtin)
    }
}

impl ToolArgument {
    /// A required argument.
    pub fn new(
        name: impl Into<String>,
        arg_type: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            arg_type: arg_type.into(),
            description: description.into(),
            required: true,
        }
    }
}

impl ToolDefinition {
    /// A built-in tool that changes something (not read-only, not idempotent).
    pub fn builtin(
        name: impl Into<String>,
        description: impl Into<String>,
        arguments: Vec<ToolArgument>,
    ) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            arguments,
            source: ToolSource::Builtin,
            read_only: false,
            idempotent: false,
        }
    }

    /// Marks the tool read-only (and so idempotent).
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self.idempotent = true;
        self
    }

    /// Names of the arguments the tool cannot run without.
    pub fn required_arguments(&self) -> impl Iterator<Item = &str> {
        self.arguments
            .iter()
            .filter(|a| a.required)
            .map(|a| a.name.as_str())
    }
}

/// Which proposals wait for the user's confirm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmPolicy {
    /// Every tool.
    #[default]
    All,
    /// Every tool that is not read-only.
    Writes,
    /// None: tools run as soon as they are proposed.
    None,
}

impl ConfirmPolicy {
    /// True when running `tool` needs the user's go-ahead first.
    pub fn requires_confirm(self, tool: Option<&ToolDefinition>) -> bool {
        match self {
            ConfirmPolicy::All => true,
            ConfirmPolicy::Writes => !tool.is_some_and(|t| t.read_only),
            ConfirmPolicy::None => false,
        }
    }
}

/// What the agent is for: the tools to run in order and how to talk about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentGoal {
    pub id: String,
    pub category_tag: String,
    pub agent_name: String,
    pub agent_friendly_description: String,
    /// The resolved tools. Empty in a goal the api starts a conversation with: the worker
    /// resolves them from its goal files when the conversation starts.
    #[serde(default)]
    pub tools: Vec<ToolDefinition>,
    pub description: String,
    pub starter_prompt: String,
    #[serde(default)]
    pub example_conversation_history: String,
    #[serde(default)]
    pub confirm: ConfirmPolicy,
}

impl AgentGoal {
    /// The tool named `name`, if the goal has it.
    pub fn tool(&self, name: &str) -> Option<&ToolDefinition> {
        self.tools.iter().find(|t| t.name == name)
    }
}

impl ToolDefinition {
    /// Checks arguments a person edited before the tool runs: every name must be one of the
    /// tool's, and every required argument must have a value. The error says what is wrong.
    pub fn check_args(
        &self,
        args: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), String> {
        let known: Vec<&str> = self.arguments.iter().map(|a| a.name.as_str()).collect();
        if let Some(unknown) = args.keys().find(|name| !known.contains(&name.as_str())) {
            return Err(format!(
                "{} has no argument '{unknown}'; its arguments are: {}.",
                self.name,
                known.join(", ")
            ));
        }
        let missing: Vec<&str> = self
            .arguments
            .iter()
            .filter(|a| a.required)
            .filter(|a| match args.get(&a.name) {
                None | Some(serde_json::Value::Null) => true,
                Some(serde_json::Value::String(text)) => text.trim().is_empty(),
                Some(_) => false,
            })
            .map(|a| a.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{} needs a value for: {}.",
                self.name,
                missing.join(", ")
            ));
        }
        Ok(())
    }
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(read_only: bool) -> ToolDefinition {
        let tool = ToolDefinition::builtin("t", "d", vec![]);
        if read_only { tool.read_only() } else { tool }
    }

    #[test]
    fn a_goal_from_an_older_client_reads_with_defaults() {
        let goal: AgentGoal = serde_json::from_value(json!({
            "id": "g", "category_tag": "c", "agent_name": "a", "agent_friendly_description": "d",
            "tools": [{"name": "FindEvents", "description": "d",
                       "arguments": [{"name": "city", "type": "string", "description": "c"}]}],
            "description": "d", "starter_prompt": "s", "example_conversation_history": ""
        }))
        .unwrap();
        assert_eq!(goal.confirm, ConfirmPolicy::All);
        let find = goal.tool("FindEvents").unwrap();
        assert_eq!(find.source, ToolSource::Builtin);
        assert!(find.arguments[0].required && !find.read_only);
    }

    #[test]
    fn builtin_tools_serialize_as_before() {
        let wire = serde_json::to_value(tool(false)).unwrap();
        assert_eq!(
            wire,
            json!({"name": "t", "description": "d", "arguments": []})
        );
        let mcp = ToolDefinition {
            source: ToolSource::Mcp {
                server: "travel".into(),
                tool: "convert_currency".into(),
            },
            ..tool(true)
        };
        let wire = serde_json::to_value(mcp).unwrap();
        assert_eq!(
            wire["source"],
            json!({"kind": "mcp", "server": "travel", "tool": "convert_currency"})
        );
        assert_eq!(wire["read_only"], true);
        assert_eq!(wire["idempotent"], true);
    }

    #[test]
    fn edited_arguments_must_be_known_and_complete() {
        let mut optional = ToolArgument::new("note", "string", "n");
        optional.required = false;
        let find = ToolDefinition::builtin(
            "FindEvents",
            "d",
            vec![
                ToolArgument::new("city", "string", "c"),
                ToolArgument::new("month", "string", "m"),
                optional,
            ],
        );
        let args = |v: serde_json::Value| v.as_object().unwrap().clone();
        assert!(
            find.check_args(&args(json!({"city": "Austin", "month": "May"})))
                .is_ok()
        );
        let unknown = find
            .check_args(&args(
                json!({"city": "Austin", "month": "May", "town": "x"}),
            ))
            .unwrap_err();
        assert!(unknown.contains("no argument 'town'"), "{unknown}");
        let missing = find
            .check_args(&args(json!({"city": " ", "note": "x"})))
            .unwrap_err();
        assert!(
            missing.contains("needs a value for: city, month"),
            "{missing}"
        );
    }

    #[test]
    fn writes_policy_asks_only_before_tools_that_change_something() {
        assert!(ConfirmPolicy::All.requires_confirm(Some(&tool(true))));
        assert!(!ConfirmPolicy::Writes.requires_confirm(Some(&tool(true))));
        assert!(ConfirmPolicy::Writes.requires_confirm(Some(&tool(false))));
        assert!(
            ConfirmPolicy::Writes.requires_confirm(None),
            "an unknown tool is not read-only"
        );
        assert!(!ConfirmPolicy::None.requires_confirm(Some(&tool(false))));
    }
}
