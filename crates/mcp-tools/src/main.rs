//! `mcp-tools`: the travel helper MCP server as a process.
//!
//! With no arguments it serves one session over stdio, the way an MCP client launches a local
//! server; with `--http <addr>` it serves streamable HTTP at `/mcp` and prints one line,
//! `listening on http://<addr>/mcp`, once it accepts connections, so a script or a test can
//! read the port. Logs go to standard error only: in stdio mode stdout is the protocol.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use mcp_tools::{HttpOptions, RequiredHeader, ToolOptions, serve_http, serve_stdio};
use settings::Env;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "\
mcp-tools: an MCP server with travel helper tools (currency conversion, city time zones,
local times, trip notes)

Usage: mcp-tools [OPTIONS]

With no options, serves MCP over stdin/stdout.

Options:
  --http <ADDR>                  Serve streamable HTTP at http://<ADDR>/mcp instead
                                 (e.g. 127.0.0.1:0 for a free port)
  --require-header <NAME: VALUE> With --http: answer 401 to requests without this header
  -h, --help                     Print this help
  -V, --version                  Print the version

Environment:
  MCP_TOOLS_NOTES_FILE  Where save_trip_note appends [default: notes.jsonl]
  MCP_TOOLS_DELAY_MS    Wait this long at the start of every tool call [default: 0]
  RUST_LOG              Log filter; logs go to standard error [default: info]";

#[derive(Debug, PartialEq)]
enum Command {
    Stdio,
    Http {
        addr: SocketAddr,
        required_header: Option<RequiredHeader>,
    },
    Print(&'static str),
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let mut http = None;
    let mut required_header = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.into())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| args.next())
                .with_context(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Print(USAGE)),
            "-V" | "--version" => {
                return Ok(Command::Print(concat!(
                    "mcp-tools ",
                    env!("CARGO_PKG_VERSION")
                )));
            }
            "--http" => {
                let addr = value()?;
                http = Some(addr.parse().with_context(|| {
                    format!("--http must be an address such as 127.0.0.1:8200, not {addr:?}")
                })?);
            }
            "--require-header" => {
                required_header =
                    Some(RequiredHeader::parse(&value()?).context("--require-header")?);
            }
            other => bail!("unknown argument {other:?}; see --help"),
        }
    }
    match (http, required_header) {
        (Some(addr), required_header) => Ok(Command::Http {
            addr,
            required_header,
        }),
        (None, Some(_)) => bail!("--require-header only applies with --http"),
        (None, None) => Ok(Command::Stdio),
    }
}

/// Logs to standard error, filtered by `RUST_LOG` (default `info`).
fn init_logging(env: &Env) {
    let filter = env
        .get("RUST_LOG")
        .and_then(|directives| EnvFilter::try_new(directives).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

#[tokio::main]
async fn main() -> Result<()> {
    let command = parse_args(std::env::args().skip(1))?;
    if let Command::Print(text) = command {
        println!("{text}");
        return Ok(());
    }
    let env = Env::load();
    init_logging(&env);
    let tools = ToolOptions::from_env(&env)?;
    tracing::info!(
        notes_file = %tools.notes_file.display(),
        delay_ms = tools.delay.as_millis() as u64,
        "starting"
    );
    match command {
        Command::Http {
            addr,
            required_header,
        } => run_http(addr, tools, required_header).await,
        Command::Stdio | Command::Print(_) => run_stdio(tools).await,
    }
}

async fn run_stdio(tools: ToolOptions) -> Result<()> {
    tokio::select! {
        result = serve_stdio(tools) => result?,
        () = settings::shutdown_signal() => tracing::info!("shutting down"),
    }
    Ok(())
}

async fn run_http(
    addr: SocketAddr,
    tools: ToolOptions,
    required_header: Option<RequiredHeader>,
) -> Result<()> {
    if required_header.is_none() && !addr.ip().is_loopback() {
        tracing::warn!(%addr, "listening beyond this machine with no required header");
    }
    let options = HttpOptions {
        tools,
        required_header,
    };
    let server = serve_http(addr, options).await?;
    // The one line on stdout: scripts and tests read the port from it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on {}", server.url())?;
    stdout.flush()?;
    drop(stdout);
    tracing::info!(url = %server.url(), "ready");
    settings::shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command> {
        parse_args(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn no_arguments_mean_stdio() {
        assert_eq!(parse(&[]).unwrap(), Command::Stdio);
    }

    #[test]
    fn http_takes_an_address_and_an_optional_header() {
        let Command::Http {
            addr,
            required_header,
        } = parse(&["--http", "127.0.0.1:0", "--require-header=X-Api-Key: k"]).unwrap()
        else {
            panic!("not http");
        };
        assert_eq!(addr.to_string(), "127.0.0.1:0");
        assert_eq!(required_header.unwrap().name().as_str(), "x-api-key");
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&["--http"]).is_err());
        assert!(parse(&["--http", "localhost"]).is_err());
        assert!(parse(&["--require-header", "X-Api-Key: k"]).is_err());
        assert!(parse(&["--http", "127.0.0.1:0", "--require-header", "nocolon"]).is_err());
        assert!(parse(&["--stdio"]).is_err());
    }
}
