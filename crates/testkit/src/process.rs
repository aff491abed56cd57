//! Child processes that cannot outlive their test.

use std::{
    collections::HashMap,
    fs::File,
    net::TcpListener,
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::binaries::{cargo_binary, workspace_root};

/// A free TCP port on 127.0.0.1 (free when asked; taken by whoever binds it first).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A spawned program whose output goes to a log file under `target/test-logs/`, and which
/// is killed on drop. On Linux it also gets SIGKILL if the thread that spawned it exits,
/// so a crashed test binary leaves nothing behind.
pub struct ChildProcess {
    child: Option<Child>,
    pub log: PathBuf,
    name: String,
}

impl ChildProcess {
    pub fn spawn(mut command: Command, name: &str) -> anyhow::Result<Self> {
        let logs = workspace_root().join("target/test-logs");
        std::fs::create_dir_all(&logs)?;
        let log = logs.join(format!("{name}-{}.log", std::process::id()));
        let out = File::create(&log)?;
        command
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out))
            .stdin(Stdio::null());
        // SAFETY: prctl is async-signal-safe and only affects the child being spawned.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command.spawn()?;
        Ok(Self {
            child: Some(child),
            log,
            name: name.to_owned(),
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Sends `signal` and waits up to `grace` for the process to exit, then kills it.
    pub async fn stop_with(&mut self, signal: i32, grace: Duration) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // SAFETY: sending a signal to a pid we own.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let deadline = tokio::time::Instant::now() + grace;
        while tokio::time::Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// SIGKILL: the process gets no chance to clean up (a crashed machine).
    pub async fn kill(&mut self) {
        self.stop_with(libc::SIGKILL, Duration::from_secs(5)).await;
    }

    /// SIGTERM, then SIGKILL after 10 s.
    pub async fn stop(&mut self) {
        self.stop_with(libc::SIGTERM, Duration::from_secs(10)).await;
    }

    /// The last lines of the process's output, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        let start = all.len().saturating_sub(lines);
        format!(
            "--- last {lines} lines of {} ({}) ---\n{}",
            self.name,
            self.log.display(),
            all[start..].join("\n")
        )
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The real `worker` binary, configured entirely by environment variables.
pub struct WorkerProcess {
    pub process: ChildProcess,
}

/// Variables the worker reads; none leaks in from the developer's shell.
const WORKER_VARIABLES: &[&str] = &[
    "LLM_MODEL",
    "LLM_KEY",
    "LLM_BASE_URL",
    "SHOW_CONFIRM",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "TEMPORAL_TLS_CERT",
    "TEMPORAL_TLS_KEY",
    "TEMPORAL_API_KEY",
    "RAPIDAPI_KEY",
    "RAPIDAPI_HOST_FLIGHTS",
    "RAPIDAPI_BASE_URL",
    "STRIPE_API_KEY",
    "STRIPE_BASE_URL",
    "FIND_EVENTS_DATA",
    "AGENT_MAX_HISTORY_MESSAGES",
    "AGENT_HISTORY_WINDOW",
    "CONFIRM_TIMEOUT_SECS",
    "LLM_TIMEOUT_SECS",
    "LLM_RETRY_INITIAL_INTERVAL_MS",
    "LLM_RETRY_BACKOFF",
    "LLM_RETRY_MAX_INTERVAL_MS",
    "LLM_RETRY_MAX_ATTEMPTS",
    "LLM_MAX_INVALID_ANSWERS",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_TLS",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_FROM",
    "EMAIL_OUTBOX_DIR",
    "EMAIL_SEND_WINDOW_SECS",
    "EMAIL_DRAFT_SAVES_PER_RUN",
    "GOALS_DIR",
    "GOAL_CATEGORIES",
    "AGENT_GOAL",
    "MCP_CONFIG",
    "NATS_URL",
];

/// Where workers and apis look for NATS unless a test starts one: nowhere (live reply text
/// is off, replies arrive whole), so a NATS that happens to run on this machine is never used.
pub const NO_NATS: &str = "nats://127.0.0.1:1";

impl WorkerProcess {
    pub fn start_with_env(env: &HashMap<&str, &str>, name: &str) -> anyhow::Result<Self> {
        Self::start_binary(&cargo_binary("worker"), env, name)
    }

    /// Like [`WorkerProcess::start_with_env`], with another build of a worker: a release
    /// build, or a worker of the same shape serving other workflows (the benchmark's).
    pub fn start_binary(
        binary: &Path,
        env: &HashMap<&str, &str>,
        name: &str,
    ) -> anyhow::Result<Self> {
        let mut command = Command::new(binary);
        for variable in WORKER_VARIABLES {
            command.env_remove(variable);
        }
        // The worker runs in an empty directory; its goals are the repository's.
        command.env("GOALS_DIR", crate::workspace_root().join("goals"));
        command.env("NATS_URL", NO_NATS);
        command
            .envs(env.iter())
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .current_dir(empty_dir(name)?);
        Ok(Self {
            process: ChildProcess::spawn(command, &format!("worker-{name}"))?,
        })
    }

    pub async fn kill(&mut self) {
        self.process.kill().await;
    }

    pub async fn stop(&mut self) {
        self.process.stop().await;
    }
}

fn empty_dir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("agent-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The real `api` binary on a free port, serving the conversations of one task queue.
pub struct ApiProcess {
    pub process: ChildProcess,
    pub port: u16,
}

impl ApiProcess {
    /// Starts the api against `temporal_address`/`task_queue` with `extra` variables, and
    /// waits until `/health` answers.
    pub async fn start(
        temporal_address: &str,
        task_queue: &str,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        Self::start_binary(&cargo_binary("api"), temporal_address, task_queue, extra).await
    }

    /// Like [`ApiProcess::start`], with another build of the api (e.g. a release build).
    pub async fn start_binary(
        binary: &Path,
        temporal_address: &str,
        task_queue: &str,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let port = free_port();
        let mut command = Command::new(binary);
        for variable in WORKER_VARIABLES.iter().chain(&[
            "API_HOST",
            "API_PORT",
            "CORS_ORIGINS",
            "TEMPORAL_UI_URL",
            "FRONTEND_DIST",
        ]) {
            command.env_remove(variable);
        }
        command
            .env("TEMPORAL_ADDRESS", temporal_address)
            .env("TEMPORAL_TASK_QUEUE", task_queue)
            .env("API_PORT", port.to_string())
            .env("LLM_MODEL", "demo/trip-agent")
            .env("GOALS_DIR", crate::workspace_root().join("goals"))
            .env("NATS_URL", NO_NATS)
            .envs(extra.iter().copied())
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .current_dir(empty_dir(&format!("api-{task_queue}"))?);
        let process = ChildProcess::spawn(command, &format!("api-{task_queue}"))?;
        let api = Self { process, port };
        api.wait_healthy().await?;
        Ok(api)
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_healthy(&self) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let url = format!("{}/health", self.base_url());
        loop {
            if let Ok(response) = reqwest::get(&url).await
                && response.status().is_success()
            {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                anyhow::bail!(
                    "the api did not answer /health in 30 s\n{}",
                    self.process.log_tail(30)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
