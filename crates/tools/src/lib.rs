//! The agent's hands: the built-in tools it can run. Goals, which string tools together, are
//! data (the `goals` crate).
//!
//! The planner (an LLM) decides *which* tool to run with *which* arguments; this crate does
//! the running. It knows nothing about Temporal: the worker wraps each tool in an activity
//! named after it and calls [`ToolRegistry::run`], which hands back JSON for the conversation.
//!
//! - [`find_events`] — `FindEvents`: recurring events in North American cities.
//! - [`search_flights`] — `SearchFlights`: Sky-Scrapper on RapidAPI, or generated flights.
//! - [`create_invoice`] — `CreateInvoice`: a Stripe invoice, or a generated one.
//! - [`agents`] — `ListAgents` and `SwitchAgent`, the agent picker's tools.
//! - [`registry`] — settings, the tool list, and the entry point.
//!
//! Every tool works without third-party accounts (generated answers) and switches to the
//! real service when its key is set, so demos and tests need nothing outside the machine.

pub mod agents;
mod args;
mod error;
mod stable_hash;

pub mod create_invoice;
pub mod find_events;
pub mod registry;
pub mod search_flights;

pub use agents::OfferedAgent;
pub use error::ToolError;
pub use registry::{
    ToolCall, ToolRegistry, ToolSettings, goal_with_builtin_tools, tool_definitions, tool_name,
    tool_names,
};
