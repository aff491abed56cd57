//! The agent's hands: the tools it can run, and the goal that strings them together.
//!
//! The planner (an LLM) decides *which* tool to run with *which* arguments; this crate does
//! the running. It knows nothing about Temporal: the worker wraps each tool in an activity
//! named after it and calls [`ToolRegistry::run`], which hands back JSON for the conversation.
//!
//! - [`find_events`] — `FindEvents`: recurring events in North American cities.
//! - [`search_flights`] — `SearchFlights`: Sky-Scrapper on RapidAPI, or generated flights.
//! - [`create_invoice`] — `CreateInvoice`: a Stripe invoice, or a generated one.
//! - [`registry`] — settings, the tool list, and the entry point.
//! - [`goals`] — `goal_event_flight_invoice`, whose tool list comes from the registry.
//!
//! Every tool works without third-party accounts (generated answers) and switches to the
//! real service when its key is set, so demos and tests need nothing outside the machine.

mod args;
mod error;
mod stable_hash;

pub mod create_invoice;
pub mod find_events;
pub mod goals;
pub mod registry;
pub mod search_flights;

pub use error::ToolError;
pub use registry::{ToolCall, ToolRegistry, ToolSettings, tool_definitions};
