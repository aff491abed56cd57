//! What every integration test needs: a real MCP client (rmcp's client side) connected to the
//! real server, over streamable HTTP in-process or over stdio to the built binary.

#![allow(dead_code)] // Each test file uses its own subset.

pub mod checks;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use mcp_tools::{HttpOptions, RequiredHeader, RunningServer, ToolOptions, serve_http};
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use tempfile::TempDir;

/// A connected MCP client; `()` is rmcp's client handler that declines every server request.
pub type Client = RunningService<RoleClient, ()>;

/// The binary cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_mcp-tools");

/// A scratch directory with the notes file every server of a test writes to.
pub struct Scratch {
    pub dir: TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn notes_file(&self) -> PathBuf {
        self.dir.path().join("notes.jsonl")
    }

    pub fn tool_options(&self) -> ToolOptions {
        ToolOptions {
            notes_file: self.notes_file(),
            ..ToolOptions::default()
        }
    }

    /// The notes saved so far, one JSON value per line (none when the file does not exist).
    pub fn notes(&self) -> Vec<Value> {
        read_notes(&self.notes_file())
    }
}

pub fn read_notes(path: &Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => panic!("cannot read {}: {error}", path.display()),
    }
}

/// Starts the HTTP server in-process on a free loopback port.
pub async fn start_http(tools: ToolOptions, required_header: Option<&str>) -> RunningServer {
    let options = HttpOptions {
        tools,
        required_header: required_header.map(|header| RequiredHeader::parse(header).unwrap()),
    };
    serve_http("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

/// Connects over streamable HTTP, sending `headers` with every request.
pub async fn connect_http(
    url: &str,
    headers: &[(&'static str, &'static str)],
) -> Result<Client, rmcp::service::ClientInitializeError> {
    let headers: HashMap<HeaderName, HeaderValue> = headers
        .iter()
        .map(|(name, value)| {
            (
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            )
        })
        .collect();
    let config = StreamableHttpClientTransportConfig::with_uri(url).custom_headers(headers);
    ().serve(StreamableHttpClientTransport::from_config(config))
        .await
}

/// Spawns the binary as a stdio MCP server, in the scratch directory and with `env` added,
/// and connects to it. Its stderr (the logs) is discarded.
pub async fn connect_stdio(scratch: &Scratch, env: &[(&str, &str)]) -> (Client, u32) {
    let mut command = tokio::process::Command::new(BINARY);
    command
        .current_dir(scratch.dir.path())
        .env("MCP_TOOLS_NOTES_FILE", scratch.notes_file())
        .envs(env.iter().copied());
    let (transport, _stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = transport.id().expect("the server process has a pid");
    let client = ().serve(transport).await.unwrap();
    (client, pid)
}

/// Calls a tool with JSON object arguments.
pub async fn call(client: &Client, tool: &'static str, arguments: Value) -> CallToolResult {
    try_call(client, tool, arguments).await.unwrap()
}

pub async fn try_call(
    client: &Client,
    tool: &'static str,
    arguments: Value,
) -> Result<CallToolResult, rmcp::ServiceError> {
    let Value::Object(arguments) = arguments else {
        panic!("tool arguments are a JSON object");
    };
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments))
        .await
}

/// The text blocks of a result, joined by newlines.
pub fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends a signal to a process this test started, by its id.
pub fn signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Generous bound for anything that should happen promptly, so a busy CI machine is not a
/// failure.
pub const PROMPTLY: Duration = Duration::from_secs(20);
