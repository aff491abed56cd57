//! What to measure, from the command line.

use std::{path::PathBuf, time::Duration};

use anyhow::{Context, bail};

use crate::{
    model::LatencyProfile,
    stack::{BuildProfile, StackOptions},
};

/// Every setting of a run.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Concurrent conversations of each agent-vs-floor level (instant model).
    pub concurrency: Vec<usize>,
    /// Concurrent conversations of each live-reply level (the model with the latency
    /// profile of `stack.model_latency`; none without one).
    pub live_concurrency: Vec<usize>,
    /// Turns each virtual user has per level (trips back to back), unless time runs out.
    pub turns: usize,
    /// Time cap of each measured phase; turns under way at the cap still finish.
    pub max_seconds: f64,
    /// Conversations opened for the idle-capacity figure (0: skip it).
    pub idle: usize,
    /// Time cap of the idle phase.
    pub idle_max_seconds: f64,
    /// Also open an event stream per idle conversation and measure the api with them.
    pub idle_streams: bool,
    /// Measure the bare-Temporal floor at every level.
    pub baseline: bool,
    pub profile: BuildProfile,
    /// Build the release binaries before starting (a no-op when they are fresh).
    pub build: bool,
    /// Results go to `<out>/<timestamp>/`.
    pub out: PathBuf,
    /// Pause between two probes of the history endpoint.
    pub probe_interval: Duration,
    pub stack: StackOptions,
    /// The command line, for the report.
    pub command: String,
}

impl Default for BenchConfig {
    /// The documented full run.
    fn default() -> Self {
        Self {
            concurrency: vec![1, 8, 32, 128],
            live_concurrency: vec![1, 8, 32],
            turns: 350,
            max_seconds: 25.0,
            idle: 1000,
            idle_max_seconds: 120.0,
            idle_streams: true,
            baseline: true,
            profile: BuildProfile::Release,
            build: true,
            out: testkit::workspace_root().join("bench-results"),
            probe_interval: Duration::from_millis(25),
            stack: StackOptions::default(),
            command: String::new(),
        }
    }
}

impl BenchConfig {
    /// The CI smoke run: two users, one trip each, at one agent-vs-floor level and one
    /// live-reply level (with a quick latency profile, so the trips stay short), 20 idle
    /// conversations, debug binaries.
    pub fn smoke() -> Self {
        let quick = LatencyProfile::parse("first-token-ms=30,tokens-per-s=500,validator-ms=60")
            .expect("a valid profile");
        Self {
            concurrency: vec![2],
            live_concurrency: vec![2],
            turns: 7,
            max_seconds: 30.0,
            idle: 20,
            idle_max_seconds: 60.0,
            profile: BuildProfile::Dev,
            build: false,
            stack: StackOptions {
                model_latency: Some(quick),
                ..StackOptions::default()
            },
            ..Self::default()
        }
    }

    /// Parses the arguments after the program name. `--smoke` first picks the smoke
    /// defaults, whatever its position; other options then override them.
    pub fn from_args(args: &[String]) -> anyhow::Result<Self> {
        let mut config = if args.iter().any(|a| a == "--smoke") {
            Self::smoke()
        } else {
            Self::default()
        };
        let mut words = args.iter();
        while let Some(flag) = words.next() {
            let mut value = || {
                words
                    .next()
                    .with_context(|| format!("{flag} needs a value"))
                    .map(String::as_str)
            };
            match flag.as_str() {
                "--smoke" => {}
                "--concurrency" | "-c" => config.concurrency = parse_list(flag, value()?)?,
                "--live-concurrency" => config.live_concurrency = parse_list(flag, value()?)?,
                "--model-latency" => {
                    config.stack.model_latency = match value()? {
                        "off" => None,
                        spec => Some(
                            LatencyProfile::parse(spec)
                                .with_context(|| format!("--model-latency {spec}"))?,
                        ),
                    }
                }
                "--no-nats" => config.stack.nats = false,
                "--turns" => config.turns = parse(flag, value()?)?,
                "--max-seconds" => config.max_seconds = parse(flag, value()?)?,
                "--idle" => config.idle = parse(flag, value()?)?,
                "--idle-max-seconds" => config.idle_max_seconds = parse(flag, value()?)?,
                "--no-idle-streams" => config.idle_streams = false,
                "--skip-baseline" => config.baseline = false,
                "--profile" => {
                    config.profile = match value()? {
                        "release" => BuildProfile::Release,
                        "dev" | "debug" => BuildProfile::Dev,
                        other => bail!("--profile is release or dev, not {other}"),
                    }
                }
                "--no-build" => config.build = false,
                "--out" => config.out = PathBuf::from(value()?),
                "--probe-interval-ms" => {
                    config.probe_interval = Duration::from_millis(parse(flag, value()?)?)
                }
                "--temporal" => config.stack.temporal_address = Some(value()?.to_owned()),
                "--temporal-config" => {
                    let pair = value()?;
                    let (key, setting) = pair
                        .split_once('=')
                        .filter(|(key, setting)| !key.is_empty() && !setting.is_empty())
                        .with_context(|| {
                            format!("--temporal-config takes KEY=VALUE, not {pair:?}")
                        })?;
                    config
                        .stack
                        .dev_server_config
                        .push((key.to_owned(), setting.to_owned()));
                }
                "--llm" => config.stack.llm_url = Some(value()?.to_owned()),
                other => bail!("unknown option {other}; see --help"),
            }
        }
        if config.concurrency.is_empty() || config.concurrency.contains(&0) {
            bail!("--concurrency needs positive numbers");
        }
        if config.live_concurrency.contains(&0) {
            bail!("--live-concurrency needs positive numbers");
        }
        if config.live_concurrency.is_empty() {
            config.stack.model_latency = None;
        }
        if config.stack.temporal_address.is_some() && !config.stack.dev_server_config.is_empty() {
            bail!(
                "--temporal-config sets up the dev server the bench starts; it cannot change one given with --temporal"
            );
        }
        if config.turns == 0 || config.max_seconds.is_nan() || config.max_seconds <= 0.0 {
            bail!("--turns and --max-seconds must be positive");
        }
        Ok(config)
    }

    pub fn max_time(&self) -> Duration {
        Duration::from_secs_f64(self.max_seconds)
    }
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> anyhow::Result<T> {
    value
        .parse()
        .map_err(|_| anyhow::anyhow!("{flag}: {value:?} is not a valid number"))
}

fn parse_list(flag: &str, value: &str) -> anyhow::Result<Vec<usize>> {
    value
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| parse(flag, part.trim()))
        .collect()
}

pub const HELP: &str = "\
bench: concurrent trip conversations through the real stack (Temporal dev server, NATS,
scripted LLM, worker, api): with an instant model against a bare-Temporal floor, then with
a model that takes its time (live replies, speculative vs sequential planning).

USAGE: make bench BENCH_ARGS=\"[OPTIONS]\"
   or: cargo build --release -p worker -p api -p bench --bins &&
       target/release/bench --no-build [OPTIONS]

  -c, --concurrency LIST   agent-vs-floor levels (instant model) [1,8,32,128]
      --live-concurrency LIST
                           live-reply levels (latency profile)   [1,8,32]
      --model-latency P    the live-reply levels' model: hosted (first token 300 ms,
                           125 tokens/s, validator 400 ms), off (no live-reply levels),
                           or first-token-ms=N,tokens-per-s=N,validator-ms=N (keys left
                           out keep the hosted values)           [hosted]
      --no-nats            no NATS server: replies arrive whole, no deltas
      --turns N            turns per virtual user per level     [350]
      --max-seconds S      time cap of each measured phase      [25]
      --idle N             idle conversations to open (0: skip) [1000]
      --idle-max-seconds S time cap of the idle phase           [120]
      --no-idle-streams    do not open an event stream per idle conversation
      --skip-baseline      measure the agent only
      --profile P          release or dev binaries              [release]
      --no-build           use the binaries as built (release: no cargo build)
      --out DIR            results go to DIR/<timestamp>/        [bench-results]
      --probe-interval-ms  pause between history-endpoint probes [25]
      --temporal ADDR      use a running Temporal (127.0.0.1:7233) instead of a dev server
      --temporal-config K=V  dynamic config of the dev server the bench starts, over
                           ours (repeatable, V in JSON); the CLI's stock setting:
                           --temporal-config history.transferProcessorMaxPollRPS=20
      --llm URL            use a running demo-llm (http://127.0.0.1:8100), scripted via
                           /admin, for the instant model (the profiled one is in-process)
      --smoke              C=2 (both kinds of level, a quick latency profile), one trip
                           per user, 20 idle, dev binaries (the CI check)
  -h, --help               this text

Writes results.json, results.md and chart.png, and prints the Markdown table.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_override_the_defaults() {
        let config = BenchConfig::from_args(&args(
            "--concurrency 1,4 --turns 14 --skip-baseline --idle 0",
        ))
        .unwrap();
        assert_eq!(config.concurrency, [1, 4]);
        assert_eq!(config.turns, 14);
        assert!(!config.baseline);
        assert_eq!(config.idle, 0);
        assert_eq!(config.profile, BuildProfile::Release);
    }

    #[test]
    fn smoke_sets_its_defaults_wherever_it_stands() {
        let config = BenchConfig::from_args(&args("--idle 5 --smoke")).unwrap();
        assert_eq!(config.concurrency, [2]);
        assert_eq!(config.profile, BuildProfile::Dev);
        assert_eq!(config.idle, 5);
    }

    #[test]
    fn dev_server_settings_override_ours() {
        let config = BenchConfig::from_args(&args(
            "--temporal-config history.transferProcessorMaxPollRPS=20",
        ))
        .unwrap();
        assert_eq!(
            config.stack.dev_server_options().effective_dynamic_config(),
            [(
                "history.transferProcessorMaxPollRPS".to_owned(),
                "20".to_owned()
            )]
        );
        assert!(BenchConfig::from_args(&args("--temporal-config novalue")).is_err());
        assert!(
            BenchConfig::from_args(&args("--temporal 127.0.0.1:7233 --temporal-config a.b=1"))
                .is_err(),
            "a running server's settings are not the bench's to change"
        );
    }

    #[test]
    fn the_latency_profile_is_chosen_on_the_command_line() {
        let default = BenchConfig::from_args(&[]).unwrap();
        assert_eq!(default.stack.model_latency, Some(LatencyProfile::hosted()));
        assert_eq!(default.live_concurrency, [1, 8, 32]);
        assert!(default.stack.nats);
        let custom = BenchConfig::from_args(&args(
            "--model-latency first-token-ms=100,validator-ms=200 --live-concurrency 4 --no-nats",
        ))
        .unwrap();
        let profile = custom.stack.model_latency.unwrap();
        assert_eq!((profile.first_token_ms, profile.validator_ms), (100, 200));
        assert_eq!(custom.live_concurrency, [4]);
        assert!(!custom.stack.nats);
        let off = BenchConfig::from_args(&args("--model-latency off")).unwrap();
        assert_eq!(off.stack.model_latency, None);
        let no_levels = BenchConfig::from_args(&args("--live-concurrency ,")).unwrap();
        assert_eq!(no_levels.stack.model_latency, None, "no levels, no profile");
        assert!(BenchConfig::from_args(&args("--model-latency fast")).is_err());
        assert!(
            BenchConfig::from_args(&args("--smoke"))
                .unwrap()
                .stack
                .model_latency
                .is_some(),
            "the smoke run measures live replies too"
        );
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(BenchConfig::from_args(&args("--concurrency 0")).is_err());
        assert!(BenchConfig::from_args(&args("--turns")).is_err());
        assert!(BenchConfig::from_args(&args("--frobnicate")).is_err());
        assert!(BenchConfig::from_args(&args("--profile fast")).is_err());
    }
}
