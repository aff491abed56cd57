//! The Temporal CLI dev server as a test fixture.

use std::{
    path::PathBuf,
    process::Command,
    sync::{OnceLock, mpsc},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use futures::StreamExt;
use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions};
use url::Url;

use crate::{
    binaries::temporal_cli,
    process::{ChildProcess, free_port},
};

/// Dynamic config every dev server of ours starts with (tests, the bench, `scripts/run.sh`,
/// `make temporal`), on top of the caller's own values.
///
/// The dev server has one history shard, and a shard reads its transfer queue (where every
/// new workflow task waits to be handed to a worker) at most 20 times a second by default.
/// With one shard for every conversation that cap adds 0 to 50 ms to each workflow task,
/// about 40 ms at the median, three times per turn. Raising it takes a turn on the scripted
/// model from about 137 ms to about 36 ms and costs no throughput (BENCHMARKS.md).
pub const LOW_LATENCY_CONFIG: &[(&str, &str)] = &[("history.transferProcessorMaxPollRPS", "1000")];

/// How to start a dev server.
#[derive(Debug, Clone, Default)]
pub struct DevServerOptions {
    /// gRPC port; a free one when `None`.
    pub port: Option<u16>,
    /// SQLite file, so state survives a restart; in memory when `None`.
    pub db_file: Option<PathBuf>,
    /// Serve the Web UI on this port; headless when `None`.
    pub ui_port: Option<u16>,
    /// `--dynamic-config-value` pairs (values are JSON), added to [`LOW_LATENCY_CONFIG`]; a
    /// key given here replaces the same key there.
    pub dynamic_config: Vec<(String, String)>,
}

impl DevServerOptions {
    /// Every dynamic config value the server starts with: [`LOW_LATENCY_CONFIG`], then the
    /// caller's.
    pub fn effective_dynamic_config(&self) -> Vec<(String, String)> {
        let overridden = |key: &str| self.dynamic_config.iter().any(|(k, _)| k == key);
        LOW_LATENCY_CONFIG
            .iter()
            .filter(|(key, _)| !overridden(key))
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .chain(self.dynamic_config.iter().cloned())
            .collect()
    }
}

/// A running `temporal server start-dev`, stopped when dropped.
pub struct DevServer {
    process: ChildProcess,
    options: DevServerOptions,
    port: u16,
}

/// How many ports [`DevServer::start_with`] tries when it picks them itself.
const START_ATTEMPTS: u32 = 3;

impl DevServer {
    /// A fresh in-memory server on a free port.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(DevServerOptions::default()).await
    }

    /// Starts the server. A free port chosen here can be taken by another test before the
    /// server binds it (or the ports it derives from it); then it tries again on another,
    /// up to [`START_ATTEMPTS`] times. A port the caller chose is tried once.
    pub async fn start_with(options: DevServerOptions) -> anyhow::Result<Self> {
        let chosen = options.port.is_some();
        let mut attempt = 1;
        loop {
            let mut options = options.clone();
            options.port.get_or_insert_with(free_port);
            match Self::start_once(options).await {
                Err(err) if !chosen && attempt < START_ATTEMPTS => {
                    eprintln!(
                        "the dev server did not start (attempt {attempt}), trying another port: {err:#}"
                    );
                    attempt += 1;
                }
                started => return started,
            }
        }
    }

    async fn start_once(options: DevServerOptions) -> anyhow::Result<Self> {
        let port = options.port.expect("a port is chosen");
        let mut command = Command::new(temporal_cli());
        command.args([
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--log-level",
            "warn",
            // Who started a conversation, when the api runs with auth on.
            "--search-attribute",
            "AgentOwner=Keyword",
        ]);
        match options.ui_port {
            Some(ui) => command.args(["--ui-port", &ui.to_string()]),
            None => command.arg("--headless"),
        };
        if let Some(db) = &options.db_file {
            command.arg("--db-filename").arg(db);
        }
        for (key, value) in &options.effective_dynamic_config() {
            command.args(["--dynamic-config-value", &format!("{key}={value}")]);
        }
        let mut process = ChildProcess::spawn(command, &format!("temporal-{port}"))?;
        wait_ready(port, &mut process).await?;
        Ok(Self {
            process,
            options,
            port,
        })
    }

    /// One server for the whole test binary, started on first use. Its process belongs to
    /// a thread that lives as long as the binary, so it dies with the binary.
    pub fn shared_address() -> String {
        static ADDRESS: OnceLock<String> = OnceLock::new();
        ADDRESS
            .get_or_init(|| {
                let (tx, rx) = mpsc::channel();
                std::thread::Builder::new()
                    .name("shared-temporal".into())
                    .spawn(move || {
                        let runtime = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .expect("a runtime for the shared server");
                        let server = runtime.block_on(DevServer::start());
                        let started = server
                            .as_ref()
                            .map(DevServer::address)
                            .map_err(|e| format!("{e:#}"));
                        tx.send(started).expect("the test waits for the address");
                        let _keep_alive = server;
                        loop {
                            std::thread::park();
                        }
                    })
                    .expect("a thread for the shared server");
                rx.recv()
                    .expect("the shared server thread answers")
                    .unwrap_or_else(|err| {
                        panic!("the shared Temporal dev server did not start: {err}")
                    })
            })
            .clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, e.g. to read its CPU time and memory from `/proc`.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// `127.0.0.1:<port>`, as `TEMPORAL_ADDRESS` expects it.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub async fn client(&self) -> anyhow::Result<Client> {
        client_for(&self.address()).await
    }

    /// Stops the server gracefully (SIGTERM), so its SQLite file is consistent.
    pub async fn stop(&mut self) {
        self.process.stop().await;
    }

    /// Stops the server and starts it again with the same port and database file.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop().await;
        let restarted = DevServer::start_with(self.options.clone()).await?;
        *self = restarted;
        Ok(())
    }

    pub fn log_tail(&self, lines: usize) -> String {
        self.process.log_tail(lines)
    }
}

/// A client for the dev server at `address`, in the `default` namespace.
pub async fn client_for(address: &str) -> anyhow::Result<Client> {
    let url = Url::parse(&format!("http://{address}"))?;
    let connection = Connection::connect(
        ConnectionOptions::new(url)
            .identity("agent-tests".to_owned())
            .connect_timeout(Duration::from_secs(2))
            .build(),
    )
    .await?;
    Ok(Client::new(
        connection,
        ClientOptions::new("default").build(),
    )?)
}

async fn wait_ready(port: u16, process: &mut ChildProcess) -> anyhow::Result<()> {
    let address = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if !process.is_running() {
            bail!("the dev server exited at start\n{}", process.log_tail(30));
        }
        if let Ok(client) = client_for(&address).await {
            // The frontend answers before the default namespace is fully set up; a
            // visibility call succeeding means the server can take workflows.
            let mut workflows = client.list_workflows("", Default::default());
            if workflows.next().await.is_none_or(|r| r.is_ok()) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(anyhow::anyhow!(
                "the dev server did not become ready in 90 s"
            ))
            .context(process.log_tail(30));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_dynamic_config_adds_to_and_overrides_the_low_latency_values() {
        let defaults = DevServerOptions::default().effective_dynamic_config();
        assert_eq!(
            defaults,
            [(
                "history.transferProcessorMaxPollRPS".to_owned(),
                "1000".to_owned()
            )]
        );
        let options = DevServerOptions {
            dynamic_config: vec![
                ("history.transferProcessorMaxPollRPS".into(), "20".into()),
                (
                    "limit.historyCount.suggestContinueAsNew".into(),
                    "20".into(),
                ),
            ],
            ..DevServerOptions::default()
        };
        assert_eq!(options.effective_dynamic_config(), options.dynamic_config);
    }
}
