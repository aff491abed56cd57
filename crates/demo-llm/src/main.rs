//! `demo-llm`: the OpenAI-compatible demo server as a process.
//!
//! Runs when no LLM key is configured, so the product can be tried without one, and serves
//! scripted answers for benchmarks and run scripts (`--rules`). Only wiring lives here:
//! arguments → [`demo_llm::Config`] → [`demo_llm::LlmServer`] until Ctrl-C or SIGTERM.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use demo_llm::{Config, DEFAULT_MODEL, DEFAULT_PORT, Fallback, LlmServer, RuleSet};
use settings::Env;

const USAGE: &str = "\
demo-llm: an OpenAI-compatible chat-completions server with a built-in demo trip agent

Usage: demo-llm [OPTIONS]

Options:
  --host <ADDR>        Address to listen on [default: 127.0.0.1]
  --port <PORT>        Port to listen on [default: 8100, or DEMO_LLM_PORT]
  --rules <FILE>       Scripted rules (JSON array, or {\"rules\": [...], \"fallback\": ...})
  --fallback <MODE>    When no rule matches: demo or none [default: none]
  --latency-ms <MS>    Delay before every answer (a stream's first token) [default: 0]
  --validator-latency-ms <MS>
                       The validator's delay instead [default: --latency-ms]
  --token-ms <MS>      Between streamed tokens of about four characters [default: 0]
  --model <ID>         Model id to list (repeat for more) [default: demo-trip-agent]
  -h, --help           Print this help
  -V, --version        Print the version

Logging follows RUST_LOG (default: info).";

#[derive(Debug)]
struct Args {
    host: IpAddr,
    port: u16,
    rules: Option<String>,
    fallback: Option<Fallback>,
    latency_ms: u64,
    validator_latency_ms: Option<u64>,
    token_ms: u64,
    models: Vec<String>,
}

enum Parsed {
    Run(Args),
    Exit(&'static str),
}

fn parse_args(mut args: impl Iterator<Item = String>, env_port: Option<String>) -> Result<Parsed> {
    let default_port = match env_port {
        Some(port) => port
            .parse()
            .with_context(|| format!("DEMO_LLM_PORT must be a port number, not {port:?}"))?,
        None => DEFAULT_PORT,
    };
    let mut parsed = Args {
        host: IpAddr::from([127, 0, 0, 1]),
        port: default_port,
        rules: None,
        fallback: None,
        latency_ms: 0,
        validator_latency_ms: None,
        token_ms: 0,
        models: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| args.next())
                .with_context(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Exit(USAGE)),
            "-V" | "--version" => {
                return Ok(Parsed::Exit(concat!(
                    "demo-llm ",
                    env!("CARGO_PKG_VERSION")
                )));
            }
            "--host" => {
                let host = value()?;
                parsed.host = host
                    .parse()
                    .with_context(|| format!("--host must be an IP address, not {host:?}"))?;
            }
            "--port" => {
                let port = value()?;
                parsed.port = port
                    .parse()
                    .with_context(|| format!("--port must be a port number, not {port:?}"))?;
            }
            "--rules" => parsed.rules = Some(value()?),
            "--fallback" => {
                parsed.fallback = Some(value()?.parse().map_err(anyhow::Error::msg)?);
            }
            "--latency-ms" => parsed.latency_ms = millis(&flag, &value()?)?,
            "--validator-latency-ms" => {
                parsed.validator_latency_ms = Some(millis(&flag, &value()?)?);
            }
            "--token-ms" => parsed.token_ms = millis(&flag, &value()?)?,
            "--model" => parsed.models.push(value()?),
            other => bail!("unknown argument {other:?}; see --help"),
        }
    }
    Ok(Parsed::Run(parsed))
}

fn millis(flag: &str, value: &str) -> Result<u64> {
    value
        .parse()
        .with_context(|| format!("{flag} must be a whole number of milliseconds, not {value:?}"))
}

fn config(args: Args) -> Result<Config> {
    let mut config = Config {
        addr: SocketAddr::new(args.host, args.port),
        latency: Duration::from_millis(args.latency_ms),
        validator_latency: args.validator_latency_ms.map(Duration::from_millis),
        token_interval: Duration::from_millis(args.token_ms),
        models: if args.models.is_empty() {
            vec![DEFAULT_MODEL.to_owned()]
        } else {
            args.models
        },
        ..Config::default()
    };
    if let Some(path) = &args.rules {
        let json = std::fs::read(path).with_context(|| format!("cannot read rules file {path}"))?;
        let set = RuleSet::from_json(&json)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("rules file {path} is invalid"))?;
        config.rules = set.rules;
        config.fallback = set.fallback.unwrap_or_default();
    }
    if let Some(fallback) = args.fallback {
        config.fallback = fallback;
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> Result<()> {
    let env = Env::load();
    let args = match parse_args(
        std::env::args().skip(1),
        env.get("DEMO_LLM_PORT").map(str::to_owned),
    )? {
        Parsed::Run(args) => args,
        Parsed::Exit(text) => {
            println!("{text}");
            return Ok(());
        }
    };
    settings::init_logging(&env);
    let config = config(args)?;
    if !config.addr.ip().is_loopback() {
        tracing::warn!(
            addr = %config.addr,
            "listening beyond this machine: anyone who can reach it may call the chat endpoint \
             (admin endpoints still answer loopback only)"
        );
    }
    let mode = if config.rules.is_empty() {
        "demo"
    } else {
        "scripted"
    };
    let server = LlmServer::start(config.clone())
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    tracing::info!(
        base_url = %server.base_url(),
        mode,
        rules = config.rules.len(),
        fallback = ?config.fallback,
        models = ?config.models,
        "ready"
    );
    settings::shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env_port: Option<&str>) -> Result<Args> {
        match parse_args(
            args.iter().map(|s| s.to_string()),
            env_port.map(str::to_owned),
        )? {
            Parsed::Run(args) => Ok(args),
            Parsed::Exit(_) => bail!("exited"),
        }
    }

    #[test]
    fn defaults_and_env_port() {
        let args = parse(&[], None).unwrap();
        assert_eq!(args.port, 8100);
        assert_eq!(args.host.to_string(), "127.0.0.1");
        assert_eq!(parse(&[], Some("9000")).unwrap().port, 9000);
        assert_eq!(parse(&["--port", "9100"], Some("9000")).unwrap().port, 9100);
    }

    #[test]
    fn flags_take_separate_or_inline_values() {
        let args = parse(
            &[
                "--fallback=demo",
                "--latency-ms",
                "25",
                "--model",
                "a",
                "--model=b",
                "--token-ms=30",
                "--validator-latency-ms",
                "400",
            ],
            None,
        )
        .unwrap();
        assert_eq!(args.fallback, Some(Fallback::Demo));
        assert_eq!(args.latency_ms, 25);
        assert_eq!((args.token_ms, args.validator_latency_ms), (30, Some(400)));
        assert_eq!(args.models, ["a", "b"]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&["--port"], None).is_err());
        assert!(parse(&["--fallback", "maybe"], None).is_err());
        assert!(parse(&["--what"], None).is_err());
        assert!(parse(&[], Some("eighty")).is_err());
    }
}
