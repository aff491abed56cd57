//! `worker`: serves the agent on a Temporal task queue until Ctrl-C or SIGTERM.
//!
//! Reads `.env` and the environment (SPEC §7), connects to Temporal (plain, mTLS or API
//! key), and polls. Settings are checked before connecting, so a missing key or a bad
//! number stops it at once with a message saying which variable to fix. On a shutdown
//! signal it stops polling and lets running tasks finish.

use activities::AgentSettings;
use anyhow::Context;
use settings::TemporalSettings;
use temporalio_sdk::Runtime;
use tools::ToolSettings;
use tracing::{error, info};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dotenv = settings::load_dotenv();
    settings::init_logging();
    if let Some(path) = dotenv {
        info!(path = %path.display(), "loaded .env");
    }
    if let Err(err) = run().await {
        error!("{err:#}");
        return Err(err);
    }
    Ok(())
}

async fn run() -> anyhow::Result<()> {
    let temporal = TemporalSettings::from_env().context("Temporal settings")?;
    let agent = AgentSettings::from_env().context("LLM and workflow settings")?;
    let tools = ToolSettings::from_env();
    info!(
        address = %temporal.address,
        namespace = %temporal.namespace,
        task_queue = %temporal.task_queue,
        tls = temporal.uses_tls(),
        model = %agent.llm.model,
        llm_base_url = %agent.llm.base_url,
        show_confirm = agent.workflow.show_confirm,
        email_delivery = %agent.email.describe(),
        "starting worker"
    );
    if let activities::email::Delivery::Misconfigured(reason) = &agent.email.delivery {
        tracing::warn!(%reason, "email cannot be delivered: new emails will fail until this is fixed");
    }

    let runtime =
        Runtime::from_current_tokio(Default::default()).context("creating the Temporal runtime")?;
    let client = temporal.connect_with_retry("agent-worker").await;
    let mut worker = worker::build(&runtime, client, &temporal.task_queue, agent, tools)?;

    let shutdown = worker.shutdown_handle();
    tokio::spawn(async move {
        wait_for_shutdown_signal().await;
        info!("shutdown requested; finishing running tasks");
        shutdown();
    });

    info!(task_queue = %temporal.task_queue, "worker polling");
    worker.run().await.context("worker stopped with an error")?;
    info!("worker stopped");
    Ok(())
}

async fn wait_for_shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler installs");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
