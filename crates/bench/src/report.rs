//! The results of a run: the JSON document, the Markdown tables and the target checks.
//! The live-reply phases have a part of their own ([`live`]).

mod live;

use std::{collections::BTreeMap, fmt::Write as _};

use serde::Serialize;

use crate::{history::HistoryFigures, history::PayloadSizes, stats::Summary};

pub use live::{LiveLevel, LiveReport};

pub const MIB: f64 = 1024.0 * 1024.0;

/// Everything one run measured (`results.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    pub started_at: String,
    pub wall_seconds: f64,
    pub command: String,
    pub machine: Machine,
    pub settings: RunSettings,
    /// The turns of one trip, in order.
    pub trip: Vec<&'static str>,
    pub levels: Vec<Level>,
    /// Payload sizes of the agent's activities in the recorded trip, which the floor's
    /// activities reproduce.
    pub recorded_payloads: BTreeMap<String, PayloadSizes>,
    pub prompt_check: PromptCheck,
    pub idle: Option<IdleFigures>,
    /// The live-reply phases, when the run had a latency profile.
    pub live: Option<LiveReport>,
    pub targets: Vec<TargetCheck>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu_model: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub os: String,
    pub kernel: String,
}

impl Machine {
    /// Read from `/proc` and `/etc/os-release`.
    pub fn describe() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")?
                    .split_once(':')
                    .map(|(_, v)| v)
            })
            .unwrap_or("unknown")
            .trim()
            .to_owned();
        let memory_kib: f64 = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0);
        let os = read("/etc/os-release")
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .unwrap_or("unknown")
            .trim_matches('"')
            .to_owned();
        Self {
            cpu_model,
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            memory_gib: (memory_kib / MIB * 10.0).round() / 10.0,
            os,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RunSettings {
    pub concurrency: Vec<usize>,
    pub turns_per_user: usize,
    pub max_seconds_per_phase: f64,
    pub idle_conversations: usize,
    pub baseline: bool,
    pub profile: &'static str,
    /// The model of the agent-vs-floor levels answers at once.
    pub llm_latency_ms: u64,
    /// Workers and apis had `NATS_URL` (live replies on).
    pub nats: bool,
    /// Concurrency levels of the live-reply phases.
    pub live_concurrency: Vec<usize>,
    pub temporal: String,
}

/// One concurrency level: the agent, the floor, and their ratios.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    pub concurrency: usize,
    pub agent: Phase,
    pub baseline: Option<Phase>,
    pub ratios: Option<Ratios>,
}

/// One measured phase: a fresh worker and api, `concurrency` virtual users.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Phase {
    pub mode: &'static str,
    pub concurrency: usize,
    /// The measured window, first request to last reply.
    pub seconds: f64,
    /// `turns` (every user had its turns) or `time` (the time cap).
    pub stopped_by: &'static str,
    pub turns: usize,
    pub trips_started: usize,
    pub trips_completed: usize,
    pub errors: usize,
    pub error_samples: Vec<String>,
    pub turns_per_second: f64,
    /// The turn latency: the api accepted the request (its answer arrived) → the reply is
    /// visible on the event stream.
    pub turn_ms: Summary,
    pub turn_ms_by_kind: BTreeMap<String, Summary>,
    /// The api accepted the request → the reply's first text read as a `delta` event, over
    /// the turns whose text showed before the whole reply.
    pub first_delta_ms: Summary,
    pub first_delta_ms_by_kind: BTreeMap<String, Summary>,
    /// With a latency profile: the first delta's lag behind the model's first `response`
    /// token (as the profile times it, from the model receiving the call).
    pub first_delta_lag_ms: Summary,
    pub live: LiveFigures,
    /// Request sent → the api's answer.
    pub request_ms: Summary,
    /// Request sent → reply visible: the whole round trip a user sees.
    pub round_trip_ms: Summary,
    pub worker: ProcessFigures,
    pub api: ProcessFigures,
    pub temporal: Option<ProcessFigures>,
    pub nats: Option<ProcessFigures>,
    /// The bench process: virtual users' HTTP and event streams, and the LLM server.
    pub bench: ProcessFigures,
    /// `GET /get-conversation-history` under this load.
    pub history_endpoint_ms: Summary,
    pub history_endpoint_errors: usize,
    pub history: HistoryFigures,
    pub histories_unreadable: usize,
}

/// How the replies of a phase looked while they were written.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LiveFigures {
    /// Turns whose reply showed text as `delta` events before the whole reply arrived.
    pub shown_before_reply: usize,
    /// Replies whose deltas, joined, are the reply's text...
    pub text_whole: usize,
    /// ...and replies whose deltas differ from it (a bug if ever above zero).
    pub text_differs: usize,
}

impl Phase {
    /// CPU of every process that did the work, per turn.
    pub fn all_cpu_ms_per_turn(&self) -> f64 {
        self.worker.cpu_ms_per_turn
            + self.api.cpu_ms_per_turn
            + self.temporal.map_or(0.0, |t| t.cpu_ms_per_turn)
            + self.nats.map_or(0.0, |n| n.cpu_ms_per_turn)
            + self.bench.cpu_ms_per_turn
    }
}

/// CPU and memory of one process over a phase.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ProcessFigures {
    pub cpu_seconds: f64,
    pub cpu_ms_per_turn: f64,
    /// `VmHWM` at the end of the phase (for the worker and api: since they started, just
    /// before the phase's warm-up trip).
    pub peak_rss_mib: f64,
    pub rss_mib: f64,
}

/// Agent ÷ floor at one level.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Ratios {
    pub turn_p50: Option<f64>,
    pub turn_p95: Option<f64>,
    pub turn_p99: Option<f64>,
    pub round_trip_p50: Option<f64>,
    pub worker_cpu_per_turn: Option<f64>,
    pub all_cpu_per_turn: Option<f64>,
    pub turns_per_second: Option<f64>,
    pub history_bytes_per_turn: Option<f64>,
}

/// Whether rendered prompts reach the model (they must) and the histories (they must not).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PromptCheck {
    pub model_requests_checked: usize,
    pub model_requests_with_prompt_text: usize,
    pub history_events_searched: usize,
    pub history_events_with_prompt_text: usize,
}

/// Many open conversations waiting for the user.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct IdleFigures {
    pub requested: usize,
    pub started: usize,
    pub greeted: usize,
    pub seconds_to_open: f64,
    pub worker_rss_mib: f64,
    pub worker_peak_rss_mib: f64,
    pub api_rss_mib: f64,
    pub api_peak_rss_mib: f64,
    /// Event streams open at once (one per conversation), and memory with them open.
    pub streams_open: usize,
    pub api_rss_with_streams_mib: f64,
    pub worker_rss_with_streams_mib: f64,
    pub temporal_rss_mib: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    pub target: String,
    pub measured: String,
    /// `None` when this run did not measure it.
    pub met: Option<bool>,
}

impl Report {
    /// Checks the targets against what was measured.
    pub fn check_targets(&mut self) {
        let mut targets = Vec::new();
        for c in [1, 32] {
            let level = self.levels.iter().find(|l| l.concurrency == c);
            let ratio = level.and_then(|l| l.ratios).and_then(|r| r.turn_p50);
            targets.push(TargetCheck {
                target: format!("turn latency p50 at C = {c} within 1.3× of the floor"),
                measured: match (level, ratio) {
                    (Some(l), Some(r)) => format!(
                        "{r:.2}× ({:.1} ms vs {:.1} ms)",
                        l.agent.turn_ms.p50,
                        l.baseline.as_ref().map_or(0.0, |b| b.turn_ms.p50)
                    ),
                    _ => "not measured".into(),
                },
                met: ratio.map(|r| r <= 1.3),
            });
        }
        let idle = self.idle.filter(|i| i.requested >= 1000);
        targets.push(TargetCheck {
            target: "1,000 idle conversations on one worker under 200 MB RSS".into(),
            measured: match idle {
                Some(i) => format!(
                    "{:.0} MB ({:.1} MiB) with {} open; peak {:.1} MiB",
                    i.worker_rss_mib * MIB / 1e6,
                    i.worker_rss_mib,
                    i.greeted,
                    i.worker_peak_rss_mib
                ),
                None => "not measured (fewer than 1,000 idle conversations)".into(),
            },
            met: idle.map(|i| i.greeted >= 1000 && i.worker_rss_mib * MIB < 200e6),
        });
        let bytes: Vec<f64> = self
            .levels
            .iter()
            .map(|l| l.agent.history.bytes_per_turn)
            .filter(|b| *b > 0.0)
            .collect();
        let check = self.prompt_check;
        targets.push(TargetCheck {
            target: "no rendered prompt text in history; report history bytes per turn".into(),
            measured: format!(
                "{} of {} events hold prompt text (the model received it in {} of {} requests); {:.0} bytes per turn",
                check.history_events_with_prompt_text,
                check.history_events_searched,
                check.model_requests_with_prompt_text,
                check.model_requests_checked,
                bytes.iter().sum::<f64>() / bytes.len().max(1) as f64
            ),
            met: Some(
                check.history_events_searched > 0 && check.history_events_with_prompt_text == 0,
            ),
        });
        targets.push(self.fast_path_target());
        if let Some(live) = &self.live {
            targets.extend(live.targets());
        }
        self.targets = targets;
    }

    /// Streaming must not cost the fast path: throughput at C = 32 with the instant model,
    /// live replies on, against the floor.
    fn fast_path_target(&self) -> TargetCheck {
        let level = self.levels.iter().find(|l| l.concurrency == 32);
        let ratio = level
            .and_then(|l| l.ratios)
            .and_then(|r| r.turns_per_second);
        let nats = if self.settings.nats {
            "live replies on"
        } else {
            "live replies off (--no-nats)"
        };
        TargetCheck {
            target: "throughput at C = 32, instant model, live replies on: at least 0.9× the floor"
                .into(),
            measured: match (level, ratio) {
                (Some(l), Some(r)) => format!(
                    "{r:.2}× ({:.1} vs {:.1} turns/s), {nats}",
                    l.agent.turns_per_second,
                    l.baseline.as_ref().map_or(0.0, |b| b.turns_per_second)
                ),
                _ => "not measured".into(),
            },
            met: ratio.filter(|_| self.settings.nats).map(|r| r >= 0.9),
        }
    }

    /// `results.md`: the tables of the run.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let m = &self.machine;
        let _ = writeln!(md, "### Run of {}\n", self.started_at);
        let _ = writeln!(
            md,
            "Machine: {} ({} cores), {:.1} GiB RAM, {} (kernel {}). Binaries: {}. Wall time: {:.0} s.\n",
            m.cpu_model,
            m.cores,
            m.memory_gib,
            m.os,
            m.kernel,
            self.settings.profile,
            self.wall_seconds
        );
        let _ = writeln!(md, "Command: `{}`\n", self.command);
        let _ = writeln!(md, "Temporal: {}.\n", self.settings.temporal);
        md.push_str(&self.turn_table());
        md.push('\n');
        md.push_str(&self.breakdown_table());
        md.push('\n');
        md.push_str(&self.cpu_table());
        md.push('\n');
        if let Some(idle) = &self.idle {
            md.push_str(&idle_table(idle));
            md.push('\n');
        }
        md.push_str(&self.payload_table());
        md.push('\n');
        if let Some(live) = &self.live {
            md.push_str(&live.markdown());
            md.push('\n');
        }
        md.push_str(&self.target_table());
        md
    }

    fn turn_table(&self) -> String {
        let mut md = String::from(
            "#### Turns\n\n\
             Turn latency: the api accepted the request → the agent's reply is visible on the \
             conversation's event stream. CPU, memory and history bytes are per phase (fresh \
             worker and api).\n\n\
             | C | run | turns | turns/s | turn p50 ms | p95 ms | p99 ms | worker CPU ms/turn | worker peak RSS MiB | history endpoint p50 / p99 ms | SSE delay p50 / p99 ms | history bytes/turn |\n\
             |---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for level in &self.levels {
            md.push_str(&phase_row(level.concurrency, "agent", &level.agent));
            if let Some(floor) = &level.baseline {
                md.push_str(&phase_row(level.concurrency, "floor", floor));
            }
            if let Some(r) = &level.ratios {
                let _ = writeln!(
                    md,
                    "| {} | **agent ÷ floor** | | {} | **{}** | {} | {} | {} | | | | {} |",
                    level.concurrency,
                    times(r.turns_per_second),
                    times(r.turn_p50),
                    times(r.turn_p95),
                    times(r.turn_p99),
                    times(r.worker_cpu_per_turn),
                    times(r.history_bytes_per_turn),
                );
            }
        }
        md
    }

    fn breakdown_table(&self) -> String {
        let mut md = String::from(
            "#### Where a turn's time goes (p50, ms)\n\n\
             | C | run | round trip: sent → visible | sent → api answered | turn: api answered → visible | api answered → first text live | Temporal + worker: request recorded → reply committed | reply committed → seen on the event stream | turn p50 by kind: start / prompt / confirm |\n\
             |---:|---|---:|---:|---:|---:|---:|---:|---|\n",
        );
        for level in &self.levels {
            for (label, p) in std::iter::once(("agent", &level.agent))
                .chain(level.baseline.iter().map(|b| ("floor", b)))
            {
                let kind = |k: &str| p.turn_ms_by_kind.get(k).map_or(0.0, |s| s.p50);
                let _ = writeln!(
                    md,
                    "| {} | {label} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {:.1} / {:.1} / {:.1} |",
                    level.concurrency,
                    p.round_trip_ms.p50,
                    p.request_ms.p50,
                    p.turn_ms.p50,
                    p50_or_none(&p.first_delta_ms),
                    p.history.server_turn_ms.p50,
                    p.history.sse_delay_ms.p50,
                    kind("start"),
                    kind("prompt"),
                    kind("confirm"),
                );
            }
            if let Some(r) = &level.ratios {
                let _ = writeln!(
                    md,
                    "| {} | agent ÷ floor | {} | | {} | | | | |",
                    level.concurrency,
                    times(r.round_trip_p50),
                    times(r.turn_p50),
                );
            }
        }
        md
    }

    fn cpu_table(&self) -> String {
        let mut md = String::from(
            "#### Where the CPU goes (ms of CPU per turn)\n\n\
             | C | run | worker | api | Temporal dev server | NATS | bench (clients + LLM server) | all |\n\
             |---:|---|---:|---:|---:|---:|---:|---:|\n",
        );
        for level in &self.levels {
            for (label, phase) in std::iter::once(("agent", &level.agent))
                .chain(level.baseline.iter().map(|b| ("floor", b)))
            {
                let optional = |figures: Option<ProcessFigures>| {
                    figures.map_or("n/a".to_owned(), |f| format!("{:.2}", f.cpu_ms_per_turn))
                };
                let _ = writeln!(
                    md,
                    "| {} | {label} | {:.2} | {:.2} | {} | {} | {:.2} | {:.2} |",
                    level.concurrency,
                    phase.worker.cpu_ms_per_turn,
                    phase.api.cpu_ms_per_turn,
                    optional(phase.temporal),
                    optional(phase.nats),
                    phase.bench.cpu_ms_per_turn,
                    phase.all_cpu_ms_per_turn()
                );
            }
        }
        md
    }

    fn payload_table(&self) -> String {
        let mut md = String::from(
            "#### Activity payloads and durations (agent, largest level)\n\n\
             | activity | calls per trip | input bytes | output bytes | scheduled → completed p50 / p99 ms (agent) | (floor) |\n\
             |---|---:|---:|---:|---:|---:|\n",
        );
        let last = self.levels.last();
        for (kind, sizes) in &self.recorded_payloads {
            let agent = last.and_then(|l| l.agent.history.activity_ms.get(kind));
            let floor = last
                .and_then(|l| l.baseline.as_ref())
                .and_then(|b| b.history.activity_ms.get(kind));
            let cell = |s: Option<&Summary>| {
                s.map_or("n/a".to_owned(), |s| format!("{:.1} / {:.1}", s.p50, s.p99))
            };
            let _ = writeln!(
                md,
                "| {kind} | {} | {:.0} | {:.0} | {} | {} |",
                sizes.calls,
                sizes.input_bytes,
                sizes.output_bytes,
                cell(agent),
                cell(floor)
            );
        }
        md
    }

    fn target_table(&self) -> String {
        let mut md = String::from("#### Targets\n\n| target | measured | met |\n|---|---|---|\n");
        for t in &self.targets {
            let met = match t.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "not measured",
            };
            let _ = writeln!(md, "| {} | {} | {met} |", t.target, t.measured);
        }
        md
    }
}

fn phase_row(c: usize, label: &str, p: &Phase) -> String {
    format!(
        "| {c} | {label} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {:.0} |\n",
        p.turns,
        p.turns_per_second,
        p.turn_ms.p50,
        p.turn_ms.p95,
        p.turn_ms.p99,
        p.worker.cpu_ms_per_turn,
        p.worker.peak_rss_mib,
        p.history_endpoint_ms.p50,
        p.history_endpoint_ms.p99,
        p.history.sse_delay_ms.p50,
        p.history.sse_delay_ms.p99,
        p.history.bytes_per_turn,
    )
}

fn idle_table(idle: &IdleFigures) -> String {
    format!(
        "#### Idle capacity\n\n\
         | conversations waiting | opened in | worker RSS (peak) MiB | api RSS (peak) MiB | event streams open | api RSS with streams MiB | worker RSS with streams MiB |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         | {} of {} | {:.1} s | {:.1} ({:.1}) | {:.1} ({:.1}) | {} | {:.1} | {:.1} |\n",
        idle.greeted,
        idle.requested,
        idle.seconds_to_open,
        idle.worker_rss_mib,
        idle.worker_peak_rss_mib,
        idle.api_rss_mib,
        idle.api_peak_rss_mib,
        idle.streams_open,
        idle.api_rss_with_streams_mib,
        idle.worker_rss_with_streams_mib,
    )
}

/// A summary's p50 in ms, or `-` when it has no samples.
fn p50_or_none(summary: &Summary) -> String {
    if summary.count == 0 {
        "-".to_owned()
    } else {
        format!("{:.1}", summary.p50)
    }
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or("n/a".to_owned(), |r| format!("{r:.2}×"))
}
