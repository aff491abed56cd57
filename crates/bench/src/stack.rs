//! The stack under test, on loopback ports: a Temporal dev server, a NATS server with
//! JetStream (the reply bus), our LLM server in scripted mode (and a second one playing a
//! model's latency, for the live-reply phases), and per measured phase a fresh worker and
//! api.
//!
//! The dev server, NATS and the LLM servers live for the whole run (Temporal and the
//! instant LLM can be running ones the user points at). Workers and apis are started per
//! phase on a task queue of their own, both with `NATS_URL`, so each phase starts cold and
//! clean: its peak memory is its own, its CPU time is counted from a known point, and no
//! conversation of an earlier phase is served.
//! Every process the bench starts is killed when its handle drops, also on panic; on Linux
//! the kernel kills them too if the bench itself dies (see `testkit::ChildProcess`).

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use anyhow::{Context, bail};
use demo_llm::{Config as LlmConfig, LlmServer, RuleSet};
use temporalio_client::Client;
use testkit::{ApiProcess, DevServer, DevServerOptions, NatsServer, WorkerProcess};
use url::Url;

use crate::{
    model::LatencyProfile,
    procfs::{self, ProcSample},
    trip,
};

/// Which build of the binaries runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildProfile {
    /// `target/release`, built by the bench (`cargo build --release`) unless told not to.
    Release,
    /// `target/debug`, as the test suite builds it (`testkit::cargo_binary`).
    Dev,
}

impl BuildProfile {
    pub fn as_str(self) -> &'static str {
        match self {
            BuildProfile::Release => "release",
            BuildProfile::Dev => "dev",
        }
    }
}

/// What a phase runs: the real agent, or the floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The agent as it ships: a user prompt's validation runs alongside its planning.
    Agent,
    /// The agent validating a prompt before planning it (`SPECULATIVE_PLANNING=false`).
    Sequential,
    Baseline,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Agent => "agent",
            Mode::Sequential => "sequential",
            Mode::Baseline => "baseline",
        }
    }
}

/// Which model a phase's worker talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Answers at once: the phase measures the agent and Temporal.
    Instant,
    /// Plays the run's [`LatencyProfile`]: the phase measures what a user waits for.
    Profiled,
}

impl Model {
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Instant => "instant",
            Model::Profiled => "profiled",
        }
    }
}

/// Paths of the three programs a phase starts.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub worker: PathBuf,
    pub api: PathBuf,
    pub baseline_worker: PathBuf,
}

impl Binaries {
    /// Finds (and with `build`, first builds) the binaries of `profile`.
    pub fn locate(profile: BuildProfile, build: bool) -> anyhow::Result<Self> {
        match profile {
            BuildProfile::Dev => Ok(Self {
                // Builds the workspace's debug binaries unless TESTKIT_SKIP_BUILD is set.
                worker: testkit::cargo_binary("worker"),
                api: testkit::cargo_binary("api"),
                baseline_worker: testkit::cargo_binary("bench-baseline-worker"),
            }),
            BuildProfile::Release => {
                if build {
                    build_release()?;
                }
                let dir = testkit::target_dir().join("release");
                let binaries = Self {
                    worker: dir.join("worker"),
                    api: dir.join("api"),
                    baseline_worker: dir.join("bench-baseline-worker"),
                };
                for path in [&binaries.worker, &binaries.api, &binaries.baseline_worker] {
                    if !path.exists() {
                        bail!(
                            "{} is missing: run cargo build --release -p worker -p api -p bench",
                            path.display()
                        );
                    }
                }
                Ok(binaries)
            }
        }
    }
}

/// `cargo build --release -p worker -p api -p bench` in a clean environment (as testkit
/// does for debug builds: variables cargo sets for the running program would otherwise
/// change the build's fingerprints). A no-op when everything is fresh.
fn build_release() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "worker",
            "-p",
            "api",
            "-p",
            "bench",
            "--bins",
        ])
        .current_dir(testkit::workspace_root())
        .env_clear();
    for variable in [
        "PATH",
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO_TARGET_DIR",
        "TMPDIR",
    ] {
        if let Some(value) = std::env::var_os(variable) {
            command.env(variable, value);
        }
    }
    let status = command.status().context("running cargo build --release")?;
    if !status.success() {
        bail!("cargo build --release -p worker -p api -p bench failed");
    }
    Ok(())
}

/// Where the stack's long-lived parts come from.
#[derive(Debug, Clone)]
pub struct StackOptions {
    /// A running Temporal server (`127.0.0.1:7233`); a fresh in-memory dev server if `None`.
    pub temporal_address: Option<String>,
    /// A running demo-llm server's root (`http://127.0.0.1:8100`), scripted through its admin
    /// endpoints; an in-process server if `None`.
    pub llm_url: Option<String>,
    /// Dynamic config of the dev server the bench starts (`--dynamic-config-value` pairs,
    /// values in JSON).
    pub dev_server_config: Vec<(String, String)>,
    /// Start a NATS server and give workers and apis its `NATS_URL` (live replies on).
    pub nats: bool,
    /// The latency the second, in-process LLM server plays (`None`: no such server).
    pub model_latency: Option<LatencyProfile>,
}

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            temporal_address: None,
            llm_url: None,
            dev_server_config: Vec::new(),
            nats: true,
            model_latency: Some(LatencyProfile::hosted()),
        }
    }
}

impl StackOptions {
    /// How the bench starts its dev server: our usual low-latency settings
    /// ([`testkit::LOW_LATENCY_CONFIG`]) with `--temporal-config` values on top.
    pub fn dev_server_options(&self) -> DevServerOptions {
        DevServerOptions {
            dynamic_config: self.dev_server_config.clone(),
            ..DevServerOptions::default()
        }
    }
}

/// The LLM the workers talk to.
enum Llm {
    InProcess(LlmServer),
    Attached { root: String },
}

/// The long-lived part of the stack.
pub struct Stack {
    pub address: String,
    pub client: Client,
    pub binaries: Binaries,
    dev_server: Option<DevServer>,
    llm: Llm,
    /// The LLM server playing the latency profile.
    profiled_llm: Option<LlmServer>,
    nats: Option<NatsServer>,
}

impl Stack {
    pub async fn start(options: &StackOptions, binaries: Binaries) -> anyhow::Result<Self> {
        let (dev_server, address) = match &options.temporal_address {
            Some(address) => {
                ensure_loopback(&format!("http://{address}"))?;
                (None, address.clone())
            }
            None => {
                ensure_temporal_cli()?;
                let server = DevServer::start_with(options.dev_server_options())
                    .await
                    .context("starting the dev server")?;
                let address = server.address();
                (Some(server), address)
            }
        };
        let client = testkit::client_for(&address)
            .await
            .with_context(|| format!("connecting to Temporal at {address}"))?;
        let llm = match &options.llm_url {
            Some(root) => {
                ensure_loopback(root)?;
                let root = root.trim_end_matches('/').to_owned();
                script_attached_llm(&root).await?;
                Llm::Attached { root }
            }
            None => Llm::InProcess(
                LlmServer::start(LlmConfig {
                    rules: trip::llm_rules(),
                    ..LlmConfig::default()
                })
                .await
                .context("starting the LLM server")?,
            ),
        };
        let profiled_llm = match &options.model_latency {
            Some(profile) => Some(
                LlmServer::start(profile.llm_config(trip::llm_rules()))
                    .await
                    .context("starting the LLM server with the latency profile")?,
            ),
            None => None,
        };
        let nats = if options.nats {
            Some(NatsServer::start().await.context("starting nats-server")?)
        } else {
            None
        };
        Ok(Self {
            address,
            client,
            binaries,
            dev_server,
            llm,
            profiled_llm,
            nats,
        })
    }

    /// The OpenAI-compatible base URL of the instant model.
    pub fn llm_base_url(&self) -> String {
        match &self.llm {
            Llm::InProcess(server) => server.base_url(),
            Llm::Attached { root } => format!("{root}/v1"),
        }
    }

    /// The base URL of `model`; an error when the run has no latency profile.
    fn model_url(&self, model: Model) -> anyhow::Result<String> {
        match model {
            Model::Instant => Ok(self.llm_base_url()),
            Model::Profiled => self
                .profiled_llm
                .as_ref()
                .map(LlmServer::base_url)
                .context("this run has no latency profile"),
        }
    }

    /// `nats://127.0.0.1:<port>` of the reply bus, when the bench runs one.
    pub fn nats_url(&self) -> Option<String> {
        self.nats.as_ref().map(NatsServer::url)
    }

    /// The Temporal server's process, when the bench started it.
    pub fn temporal_pid(&self) -> Option<u32> {
        self.dev_server.as_ref().and_then(DevServer::pid)
    }

    /// The NATS server's process.
    pub fn nats_pid(&self) -> Option<u32> {
        let port = self.nats.as_ref()?.port().to_string();
        procfs::child_with_option("--port", &port)
    }

    /// The in-process LLM server, if that is what runs.
    pub fn llm_server(&self) -> Option<&LlmServer> {
        match &self.llm {
            Llm::InProcess(server) => Some(server),
            Llm::Attached { .. } => None,
        }
    }

    /// Starts a worker of `mode` talking to `model` and an api on task queue `task_queue`.
    /// `recording` is the baseline's recorded payloads (required for [`Mode::Baseline`]).
    pub async fn services(
        &self,
        mode: Mode,
        model: Model,
        task_queue: &str,
        recording: Option<&Path>,
    ) -> anyhow::Result<Services> {
        let llm = self.model_url(model)?;
        let nats = self
            .nats_url()
            .unwrap_or_else(|| testkit::NO_NATS.to_owned());
        let mut env: HashMap<&str, &str> = HashMap::from([
            ("TEMPORAL_ADDRESS", self.address.as_str()),
            ("TEMPORAL_TASK_QUEUE", task_queue),
            ("NATS_URL", nats.as_str()),
        ]);
        let (binary, recording) = match mode {
            Mode::Agent | Mode::Sequential => {
                env.insert("LLM_MODEL", "demo/trip-agent");
                env.insert("LLM_BASE_URL", llm.as_str());
                let speculative = if mode == Mode::Agent { "true" } else { "false" };
                env.insert("SPECULATIVE_PLANNING", speculative);
                (&self.binaries.worker, None)
            }
            Mode::Baseline => {
                let path = recording
                    .context("the baseline needs a recording")?
                    .to_str()
                    .context("the recording's path is not UTF-8")?
                    .to_owned();
                (&self.binaries.baseline_worker, Some(path))
            }
        };
        if let Some(path) = &recording {
            env.insert("BENCH_RECORDING", path);
        }
        let worker = WorkerProcess::start_binary(binary, &env, task_queue)
            .with_context(|| format!("starting {}", binary.display()))?;
        let api = ApiProcess::start_binary(
            &self.binaries.api,
            &self.address,
            task_queue,
            &[("NATS_URL", nats.as_str())],
        )
        .await
        .context("starting the api")?;
        Ok(Services {
            worker,
            api,
            task_queue: task_queue.to_owned(),
        })
    }

    /// Stops the dev server (SIGTERM, then SIGKILL) if the bench started it.
    pub async fn shutdown(mut self) {
        if let Some(server) = &mut self.dev_server {
            server.stop().await;
        }
        if let Llm::InProcess(server) = self.llm {
            server.shutdown().await;
        }
        if let Some(server) = self.profiled_llm {
            server.shutdown().await;
        }
        if let Some(mut nats) = self.nats {
            nats.stop().await;
        }
    }
}

/// Installs the Temporal CLI with the project's script when it is not there yet, so the
/// bench runs on a fresh clone (a no-op once installed).
fn ensure_temporal_cli() -> anyhow::Result<()> {
    if testkit::find_temporal_cli().is_some() {
        return Ok(());
    }
    let script = testkit::workspace_root().join("scripts/install-temporal.sh");
    crate::run::progress("installing the Temporal CLI (scripts/install-temporal.sh)");
    let status = Command::new(&script)
        .stdout(std::process::Stdio::null())
        .status()
        .with_context(|| format!("running {}", script.display()))?;
    if !status.success() || testkit::find_temporal_cli().is_none() {
        bail!(
            "{} failed: the dev server needs the Temporal CLI (or pass --temporal ADDR)",
            script.display()
        );
    }
    Ok(())
}

/// Puts the trip's rules on an already running demo-llm, with no added latency.
async fn script_attached_llm(root: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let rules = RuleSet {
        rules: trip::llm_rules(),
        fallback: None,
    };
    let body = serde_json::json!({"rules": rules.rules, "fallback": "none"});
    for (path, body) in [
        ("/admin/rules", body),
        ("/admin/latency", serde_json::json!({"ms": 0})),
    ] {
        let request = if path == "/admin/rules" {
            http.put(format!("{root}{path}"))
        } else {
            http.post(format!("{root}{path}"))
        };
        let response = request
            .json(&body)
            .send()
            .await
            .with_context(|| format!("calling {root}{path}"))?;
        if !response.status().is_success() {
            bail!("{root}{path} answered {}", response.status());
        }
    }
    Ok(())
}

/// The bench talks to this machine only.
fn ensure_loopback(url: &str) -> anyhow::Result<()> {
    let parsed = Url::parse(url).with_context(|| format!("{url} is not a URL"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if !loopback {
        bail!("{url} is not on this machine: the bench only talks to loopback addresses");
    }
    Ok(())
}

/// A worker and an api serving one task queue.
pub struct Services {
    pub worker: WorkerProcess,
    pub api: ApiProcess,
    pub task_queue: String,
}

/// CPU and memory of every process that does the work, read at one moment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Readings {
    pub worker: Option<ProcSample>,
    pub api: Option<ProcSample>,
    pub temporal: Option<ProcSample>,
    pub nats: Option<ProcSample>,
    /// The bench itself: the virtual users' HTTP clients and the in-process LLM server.
    pub bench: Option<ProcSample>,
}

impl Services {
    pub fn base_url(&self) -> String {
        self.api.base_url()
    }

    /// Reads the worker, the api, and the stack's Temporal and NATS (when the bench runs
    /// them).
    pub fn read(&self, stack: &Stack) -> Readings {
        Readings {
            worker: self
                .worker
                .process
                .pid()
                .and_then(|pid| procfs::sample(Some(pid))),
            api: self
                .api
                .process
                .pid()
                .and_then(|pid| procfs::sample(Some(pid))),
            temporal: stack
                .temporal_pid()
                .and_then(|pid| procfs::sample(Some(pid))),
            nats: stack.nats_pid().and_then(|pid| procfs::sample(Some(pid))),
            bench: procfs::sample(None),
        }
    }

    /// SIGTERM both, SIGKILL after a grace period.
    pub async fn stop(mut self) {
        self.api
            .process
            .stop_with(libc::SIGTERM, Duration::from_secs(5))
            .await;
        self.worker
            .process
            .stop_with(libc::SIGTERM, Duration::from_secs(5))
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(ensure_loopback("http://127.0.0.1:8100").is_ok());
        assert!(ensure_loopback("http://localhost:7233").is_ok());
        assert!(ensure_loopback("http://[::1]:7233").is_ok());
        assert!(ensure_loopback("http://10.0.0.5:7233").is_err());
        assert!(ensure_loopback("http://example.com").is_err());
    }
}
