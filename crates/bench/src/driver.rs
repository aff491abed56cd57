//! Virtual users: each has trip conversations through the api, back to back, the way the UI
//! does (HTTP calls to act, the `/events` stream to see replies), and times every turn.
//!
//! A turn starts when the client sends its request (`POST /start-workflow`,
//! `/send-prompt` or `/confirm`) and ends when a `history` event on the
//! conversation's stream holds the agent reply that answers it (one more agent message
//! than before). Each turn records three instants: sent, accepted (the api's 2xx arrived)
//! and visible (the event was read), plus the wall-clock time of the last, which the
//! history analysis compares with Temporal's own timestamps. The reported turn latency is
//! accepted → visible; sent → visible (the round trip) is reported next to it.
//!
//! The same stream carries the reply's text as it is written (`delta` events, see
//! [`crate::live`]): a turn also records when the first text of its reply was read, if
//! that came before the whole reply, and once the trip is over, whether the text shown
//! live was the reply.
//!
//! While users run, a prober reads `GET /get-conversation-history` of running
//! conversations one after another, to time the history endpoint under that load.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use anyhow::{Context, bail};
use models::ConversationHistory;
use serde::Deserialize;

use crate::{
    live::{LiveReplies, Streamed},
    sse::EventStream,
    trip::{TRIP, TurnKind, agent_replies, check_reply},
};

/// The longest a single turn may take before the trip is given up as failed.
const TURN_TIMEOUT: Duration = Duration::from_secs(60);
/// After a trip, how long to read on for the end of replies still streaming.
const LIVE_SETTLE: Duration = Duration::from_secs(1);

/// An api to drive.
#[derive(Clone)]
pub struct Target {
    pub base_url: String,
    pub http: reqwest::Client,
}

impl Target {
    pub fn new(base_url: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `POST path` with `query`; an error unless the api answers 2xx.
    async fn post(&self, path: &str, query: &[(&str, &str)]) -> anyhow::Result<reqwest::Response> {
        let response = self
            .http
            .post(self.url(path))
            .query(query)
            .send()
            .await
            .with_context(|| format!("POST {path}"))?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            bail!("POST {path} answered {status}: {body}");
        }
        Ok(response)
    }

    pub async fn start(&self, id: &str) -> anyhow::Result<()> {
        self.post("/start-workflow", &[("workflow_id", id)])
            .await
            .map(drop)
    }

    pub async fn end_chat(&self, id: &str) -> anyhow::Result<()> {
        self.post("/end-chat", &[("workflow_id", id)])
            .await
            .map(drop)
    }

    /// `GET /get-conversation-history`; `None` while the api answers `[]` or an error.
    pub async fn history(&self, id: &str) -> anyhow::Result<Option<ConversationHistory>> {
        let response = self
            .http
            .get(self.url("/get-conversation-history"))
            .query(&[("workflow_id", id)])
            .send()
            .await?;
        if !response.status().is_success() {
            return Ok(None);
        }
        let value: serde_json::Value = response.json().await?;
        Ok(serde_json::from_value(value).ok())
    }

    /// The conversation's event stream, once the api has sent its first event (so the
    /// subscription is live before the caller acts).
    pub async fn events(&self, id: &str) -> anyhow::Result<EventStream> {
        let url = format!(
            "{}?workflow_id={id}",
            self.url("/events") // ids are [A-Za-z0-9._-]: no escaping needed
        );
        let mut stream = EventStream::open(&self.http, &url).await?;
        tokio::time::timeout(TURN_TIMEOUT, stream.next())
            .await
            .context("no first event on the stream")??
            .context("the stream closed at once")?;
        Ok(stream)
    }

    /// Sends what starts `kind`'s turn.
    async fn act(&self, id: &str, kind: TurnKind) -> anyhow::Result<()> {
        match kind {
            TurnKind::Start => self.start(id).await,
            TurnKind::Prompt(text) => self
                .post("/send-prompt", &[("workflow_id", id), ("prompt", text)])
                .await
                .map(drop),
            TurnKind::Confirm => {
                #[derive(Deserialize)]
                struct Ran {
                    tool_calls: Vec<serde_json::Value>,
                }
                // Refused (409) when no proposal waits; answers once the tool ran.
                let response = self.post("/confirm", &[("workflow_id", id)]).await?;
                let answer: Ran = response.json().await.context("confirm's answer")?;
                if answer.tool_calls.is_empty() {
                    bail!("confirm ran no tool");
                }
                Ok(())
            }
        }
    }
}

/// One finished turn.
#[derive(Debug, Clone)]
pub struct TurnSample {
    /// Position in the trip (index into [`TRIP`]).
    pub index: usize,
    pub sent: Instant,
    pub accepted: Instant,
    pub visible: Instant,
    pub visible_wall: SystemTime,
    /// When the first text of the reply was read as a `delta` event, if before `visible`.
    pub first_delta: Option<Instant>,
    /// Whether the text shown live was the reply (set once the trip is over).
    pub streamed: Streamed,
}

impl TurnSample {
    /// The turn's latency as the benchmark reports it: the api accepted the request (its
    /// 2xx answer arrived) → the reply is visible on the event stream, in ms.
    pub fn turn_ms(&self) -> f64 {
        ms(self.visible.saturating_duration_since(self.accepted))
    }

    /// The api accepted the request → the reply's first text is visible, in ms.
    pub fn first_delta_ms(&self) -> Option<f64> {
        self.first_delta
            .map(|at| ms(at.saturating_duration_since(self.accepted)))
    }

    /// Request sent → api answered, in ms.
    pub fn request_ms(&self) -> f64 {
        ms(self.accepted - self.sent)
    }

    /// The whole round trip as the user sees it: request sent → reply visible, in ms.
    pub fn round_trip_ms(&self) -> f64 {
        ms(self.visible - self.sent)
    }
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One conversation as a virtual user had it.
#[derive(Debug, Clone)]
pub struct TripRecord {
    pub workflow_id: String,
    pub turns: Vec<TurnSample>,
}

impl TripRecord {
    /// Every turn of the trip ran (the workflow has completed).
    pub fn completed(&self) -> bool {
        self.turns.len() == TRIP.len()
    }
}

/// What a load run produced.
#[derive(Debug, Default)]
pub struct Load {
    pub trips: Vec<TripRecord>,
    pub errors: Vec<String>,
    /// From the first request to the last reply.
    pub elapsed: Duration,
    /// Whether the time cap, rather than the turn count, ended the run.
    pub hit_time_cap: bool,
    pub history_endpoint_ms: Vec<f64>,
    pub history_endpoint_errors: usize,
}

impl Load {
    pub fn turns(&self) -> impl Iterator<Item = &TurnSample> {
        self.trips.iter().flat_map(|t| t.turns.iter())
    }

    pub fn turn_count(&self) -> usize {
        self.trips.iter().map(|t| t.turns.len()).sum()
    }
}

/// How much load to put on.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// Workflow ids start with this (unique per run and level).
    pub id_prefix: String,
    pub users: usize,
    pub turns_per_user: usize,
    pub max_time: Duration,
    /// Pause between two history-endpoint probes.
    pub probe_interval: Duration,
}

/// Runs `plan.users` virtual users until each has had `turns_per_user` turns or the time
/// is up; turns under way at the deadline finish. Conversations cut short stay open: the
/// caller ends them (outside the measured window).
pub async fn run_load(target: &Target, plan: &LoadPlan) -> Load {
    let started = Instant::now();
    let deadline = started + plan.max_time;
    let active: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; plan.users]));
    let stop = Arc::new(AtomicBool::new(false));
    let prober = tokio::spawn(probe_history(
        target.clone(),
        active.clone(),
        stop.clone(),
        plan.probe_interval,
    ));

    let users: Vec<_> = (0..plan.users)
        .map(|user| {
            let target = target.clone();
            let plan = plan.clone();
            let active = active.clone();
            tokio::spawn(async move { run_user(&target, &plan, user, deadline, &active).await })
        })
        .collect();
    let mut load = Load::default();
    for user in users {
        match user.await {
            Ok((trips, errors)) => {
                load.trips.extend(trips);
                load.errors.extend(errors);
            }
            Err(err) => load.errors.push(format!("a virtual user panicked: {err}")),
        }
    }
    load.elapsed = started.elapsed();
    load.hit_time_cap = Instant::now() >= deadline;
    stop.store(true, Ordering::Relaxed);
    if let Ok((latencies, errors)) = prober.await {
        load.history_endpoint_ms = latencies;
        load.history_endpoint_errors = errors;
    }
    load
}

async fn run_user(
    target: &Target,
    plan: &LoadPlan,
    user: usize,
    deadline: Instant,
    active: &Mutex<Vec<Option<String>>>,
) -> (Vec<TripRecord>, Vec<String>) {
    let mut trips = Vec::new();
    let mut errors = Vec::new();
    let mut turns_left = plan.turns_per_user;
    let mut trip_number = 0;
    while turns_left > 0 && Instant::now() < deadline {
        let id = format!("{}-u{user}-t{trip_number}", plan.id_prefix);
        trip_number += 1;
        let mut record = TripRecord {
            workflow_id: id.clone(),
            turns: Vec::new(),
        };
        let outcome = run_trip(target, &mut record, turns_left, deadline, |live| {
            active.lock().expect("active lock")[user] = live.then(|| id.clone());
        })
        .await;
        active.lock().expect("active lock")[user] = None;
        turns_left -= record.turns.len();
        trips.push(record);
        if let Err(err) = outcome {
            errors.push(format!("{id}: {err:#}"));
            // A broken conversation says something is wrong; do not hammer on.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    (trips, errors)
}

/// Runs the turns of one trip (at most `max_turns`, none started after `deadline`).
/// `live(true)` is called once the conversation exists, `live(false)` when it completed.
pub async fn run_trip(
    target: &Target,
    record: &mut TripRecord,
    max_turns: usize,
    deadline: Instant,
    live: impl FnMut(bool),
) -> anyhow::Result<()> {
    let mut watch = Watch {
        stream: target.events(&record.workflow_id).await?,
        deltas: LiveReplies::default(),
        replies: Vec::new(),
    };
    let outcome = run_turns(target, &mut watch, record, max_turns, deadline, live).await;
    watch.settle().await;
    for (turn, reply) in record.turns.iter_mut().zip(&watch.replies) {
        turn.streamed = watch.deltas.compare(reply.id.as_deref(), &reply.response);
    }
    outcome
}

/// What a virtual user reads of its conversation: the event stream, the live text it
/// carried, and the reply of each turn so far.
struct Watch {
    stream: EventStream,
    deltas: LiveReplies,
    replies: Vec<Reply>,
}

/// The turns of [`run_trip`].
async fn run_turns(
    target: &Target,
    watch: &mut Watch,
    record: &mut TripRecord,
    max_turns: usize,
    deadline: Instant,
    mut live: impl FnMut(bool),
) -> anyhow::Result<()> {
    let id = record.workflow_id.clone();
    for (index, turn) in TRIP.iter().enumerate() {
        if record.turns.len() >= max_turns || Instant::now() >= deadline {
            break;
        }
        let sent = Instant::now();
        target.act(&id, turn.kind).await?;
        let accepted = Instant::now();
        let reply = tokio::time::timeout(TURN_TIMEOUT, watch.wait_for_reply(index))
            .await
            .with_context(|| format!("no reply to turn {index} within {TURN_TIMEOUT:?}"))??;
        record.turns.push(TurnSample {
            index,
            sent,
            accepted,
            visible: reply.at,
            visible_wall: reply.wall,
            first_delta: reply.id.as_deref().and_then(|r| watch.deltas.first_text(r)),
            streamed: Streamed::NotLive,
        });
        watch.replies.push(reply);
        live(index + 1 < TRIP.len());
    }
    Ok(())
}

/// The agent reply that ends a turn, as the stream showed it.
struct Reply {
    at: Instant,
    wall: SystemTime,
    /// The live reply that streamed it (`response.reply_id`).
    id: Option<String>,
    /// Its text (`response.response`).
    response: String,
}

impl Watch {
    /// Reads the stream until a history holds the reply to turn `index`; checks that
    /// reply. `delta` events read on the way are kept.
    async fn wait_for_reply(&mut self, index: usize) -> anyhow::Result<Reply> {
        loop {
            let event = self
                .stream
                .next()
                .await?
                .context("the event stream closed before the reply")?;
            match event.event.as_str() {
                "delta" => self.deltas.record(&event.data, event.at)?,
                "history" => {
                    let history: ConversationHistory = serde_json::from_str(&event.data)
                        .context("a history event that is not a history")?;
                    let replies = agent_replies(&history);
                    if let Some(reply) = replies.get(index) {
                        check_reply(&TRIP[index], reply).map_err(anyhow::Error::msg)?;
                        let text = |key: &str| reply.get(key).and_then(|v| v.as_str());
                        return Ok(Reply {
                            at: event.at,
                            wall: event.wall,
                            id: text("reply_id").map(str::to_owned),
                            response: text("response").unwrap_or_default().to_owned(),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads on, for at most [`LIVE_SETTLE`], while a reply that showed text is not
    /// complete, so its text can be compared with the reply.
    async fn settle(&mut self) {
        let until = Instant::now() + LIVE_SETTLE;
        while self.deltas.unfinished() {
            let left = until.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.stream.next()).await {
                Ok(Ok(Some(event))) if event.event == "delta" => {
                    if self.deltas.record(&event.data, event.at).is_err() {
                        return;
                    }
                }
                Ok(Ok(Some(_))) => {}
                _ => return,
            }
        }
    }
}

/// Reads the history of running conversations, one request at a time, until `stop`.
async fn probe_history(
    target: Target,
    active: Arc<Mutex<Vec<Option<String>>>>,
    stop: Arc<AtomicBool>,
    interval: Duration,
) -> (Vec<f64>, usize) {
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut next = 0usize;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(interval).await;
        let id = {
            let active = active.lock().expect("active lock");
            let slots = active.len().max(1);
            (0..slots)
                .map(|offset| (next + offset) % slots)
                .find_map(|slot| active.get(slot).cloned().flatten().map(|id| (slot, id)))
        };
        let Some((slot, id)) = id else { continue };
        next = slot + 1;
        let started = Instant::now();
        match target.history(&id).await {
            Ok(Some(_)) => latencies.push(ms(started.elapsed())),
            _ => errors += 1,
        }
    }
    (latencies, errors)
}
