//! A real NATS server with JetStream as a test fixture.
//!
//! Live replies travel from the worker to the api over NATS JetStream, so tests that cover
//! them run the real `nats-server -js` on a free loopback port, with its JetStream store in
//! a directory of its own. Tests that kill NATS mid-reply call [`NatsServer::restart`], which
//! brings it back on the same port with the same store, so what was stored before the crash
//! is there again, as it would be on a real restart.
//!
//! The binary comes from `scripts/install-nats.sh` (into `.tools/`), or from `NATS_SERVER`.

use std::{
    io::ErrorKind,
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
    time::Duration,
};

use anyhow::{Context, bail};
use tokio::net::TcpStream;

use crate::{
    binaries::workspace_root,
    process::{ChildProcess, free_port},
};

/// A running `nats-server -js`, killed when dropped; its store directory is removed then too.
pub struct NatsServer {
    // Declared before `store` so the process is gone before its directory is removed.
    process: ChildProcess,
    port: u16,
    /// How many times the server was started, so each start logs to a file of its own.
    starts: u32,
    store: StoreDir,
}

impl NatsServer {
    /// A fresh server with an empty JetStream store, on a free port.
    pub async fn start() -> anyhow::Result<Self> {
        let port = free_port();
        let store = StoreDir::create(port)?;
        let process = spawn(port, &store.0, &format!("nats-{port}")).await?;
        Ok(Self {
            process,
            port,
            starts: 1,
            store,
        })
    }

    /// `nats://127.0.0.1:<port>`, as `NATS_URL` expects it.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where JetStream keeps its streams.
    pub fn store_dir(&self) -> &Path {
        &self.store.0
    }

    /// True while the server process runs.
    pub fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    /// Stops the server gracefully (SIGTERM), so JetStream flushes its store.
    pub async fn stop(&mut self) {
        self.process.stop().await;
    }

    /// SIGKILL: the server gets no chance to flush or say goodbye to its clients.
    pub async fn kill(&mut self) {
        self.process.kill().await;
    }

    /// Stops the server if it still runs, then starts it again on the same port with the same
    /// store, and waits until it accepts connections.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.process.stop().await;
        self.starts += 1;
        let name = format!("nats-{}-start{}", self.port, self.starts);
        self.process = spawn(self.port, &self.store.0, &name).await?;
        Ok(())
    }

    pub fn log_tail(&self, lines: usize) -> String {
        self.process.log_tail(lines)
    }
}

/// The `nats-server` binary, asked of `scripts/install-nats.sh` once per test binary: the
/// script installs the pinned version on first use, honours `NATS_SERVER`, and prints the
/// path.
pub fn nats_server() -> anyhow::Result<PathBuf> {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BINARY
        .get_or_init(|| install().map_err(|err| format!("{err:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn install() -> anyhow::Result<PathBuf> {
    let script = workspace_root().join("scripts/install-nats.sh");
    let output = Command::new(&script)
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8(output.stdout)?;
    let path = stdout
        .lines()
        .last()
        .context("install-nats.sh printed no path")?;
    Ok(PathBuf::from(path.trim()))
}

async fn spawn(port: u16, store: &Path, name: &str) -> anyhow::Result<ChildProcess> {
    let mut command = Command::new(nats_server()?);
    command
        .args(["--jetstream", "--addr", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .arg("--store_dir")
        .arg(store);
    let mut process = ChildProcess::spawn(command, name)?;
    wait_ready(port, &mut process).await?;
    Ok(process)
}

/// Ready when a client connecting gets the server's `INFO` greeting: the server opens its
/// client port only after JetStream has recovered its store.
async fn wait_ready(port: u16, process: &mut ChildProcess) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if !process.is_running() {
            bail!("nats-server exited at start\n{}", process.log_tail(30));
        }
        if greets(port).await {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!(
                "nats-server did not accept connections in 20 s\n{}",
                process.log_tail(30)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn greets(port: u16) -> bool {
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    let mut greeting = [0u8; 4];
    let read = tokio::time::timeout(Duration::from_millis(500), async {
        loop {
            stream.readable().await?;
            match stream.try_read(&mut greeting) {
                Err(err) if err.kind() == ErrorKind::WouldBlock => continue,
                other => return other,
            }
        }
    })
    .await;
    matches!(read, Ok(Ok(4))) && &greeting == b"INFO"
}

/// A JetStream store directory under the system's temp dir, removed on drop.
struct StoreDir(PathBuf);

impl StoreDir {
    fn create(port: u16) -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("nats-test-{}-{port}", std::process::id()));
        // A leftover of an earlier test binary with the same pid would leak its streams in.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)?;
        Ok(Self(path))
    }
}

impl Drop for StoreDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
