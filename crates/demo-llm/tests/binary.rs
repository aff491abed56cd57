//! The `demo-llm` binary: flags, a rules file, logging the address, clean exit on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::get;
use serde_json::{Value, json};

/// Reads log lines until the "ready" line and returns the base URL it names.
fn base_url_from_logs(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    for _ in 0..50 {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(start) = line.find("base_url=") {
            let rest = &line[start + "base_url=".len()..];
            return rest.split_whitespace().next().unwrap().to_owned();
        }
    }
    panic!("the binary never logged its base URL; last line: {line}");
}

#[tokio::test]
async fn binary_serves_a_rules_file_with_demo_fallback_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("demo-llm-binary-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("rules.json");
    std::fs::write(
        &rules,
        json!([{"step": "validator", "reply": {"validationResult": true, "validationFailedReason": {}}}])
            .to_string(),
    )
    .unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_demo-llm"))
        .args([
            "--port",
            "0",
            "--fallback",
            "demo",
            "--model",
            "custom-model",
            "--rules",
        ])
        .arg(&rules)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("binary starts");
    let mut logs = BufReader::new(child.stdout.take().unwrap());
    let base_url = base_url_from_logs(&mut logs);
    let root = base_url.trim_end_matches("/v1").to_owned();

    let health = get(&format!("{root}/health")).await.json();
    assert_eq!(health["mode"], "scripted");
    assert_eq!(health["models"], json!(["custom-model"]));

    let client = reqwest::Client::new();
    let ask = |step: &'static str, prompt: &'static str| {
        client
            .post(format!("{base_url}/chat/completions"))
            .header("X-Agent-Step", step)
            .json(&json!({"model": "custom-model", "messages": [{"role": "user", "content": prompt}]}))
            .send()
    };
    let validator: Value = ask("validator", "poem please")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let verdict: Value = serde_json::from_str(
        validator["choices"][0]["message"]["content"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        verdict["validationResult"], true,
        "the rule answered, not the demo"
    );
    let planner: Value = ask("planner", "Austin in December")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let data: models::PlannerDecision = serde_json::from_str(
        planner["choices"][0]["message"]["content"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        data.tool.as_deref(),
        Some("FindEvents"),
        "the demo fallback answered"
    );

    // One log line per request, with step and status, and never the prompt at info level.
    let mut request_lines = Vec::new();
    let mut line = String::new();
    while request_lines.len() < 2 {
        line.clear();
        assert!(logs.read_line(&mut line).unwrap() > 0, "logs ended early");
        if line.contains("chat completion") {
            request_lines.push(line.clone());
        }
    }
    assert!(request_lines[0].contains("step=validator") && request_lines[0].contains("status=200"));
    assert!(
        request_lines
            .iter()
            .all(|l| !l.contains("Austin in December"))
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut waited = Duration::ZERO;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            waited < Duration::from_secs(10),
            "binary did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
        waited += Duration::from_millis(50);
    };
    assert!(status.success(), "clean exit, got {status}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn binary_rejects_a_bad_rules_file() {
    let dir = std::env::temp_dir().join(format!("demo-llm-bad-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("rules.json");
    std::fs::write(&rules, r#"[{"step": "planner"}]"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_demo-llm"))
        .args(["--port", "0", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("reply or a status"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
