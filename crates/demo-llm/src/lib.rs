//! An OpenAI-compatible chat-completions server that needs no API key and no internet.
//!
//! The agent's activities talk to "any OpenAI-compatible endpoint". This crate is the one we
//! ship ourselves, for two audiences:
//!
//! - **Tests**, which may never call a real provider. They start an [`LlmServer`] on a free
//!   loopback port, script its answers with [`Rule`]s, inject failures with [`Fault`]s and read
//!   back every request it saw ([`RecordedRequest`]).
//! - **People trying the product without a key.** With no rules configured the server answers
//!   as a small rule-based trip agent ([`demo`]) that carries the event → flight → invoice goal
//!   through for typical replies.
//!
//! How a request is answered, in order: the configured latency is slept; a pending failure
//! fault for the request's step wins; then a pending prose fault; then, in scripted mode, the
//! first matching rule (or the demo agent when `fallback: demo` is set, else HTTP 500); in demo
//! mode the demo agent. Every request is recorded, whatever answered it.
//!
//! The request's step (`X-Agent-Step: planner | validator | summary | email`) and the conversation
//! embedded in the system message are parsed by [`conversation`].

pub mod conversation;
pub mod demo;
mod error;
pub mod faults;
pub mod openai;
mod record;
pub mod script;
mod server;
mod text;
mod vocab;

pub use conversation::{PromptKind, Step, Turn};
pub use error::ApiError;
pub use faults::Fault;
pub use record::{AnsweredBy, RecordedRequest};
pub use script::{Fallback, Rule, RuleSet};
pub use server::{AppState, Config, DEFAULT_MODEL, DEFAULT_PORT, LlmServer, router};
