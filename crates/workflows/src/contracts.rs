//! The activities the workflow calls: exact Temporal type names and payload types.
//!
//! The `activities` crate implements each of these with `#[activity(definition = ...)]`,
//! which fails to compile if a name or type drifts. Built-in tools are not listed here: the
//! workflow calls them by the tool's own name through [`ToolActivity`], so a new tool is a
//! registry entry, never a workflow change.

use models::{
    AgentGoal, EmailDecision, EmailReceipt, EmailRequestInput, EmailSendInput, EmailSetup,
    McpCallInput, PlannerAnswer, PlannerInput, ResolveGoalInput, SummaryAnswer, SummaryInput,
    ValidationInput, ValidationResult, WorkflowSettings,
};
use temporalio_common::ActivityDefinition;
use temporalio_macros::activity_definitions;
use temporalio_sdk::activities::ActivityError;

/// Why a confirm or decline was refused, as the update's failure message:
/// `conflict: ...` (nothing waits, or a newer proposal does) or `invalid: ...` (edited
/// arguments that do not fit the tool). Nothing changed in the conversation either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRefused {
    pub kind: RefusalKind,
    pub reason: String,
}

/// The two ways a confirm or decline is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Conflict,
    Invalid,
}

impl ProposalRefused {
    pub fn conflict(reason: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Conflict,
            reason: reason.into(),
        }
    }

    pub fn invalid(reason: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Invalid,
            reason: reason.into(),
        }
    }

    /// Reads a refusal back from an update's failure message.
    pub fn parse(message: &str) -> Option<Self> {
        if let Some(reason) = message.strip_prefix("conflict: ") {
            return Some(Self::conflict(reason));
        }
        message.strip_prefix("invalid: ").map(Self::invalid)
    }
}

impl std::fmt::Display for ProposalRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            RefusalKind::Conflict => "conflict",
            RefusalKind::Invalid => "invalid",
        };
        write!(f, "{kind}: {}", self.reason)
    }
}

impl std::error::Error for ProposalRefused {}

/// The agent's own activities: the LLM steps and the settings lookup.
pub struct AgentActivity;

#[activity_definitions]
impl AgentActivity {
    /// Decides the next step: question, tool proposal or done.
    #[activity(name = "agent_toolPlanner")]
    pub fn plan(input: PlannerInput) -> Result<PlannerAnswer, ActivityError> {
        unimplemented!()
    }

    /// Checks that a user prompt makes sense for the goal before the planner sees it.
    #[activity(name = "agent_validatePrompt")]
    pub fn validate(input: ValidationInput) -> Result<ValidationResult, ActivityError> {
        unimplemented!()
    }

    /// Two sentences that carry a conversation into its next run.
    #[activity(name = "agent_summarizeConversation")]
    pub fn summarize(input: SummaryInput) -> Result<SummaryAnswer, ActivityError> {
        unimplemented!()
    }

    /// The worker's settings for this run (`SHOW_CONFIRM` and friends).
    #[activity(name = "get_wf_env_vars")]
    pub fn settings() -> Result<WorkflowSettings, ActivityError> {
        unimplemented!()
    }

    /// A goal with its tools, from the worker's goal files: built-in tools from the registry,
    /// MCP tools as their servers list them. Run when a conversation starts (or switches
    /// goal); the workflow keeps the answer, so replays never ask again.
    #[activity(name = "agent_resolveGoal")]
    pub fn resolve_goal(input: ResolveGoalInput) -> Result<AgentGoal, ActivityError> {
        unimplemented!()
    }
}

/// A tool, called by its own name with its arguments object; returns the tool's JSON.
#[derive(Debug, Clone)]
pub struct ToolActivity {
    name: String,
}

impl ToolActivity {
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

impl ActivityDefinition for ToolActivity {
    type Input = serde_json::Value;
    type Output = serde_json::Value;

    fn name(&self) -> &str {
        &self.name
    }
}

/// The marker types of [`AgentActivity`]'s activities, for the implementing crate to name
/// in `#[activity(definition = ...)]`.
pub mod markers {
    pub use super::agent_activity::{Plan, ResolveGoal, Settings, Summarize, Validate};
}

/// Tools of MCP servers: one activity type runs them all.
pub struct McpActivity;

#[activity_definitions]
impl McpActivity {
    /// Calls `tool` on the MCP server `server`; returns the tool result as the conversation
    /// keeps it (`{"error": ...}` when the tool reported an error).
    #[activity(name = "mcp_callTool")]
    pub fn call_tool(input: McpCallInput) -> Result<serde_json::Value, ActivityError> {
        unimplemented!()
    }
}

/// The marker type of [`McpActivity`]'s activity.
pub mod mcp_markers {
    pub use super::mcp_activity::CallTool;
}

/// The email assistant's activities (`EmailAgentWorkflow`). It also reads the shared
/// settings through [`AgentActivity::settings`].
pub struct EmailActivity;

#[activity_definitions]
impl EmailActivity {
    /// Checks that this worker can deliver email (SMTP settings, or a writable outbox).
    #[activity(name = "email_checkDelivery")]
    pub fn check_delivery() -> Result<EmailSetup, ActivityError> {
        unimplemented!()
    }

    /// Reads one request with the LLM and applies it to the email; resolves the send time.
    #[activity(name = "email_interpretRequest")]
    pub fn interpret(input: EmailRequestInput) -> Result<EmailDecision, ActivityError> {
        unimplemented!()
    }

    /// Delivers the email, at most once per email whatever the retries.
    #[activity(name = "email_send")]
    pub fn send(input: EmailSendInput) -> Result<EmailReceipt, ActivityError> {
        unimplemented!()
    }
}

/// The marker types of [`EmailActivity`]'s activities.
pub mod email_markers {
    pub use super::email_activity::{CheckDelivery, Interpret, Send};
}
