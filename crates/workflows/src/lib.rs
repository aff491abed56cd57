//! The agent as a Temporal workflow.
//!
//! [`AgentGoalWorkflow`] (in `agent_goal.rs`) is one conversation: it holds the history,
//! waits for the user, asks the planner what to do, and runs confirmed tools. Everything it
//! calls is declared in [`contracts`] by name and type only; the `activities` crate
//! implements those contracts and the compiler checks that both sides agree. That keeps
//! this crate free of HTTP clients, so the api can depend on it for the workflow's
//! signals, queries and types alone.

mod agent_goal;
pub mod contracts;
pub mod failures;

pub use agent_goal::AgentGoalWorkflow;

/// The workflow type name, as the Temporal CLI and other SDKs see it.
pub const WORKFLOW_TYPE: &str = "AgentGoalWorkflow";
