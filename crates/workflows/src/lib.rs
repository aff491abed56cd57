//! The agent as a Temporal workflow.
//!
//! [`AgentGoalWorkflow`] (in `agent_goal.rs`) is one conversation: it holds the history,
//! waits for the user, asks the planner what to do, and runs confirmed tools. Everything it
//! calls is declared in [`contracts`] by name and type only; the `activities` crate
//! implements those contracts and the compiler checks that both sides agree. That keeps
//! this crate free of HTTP clients, so the api can depend on it for the workflow's
//! signals, queries and types alone.
//!
//! [`EmailAgentWorkflow`] (in `email_agent.rs`) is the second agent: one email, written and
//! revised through requests, sent by a durable timer at the time the user named.

mod agent_goal;
pub mod contracts;
mod email_agent;
pub mod failures;
mod options;
mod summaries;

pub use agent_goal::AgentGoalWorkflow;
pub use email_agent::{EmailAgentWorkflow, MAX_TEXT_BYTES};

/// The workflow type name, as the Temporal CLI and other SDKs see it.
pub const WORKFLOW_TYPE: &str = "AgentGoalWorkflow";
/// The email assistant's workflow type name.
pub const EMAIL_WORKFLOW_TYPE: &str = "EmailAgentWorkflow";
