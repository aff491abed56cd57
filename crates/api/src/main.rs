//! The `api` binary: reads the settings, binds the port and serves until Ctrl-C or SIGTERM.
//! Temporal may still be down at this point; the api connects to it in the background.

use anyhow::Context;
use settings::Env;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let env = Env::load();
    settings::init_logging(&env);
    let settings = api::Settings::from_env(&env).context("reading the api's settings")?;
    // Held until the api stops: dropping it sends the spans still buffered.
    let _traces = settings::init_traces(&settings.traces, "agent-api")
        .map_err(|err| anyhow::anyhow!(err))
        .context("starting trace export")?;
    let goals = settings.load_goals().context("reading the goal files")?;
    let listener = tokio::net::TcpListener::bind((settings.host.as_str(), settings.port))
        .await
        .with_context(|| format!("binding {}:{}", settings.host, settings.port))?;
    tracing::info!(
        address = %listener.local_addr()?,
        temporal = %settings.temporal.address,
        namespace = %settings.temporal.namespace,
        task_queue = %settings.temporal.task_queue,
        ui = %settings.frontend_dist.display(),
        "api listening"
    );
    let bus = reply_bus::ReplyBus::connect(
        settings.bus.clone(),
        reply_bus::BusOptions {
            client_name: "agent-api".to_owned(),
            ..Default::default()
        },
    )
    .await;
    api::serve(
        listener,
        api::AppState::new(settings, goals, bus),
        settings::shutdown_signal(),
    )
    .await
    .context("serving HTTP")?;
    Ok(())
}
