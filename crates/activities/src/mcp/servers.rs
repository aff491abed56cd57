//! The worker's connections to its MCP servers, through `rmcp` (the official Rust SDK).
//!
//! A stdio server runs as our child process; an HTTP server is reached over streamable HTTP
//! with its configured headers. Each connection is made on first use (the worker also makes
//! them all at start, to log what is there) and dropped when a call finds it broken, so a
//! server that died is started again by the next call that needs it. Dropping the servers
//! (the worker stopping) ends every child process.

use std::{collections::BTreeMap, process::Stdio, sync::Arc, time::Duration};

use rmcp::{
    RoleClient, ServiceExt,
    model::CallToolRequestParams,
    service::RunningService,
    transport::{
        StreamableHttpClientTransport, TokioChildProcess,
        streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Map, Value};
use settings::ExposeSecret;
use tokio::sync::Mutex;
use tracing::{info, warn};

use super::config::{McpConfig, ServerConfig};

type Client = RunningService<RoleClient, ()>;

/// How long connecting (and the MCP handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long listing a server's tools may take.
const LIST_TIMEOUT: Duration = Duration::from_secs(15);

/// Variables a stdio server inherits from the worker; everything else it gets comes from its
/// own `env` (the worker's keys are not its business).
const INHERITED: &[&str] = &["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "RUST_LOG"];

/// Why an MCP operation failed.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error("MCP_CONFIG names no server {0:?}")]
    UnknownServer(String),
    #[error("could not reach MCP server {server}: {message}")]
    Unreachable { server: String, message: String },
    /// The request was sent and no answer came: whether the tool ran is not known.
    #[error("MCP server {server} stopped answering during the call: {message}")]
    Interrupted { server: String, message: String },
    #[error("MCP server {server} refused the request: {message}")]
    Refused { server: String, message: String },
}

struct Server {
    config: ServerConfig,
    client: Mutex<Option<Arc<Client>>>,
}

/// Every configured server, connected on demand.
pub struct McpServers {
    servers: BTreeMap<String, Server>,
}

impl McpServers {
    pub fn new(config: McpConfig) -> Self {
        Self {
            servers: config
                .servers
                .into_iter()
                .map(|(name, config)| {
                    let server = Server {
                        config,
                        client: Mutex::new(None),
                    };
                    (name, server)
                })
                .collect(),
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.servers.keys().map(String::as_str).collect()
    }

    /// Connects to every server and lists its tools, for the start-up log. A server that
    /// does not answer is only a warning: goals that need it will say so.
    pub async fn connect_all(&self) {
        for name in self.servers.keys() {
            match self.list_tools(name).await {
                Ok(tools) => info!(server = %name, tools = tools.len(), "MCP server ready"),
                Err(err) => warn!(server = %name, error = %err, "MCP server unavailable"),
            }
        }
    }

    /// The server's tools as MCP describes them (`name`, `description`, `inputSchema`,
    /// `annotations`).
    pub async fn list_tools(&self, name: &str) -> Result<Vec<Value>, McpError> {
        let client = self.client(name).await?;
        let listed = tokio::time::timeout(LIST_TIMEOUT, client.list_all_tools()).await;
        match listed {
            Ok(Ok(tools)) => Ok(tools
                .into_iter()
                .filter_map(|tool| serde_json::to_value(tool).ok())
                .collect()),
            Ok(Err(err)) => {
                self.forget(name).await;
                Err(McpError::Unreachable {
                    server: name.to_owned(),
                    message: err.to_string(),
                })
            }
            Err(_) => {
                self.forget(name).await;
                Err(McpError::Unreachable {
                    server: name.to_owned(),
                    message: format!("no tool list within {LIST_TIMEOUT:?}"),
                })
            }
        }
    }

    /// Calls one tool; the answer is MCP's `CallToolResult` as JSON (`content`,
    /// `structuredContent`, `isError`).
    pub async fn call(&self, name: &str, tool: &str, arguments: Value) -> Result<Value, McpError> {
        let client = self.client(name).await?;
        let arguments: Map<String, Value> = match arguments {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        match client.call_tool(params).await {
            Ok(result) => Ok(serde_json::to_value(result).unwrap_or(Value::Null)),
            Err(rmcp::service::ServiceError::McpError(err)) => Err(McpError::Refused {
                server: name.to_owned(),
                message: err.message.to_string(),
            }),
            Err(err) => {
                self.forget(name).await;
                Err(McpError::Interrupted {
                    server: name.to_owned(),
                    message: err.to_string(),
                })
            }
        }
    }

    /// Ends every connection (and every child process).
    pub async fn shutdown(&self) {
        for name in self.servers.keys() {
            if let Some(client) = self.forget(name).await
                && let Ok(client) = Arc::try_unwrap(client)
            {
                let _ = client.cancel().await;
            }
        }
    }

    /// The live connection to `name`, made (again) when there is none or it broke.
    async fn client(&self, name: &str) -> Result<Arc<Client>, McpError> {
        let server = self
            .servers
            .get(name)
            .ok_or_else(|| McpError::UnknownServer(name.to_owned()))?;
        let mut slot = server.client.lock().await;
        if let Some(client) = slot.as_ref()
            && !client.is_closed()
        {
            return Ok(client.clone());
        }
        if slot.take().is_some() {
            info!(server = %name, "MCP server connection was lost; connecting again");
        }
        let unreachable = |message: String| McpError::Unreachable {
            server: name.to_owned(),
            message,
        };
        let connecting = connect(&server.config);
        let client = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
            .await
            .map_err(|_| unreachable(format!("no answer within {CONNECT_TIMEOUT:?}")))?
            .map_err(unreachable)?;
        let client = Arc::new(client);
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn forget(&self, name: &str) -> Option<Arc<Client>> {
        let server = self.servers.get(name)?;
        server.client.lock().await.take()
    }
}

async fn connect(config: &ServerConfig) -> Result<Client, String> {
    match config {
        ServerConfig::Stdio { command, args, env } => {
            let mut process = tokio::process::Command::new(command);
            process.args(args).env_clear().kill_on_drop(true);
            for name in INHERITED {
                if let Some(value) = std::env::var_os(name) {
                    process.env(name, value);
                }
            }
            for (name, value) in env {
                process.env(name, value.expose_secret());
            }
            let (transport, _stderr) = TokioChildProcess::builder(process)
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|err| format!("cannot start {command}: {err}"))?;
            ().serve(transport).await.map_err(|err| err.to_string())
        }
        ServerConfig::Http { url, headers } => {
            let mut custom = std::collections::HashMap::new();
            for (name, value) in headers {
                let name = http::HeaderName::try_from(name.as_str())
                    .map_err(|_| format!("header name {name:?} is not valid"))?;
                let mut value = http::HeaderValue::try_from(value.expose_secret())
                    .map_err(|_| format!("the value of header {name} is not valid"))?;
                value.set_sensitive(true);
                custom.insert(name, value);
            }
            let config =
                StreamableHttpClientTransportConfig::with_uri(url.as_str()).custom_headers(custom);
            ().serve(StreamableHttpClientTransport::from_config(config))
                .await
                .map_err(|err| err.to_string())
        }
    }
}
