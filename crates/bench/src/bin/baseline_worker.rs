//! `bench-baseline-worker`: serves the benchmark's floor ([`bench::baseline`]) on a task
//! queue, shaped like the real worker (same SDK defaults, same connection settings).
//!
//! Environment: the worker's `TEMPORAL_*` variables, and `BENCH_RECORDING`, the path of a
//! [`bench::baseline::Recording`] (JSON) whose payloads the activities return.

use anyhow::Context;
use bench::baseline::{BaselineActivities, BaselineWorkflow, Recording};
use settings::{Env, TemporalSettings};
use temporalio_sdk::{Runtime, Worker, WorkerOptions};
use tracing::info;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let env = Env::load();
    settings::init_logging(&env);
    let temporal = TemporalSettings::from_env(&env).context("Temporal settings")?;
    let path = env
        .get("BENCH_RECORDING")
        .context("BENCH_RECORDING is not set")?
        .to_owned();
    let recording: Recording =
        serde_json::from_slice(&std::fs::read(&path).with_context(|| format!("reading {path}"))?)
            .with_context(|| format!("parsing {path}"))?;
    let activities = BaselineActivities::new(&recording)?;

    let runtime =
        Runtime::from_current_tokio(Default::default()).context("creating the Temporal runtime")?;
    let client = temporal.connect_with_retry("bench-baseline-worker").await;
    let options = WorkerOptions::new(temporal.task_queue.clone())
        .register_workflow::<BaselineWorkflow>()?
        .register_activities(activities)
        .build();
    let mut worker = Worker::new(&runtime, client, options)?;
    let shutdown = worker.shutdown_handle();
    tokio::spawn(async move {
        settings::shutdown_signal().await;
        shutdown();
    });
    info!(task_queue = %temporal.task_queue, "baseline worker polling");
    worker.run().await.context("worker stopped with an error")?;
    Ok(())
}
