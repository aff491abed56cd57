//! What Temporal stored: history size per turn, when each reply was committed, how long
//! activities took, payload sizes, and whether any rendered prompt leaked into a history.
//!
//! Histories are read from the server after a phase (outside the measured window):
//! `DescribeWorkflowExecution` gives the server's own `history_size_bytes`; the events
//! (`GetWorkflowExecutionHistory`) give timestamps and payloads.
//!
//! A reply is *committed* when the workflow task that adds it completes: the first
//! `WorkflowTaskCompleted` after the turn's `agent_toolPlanner` activity completed with no
//! `agent_validatePrompt` still running (a prompt's validation runs alongside its planning,
//! and the reply waits for the verdict). From then on a query returns it, so the SSE delay of a turn is the time from that event
//! (server clock) to the moment the client read the event carrying the reply (client
//! clock; both are this machine's clock).

use std::{
    collections::{BTreeMap, HashMap},
    time::{Duration, SystemTime},
};

use futures::{StreamExt, stream};
use prost::Message;
use serde::Serialize;
use temporalio_client::{
    Client, WorkflowDescribeOptions, WorkflowFetchHistoryOptions, WorkflowHandle,
};
use temporalio_common::protos::temporal::api::{
    common::v1::Payloads,
    enums::v1::EventType,
    history::v1::{HistoryEvent, history_event::Attributes},
};
use workflows::AgentGoalWorkflow;

use crate::{
    baseline::Recording,
    driver::{TripRecord, ms},
    stats::Summary,
    trip::TRIP,
};

/// Sentences of the prompt templates (`crates/prompts/templates`) that only a rendered
/// prompt contains. A history that holds one stores prompts instead of structured input.
/// A unit test checks each still appears in a rendered prompt, and every run checks that
/// they appear in what the model received.
pub const PROMPT_NEEDLES: &[&str] = &[
    "You help one user reach one goal by running tools in a fixed order",
    "Answer with exactly one JSON object and nothing else",
    "Decide whether the user's new message",
    "has finished and its result is above",
];

pub const PLANNER: &str = "agent_toolPlanner";
pub const VALIDATOR: &str = "agent_validatePrompt";
pub const SETTINGS: &str = "get_wf_env_vars";
pub const RESOLVE_GOAL: &str = "agent_resolveGoal";

/// One run's history as the server has it.
#[derive(Debug, Clone)]
pub struct RunHistory {
    pub workflow_id: String,
    /// `history_size_bytes` from `DescribeWorkflowExecution`.
    pub size_bytes: i64,
    pub events: Vec<HistoryEvent>,
}

/// Reads the histories of `ids` (their latest runs), `parallel` at a time. Failures are
/// skipped and counted.
pub async fn fetch(client: &Client, ids: Vec<String>, parallel: usize) -> (Vec<RunHistory>, usize) {
    let results: Vec<anyhow::Result<RunHistory>> = stream::iter(ids)
        .map(|id| async move { fetch_one(client, id).await })
        .buffer_unordered(parallel.max(1))
        .collect()
        .await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    (results.into_iter().filter_map(Result::ok).collect(), failed)
}

async fn fetch_one(client: &Client, workflow_id: String) -> anyhow::Result<RunHistory> {
    let handle: WorkflowHandle<Client, AgentGoalWorkflow> =
        client.get_workflow_handle::<AgentGoalWorkflow>(&workflow_id);
    let description = handle.describe(WorkflowDescribeOptions::default()).await?;
    let size_bytes = description
        .raw()
        .workflow_execution_info
        .as_ref()
        .map(|info| info.history_size_bytes)
        .unwrap_or_default();
    let events = handle
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .into_events()
        .await?;
    Ok(RunHistory {
        workflow_id,
        size_bytes,
        events,
    })
}

/// Mean input and output payload size of one activity type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PayloadSizes {
    pub calls: usize,
    pub input_bytes: f64,
    pub output_bytes: f64,
}

/// The figures a phase's histories give.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryFigures {
    /// Completed trips whose size was measured.
    pub trips_measured: usize,
    /// Server-reported history size of a completed trip, divided by its turns.
    pub bytes_per_turn: f64,
    /// History events per turn.
    pub events_per_turn: f64,
    /// Bytes of payload data (inputs, results, signal arguments...) per turn.
    pub payload_bytes_per_turn: f64,
    /// Events searched for rendered prompt text, and how many held some.
    pub events_searched: usize,
    pub events_with_prompt_text: usize,
    /// Reply committed in Temporal → event read by the client, ms.
    pub sse_delay_ms: Summary,
    /// The turn's request recorded by Temporal → reply committed, ms: the part of a turn
    /// spent in Temporal and the worker (see [`EventFacts`] for the turn's start).
    pub server_turn_ms: Summary,
    /// Activity scheduled → completed, ms, by activity type (tools together as `tool`).
    pub activity_ms: BTreeMap<String, Summary>,
    /// Payload sizes by activity type.
    pub payloads: BTreeMap<String, PayloadSizes>,
}

/// Analyses the histories of a phase's trips; `records` gives the client-side times.
pub fn analyze(histories: &[RunHistory], records: &[TripRecord]) -> HistoryFigures {
    let by_id: HashMap<&str, &TripRecord> = records
        .iter()
        .map(|r| (r.workflow_id.as_str(), r))
        .collect();
    let mut figures = HistoryFigures::default();
    let mut per_turn_bytes = Vec::new();
    let mut per_turn_events = Vec::new();
    let mut per_turn_payload = Vec::new();
    let mut sse_delays = Vec::new();
    let mut server_turns = Vec::new();
    let mut activity_ms: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut payload_sums: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();

    for history in histories {
        let facts = EventFacts::read(&history.events);
        figures.events_searched += history.events.len();
        figures.events_with_prompt_text += facts.events_with_prompt_text;
        for (trigger, commit) in facts.turn_starts.iter().zip(&facts.reply_commits) {
            if let Ok(duration) = commit.duration_since(*trigger) {
                server_turns.push(ms(duration));
            }
        }
        for (kind, duration) in &facts.activity_durations {
            activity_ms
                .entry(kind.clone())
                .or_default()
                .push(ms(*duration));
        }
        for (kind, (input, output)) in &facts.payloads {
            let entry = payload_sums.entry(kind.clone()).or_default();
            entry.0 += 1;
            entry.1 += input;
            entry.2 += output;
        }
        let Some(record) = by_id.get(history.workflow_id.as_str()) else {
            continue;
        };
        for turn in &record.turns {
            if let Some(committed) = facts.reply_commits.get(turn.index)
                && let Ok(delay) = turn.visible_wall.duration_since(*committed)
            {
                sse_delays.push(ms(delay));
            }
        }
        if record.completed() && history.size_bytes > 0 {
            let turns = TRIP.len() as f64;
            per_turn_bytes.push(history.size_bytes as f64 / turns);
            per_turn_events.push(history.events.len() as f64 / turns);
            per_turn_payload.push(facts.payload_bytes as f64 / turns);
        }
    }
    figures.trips_measured = per_turn_bytes.len();
    figures.bytes_per_turn = mean(&per_turn_bytes);
    figures.events_per_turn = mean(&per_turn_events);
    figures.payload_bytes_per_turn = mean(&per_turn_payload);
    figures.sse_delay_ms = Summary::of(&sse_delays);
    figures.server_turn_ms = Summary::of(&server_turns);
    figures.activity_ms = activity_ms
        .into_iter()
        .map(|(kind, samples)| (kind, Summary::of(&samples)))
        .collect();
    figures.payloads = payload_sums
        .into_iter()
        .map(|(kind, (calls, input, output))| {
            (
                kind,
                PayloadSizes {
                    calls,
                    input_bytes: input as f64 / calls as f64,
                    output_bytes: output as f64 / calls as f64,
                },
            )
        })
        .collect();
    figures
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// What one run's events say.
///
/// A turn starts, as far as Temporal knows, at `WorkflowExecutionStarted` (opening the
/// chat), at `WorkflowExecutionSignaled` for `user_prompt` (a prompt), or for a confirm
/// at the `WorkflowTaskScheduled` that delivered the `confirm_proposal` update (the update's
/// own `Accepted` event is only written when that task completes).
#[derive(Debug, Default)]
struct EventFacts {
    /// When each turn reached Temporal, in turn order.
    turn_starts: Vec<SystemTime>,
    /// When each agent reply was committed, in reply order.
    reply_commits: Vec<SystemTime>,
    activity_durations: Vec<(String, Duration)>,
    /// Input and output payload bytes of each activity call, by kind.
    payloads: Vec<(String, (usize, usize))>,
    payload_bytes: usize,
    events_with_prompt_text: usize,
}

impl EventFacts {
    fn read(events: &[HistoryEvent]) -> Self {
        let mut facts = EventFacts::default();
        // Scheduled event id → (activity type, scheduled at, input bytes).
        let mut scheduled: HashMap<i64, (String, Option<SystemTime>, usize)> = HashMap::new();
        let mut planner_done = false;
        let mut validators_running = 0usize;
        let mut task_scheduled: Option<SystemTime> = None;
        for event in events {
            let bytes = event.encode_to_vec();
            if PROMPT_NEEDLES
                .iter()
                .any(|needle| contains(&bytes, needle.as_bytes()))
            {
                facts.events_with_prompt_text += 1;
            }
            facts.payload_bytes += payload_bytes_of(event);
            let at = time_of(event);
            match &event.attributes {
                Some(Attributes::WorkflowExecutionStartedEventAttributes(_)) => {
                    facts.turn_starts.extend(at);
                }
                Some(Attributes::WorkflowExecutionSignaledEventAttributes(a))
                    if a.signal_name == "user_prompt" =>
                {
                    facts.turn_starts.extend(at);
                }
                Some(Attributes::WorkflowTaskScheduledEventAttributes(_)) => task_scheduled = at,
                Some(Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(_)) => {
                    facts.turn_starts.extend(task_scheduled.or(at));
                }
                Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => {
                    let kind = a
                        .activity_type
                        .as_ref()
                        .map(|t| t.name.clone())
                        .unwrap_or_default();
                    validators_running += usize::from(kind == VALIDATOR);
                    scheduled.insert(event.event_id, (kind, at, size(a.input.as_ref())));
                }
                Some(Attributes::ActivityTaskCompletedEventAttributes(a)) => {
                    if let Some((kind, started, input)) = scheduled.get(&a.scheduled_event_id) {
                        let kind = activity_kind(kind);
                        if let (Some(started), Some(at)) = (started, at)
                            && let Ok(duration) = at.duration_since(*started)
                        {
                            facts.activity_durations.push((kind.clone(), duration));
                        }
                        facts
                            .payloads
                            .push((kind.clone(), (*input, size(a.result.as_ref()))));
                        planner_done |= kind == PLANNER;
                        if kind == VALIDATOR {
                            validators_running = validators_running.saturating_sub(1);
                        }
                    }
                }
                _ => {}
            }
            if event.event_type() == EventType::WorkflowTaskCompleted
                && planner_done
                && validators_running == 0
            {
                planner_done = false;
                if let Some(at) = at {
                    facts.reply_commits.push(at);
                }
            }
        }
        facts
    }
}

/// Tools are reported together; the agent's own activities by name.
fn activity_kind(activity_type: &str) -> String {
    match activity_type {
        PLANNER | VALIDATOR | SETTINGS | RESOLVE_GOAL => activity_type.to_owned(),
        _ => "tool".to_owned(),
    }
}

fn size(payloads: Option<&Payloads>) -> usize {
    payloads.map_or(0, |p| p.payloads.iter().map(|p| p.data.len()).sum())
}

/// Payload data carried by an event: activity inputs and results, signal and update
/// arguments, workflow input and result.
fn payload_bytes_of(event: &HistoryEvent) -> usize {
    match &event.attributes {
        Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) => size(a.input.as_ref()),
        Some(Attributes::WorkflowExecutionCompletedEventAttributes(a)) => size(a.result.as_ref()),
        Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => size(a.input.as_ref()),
        Some(Attributes::ActivityTaskCompletedEventAttributes(a)) => size(a.result.as_ref()),
        Some(Attributes::WorkflowExecutionSignaledEventAttributes(a)) => size(a.input.as_ref()),
        _ => 0,
    }
}

fn time_of(event: &HistoryEvent) -> Option<SystemTime> {
    SystemTime::try_from(event.event_time?).ok()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The results the agent's activities returned in one run, for the baseline to return.
pub fn record(history: &RunHistory) -> anyhow::Result<Recording> {
    let mut scheduled: HashMap<i64, String> = HashMap::new();
    let mut recording = Recording::default();
    for event in &history.events {
        match &event.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => {
                let kind = a
                    .activity_type
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default();
                scheduled.insert(event.event_id, kind);
            }
            Some(Attributes::ActivityTaskCompletedEventAttributes(a)) => {
                let Some(kind) = scheduled.get(&a.scheduled_event_id) else {
                    continue;
                };
                let data = a
                    .result
                    .as_ref()
                    .and_then(|p| p.payloads.first())
                    .map(|p| String::from_utf8_lossy(&p.data).into_owned())
                    .unwrap_or_default();
                match kind.as_str() {
                    SETTINGS => recording.settings = data,
                    RESOLVE_GOAL => recording.goal = data,
                    VALIDATOR => recording.validations.push(data),
                    PLANNER => recording.plans.push(data),
                    tool => {
                        recording.tools.insert(tool.to_owned(), data);
                    }
                }
            }
            _ => {}
        }
    }
    anyhow::ensure!(
        recording.plans.len() == TRIP.len(),
        "the recorded trip made {} planner calls, not {}",
        recording.plans.len(),
        TRIP.len()
    );
    Ok(recording)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needles_are_found_in_bytes() {
        assert!(contains(
            b"..Answer with exactly one JSON object and nothing else..",
            PROMPT_NEEDLES[1].as_bytes()
        ));
        assert!(!contains(
            b"{\"next\":\"question\"}",
            PROMPT_NEEDLES[1].as_bytes()
        ));
    }

    #[test]
    fn tools_are_grouped_and_agent_steps_kept_by_name() {
        assert_eq!(activity_kind("FindEvents"), "tool");
        assert_eq!(activity_kind(PLANNER), PLANNER);
    }
}
