//! The benchmark harness: how fast and how cheap is the agent, next to Temporal itself?
//!
//! [`run::run`] brings up the real stack on loopback ports ([`stack`]): a Temporal dev
//! server, our LLM server answering a scripted trip at once ([`trip`]), and for every
//! measured phase a fresh `worker` and `api` process. Virtual users ([`driver`]) then have
//! trip conversations through the api the way the UI does, at each concurrency level,
//! first with the real agent and then with the floor ([`baseline`]): a trivial workflow
//! doing the same Temporal work per turn. Around the load the harness reads the processes'
//! CPU time and memory ([`procfs`]) and the histories Temporal stored ([`history`]), then
//! measures idle capacity ([`idle`]) and writes JSON, Markdown and a chart ([`report`],
//! [`chart`]).
//!
//! `BENCHMARKS.md` at the repository root explains every figure and shows a full run.

pub mod baseline;
pub mod chart;
pub mod config;
pub mod driver;
pub mod history;
pub mod idle;
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
