//! Goals and the tools they use, as the planner sees them.

use serde::{Deserialize, Serialize};

/// One argument of a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolArgument {
    pub name: String,
    #[serde(rename = "type")]
    pub arg_type: String,
    pub description: String,
}

/// A tool the agent may propose. Its `name` is also the Temporal activity type that runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDefinition {
    pub name: String,
    pub description: String,
    pub arguments: Vec<ToolArgument>,
}

/// What the agent is for: the tools to run in order and how to talk about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentGoal {
    pub id: String,
    pub category_tag: String,
    pub agent_name: String,
    pub agent_friendly_description: String,
    pub tools: Vec<ToolDefinition>,
    pub description: String,
    pub starter_prompt: String,
    pub example_conversation_history: String,
}
