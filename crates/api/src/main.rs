//! The `api` binary: reads the settings, binds the port and serves until Ctrl-C or SIGTERM.
//! Temporal may still be down at this point; the api connects to it in the background.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    settings::load_dotenv();
    settings::init_logging();
    let settings = api::Settings::from_env().context("reading the api's settings")?;
    // A malformed TEMPORAL_ADDRESS would never connect: say so now rather than retry forever.
    settings
        .temporal
        .url()
        .context("checking TEMPORAL_ADDRESS")?;
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
    api::serve(
        listener,
        api::AppState::new(settings),
        api::shutdown_signal(),
    )
    .await
    .context("serving HTTP")?;
    Ok(())
}
