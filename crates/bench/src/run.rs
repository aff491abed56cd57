//! One benchmark run, start to finish: bring the stack up, measure every level for the
//! agent and the floor with the instant model, then the live-reply levels with the latency
//! profile (speculative and sequential planning), measure idle capacity, write the
//! results, tear everything down.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::Context;
use futures::{StreamExt, stream};

use crate::{
    chart,
    config::BenchConfig,
    driver::{Load, LoadPlan, Target, TripRecord, TurnSample, run_load, run_trip},
    history::{self, PROMPT_NEEDLES},
    idle,
    live::Streamed,
    model::TurnTiming,
    report::{
        IdleFigures, Level, LiveFigures, LiveLevel, LiveReport, MIB, Machine, Phase,
        ProcessFigures, PromptCheck, Ratios, Report, RunSettings,
    },
    stack::{Binaries, Mode, Model, Readings, Stack},
    stats::{Summary, ratio},
    trip::TRIP,
};

/// Histories read per phase at most (evenly spread over its trips).
const MAX_HISTORIES: usize = 300;

/// Where a run wrote its files.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub dir: PathBuf,
    pub json: PathBuf,
    pub markdown: PathBuf,
    pub chart: PathBuf,
}

/// Runs the benchmark described by `config`; writes `results.json`, `results.md` and
/// `chart.png` under `config.out/<timestamp>/`.
pub async fn run(config: &BenchConfig) -> anyhow::Result<(Report, Outputs)> {
    let started = Instant::now();
    let started_at = chrono::Local::now();
    let tag = started_at.format("%Y%m%d-%H%M%S").to_string();
    let dir = config.out.join(&tag);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    progress(&format!("results go to {}", dir.display()));

    let binaries = Binaries::locate(config.profile, config.build)?;
    let stack = Stack::start(&config.stack, binaries).await?;
    progress(&format!(
        "Temporal at {}, LLM at {}, NATS at {}",
        stack.address,
        stack.llm_base_url(),
        stack
            .nats_url()
            .unwrap_or_else(|| "none (--no-nats)".into())
    ));

    let outcome = measure(config, &stack, &tag, &dir).await;
    stack.shutdown().await;
    let measured = outcome?;

    let mut report = Report {
        schema: 2,
        started_at: started_at.to_rfc3339(),
        wall_seconds: started.elapsed().as_secs_f64(),
        command: config.command.clone(),
        machine: Machine::describe(),
        settings: RunSettings {
            concurrency: config.concurrency.clone(),
            turns_per_user: config.turns,
            max_seconds_per_phase: config.max_seconds,
            idle_conversations: config.idle,
            baseline: config.baseline,
            profile: config.profile.as_str(),
            llm_latency_ms: 0,
            nats: config.stack.nats,
            live_concurrency: measured
                .live
                .iter()
                .flat_map(|l| l.levels.iter().map(|l| l.concurrency))
                .collect(),
            temporal: config.stack.temporal_address.clone().unwrap_or_else(|| {
                let settings: Vec<String> = config
                    .stack
                    .dev_server_options()
                    .effective_dynamic_config()
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect();
                format!(
                    "dev server started by the bench (in memory; dynamic config: {})",
                    settings.join(", ")
                )
            }),
        },
        trip: TRIP.iter().map(|t| t.kind.label()).collect(),
        levels: measured.levels,
        recorded_payloads: measured.recorded_payloads,
        prompt_check: measured.prompt_check,
        idle: measured.idle,
        live: measured.live,
        targets: Vec::new(),
    };
    report.check_targets();

    let outputs = Outputs {
        json: dir.join("results.json"),
        markdown: dir.join("results.md"),
        chart: dir.join("chart.png"),
        dir,
    };
    std::fs::write(&outputs.json, serde_json::to_vec_pretty(&report)?)
        .with_context(|| format!("writing {}", outputs.json.display()))?;
    std::fs::write(&outputs.markdown, report.markdown())
        .with_context(|| format!("writing {}", outputs.markdown.display()))?;
    chart::draw(
        &report.levels,
        &format!(
            "Trip agent vs bare Temporal, {} ({} cores)",
            report.machine.cpu_model, report.machine.cores
        ),
        &outputs.chart,
    )?;
    Ok((report, outputs))
}

/// What the phases measured, before it becomes a report.
struct Measured {
    levels: Vec<Level>,
    recorded_payloads: BTreeMap<String, history::PayloadSizes>,
    prompt_check: PromptCheck,
    idle: Option<IdleFigures>,
    live: Option<LiveReport>,
}

async fn measure(
    config: &BenchConfig,
    stack: &Stack,
    tag: &str,
    dir: &Path,
) -> anyhow::Result<Measured> {
    let recording_path = dir.join("recording.json");
    let mut recorded = None;
    let mut prompt_check = PromptCheck::default();
    let mut levels = Vec::new();
    for &c in &config.concurrency {
        progress(&format!("C = {c}: agent"));
        let agent = phase(config, stack, (Mode::Agent, Model::Instant), c, tag, None).await?;
        if recorded.is_none() {
            // The first warm-up trip is the recording the floor plays back.
            let (histories, _) =
                history::fetch(&stack.client, vec![agent.warm_up_id.clone()], 1).await;
            let warm_up = histories
                .first()
                .context("the agent's warm-up trip has no readable history")?;
            let recording = history::record(warm_up)?;
            std::fs::write(&recording_path, serde_json::to_vec_pretty(&recording)?)?;
            recorded = Some(history::analyze(std::slice::from_ref(warm_up), &[]).payloads);
        }
        prompt_check.model_requests_checked += agent.model_requests.0;
        prompt_check.model_requests_with_prompt_text += agent.model_requests.1;
        let floor = if config.baseline {
            progress(&format!("C = {c}: floor"));
            let run = (Mode::Baseline, Model::Instant);
            Some(phase(config, stack, run, c, tag, Some(&recording_path)).await?)
        } else {
            None
        };
        for measured in std::iter::once(&agent.figures).chain(floor.as_ref().map(|f| &f.figures)) {
            prompt_check.history_events_searched += measured.history.events_searched;
            prompt_check.history_events_with_prompt_text +=
                measured.history.events_with_prompt_text;
            report_phase(measured);
        }
        let floor = floor.map(|f| f.figures);
        let ratios = floor.as_ref().map(|floor| ratios(&agent.figures, floor));
        levels.push(Level {
            concurrency: c,
            agent: agent.figures,
            baseline: floor,
            ratios,
        });
    }
    let live = match &config.stack.model_latency {
        Some(profile) => Some(LiveReport {
            profile: profile.clone(),
            planner: profile.trip_timing(),
            levels: measure_live(config, stack, tag).await?,
        }),
        None => None,
    };
    let idle = if config.idle > 0 {
        progress(&format!("idle: {} conversations", config.idle));
        Some(idle::measure(config, stack, tag).await?)
    } else {
        None
    };
    Ok(Measured {
        levels,
        recorded_payloads: recorded.unwrap_or_default(),
        prompt_check,
        idle,
        live,
    })
}

/// The live-reply levels: at each, the agent as shipped and with sequential validation,
/// both talking to the model with the latency profile.
async fn measure_live(
    config: &BenchConfig,
    stack: &Stack,
    tag: &str,
) -> anyhow::Result<Vec<LiveLevel>> {
    let mut levels = Vec::new();
    for &c in &config.live_concurrency {
        let run = |mode: Mode| async move {
            progress(&format!(
                "C = {c}: live replies, {} planning",
                planning(mode)
            ));
            let outcome = phase(config, stack, (mode, Model::Profiled), c, tag, None).await?;
            report_phase(&outcome.figures);
            anyhow::Ok(outcome.figures)
        };
        let speculative = run(Mode::Agent).await?;
        let sequential = run(Mode::Sequential).await?;
        levels.push(LiveLevel {
            concurrency: c,
            speculative,
            sequential,
        });
    }
    Ok(levels)
}

fn planning(mode: Mode) -> &'static str {
    match mode {
        Mode::Sequential => "sequential",
        Mode::Agent | Mode::Baseline => "speculative",
    }
}

/// The progress line of a measured phase.
fn report_phase(measured: &Phase) {
    let live = if measured.first_delta_ms.count > 0 {
        format!(", first delta p50 {:.1} ms", measured.first_delta_ms.p50)
    } else {
        String::new()
    };
    progress(&format!(
        "  {}: {} turns, {:.1} turns/s, p50 {:.1} ms, p95 {:.1} ms{live}, worker {:.2} ms CPU/turn{}",
        measured.mode,
        measured.turns,
        measured.turns_per_second,
        measured.turn_ms.p50,
        measured.turn_ms.p95,
        measured.worker.cpu_ms_per_turn,
        if measured.errors > 0 {
            format!(
                ", {} errors (first: {})",
                measured.errors, measured.error_samples[0]
            )
        } else {
            String::new()
        }
    ));
}

/// A measured phase and what the run needs from it beyond its figures.
struct PhaseOutcome {
    figures: Phase,
    warm_up_id: String,
    /// Model requests checked for prompt text, and how many held some.
    model_requests: (usize, usize),
}

/// Starts a fresh worker and api, warms them up with one trip, runs the load, reads the
/// processes and the histories, and stops them again.
async fn phase(
    config: &BenchConfig,
    stack: &Stack,
    (mode, model): (Mode, Model),
    c: usize,
    tag: &str,
    recording: Option<&Path>,
) -> anyhow::Result<PhaseOutcome> {
    let queue = format!("bench-{tag}-{}-{}-c{c}", mode.as_str(), model.as_str());
    let services = stack.services(mode, model, &queue, recording).await?;
    let target = Target::new(&services.base_url())?;

    let warm_up_id = format!("{queue}-warmup");
    let mut warm_up = TripRecord {
        workflow_id: warm_up_id.clone(),
        turns: Vec::new(),
    };
    run_trip(
        &target,
        &mut warm_up,
        TRIP.len(),
        Instant::now() + Duration::from_secs(120),
        |_| {},
    )
    .await
    .with_context(|| format!("warm-up trip of the {} ({queue})", mode.as_str()))?;
    let model_requests = match (mode, model, stack.llm_server()) {
        (Mode::Agent, Model::Instant, Some(llm)) => {
            let requests = llm.requests();
            let with_text = requests
                .iter()
                .filter(|r| {
                    r.messages
                        .iter()
                        .any(|m| PROMPT_NEEDLES.iter().any(|n| m.content.contains(n)))
                })
                .count();
            llm.clear_requests();
            (requests.len(), with_text)
        }
        _ => (0, 0),
    };

    let before = services.read(stack);
    let plan = LoadPlan {
        id_prefix: queue.clone(),
        users: c,
        turns_per_user: config.turns,
        max_time: config.max_time(),
        probe_interval: config.probe_interval,
    };
    let load = run_load(&target, &plan).await;
    let after = services.read(stack);
    if let Some(llm) = stack.llm_server() {
        llm.clear_requests();
    }

    // Outside the measured window: close conversations cut short, read the histories.
    let unfinished: Vec<String> = load
        .trips
        .iter()
        .filter(|t| !t.completed())
        .map(|t| t.workflow_id.clone())
        .collect();
    stream::iter(unfinished)
        .for_each_concurrent(16, |id| {
            let target = target.clone();
            async move {
                let _ = target.end_chat(&id).await;
            }
        })
        .await;
    let ids = spread(
        load.trips.iter().map(|t| t.workflow_id.clone()).collect(),
        MAX_HISTORIES,
    );
    let (histories, unreadable) = history::fetch(&stack.client, ids, 8).await;
    let history = history::analyze(&histories, &load.trips);
    services.stop().await;

    let mut figures = figures(mode, c, &load, &before, &after, history, unreadable);
    if let (Model::Profiled, Some(profile)) = (model, &config.stack.model_latency) {
        figures.first_delta_lag_ms = first_delta_lag(&load, &profile.trip_timing());
    }
    Ok(PhaseOutcome {
        figures,
        warm_up_id,
        model_requests,
    })
}

/// How far each turn's first visible delta trails the model's first `response` token, as
/// `timing` (the profile) times it from the model receiving the call.
fn first_delta_lag(load: &Load, timing: &[TurnTiming]) -> Summary {
    let lags: Vec<f64> = load
        .turns()
        .filter_map(|t| Some(t.first_delta_ms()? - timing[t.index].response_starts_ms))
        .collect();
    Summary::of(&lags)
}

/// At most `max` of `items`, evenly spread.
fn spread(items: Vec<String>, max: usize) -> Vec<String> {
    if items.len() <= max {
        return items;
    }
    let step = items.len() as f64 / max as f64;
    (0..max)
        .map(|i| items[(i as f64 * step) as usize].clone())
        .collect()
}

fn figures(
    mode: Mode,
    c: usize,
    load: &Load,
    before: &Readings,
    after: &Readings,
    history: history::HistoryFigures,
    unreadable: usize,
) -> Phase {
    let turns = load.turn_count();
    let seconds = load.elapsed.as_secs_f64();
    let samples: Vec<f64> = load.turns().map(|t| t.turn_ms()).collect();
    let process = |pick: fn(&Readings) -> Option<crate::procfs::ProcSample>| {
        let (Some(before), Some(after)) = (pick(before), pick(after)) else {
            return None;
        };
        let cpu = (after.cpu_seconds - before.cpu_seconds).max(0.0);
        Some(ProcessFigures {
            cpu_seconds: cpu,
            cpu_ms_per_turn: if turns > 0 {
                cpu * 1000.0 / turns as f64
            } else {
                0.0
            },
            peak_rss_mib: after.peak_rss_bytes as f64 / MIB,
            rss_mib: after.rss_bytes as f64 / MIB,
        })
    };
    Phase {
        mode: mode.as_str(),
        concurrency: c,
        seconds,
        stopped_by: if load.hit_time_cap { "time" } else { "turns" },
        turns,
        trips_started: load.trips.len(),
        trips_completed: load.trips.iter().filter(|t| t.completed()).count(),
        errors: load.errors.len(),
        error_samples: load.errors.iter().take(5).cloned().collect(),
        turns_per_second: if seconds > 0.0 {
            turns as f64 / seconds
        } else {
            0.0
        },
        turn_ms: Summary::of(&samples),
        turn_ms_by_kind: by_kind_of(load, |t| Some(t.turn_ms())),
        first_delta_ms: Summary::of(
            &load
                .turns()
                .filter_map(|t| t.first_delta_ms())
                .collect::<Vec<_>>(),
        ),
        first_delta_ms_by_kind: by_kind_of(load, |t| t.first_delta_ms()),
        first_delta_lag_ms: Summary::default(),
        live: live_figures(load),
        request_ms: Summary::of(&load.turns().map(|t| t.request_ms()).collect::<Vec<_>>()),
        round_trip_ms: Summary::of(&load.turns().map(|t| t.round_trip_ms()).collect::<Vec<_>>()),
        worker: process(|r| r.worker).unwrap_or_default(),
        api: process(|r| r.api).unwrap_or_default(),
        temporal: process(|r| r.temporal),
        nats: process(|r| r.nats),
        bench: process(|r| r.bench).unwrap_or_default(),
        history_endpoint_ms: Summary::of(&load.history_endpoint_ms),
        history_endpoint_errors: load.history_endpoint_errors,
        history,
        histories_unreadable: unreadable,
    }
}

/// `figure` of every turn that has it, summarized by the kind of turn.
fn by_kind_of(
    load: &Load,
    figure: impl Fn(&TurnSample) -> Option<f64>,
) -> BTreeMap<String, Summary> {
    let mut by_kind: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for turn in load.turns() {
        if let Some(value) = figure(turn) {
            by_kind
                .entry(TRIP[turn.index].kind.label().to_owned())
                .or_default()
                .push(value);
        }
    }
    by_kind
        .into_iter()
        .map(|(kind, samples)| (kind, Summary::of(&samples)))
        .collect()
}

fn live_figures(load: &Load) -> LiveFigures {
    let count = |wanted: Streamed| load.turns().filter(|t| t.streamed == wanted).count();
    LiveFigures {
        shown_before_reply: load.turns().filter(|t| t.first_delta.is_some()).count(),
        text_whole: count(Streamed::Whole),
        text_differs: count(Streamed::Differs),
    }
}

fn ratios(agent: &Phase, floor: &Phase) -> Ratios {
    let all = Phase::all_cpu_ms_per_turn;
    Ratios {
        turn_p50: ratio(agent.turn_ms.p50, floor.turn_ms.p50),
        turn_p95: ratio(agent.turn_ms.p95, floor.turn_ms.p95),
        turn_p99: ratio(agent.turn_ms.p99, floor.turn_ms.p99),
        round_trip_p50: ratio(agent.round_trip_ms.p50, floor.round_trip_ms.p50),
        worker_cpu_per_turn: ratio(agent.worker.cpu_ms_per_turn, floor.worker.cpu_ms_per_turn),
        all_cpu_per_turn: ratio(all(agent), all(floor)),
        turns_per_second: ratio(agent.turns_per_second, floor.turns_per_second),
        history_bytes_per_turn: ratio(agent.history.bytes_per_turn, floor.history.bytes_per_turn),
    }
}

/// A progress line on stderr (stdout gets the final table).
pub fn progress(line: &str) {
    eprintln!("[bench] {line}");
}
