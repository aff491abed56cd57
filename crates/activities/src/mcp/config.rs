//! `MCP_CONFIG`: the MCP servers this worker uses, in the file format MCP clients share.
//!
//! ```json
//! {"mcpServers": {
//!    "travel": {"command": "mcp-tools", "args": [], "env": {"MCP_TOOLS_NOTES_FILE": "notes.jsonl"}},
//!    "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ..."}}
//! }}
//! ```
//!
//! A server with a `command` runs as our child process over stdio; one with a `url` is
//! reached over streamable HTTP. Values of `env` and `headers` are secrets: they are kept as
//! `SecretString`s and appear in no log, history or answer.

use std::{collections::BTreeMap, path::Path};

use serde::Deserialize;
use settings::SecretString;

/// The servers, by name.
#[derive(Debug, Clone, Default)]
pub struct McpConfig {
    pub servers: BTreeMap<String, ServerConfig>,
}

/// How to reach one server.
#[derive(Debug, Clone)]
pub enum ServerConfig {
    Stdio {
        command: String,
        args: Vec<String>,
        env: BTreeMap<String, SecretString>,
    },
    Http {
        url: url::Url,
        headers: BTreeMap<String, SecretString>,
    },
}

impl ServerConfig {
    /// How the server is reached, for logs: never an env value or a header.
    pub fn describe(&self) -> String {
        match self {
            ServerConfig::Stdio { command, args, .. } => {
                format!("stdio: {command} {}", args.join(" "))
                    .trim()
                    .to_owned()
            }
            ServerConfig::Http { url, .. } => format!("http: {}", url.as_str()),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    mcp_servers: BTreeMap<String, ServerEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerEntry {
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, SecretString>,
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, SecretString>,
    /// Written by some clients; we only speak stdio and streamable HTTP, told apart above.
    #[serde(default, rename = "type")]
    _kind: Option<String>,
}

/// A config file that cannot be used; the message names the file and the server.
#[derive(Debug, thiserror::Error)]
#[error("MCP_CONFIG {file}: {problem}")]
pub struct ConfigError {
    pub file: String,
    pub problem: String,
}

impl McpConfig {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let error = |problem: String| ConfigError {
            file: path.display().to_string(),
            problem,
        };
        let text = std::fs::read_to_string(path).map_err(|err| error(err.to_string()))?;
        Self::parse(&text).map_err(error)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ConfigFile = serde_json::from_str(text).map_err(|err| err.to_string())?;
        let mut servers = BTreeMap::new();
        for (name, entry) in file.mcp_servers {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            {
                return Err(format!(
                    "server name {name:?} may only use letters, digits, '_', '-' and '.'"
                ));
            }
            let server = match (entry.command, entry.url) {
                (Some(command), None) if !command.trim().is_empty() => ServerConfig::Stdio {
                    command,
                    args: entry.args,
                    env: entry.env,
                },
                (None, Some(url)) => ServerConfig::Http {
                    url: url::Url::parse(&url)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "http" | "https"))
                        .ok_or_else(|| {
                            format!("server {name:?}: url {url:?} is not an http(s) URL")
                        })?,
                    headers: entry.headers,
                },
                _ => {
                    return Err(format!(
                        "server {name:?} needs either \"command\" (stdio) or \"url\" (streamable HTTP)"
                    ));
                }
            };
            servers.insert(name, server);
        }
        Ok(Self { servers })
    }

    pub fn names(&self) -> Vec<&str> {
        self.servers.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdio_and_http_servers_read_and_secrets_never_print() {
        let config = McpConfig::parse(
            r#"{"mcpServers": {
                "travel": {"command": "mcp-tools", "args": ["-v"], "env": {"TOKEN": "env-secret"}},
                "remote": {"url": "http://127.0.0.1:9/mcp", "headers": {"X-Api-Key": "header-secret"}}
            }}"#,
        )
        .unwrap();
        assert_eq!(config.names(), ["remote", "travel"]);
        let printed = format!("{config:?} {}", config.servers["remote"].describe());
        assert!(
            !printed.contains("env-secret") && !printed.contains("header-secret"),
            "{printed}"
        );
        assert_eq!(config.servers["travel"].describe(), "stdio: mcp-tools -v");
    }

    #[test]
    fn unusable_entries_name_the_server() {
        for (text, needle) in [
            (r#"{"mcpServers": {"a": {}}}"#, "\"a\""),
            (r#"{"mcpServers": {"b": {"url": "ftp://x"}}}"#, "\"b\""),
            (r#"{"mcpServers": {"c d": {"command": "x"}}}"#, "\"c d\""),
            (
                r#"{"mcpServers": {"e": {"command": "x", "cmd": 1}}}"#,
                "cmd",
            ),
            (r#"{"servers": {}}"#, "mcpServers"),
        ] {
            let err = McpConfig::parse(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
