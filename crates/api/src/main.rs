//! The `api` binary: reads the settings, binds the port and serves until Ctrl-C or SIGTERM.
//! Temporal may still be down at this point; the api connects to it in the background.
//!
//! `api new-token <user-id>` prints a new bearer token for `API_AUTH=tokens` and the line
//! for `API_TOKENS_FILE`, and exits.

use anyhow::Context;
use settings::Env;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => serve().await,
        Some("new-token") => new_token(&args[1..]),
        Some(other) => anyhow::bail!(
            "unknown command {other:?}: run `api` to serve, or `api new-token <user-id>`"
        ),
    }
}

/// Prints a new token (first line) and its `API_TOKENS_FILE` line (second line); says on
/// stderr what to do with them.
fn new_token(args: &[String]) -> anyhow::Result<()> {
    let [user] = args else {
        anyhow::bail!("usage: api new-token <user-id>");
    };
    let user = api::auth::UserId::parse(user)
        .context("a user id is 1-128 characters of letters, digits and . _ - @ | + :")?;
    let (token, line) = api::auth::tokens::new_token(&user);
    println!("{token}");
    println!("{line}");
    eprintln!(
        "Give the first line to {user} (it is shown only now), and add the second to \
         API_TOKENS_FILE; the api picks it up within seconds."
    );
    Ok(())
}

async fn serve() -> anyhow::Result<()> {
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
        auth = ?settings.auth.mode.name(),
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
        api::AppState::new(settings, goals, bus).context("setting up authentication")?,
        settings::shutdown_signal(),
    )
    .await
    .context("serving HTTP")?;
    Ok(())
}
