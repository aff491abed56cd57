//! Server-Sent Events: conversation changes pushed to browsers as they happen.
//!
//! `GET /events?workflow_id=...` streams three kinds of event: `status` and `history`,
//!
//! ```text
//! event: status
//! data: {"state":"running","detail":"..."}
//!
//! event: history
//! data: {"messages":[...]}
//! ```
//!
//! both on connect and whenever they change, `delta` events with the text of a reply while
//! the model writes it (see [`live`]), plus keep-alive comments. `state` is one of
//! `running`, `completed` (the agent reached its goal), `ended` (the user ended the chat),
//! `failed` (terminated, cancelled, failed or timed out; history then is empty),
//! `not_found` (no such conversation yet; history empty) and `worker_unavailable` (queries
//! get no answer, or Temporal is unreachable; the last history known stays).
//!
//! However many browsers watch a conversation, one [`Watchers`] task per conversation does
//! the work and shares its latest [`Snapshot`] through a `tokio::sync::watch` channel; the
//! task ends when its last subscriber leaves. It sleeps in a long poll on the run's event
//! history (`GetWorkflowExecutionHistory` with `wait_new_event`) and queries the workflow
//! only when an event says its state may have changed: a workflow task completed, the run
//! closed, or a workflow task waited a query timeout without a worker picking it up.
//!
//! With auth on, each snapshot says whose workflow it shows ([`Shown`]), and a subscriber
//! who may not see it gets what an id nobody uses gets (`not_found`, no history, no reply
//! text), so a stream tells a stranger nothing, not even that the id is taken.
//!
//! The machinery is the same for every kind of workflow the api follows; a [`Feed`] says
//! what to query and how to name it. [`Conversations`] is the trip agent's feed (above);
//! [`email::Emails`] is the email assistant's (`GET /email/events`).

use std::{
    collections::HashMap,
    convert::Infallible,
    pin::pin,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderName, HeaderValue},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures::{FutureExt, Stream, StreamExt, stream};
use models::{Actor, ConversationHistory};
use serde::{Deserialize, Serialize};
use temporalio_client::WorkflowExecutionStatus;
use temporalio_common::protos::temporal::api::enums::v1::EventType;
use tokio::{
    sync::{Notify, watch},
    time::Instant,
};
use utoipa::{IntoParams, ToSchema};

pub mod email;
pub mod live;

use crate::{
    AppState,
    auth::Caller,
    domain::WorkflowId,
    error::{ApiError, ErrorBody},
    routes::{ApiQuery, ConversationParams},
    temporal::{ActivityRetry, Read, RunInfo, Temporal},
};

/// How often a conversation that is closed or does not exist is described again, in case
/// something other than this api (the CLI, another api) starts it.
const IDLE_RECHECK: Duration = Duration::from_secs(5);
/// Keep-alive comments keep proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often a run with a pending activity is described, to see whether it is being retried
/// (retries add no history events to wait for).
const RETRY_CHECK: Duration = Duration::from_secs(1);

/// What a conversation looks like from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    Running,
    Completed,
    Ended,
    Failed,
    NotFound,
    WorkerUnavailable,
}

/// The `data` of a `status` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Status {
    pub state: ConversationState,
    /// The state in words, for the UI to show.
    pub detail: String,
    /// While a model call or a tool is being retried: which, and how far along.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityRetry>,
}

/// What one kind of workflow looks like on an event stream: the `status` event's data, the
/// event that carries the workflow's state, and how to read that state.
pub trait Feed: Send + Sync + 'static {
    /// The `data` of a `status` event.
    type Status: Clone + PartialEq + Serialize + Send + Sync + 'static;
    /// The name of the event that carries the state (`history`, `email`).
    const DATA_EVENT: &'static str;

    /// Queries the workflow (whose latest run has `status`) and says what the answer means:
    /// the status, and the state as JSON text (`None` keeps the state last sent). Errors
    /// when the query got no answer.
    fn read(
        temporal: &Temporal,
        id: &WorkflowId,
        status: WorkflowExecutionStatus,
    ) -> impl Future<Output = Result<(Self::Status, Option<Arc<str>>), ApiError>> + Send;

    /// No workflow has this id (yet).
    fn not_found(id: &WorkflowId) -> (Self::Status, Option<Arc<str>>);

    /// Queries get no answer, or Temporal cannot be reached.
    fn unavailable(err: &ApiError) -> Self::Status;

    /// Says in `status` that an activity is being retried (`None`: nothing is).
    fn retrying(_status: &mut Self::Status, _activity: Option<&ActivityRetry>) {}
}

/// The trip agent's conversations: `status` and `history` events.
pub struct Conversations;

impl Feed for Conversations {
    type Status = Status;
    const DATA_EVENT: &'static str = "history";

    async fn read(
        temporal: &Temporal,
        id: &WorkflowId,
        status: WorkflowExecutionStatus,
    ) -> Result<(Status, Option<Arc<str>>), ApiError> {
        Ok(match temporal.history(id).await? {
            Read::Found(history) => {
                let text = serde_json::to_string(&history).expect("a history serializes");
                (found(status, &history), Some(text.into()))
            }
            Read::ClosedUncleanly => (failed(status), Some(empty_history())),
            Read::Missing => Self::not_found(id),
        })
    }

    fn not_found(id: &WorkflowId) -> (Status, Option<Arc<str>>) {
        (not_found(id), Some(empty_history()))
    }

    fn unavailable(err: &ApiError) -> Status {
        unavailable(err)
    }

    fn retrying(status: &mut Status, activity: Option<&ActivityRetry>) {
        if status.state != ConversationState::Running {
            return;
        }
        if let Some(activity) = activity {
            status.detail = retrying_detail(activity);
        }
        status.activity = activity.cloned();
    }
}

/// The activity types that are model calls; any other activity is a tool or a lookup.
const MODEL_ACTIVITIES: [&str; 4] = [
    "agent_toolPlanner",
    "agent_validatePrompt",
    "agent_summarizeConversation",
    "agent_resolveGoal",
];

/// "The model is busy, retrying (attempt 3)…", or the same for a tool.
fn retrying_detail(activity: &ActivityRetry) -> String {
    if MODEL_ACTIVITIES.contains(&activity.name.as_str()) {
        format!(
            "The model is busy, retrying (attempt {})\u{2026}",
            activity.attempt
        )
    } else {
        format!(
            "{} failed, retrying (attempt {})\u{2026}",
            activity.name, activity.attempt
        )
    }
}

/// The latest known state of a workflow, shared by all of its subscribers.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot<S> {
    pub status: S,
    /// The state (a conversation's history, an email) as JSON text; `None` until a query
    /// first succeeded.
    pub history: Option<Arc<str>>,
    /// Whose workflow this is.
    pub shown: Shown,
}

/// Whose workflow a snapshot shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// No workflow (none has the id, or none was found yet).
    Nothing,
    /// A workflow started by this owner (`None`: started with auth off).
    Owned(Option<Arc<str>>),
}

impl Shown {
    fn visible_to(&self, viewer: &Caller) -> bool {
        match self {
            Shown::Nothing => true,
            Shown::Owned(owner) => viewer.may_see(owner.as_deref()),
        }
    }

    fn of(run: &RunInfo) -> Self {
        Shown::Owned(run.owner.as_deref().map(Arc::from))
    }
}

/// One watcher per workflow anyone is listening to.
pub struct Watchers<F: Feed = Conversations> {
    inner: Arc<Inner<F>>,
}

impl<F: Feed> Clone for Watchers<F> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<F: Feed> {
    temporal: Arc<Temporal>,
    watched: Mutex<HashMap<WorkflowId, Arc<Watched<F::Status>>>>,
}

struct Watched<S> {
    snapshot: watch::Sender<Option<Snapshot<S>>>,
    /// Wakes a watcher that idles on a closed or missing workflow: the api just started a
    /// run.
    poke: Notify,
}

impl<F: Feed> Watchers<F> {
    pub fn new(temporal: Arc<Temporal>) -> Self {
        Self {
            inner: Arc::new(Inner {
                temporal,
                watched: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A receiver of the workflow's snapshots; starts its watcher if none runs.
    pub fn subscribe(&self, id: &WorkflowId) -> watch::Receiver<Option<Snapshot<F::Status>>> {
        let mut watched = self.inner.watched.lock().expect("watchers lock");
        if let Some(existing) = watched.get(id) {
            return existing.snapshot.subscribe();
        }
        let (snapshot, receiver) = watch::channel(None);
        let entry = Arc::new(Watched {
            snapshot,
            poke: Notify::new(),
        });
        watched.insert(id.clone(), entry.clone());
        tokio::spawn(run_watcher::<F>(self.inner.clone(), id.clone(), entry));
        receiver
    }

    /// Tells the conversation's watcher, if any, that a new run may have started.
    pub fn poke(&self, id: &WorkflowId) {
        if let Some(entry) = self.inner.watched.lock().expect("watchers lock").get(id) {
            entry.poke.notify_one();
        }
    }

    /// How many conversations are being watched right now.
    pub fn active(&self) -> usize {
        self.inner.watched.lock().expect("watchers lock").len()
    }
}

#[utoipa::path(
    get,
    path = "/events",
    tag = "conversations",
    summary = "Follow a conversation (Server-Sent Events)",
    description = "A `text/event-stream` of `status` events (data: a Status object) and \
        `history` events (data: the conversation history), each sent on connect and whenever \
        it changes; `delta` events (id: a sequence number; data: `{\"reply\", \"text\"}`, \
        or `\"restart\": true` / `\"done\": true`) with a reply's text as the model writes \
        it, resumed after `Last-Event-ID`; keep-alive comments in between.",
    params(ConversationParams, TicketParam),
    responses(
        (status = 200, description = "The event stream", content_type = "text/event-stream", body = String),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Response, ApiError> {
    let id = params.conversation()?;
    // A browser resuming a stream sends the id of the last event it got.
    let after = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let deltas = live::delta_events(state.bus.clone(), &id, after, state.shutdown.clone());
    Ok(sse_response(
        &state,
        &state.watchers,
        &id,
        caller,
        Some(deltas),
    ))
}

/// How a browser authenticates an event stream (`/events`, `/email/events`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketParam {
    /// A ticket from `POST /events/ticket` for this `workflow_id`, instead of an
    /// `Authorization` header (which `EventSource` cannot send).
    pub ticket: Option<String>,
}

/// `POST /events/ticket`'s answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StreamTicket {
    /// Pass it as `ticket=` to `/events` or `/email/events` with the same `workflow_id`.
    pub ticket: String,
    /// Until when it opens a stream (RFC 3339); an open stream runs on after that.
    pub expires_at: String,
}

#[utoipa::path(
    post,
    path = "/events/ticket",
    tag = "conversations",
    summary = "A ticket to open an event stream",
    description = "Browsers cannot send an `Authorization` header with an `EventSource`. This \
        answers a ticket that opens the event stream of one workflow (`/events` or \
        `/email/events`, `&ticket=...`) for the caller, for one minute. A ticket for an id \
        that is not the caller's opens a stream that shows nothing, as for an unused id.",
    params(ConversationParams),
    responses(
        (status = 200, description = "The ticket", body = StreamTicket),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
        (status = 401, description = "No token, or not one this api accepts", body = ErrorBody),
    )
)]
pub async fn ticket(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<StreamTicket>, ApiError> {
    let id = params.conversation()?;
    let (ticket, expires) = state.auth.tickets.issue(&caller, &id);
    let expires_at = chrono::DateTime::from_timestamp(i64::try_from(expires).unwrap_or(0), 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(Json(StreamTicket { ticket, expires_at }))
}

/// The `text/event-stream` response of one subscriber to `id`'s watcher.
pub(crate) fn stream_response<F: Feed>(
    state: &AppState,
    watchers: &Watchers<F>,
    id: &WorkflowId,
    viewer: Caller,
) -> Response {
    sse_response(
        state,
        watchers,
        id,
        viewer,
        None::<stream::Empty<Result<Event, Infallible>>>,
    )
}

/// The subscriber's snapshot events, merged with `extra` events (live reply text), as
/// `viewer` may see them.
fn sse_response<F: Feed, X>(
    state: &AppState,
    watchers: &Watchers<F>,
    id: &WorkflowId,
    viewer: Caller,
    extra: Option<X>,
) -> Response
where
    X: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    let receiver = watchers.subscribe(id);
    let shutdown = state.shutdown.clone();
    let extra = extra.map(|extra| visible_extra(extra, receiver.clone(), viewer.clone()));
    let snapshots = snapshot_events::<F>(receiver, viewer, id.clone());
    let merged = match extra {
        Some(extra) => stream::select(snapshots, extra).boxed(),
        None => snapshots.boxed(),
    };
    let open = state.metrics.stream_opened();
    let stream = merged
        .take_until(async move { shutdown.wait().await })
        // Counted as open until the stream (and with it `open`) is dropped.
        .inspect(move |_| {
            let _ = &open;
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response();
    // Reverse proxies such as nginx would otherwise buffer the stream.
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}

/// Live reply text, passed on only once the workflow is known to be `viewer`'s (with auth
/// off, always): text is held until the watcher has seen the run, and dropped for
/// someone else's.
fn visible_extra<X, S>(
    extra: X,
    receiver: watch::Receiver<Option<Snapshot<S>>>,
    viewer: Caller,
) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static
where
    X: Stream<Item = Result<Event, Infallible>> + Send + 'static,
    S: Send + Sync + 'static,
{
    let open = matches!(viewer, Caller::Anyone);
    extra.filter(move |_| {
        let mut receiver = receiver.clone();
        let viewer = viewer.clone();
        async move {
            if open {
                return true;
            }
            let seen = receiver
                .wait_for(|snapshot| {
                    snapshot
                        .as_ref()
                        .is_some_and(|s| matches!(s.shown, Shown::Owned(_)))
                })
                .await;
            seen.is_ok_and(|snapshot| {
                snapshot
                    .as_ref()
                    .is_some_and(|s| s.shown.visible_to(&viewer))
            })
        }
    })
}

/// One subscriber's events: whatever changed since the last snapshot it was sent. A
/// snapshot `viewer` may not see is sent as the one for an id nobody uses.
fn snapshot_events<F: Feed>(
    receiver: watch::Receiver<Option<Snapshot<F::Status>>>,
    viewer: Caller,
    id: WorkflowId,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (receiver, None::<Snapshot<F::Status>>, viewer, id),
        |(mut receiver, mut sent, viewer, id)| async move {
            loop {
                let current = receiver.borrow_and_update().clone();
                if let Some(current) = current {
                    let current = seen_by::<F>(current, &viewer, &id);
                    let events = changes::<F>(sent.as_ref(), &current);
                    sent = Some(current);
                    if !events.is_empty() {
                        return Some((events, (receiver, sent, viewer, id)));
                    }
                }
                // The watcher keeps its sender while anyone listens; if it is gone, end.
                receiver.changed().await.ok()?;
            }
        },
    )
    .flat_map(|events| stream::iter(events.into_iter().map(Ok)))
}

/// `snapshot` as `viewer` may see it: someone else's run shows as an id nobody uses.
fn seen_by<F: Feed>(
    snapshot: Snapshot<F::Status>,
    viewer: &Caller,
    id: &WorkflowId,
) -> Snapshot<F::Status> {
    if snapshot.shown.visible_to(viewer) {
        return snapshot;
    }
    let (status, history) = F::not_found(id);
    Snapshot {
        status,
        history,
        shown: Shown::Nothing,
    }
}

/// The events that bring a subscriber from `sent` to `current`.
fn changes<F: Feed>(
    sent: Option<&Snapshot<F::Status>>,
    current: &Snapshot<F::Status>,
) -> Vec<Event> {
    let mut events = Vec::new();
    if sent.is_none_or(|sent| sent.status != current.status) {
        let data = serde_json::to_string(&current.status).expect("a status serializes");
        events.push(Event::default().event("status").data(data));
    }
    if let Some(history) = &current.history
        && sent.is_none_or(|sent| sent.history.as_ref() != Some(history))
    {
        events.push(Event::default().event(F::DATA_EVENT).data(&**history));
    }
    events
}

/// Follows the workflow until the last subscriber leaves, then unregisters.
async fn run_watcher<F: Feed>(
    inner: Arc<Inner<F>>,
    id: WorkflowId,
    watched: Arc<Watched<F::Status>>,
) {
    tracing::debug!(workflow_id = %id, "watching conversation");
    loop {
        tokio::select! {
            _ = watched.snapshot.closed() => {}
            _ = follow::<F>(&inner.temporal, &id, &watched) => {}
        }
        // Subscribing happens under this lock, so nobody can join between the check and
        // the removal.
        let mut registry = inner.watched.lock().expect("watchers lock");
        if watched.snapshot.receiver_count() == 0 {
            if registry
                .get(&id)
                .is_some_and(|entry| Arc::ptr_eq(entry, &watched))
            {
                registry.remove(&id);
            }
            tracing::debug!(workflow_id = %id, "stopped watching conversation");
            return;
        }
    }
}

/// Publishes the workflow's state, run after run, forever.
async fn follow<F: Feed>(temporal: &Temporal, id: &WorkflowId, watched: &Watched<F::Status>) {
    let mut retry = Backoff::default();
    // The closed run whose final state is already published: no need to query it again.
    let mut settled_run: Option<String> = None;
    loop {
        let run = match temporal.describe(id).await {
            Ok(Some(run)) => run,
            Ok(None) => {
                settled_run = None;
                let (status, state) = F::not_found(id);
                publish(watched, status, state, Some(Shown::Nothing));
                idle(watched).await;
                continue;
            }
            Err(err) => {
                publish(watched, F::unavailable(&err), None, None);
                retry.wait().await;
                continue;
            }
        };
        retry.reset();
        if run.is_open() {
            settled_run = None;
            follow_run::<F>(temporal, id, watched, &run).await;
            continue;
        }
        if settled_run.as_deref() != Some(run.run_id.as_str()) {
            if refresh::<F>(temporal, id, watched, &run, None).await {
                settled_run = Some(run.run_id.clone());
            } else {
                retry.wait().await;
                continue;
            }
        }
        idle(watched).await;
    }
}

/// Follows one open run until it closes (or its event stream breaks).
async fn follow_run<F: Feed>(
    temporal: &Temporal,
    id: &WorkflowId,
    watched: &Watched<F::Status>,
    run: &RunInfo,
) {
    // Retried attempts leave no trace in the history, so while an activity is pending the
    // run is described every RETRY_CHECK to see how its attempts are going.
    let mut retrying = run.retrying.clone();
    let mut healthy = refresh::<F>(temporal, id, watched, run, retrying.as_ref()).await;
    let events = match temporal.follow_events(id, &run.run_id) {
        Ok(events) => events,
        Err(err) => {
            publish(watched, F::unavailable(&err), None, None);
            tokio::time::sleep(Duration::from_secs(1)).await;
            return;
        }
    };
    let mut events = pin!(events.peekable());
    // Events up to here are reflected in the refresh above.
    let mut seen = run.history_length;
    // When a scheduled workflow task must have been picked up by a worker.
    let mut task_deadline: Option<Instant> = None;
    let mut dirty = false;
    let mut retry = Backoff::default();
    retry.note(healthy);
    // Activities scheduled and not yet closed, counted over the whole history.
    let mut pending_activities = 0usize;
    let mut retry_check: Option<Instant> = None;
    loop {
        let retry_at = (!healthy).then(|| Instant::now() + retry.next_delay());
        tokio::select! {
            event = events.next() => {
                let event = match event {
                    // The stream ends after the close event, which returns below; ending
                    // without one is unexpected, so pause before describing again.
                    None => {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        return;
                    }
                    Some(Err(err)) => {
                        publish(watched, F::unavailable(&err), None, None);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        return;
                    }
                    Some(Ok(event)) => event,
                };
                match event.event_type() {
                    EventType::ActivityTaskScheduled => pending_activities += 1,
                    EventType::ActivityTaskCompleted
                    | EventType::ActivityTaskFailed
                    | EventType::ActivityTaskTimedOut
                    | EventType::ActivityTaskCanceled => {
                        pending_activities = pending_activities.saturating_sub(1);
                    }
                    _ => {}
                }
                if pending_activities == 0 {
                    retry_check = None;
                } else {
                    retry_check.get_or_insert(Instant::now() + RETRY_CHECK);
                }
                if event.event_id <= seen {
                    continue;
                }
                seen = event.event_id;
                match event.event_type() {
                    EventType::WorkflowTaskScheduled => {
                        task_deadline.get_or_insert(Instant::now() + temporal.query_timeout());
                    }
                    EventType::WorkflowTaskStarted | EventType::WorkflowTaskFailed => {
                        task_deadline = None;
                    }
                    EventType::WorkflowTaskCompleted => {
                        task_deadline = None;
                        dirty = true;
                    }
                    kind if closes_run(kind) => return,
                    _ => {}
                }
                // Query once per burst of events, not once per event.
                let more_ready = events.as_mut().peek().now_or_never().is_some();
                if pending_activities == 0 && retrying.is_some() {
                    retrying = None;
                    dirty = true;
                }
                if dirty && !more_ready {
                    dirty = false;
                    healthy =
                        refresh::<F>(temporal, id, watched, run, retrying.as_ref()).await;
                    retry.note(healthy);
                }
            }
            _ = sleep_until(task_deadline) => {
                // No worker picked the task up in time: find out whether one answers at all.
                task_deadline = None;
                healthy = refresh::<F>(temporal, id, watched, run, retrying.as_ref()).await;
                retry.note(healthy);
            }
            _ = sleep_until(retry_at) => {
                healthy = refresh::<F>(temporal, id, watched, run, retrying.as_ref()).await;
                retry.note(healthy);
            }
            _ = sleep_until(retry_check) => {
                retry_check = Some(Instant::now() + RETRY_CHECK);
                let Ok(Some(now)) = temporal.describe(id).await else { continue };
                if now.run_id == run.run_id && now.retrying != retrying {
                    retrying = now.retrying;
                    healthy =
                        refresh::<F>(temporal, id, watched, run, retrying.as_ref()).await;
                    retry.note(healthy);
                }
            }
        }
    }
}

/// Reads the workflow and publishes what it says (and what is being retried); false when the
/// query got no answer.
async fn refresh<F: Feed>(
    temporal: &Temporal,
    id: &WorkflowId,
    watched: &Watched<F::Status>,
    run: &RunInfo,
    retrying: Option<&ActivityRetry>,
) -> bool {
    match F::read(temporal, id, run.status).await {
        Ok((mut status, state)) => {
            F::retrying(&mut status, retrying);
            publish(watched, status, state, Some(Shown::of(run)));
            true
        }
        Err(err) => {
            publish(watched, F::unavailable(&err), None, None);
            false
        }
    }
}

/// Replaces the snapshot if anything changed; `None` keeps the history (and owner) last
/// known.
fn publish<S: PartialEq>(
    watched: &Watched<S>,
    status: S,
    history: Option<Arc<str>>,
    shown: Option<Shown>,
) {
    watched.snapshot.send_if_modified(|current| {
        let history = history.or_else(|| current.as_ref().and_then(|s| s.history.clone()));
        let shown = shown
            .or_else(|| current.as_ref().map(|s| s.shown.clone()))
            .unwrap_or(Shown::Nothing);
        let next = Snapshot {
            status,
            history,
            shown,
        };
        if current.as_ref() == Some(&next) {
            return false;
        }
        *current = Some(next);
        true
    });
}

/// Waits for the api to start a run here, or for the next periodic check.
async fn idle<S>(watched: &Watched<S>) {
    let _ = tokio::time::timeout(IDLE_RECHECK, watched.poke.notified()).await;
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

fn closes_run(kind: EventType) -> bool {
    matches!(
        kind,
        EventType::WorkflowExecutionCompleted
            | EventType::WorkflowExecutionFailed
            | EventType::WorkflowExecutionTimedOut
            | EventType::WorkflowExecutionCanceled
            | EventType::WorkflowExecutionTerminated
            | EventType::WorkflowExecutionContinuedAsNew
    )
}

/// The state of a conversation whose query answered.
fn found(status: WorkflowExecutionStatus, history: &ConversationHistory) -> Status {
    match status {
        WorkflowExecutionStatus::Completed if reached_goal(history) => Status {
            state: ConversationState::Completed,
            detail: "The agent reached its goal; the conversation is complete.".into(),
            activity: None,
        },
        WorkflowExecutionStatus::Completed => Status {
            state: ConversationState::Ended,
            detail: "The chat was ended.".into(),
            activity: None,
        },
        _ => Status {
            state: ConversationState::Running,
            detail: "The conversation is running.".into(),
            activity: None,
        },
    }
}

/// The workflow completes either when the planner says `done` (its last message) or when
/// the user ends the chat.
fn reached_goal(history: &ConversationHistory) -> bool {
    history
        .messages
        .last()
        .is_some_and(|message| message.actor == Actor::Agent && message.response["next"] == "done")
}

fn failed(status: WorkflowExecutionStatus) -> Status {
    let how = match status {
        WorkflowExecutionStatus::Terminated => "was terminated",
        WorkflowExecutionStatus::Canceled => "was cancelled",
        WorkflowExecutionStatus::TimedOut => "timed out",
        _ => "failed",
    };
    Status {
        state: ConversationState::Failed,
        detail: format!("The conversation's workflow {how}; its history is no longer available."),
        activity: None,
    }
}

fn not_found(id: &WorkflowId) -> Status {
    Status {
        state: ConversationState::NotFound,
        detail: format!("There is no conversation {id} yet; start one with POST /start-workflow."),
        activity: None,
    }
}

fn unavailable(err: &ApiError) -> Status {
    Status {
        state: ConversationState::WorkerUnavailable,
        detail: err.to_string(),
        activity: None,
    }
}

fn empty_history() -> Arc<str> {
    Arc::from(r#"{"messages":[]}"#)
}

/// Retry delays for a watcher whose queries fail: 1 s doubling up to 5 s.
#[derive(Default)]
struct Backoff {
    failures: u32,
}

impl Backoff {
    fn next_delay(&self) -> Duration {
        Duration::from_secs(1u64 << self.failures.min(3)).min(Duration::from_secs(5))
    }

    async fn wait(&mut self) {
        tokio::time::sleep(self.next_delay()).await;
        self.failures += 1;
    }

    fn reset(&mut self) {
        self.failures = 0;
    }

    /// Counts a failed attempt, or starts over after a success.
    fn note(&mut self, succeeded: bool) {
        if succeeded {
            self.reset();
        } else {
            self.failures += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::{Actor, Message};
    use serde_json::json;

    fn snapshot(state: ConversationState, history: Option<&str>) -> Snapshot<Status> {
        Snapshot {
            status: Status {
                state,
                detail: String::new(),
                activity: None,
            },
            history: history.map(Arc::from),
            shown: Shown::Nothing,
        }
    }

    #[test]
    fn a_new_subscriber_gets_status_and_history() {
        let events =
            changes::<Conversations>(None, &snapshot(ConversationState::Running, Some("{}")));
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn only_what_changed_is_sent_again() {
        let before = snapshot(ConversationState::Running, Some(r#"{"messages":[]}"#));
        let grown = snapshot(ConversationState::Running, Some(r#"{"messages":[1]}"#));
        assert_eq!(changes::<Conversations>(Some(&before), &grown).len(), 1);
        assert!(changes::<Conversations>(Some(&grown), &grown).is_empty());
        let unavailable = snapshot(
            ConversationState::WorkerUnavailable,
            Some(r#"{"messages":[1]}"#),
        );
        assert_eq!(
            changes::<Conversations>(Some(&grown), &unavailable).len(),
            1
        );
    }

    #[test]
    fn status_events_use_the_wire_names() {
        let status = Status {
            state: ConversationState::WorkerUnavailable,
            detail: "no worker".into(),
            activity: None,
        };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            json!({"state": "worker_unavailable", "detail": "no worker"})
        );
    }

    #[test]
    fn a_completed_run_is_ended_unless_the_agent_said_done() {
        let mut history = ConversationHistory::default();
        history.push(Actor::Agent, json!({"next": "question", "response": "hi"}));
        assert_eq!(
            found(WorkflowExecutionStatus::Completed, &history).state,
            ConversationState::Ended
        );
        history.messages.push(Message::new(
            Actor::Agent,
            json!({"next": "done", "response": "bye"}),
        ));
        assert_eq!(
            found(WorkflowExecutionStatus::Completed, &history).state,
            ConversationState::Completed
        );
        assert_eq!(
            found(WorkflowExecutionStatus::Running, &history).state,
            ConversationState::Running
        );
    }

    fn owned_by(owner: Option<&str>) -> Option<Snapshot<Status>> {
        let mut snapshot = snapshot(ConversationState::Running, Some("{}"));
        snapshot.shown = Shown::Owned(owner.map(Arc::from));
        Some(snapshot)
    }

    fn user(name: &str) -> Caller {
        Caller::User(crate::auth::UserId::parse(name).unwrap())
    }

    async fn passed(viewer: Caller, snapshot: Option<Snapshot<Status>>) -> usize {
        let (_sender, receiver) = watch::channel(snapshot);
        let deltas = stream::iter((0..3).map(|n| Ok(Event::default().data(n.to_string()))));
        tokio::time::timeout(
            Duration::from_secs(1),
            visible_extra(deltas, receiver, viewer).count(),
        )
        .await
        .expect("the deltas end")
    }

    #[tokio::test]
    async fn reply_text_reaches_only_the_owner_or_everyone_with_auth_off() {
        assert_eq!(passed(user("alice"), owned_by(Some("alice"))).await, 3);
        assert_eq!(passed(user("bob"), owned_by(Some("alice"))).await, 0);
        assert_eq!(
            passed(user("bob"), owned_by(None)).await,
            0,
            "started with auth off"
        );
        assert_eq!(passed(Caller::Anyone, owned_by(Some("alice"))).await, 3);
        assert_eq!(passed(Caller::Anyone, None).await, 3);
    }

    #[tokio::test]
    async fn reply_text_waits_until_the_watcher_has_seen_whose_run_it_is() {
        let (sender, receiver) = watch::channel(Some(snapshot(ConversationState::NotFound, None)));
        let deltas = stream::iter((0..2).map(|n| Ok(Event::default().data(n.to_string()))));
        let mut held = Box::pin(visible_extra(deltas, receiver, user("alice")));
        let early = tokio::time::timeout(Duration::from_millis(200), held.next()).await;
        assert!(early.is_err(), "nothing passes before the owner is known");
        sender.send_replace(owned_by(Some("alice")));
        assert_eq!(held.count().await, 2);
    }

    #[test]
    fn a_stranger_is_sent_what_an_unused_id_shows() {
        let owned = owned_by(Some("alice")).unwrap();
        assert!(owned.shown.visible_to(&user("alice")));
        assert!(!owned.shown.visible_to(&user("bob")));
        assert!(Shown::Nothing.visible_to(&user("bob")));
    }

    #[test]
    fn backoff_grows_to_five_seconds() {
        let mut backoff = Backoff::default();
        let mut delays = Vec::new();
        for _ in 0..5 {
            delays.push(backoff.next_delay().as_secs());
            backoff.failures += 1;
        }
        assert_eq!(delays, [1, 2, 4, 5, 5]);
    }
}
