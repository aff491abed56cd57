//! `scripts/run.sh`, the one command that runs the whole product, used as a newcomer would:
//! from a fresh copy of the repository (no `.data`, no built UI, no `node_modules`), with no
//! LLM key. It must print its URLs, serve a working conversation with the demo model, say
//! so when started twice, stop every process it started on Ctrl-C, and keep conversations
//! across restarts.
//!
//! To keep the test quick it builds debug binaries into this workspace's target dir and
//! reuses the installed Temporal CLI; everything else is the script's own doing.

use std::{
    collections::HashSet,
    io::{BufRead, BufReader},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use serde_json::Value;
use testkit::{free_port, temporal_cli, workspace_root};

/// A running `scripts/run.sh` and the lines it has printed.
struct RunCommand {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl RunCommand {
    fn start(dir: &Path, env: &[(String, String)]) -> Self {
        let mut command = Command::new("bash");
        command
            .arg("scripts/run.sh")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for name in [
            "LLM_MODEL",
            "LLM_KEY",
            "LLM_BASE_URL",
            "TEMPORAL_ADDRESS",
            "API_PORT",
            "NATS_URL",
        ] {
            command.env_remove(name);
        }
        command.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        // A shell cannot trap a signal that was ignored when it started, and a test run
        // launched in the background (`cmd &` from a script) inherits an ignored SIGINT. The
        // script gets Ctrl-C as a terminal would deliver it: with the default disposition.
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = command.spawn().expect("bash runs scripts/run.sh");
        let (tx, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a printed line containing `text`; returns it.
    fn wait_for_line(&mut self, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        if let Some(line) = self.seen.iter().find(|l| l.contains(text)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left.min(Duration::from_secs(1))) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        self.drain();
                        panic!(
                            "run.sh exited ({status}) before printing {text:?}:\n{}",
                            self.output()
                        );
                    }
                }
                _ => {
                    self.drain();
                    panic!(
                        "run.sh did not print {text:?} in {timeout:?}:\n{}",
                        self.output()
                    );
                }
            }
        }
    }

    fn drain(&mut self) {
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.seen.push(line);
        }
    }

    fn output(&self) -> String {
        self.seen.join("\n")
    }

    /// Ctrl-C: SIGINT to the script, then its exit status.
    fn interrupt(&mut self, timeout: Duration) -> i32 {
        // SAFETY: signalling a child we own.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.drain();
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "run.sh still running {timeout:?} after Ctrl-C:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RunCommand {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            std::thread::sleep(Duration::from_secs(5));
            let _ = self.child.kill();
        }
    }
}

/// Every process descended from `pid`, from /proc.
fn descendants(pid: u32) -> HashSet<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            // The parent pid is the second field after the parenthesised command name.
            let after_name = &stat[stat.rfind(')')? + 2..];
            let ppid = after_name.split_whitespace().nth(1)?.parse().ok()?;
            Some((p, ppid))
        })
        .collect();
    let mut found = HashSet::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for (child, ppid) in &parents {
            if *ppid == parent && found.insert(*child) {
                frontier.push(*child);
            }
        }
    }
    found
}

fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // A zombie has exited; it only waits for its parent to read its status.
        Ok(stat) => !stat[stat.rfind(')').unwrap() + 2..].starts_with('Z'),
        Err(_) => false,
    }
}

fn port_open(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// The repository as a fresh clone has it: tracked and unignored files only.
fn fresh_copy() -> PathBuf {
    let root = workspace_root();
    let copy = std::env::temp_dir().join(format!("agent-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    let listing = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(&root)
        .output()
        .expect("git lists the repository's files");
    assert!(listing.status.success());
    for file in listing.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let relative = Path::new(std::str::from_utf8(file).unwrap());
        let source = root.join(relative);
        if !source.is_file() {
            continue; // deleted in the working tree
        }
        let target = copy.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&source, &target).unwrap();
    }
    copy
}

async fn history(http: &reqwest::Client, base: &str, id: &str) -> Value {
    http.get(format!("{base}/get-conversation-history"))
        .query(&[("workflow_id", id)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn wait_for_messages(
    http: &reqwest::Client,
    base: &str,
    id: &str,
    actor: &str,
    count: usize,
) -> Value {
    testkit::wait_until(
        &format!("{count} {actor} messages"),
        Duration::from_secs(60),
        || async {
            let history = history(http, base, id).await;
            let found = history["messages"]
                .as_array()
                .map(|m| m.iter().filter(|m| m["actor"] == actor).count())
                .unwrap_or(0);
            (
                (found >= count).then(|| history.clone()),
                history.to_string(),
            )
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn run_command_serves_a_conversation_stops_cleanly_and_keeps_the_data() {
    let copy = fresh_copy();
    let ports = [
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
    ];
    let env: Vec<(String, String)> = [
        ("BUILD_PROFILE", "dev".to_owned()),
        (
            "CARGO_TARGET_DIR",
            workspace_root().join("target").display().to_string(),
        ),
        ("TEMPORAL_CLI", temporal_cli().display().to_string()),
        ("TEMPORAL_PORT", ports[0].to_string()),
        ("TEMPORAL_UI_PORT", ports[1].to_string()),
        ("API_PORT", ports[2].to_string()),
        ("DEMO_LLM_PORT", ports[3].to_string()),
        ("NATS_PORT", ports[4].to_string()),
        ("WORKER_METRICS_PORT", ports[5].to_string()),
        (
            "NATS_SERVER",
            testkit::nats_server().unwrap().display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let base = format!("http://127.0.0.1:{}", ports[2]);
    let http = reqwest::Client::new();

    let mut run = RunCommand::start(&copy, &env);
    let chat_line = run.wait_for_line("Chat UI:", Duration::from_secs(900));
    assert!(chat_line.contains(&format!(":{}", ports[2])), "{chat_line}");
    let ui_line = run.wait_for_line("Temporal Web UI:", Duration::from_secs(5));
    assert!(ui_line.contains(&format!(":{}", ports[1])), "{ui_line}");
    assert!(
        run.output().contains("No LLM_KEY is set"),
        "the output says the demo model is in use:\n{}",
        run.output()
    );
    let page = http
        .get(&base)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        page.text().await.unwrap().contains("<div id=\"root\">"),
        "the chat UI is served"
    );

    // Replies stream live: the api reaches the NATS server the script started.
    let health: Value = http
        .get(format!("{base}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["streaming"], "on", "{health}");

    // A second start while this one runs says so and changes nothing.
    let second = Command::new("bash")
        .arg("scripts/run.sh")
        .current_dir(&copy)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    let second_out = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success(), "{second_out}");
    assert!(second_out.contains("already running"), "{second_out}");

    // A short conversation through the HTTP API, with the demo model.
    let started: Value = http
        .post(format!("{base}/start-workflow"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["workflow_id"].as_str().unwrap().to_owned();
    wait_for_messages(&http, &base, &id, "agent", 1).await;
    http.post(format!("{base}/send-prompt"))
        .query(&[
            ("workflow_id", id.as_str()),
            ("prompt", "Austin in December"),
        ])
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    wait_for_messages(&http, &base, &id, "agent", 2).await;
    let confirmed: Value = http
        .post(format!("{base}/confirm"))
        .query(&[("workflow_id", id.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        confirmed["tool_calls"][0]["tool"], "FindEvents",
        "{confirmed}"
    );
    let before = wait_for_messages(&http, &base, &id, "tool_result", 1).await;

    // The worker serves its metrics where the script says, counting what just ran.
    let metrics_line = run.wait_for_line("Metrics:", Duration::from_secs(5));
    assert!(
        metrics_line.contains(&format!("localhost:{}/metrics (worker)", ports[5])),
        "{metrics_line}"
    );
    let metrics = http
        .get(format!("http://127.0.0.1:{}/metrics", ports[5]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("agent_tool_runs_total{") && metrics.contains("tool=\"FindEvents\""),
        "{metrics}"
    );

    // Ctrl-C stops every child and frees every port.
    let children = descendants(run.child.id());
    assert!(
        children.len() >= 5,
        "temporal, NATS, demo model, worker, api: {children:?}"
    );
    let status = run.interrupt(Duration::from_secs(60));
    assert_ne!(status, 0, "interrupted runs exit non-zero");
    assert!(run.output().contains("Stopped."), "{}", run.output());
    let left: Vec<u32> = children.iter().copied().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "processes left after Ctrl-C: {left:?}");
    for port in ports {
        assert!(!port_open(port), "port {port} still open");
    }

    // The conversation is still there after a fresh start.
    let mut again = RunCommand::start(&copy, &env);
    again.wait_for_line("Chat UI:", Duration::from_secs(300));
    let after = history(&http, &base, &id).await;
    let before_messages = before["messages"].as_array().unwrap();
    let after_messages = after["messages"].as_array().unwrap();
    assert!(after_messages.len() >= before_messages.len(), "{after}");
    assert_eq!(
        &after_messages[..before_messages.len()],
        &before_messages[..]
    );
    again.interrupt(Duration::from_secs(60));

    let _ = std::fs::remove_dir_all(&copy);
}
