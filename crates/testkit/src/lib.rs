//! Brings up the real stack for integration tests, on free loopback ports.
//!
//! Tests use the real Temporal CLI dev server ([`DevServer`]), the real `worker` binary
//! ([`WorkerProcess`]), our OpenAI-compatible server (`demo_llm::LlmServer`) and loopback
//! fakes of Stripe and RapidAPI. Only third-party HTTP APIs are faked. Every child process
//! is killed when the test that started it ends, even if the test panics, and receives
//! SIGKILL if the test binary itself dies.
//!
//! The Temporal CLI comes from `scripts/install-temporal.sh` (into `.tools/`), or from
//! `TEMPORAL_CLI`.

mod binaries;
mod conversation;
mod dev_server;
mod nats;
pub mod oidc;
mod process;
mod replay;
mod stack;

pub use binaries::{cargo_binary, find_temporal_cli, target_dir, temporal_cli, workspace_root};
pub use conversation::{
    Conversation, actors, describe, goal_catalog, trip_goal, trip_input, wait_until,
};
pub use dev_server::{DevServer, DevServerOptions, LOW_LATENCY_CONFIG, client_for};
pub use nats::{NatsServer, nats_server};
pub use process::{ApiProcess, ChildProcess, NO_NATS, WorkerProcess, free_port};
pub use replay::{assert_conversation_replays, assert_replays_events, histories_dir};
pub use stack::{Stack, VISIBLE_RETRIES, prompt_of};

/// Re-exported so tests script the LLM without naming the crate.
pub use demo_llm;
