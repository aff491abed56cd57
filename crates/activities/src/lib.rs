//! The agent's Temporal activities: everything that talks to the outside world.
//!
//! The workflow decides; activities do. `AgentActivities` renders prompts and calls the
//! LLM (planner, validator, summarizer) and hands the workflow its settings;
//! `ToolActivities` runs each tool under the tool's own activity type name, so the Web UI
//! shows `FindEvents`, `SearchFlights` and `CreateInvoice` as they are. `EmailActivities`
//! serve the email assistant: delivery check, request reading, and the send itself.
//!
//! Failures are classified here, once: every activity error says whether Temporal should
//! retry it and carries a type name the workflow's retry policy and messages know.

mod agent;
mod ask;
pub mod email;
mod failure;
mod heartbeat;
mod live;
mod llm;
pub mod mcp;
mod metrics;
mod resolve;
mod tools;

pub use agent::AgentActivities;
pub use email::{EmailActivities, EmailSettings};
pub use failure::error_types;
pub use llm::{LlmClient, LlmError, LlmStep};
pub use mcp::{McpActivities, McpConfig, McpServers};
pub use metrics::AgentMetrics;
pub use resolve::{GoalResolver, ResolveError};
pub use tools::ToolActivities;
