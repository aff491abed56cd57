//! The benchmark harness: how fast and how cheap is the agent, next to Temporal itself?
//!
//! [`run::run`] brings up the real stack on loopback ports ([`stack`]): a Temporal dev
//! server, a NATS server for live replies, our LLM server answering a scripted trip at
//! once ([`trip`]), and for every measured phase a fresh `worker` and `api` process.
//! Virtual users ([`driver`]) then have trip conversations through the api the way the UI
//! does, at each concurrency level, first with the real agent and then with the floor
//! ([`baseline`]): a trivial workflow doing the same Temporal work per turn. Then, with a
//! second LLM server playing a model's latency ([`model`]), they time what a user waits
//! for: the reply's first text streaming in ([`live`]) and the whole reply, with a prompt's
//! validation alongside its planning and before it. Around the load the harness reads the
//! processes' CPU time and memory ([`procfs`]) and the histories Temporal stored
//! ([`history`]), then measures idle capacity ([`idle`]) and writes JSON, Markdown and a
//! chart ([`report`], [`chart`]).
//!
//! `BENCHMARKS.md` at the repository root explains every figure and shows a full run.

pub mod baseline;
pub mod chart;
pub mod config;
pub mod driver;
pub mod history;
pub mod idle;
pub mod live;
pub mod model;
pub mod procfs;
pub mod report;
pub mod run;
pub mod sse;
pub mod stack;
pub mod stats;
pub mod trip;

pub use config::BenchConfig;
pub use report::Report;
pub use run::{Outputs, run};
