//! `worker`: serves the agent on a Temporal task queue until Ctrl-C or SIGTERM.
//!
//! Reads its settings once (docs/ARCHITECTURE.md, Configuration), connects to Temporal
//! (plain, mTLS or API key), and polls. Settings are checked before connecting, so a bad
//! value stops it at once with a message naming the variable to fix. On a shutdown signal it
//! stops polling and lets running tasks finish.

use std::{net::SocketAddr, sync::Arc};

use activities::AgentMetrics;
use anyhow::Context;
use settings::Env;
use temporalio_common::telemetry::{
    PrometheusExporterOptions, TelemetryOptions, metrics::CoreMeter,
    start_prometheus_metric_exporter,
};
use temporalio_sdk::{Runtime, runtime::RuntimeOptions};
use tracing::{error, info, warn};
use worker::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let env = Env::load();
    settings::init_logging(&env);
    if let Some(path) = env.dotenv_file() {
        info!(path = %path.display(), "read .env");
    }
    if let Err(err) = run(&env).await {
        error!("{err:#}");
        return Err(err);
    }
    Ok(())
}

async fn run(env: &Env) -> anyhow::Result<()> {
    let settings = Settings::from_env(env).context("reading the worker's settings")?;
    // Held until the worker stops: dropping it sends the spans still buffered.
    let _traces = settings::init_traces(&settings.traces, "agent-worker")
        .map_err(|err| anyhow::anyhow!(err))
        .context("starting trace export")?;
    info!(
        address = %settings.temporal.address,
        namespace = %settings.temporal.namespace,
        task_queue = %settings.temporal.task_queue,
        tls = settings.temporal.uses_tls(),
        model = %settings.llm.model,
        llm_base_url = %settings.llm.base_url,
        show_confirm = settings.workflow.show_confirm,
        email_delivery = %settings.email.describe(),
        "starting worker"
    );
    if let Some(asked) = &settings.llm.fell_back_from {
        warn!(
            asked = %asked,
            using = %settings.llm.model,
            "LLM_KEY is not set, so the bundled demo model answers instead (it must be running: `make demo-llm`); set LLM_KEY to use the model asked for"
        );
    }
    if let activities::email::Delivery::Misconfigured(reason) = &settings.email.delivery {
        warn!(%reason, "email cannot be delivered: new emails will fail until this is fixed");
    }

    let mcp = worker::load_mcp(settings.mcp_config.as_deref())?;
    let goals = worker::load_goals(&settings.goals, mcp.as_ref())?;
    info!(
        dir = %settings.goals.dir.display(),
        goals = goals.all().len(),
        offered = goals.offered().count(),
        "goals loaded"
    );

    let (runtime, metrics) = runtime(settings.metrics_addr, &settings.prices)?;
    let client = settings.temporal.connect_with_retry("agent-worker").await;
    let task_queue = settings.temporal.task_queue.clone();
    let mcp = mcp.map(|config| std::sync::Arc::new(activities::McpServers::new(config)));
    if let Some(servers) = &mcp {
        servers.connect_all().await;
    }
    let bus = reply_bus::ReplyBus::connect(
        settings.bus.clone(),
        reply_bus::BusOptions {
            client_name: "agent-worker".to_owned(),
            ..Default::default()
        },
    )
    .await;
    let mut worker = worker::build(&runtime, client, settings, goals, mcp.clone(), bus, metrics)?;

    let shutdown = worker.shutdown_handle();
    tokio::spawn(async move {
        settings::shutdown_signal().await;
        info!("shutdown requested; finishing running tasks");
        shutdown();
    });

    info!(task_queue = %task_queue, "worker polling");
    let ran = worker.run().await;
    if let Some(servers) = &mcp {
        servers.shutdown().await;
    }
    ran.context("worker stopped with an error")?;
    info!("worker stopped");
    Ok(())
}

/// The Temporal runtime, with its metrics and ours served as Prometheus text on `metrics_addr`
/// (`WORKER_METRICS_ADDR`) when it is set.
fn runtime(
    metrics_addr: Option<SocketAddr>,
    prices: &settings::PriceTable,
) -> anyhow::Result<(Runtime, AgentMetrics)> {
    let Some(addr) = metrics_addr else {
        let runtime = Runtime::from_current_tokio(Default::default())
            .context("creating the Temporal runtime")?;
        return Ok((runtime, AgentMetrics::default()));
    };
    let exporter = start_prometheus_metric_exporter(
        PrometheusExporterOptions::builder()
            .socket_addr(addr)
            .counters_total_suffix(true)
            .use_seconds_for_durations(true)
            .build(),
    )
    .with_context(|| format!("serving metrics on WORKER_METRICS_ADDR={addr}"))?;
    info!(addr = %exporter.bound_addr, "serving Prometheus metrics at /metrics");
    let meter: Arc<dyn CoreMeter> = exporter.meter;
    let options = RuntimeOptions::builder()
        .telemetry_options(TelemetryOptions::builder().metrics(meter.clone()).build())
        .build()
        .map_err(|err| anyhow::anyhow!(err))?;
    let runtime = Runtime::from_current_tokio(options).context("creating the Temporal runtime")?;
    Ok((runtime, AgentMetrics::new(meter, prices.clone())))
}
