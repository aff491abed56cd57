//! The HTTP side: routes, shared state, and [`LlmServer`], the handle tests start and stop.
//!
//! Routes:
//! - `POST /v1/chat/completions` — the OpenAI-compatible endpoint the agent's activities call.
//! - `GET /v1/models`, `GET /v1/models/{id}`, `GET /health`.
//! - `/admin/*` — rules, faults, latency and the request log, for processes that cannot call
//!   the library (run scripts, benchmarks). They answer direct loopback connections only.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::conversation::{STEP_HEADER, Step, Turn};
use crate::demo;
use crate::error::ApiError;
use crate::faults::{Fault, Faults};
use crate::openai::{self, ChatMessage, ChatRequest};
use crate::record::{AnsweredBy, RecordedRequest, Recorder};
use crate::script::{Fallback, Rule, RuleSet, Script};

/// The model id served when none is configured.
pub const DEFAULT_MODEL: &str = "demo-trip-agent";
/// The binary's default port.
pub const DEFAULT_PORT: u16 = 8100;
/// Agent prompts carry the whole (windowed) history; allow well beyond axum's 2 MB default.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Everything a server starts with; all of it can be changed at runtime except the address
/// and the model ids.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; the default `127.0.0.1:0` picks a free port.
    pub addr: SocketAddr,
    /// Model ids listed by `/v1/models`. Chat requests may name any model.
    pub models: Vec<String>,
    /// Scripted rules; empty means demo mode.
    pub rules: Vec<Rule>,
    pub fallback: Fallback,
    /// Added to every chat call before it answers: for a streamed answer, the time to its
    /// first token.
    pub latency: Duration,
    /// Replaces `latency` for the validator's calls (models often judge faster than they plan).
    pub validator_latency: Option<Duration>,
    /// Between two streamed tokens (about four characters each): 1 / tokens per second.
    pub token_interval: Duration,
    /// How many requests the log keeps (oldest dropped first).
    pub max_recorded: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            models: vec![DEFAULT_MODEL.to_owned()],
            rules: Vec::new(),
            fallback: Fallback::None,
            latency: Duration::ZERO,
            validator_latency: None,
            token_interval: Duration::ZERO,
            max_recorded: 10_000,
        }
    }
}

/// Shared, runtime-adjustable server state. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    models: Vec<String>,
    script: Mutex<Script>,
    faults: Mutex<Faults>,
    latency_ms: AtomicU64,
    validator_latency: Option<Duration>,
    token_interval: Duration,
    recorder: Mutex<Recorder>,
    next_seq: AtomicU64,
}

/// Locks a mutex, recovering from poisoning: a panicking request must not take the test
/// server down with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn new(config: &Config) -> Self {
        let mut script = Script::default();
        script.set(config.rules.clone());
        script.fallback = config.fallback;
        let models = if config.models.is_empty() {
            vec![DEFAULT_MODEL.to_owned()]
        } else {
            config.models.clone()
        };
        AppState {
            inner: Arc::new(Inner {
                models,
                script: Mutex::new(script),
                faults: Mutex::new(Faults::default()),
                latency_ms: AtomicU64::new(duration_ms(config.latency)),
                validator_latency: config.validator_latency,
                token_interval: config.token_interval,
                recorder: Mutex::new(Recorder::new(config.max_recorded)),
                next_seq: AtomicU64::new(1),
            }),
        }
    }

    /// Replaces the scripted rules; an empty list returns to demo mode.
    pub fn set_rules(&self, rules: Vec<Rule>) {
        lock(&self.inner.script).set(rules);
    }

    /// Replaces the rules and, when the set names one, the fallback.
    pub fn set_rule_set(&self, set: RuleSet) {
        let mut script = lock(&self.inner.script);
        script.set(set.rules);
        if let Some(fallback) = set.fallback {
            script.fallback = fallback;
        }
    }

    /// Adds a rule after the existing ones (and so switches to scripted mode).
    pub fn push_rule(&self, rule: Rule) {
        lock(&self.inner.script).push(rule);
    }

    pub fn set_fallback(&self, fallback: Fallback) {
        lock(&self.inner.script).fallback = fallback;
    }

    /// Queues a fault; it applies to the next matching calls.
    pub fn inject(&self, fault: Fault) {
        lock(&self.inner.faults).push(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.inner.faults).pending().to_vec()
    }

    /// Delay added to every chat call from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.inner
            .latency_ms
            .store(duration_ms(latency), Ordering::Relaxed);
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.inner.latency_ms.load(Ordering::Relaxed))
    }

    /// Every chat call recorded so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.recorder).all()
    }

    pub fn clear_requests(&self) -> usize {
        lock(&self.inner.recorder).clear()
    }

    pub fn models(&self) -> &[String] {
        &self.inner.models
    }

    fn mode(&self) -> &'static str {
        if lock(&self.inner.script).is_scripted() {
            "scripted"
        } else {
            "demo"
        }
    }

    /// Decides the answer to one chat call: faults, then rules, then the demo agent.
    async fn answer(
        &self,
        step: Step,
        messages: &[ChatMessage],
    ) -> (AnsweredBy, Result<String, ApiError>) {
        let latency = match (step, self.inner.validator_latency) {
            (Step::Validator, Some(latency)) => latency,
            _ => self.latency(),
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let fault = lock(&self.inner.faults).take(step);
        match fault {
            Some(Fault::Fail {
                status,
                retry_after,
                body,
                ..
            }) => {
                return (
                    AnsweredBy::FailFault { status },
                    Err(ApiError::Injected {
                        status,
                        retry_after,
                        body,
                    }),
                );
            }
            Some(Fault::Prose { text, .. }) => return (AnsweredBy::ProseFault, Ok(text)),
            None => {}
        }
        let turn = Turn::parse(step, messages);
        let (scripted, fallback, matched) = {
            let mut script = lock(&self.inner.script);
            let matched = if script.is_scripted() {
                script.take(&turn)
            } else {
                None
            };
            (script.is_scripted(), script.fallback, matched)
        };
        if let Some(matched) = matched {
            let by = AnsweredBy::Rule {
                index: matched.index,
                name: matched.rule.name.clone(),
            };
            return match matched.rule.status {
                Some(status) => (
                    by,
                    Err(ApiError::Injected {
                        status,
                        retry_after: matched.rule.retry_after.clone(),
                        body: matched.rule.reply.clone(),
                    }),
                ),
                None => (by, Ok(matched.rule.content())),
            };
        }
        if scripted && fallback == Fallback::None {
            return (
                AnsweredBy::NoRuleMatched,
                Err(ApiError::NoRuleMatched { step }),
            );
        }
        (AnsweredBy::Demo, Ok(demo::answer(&turn)))
    }

    fn record(&self, request: RecordedRequest) {
        lock(&self.inner.recorder).push(request);
    }

    fn next_seq(&self) -> u64 {
        self.inner.next_seq.fetch_add(1, Ordering::Relaxed)
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// All routes, for mounting in another binary. The admin routes need the peer address: serve
/// with `into_make_service_with_connect_info::<SocketAddr>()`, or they refuse every call.
pub fn router(state: AppState) -> Router {
    let admin = Router::new()
        .route(
            "/rules",
            get(admin_get_rules)
                .put(admin_put_rules)
                .post(admin_push_rules),
        )
        .route(
            "/faults",
            get(admin_get_faults)
                .post(admin_add_faults)
                .delete(admin_clear_faults),
        )
        .route("/latency", get(admin_get_latency).post(admin_set_latency))
        .route(
            "/requests",
            get(admin_get_requests).delete(admin_clear_requests),
        )
        .layer(middleware::from_fn(loopback_only));
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .route("/v1/models", get(list_models))
        .route("/v1/models/{id}", get(get_model))
        .route("/health", get(health))
        .nest("/admin", admin)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn chat_completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let received_at = Utc::now();
    let has_authorization = headers.contains_key(header::AUTHORIZATION);
    let step_header = headers
        .get(STEP_HEADER)
        .map(|v| v.to_str().unwrap_or("(not text)").to_owned());

    let (step, request, checked) = parse_chat(step_header.as_deref(), &body);
    let (by, outcome) = match checked {
        Ok(()) => state.answer(step, &request.messages).await,
        Err(error) => (
            AnsweredBy::InvalidRequest {
                message: error.to_string(),
            },
            Err(error),
        ),
    };
    let ChatRequest {
        model,
        messages,
        stream,
        stream_options,
    } = request;

    let seq = state.next_seq();
    let mut reported = None;
    let response = match outcome {
        Ok(content) => {
            let served_model = model
                .clone()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| state.models()[0].clone());
            let prompt_chars = messages.iter().map(|m| m.content.chars().count()).sum();
            let usage = openai::Usage::estimate(prompt_chars, &content);
            if stream == Some(true) {
                let with_usage = stream_options.is_some_and(|o| o.include_usage);
                reported = with_usage.then_some(usage);
                streamed(
                    StreamedAnswer {
                        seq,
                        created: received_at.timestamp(),
                        model: served_model,
                        content,
                        usage: reported,
                    },
                    state.inner.token_interval,
                )
            } else {
                reported = Some(usage);
                Json(openai::completion(
                    seq,
                    received_at.timestamp(),
                    &served_model,
                    usage,
                    &content,
                ))
                .into_response()
            }
        }
        Err(error) => error.into_response(),
    };
    let status = response.status().as_u16();
    let elapsed_ms = duration_ms(started.elapsed());
    tracing::info!(
        step = %step,
        status,
        latency_ms = elapsed_ms,
        answered_by = %by.label(),
        "chat completion"
    );
    state.record(RecordedRequest {
        seq,
        received_at,
        step,
        model,
        messages,
        has_authorization,
        answered_by: by,
        status,
        elapsed_ms,
        usage: reported,
    });
    response
}

/// An answer to send as server-sent chunks.
struct StreamedAnswer {
    seq: u64,
    created: i64,
    model: String,
    content: String,
    /// The usage chunk to send before `[DONE]`, when the request asked for it.
    usage: Option<openai::Usage>,
}

/// The answer as `text/event-stream`: a chunk per token, `interval` apart, then the closing
/// chunk, the usage chunk when asked for, and `data: [DONE]`.
fn streamed(answer: StreamedAnswer, interval: Duration) -> Response {
    let StreamedAnswer {
        seq,
        created,
        model,
        content,
        usage,
    } = answer;
    let mut events: Vec<(Duration, Value)> = openai::token_pieces(&content)
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            let wait = if i == 0 { Duration::ZERO } else { interval };
            (wait, openai::chunk(seq, created, &model, Some(piece)))
        })
        .collect();
    events.push((Duration::ZERO, openai::chunk(seq, created, &model, None)));
    if let Some(usage) = usage {
        events.push((
            Duration::ZERO,
            openai::usage_chunk(seq, created, &model, usage),
        ));
    }
    let frames = futures::stream::iter(events)
        .then(|(wait, chunk)| async move {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            Ok::<_, std::convert::Infallible>(Bytes::from(format!("data: {chunk}\n\n")))
        })
        .chain(futures::stream::once(async {
            Ok(Bytes::from_static(b"data: [DONE]\n\n"))
        }));
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(axum::body::Body::from_stream(frames))
        .expect("a streaming response builds")
}

/// Reads the step header and body. What could be read is returned even when the request is
/// invalid, so the log shows what was sent.
fn parse_chat(step_header: Option<&str>, body: &[u8]) -> (Step, ChatRequest, Result<(), ApiError>) {
    let request = serde_json::from_slice::<ChatRequest>(body);
    let step = match step_header.map(str::parse::<Step>).transpose() {
        Ok(step) => step.unwrap_or_default(),
        Err(message) => {
            let request = request.unwrap_or_default();
            return (
                Step::default(),
                request,
                Err(ApiError::bad_request(message, None)),
            );
        }
    };
    let request = match request {
        Ok(request) => request,
        Err(err) => {
            let error = ApiError::bad_request(
                format!("the request body is not a valid chat request: {err}"),
                None,
            );
            return (step, ChatRequest::default(), Err(error));
        }
    };
    let checked = if request.messages.is_empty() {
        Err(ApiError::bad_request(
            "messages must hold at least one message",
            Some("messages"),
        ))
    } else {
        Ok(())
    };
    (step, request, checked)
}

async fn list_models(State(state): State<AppState>) -> Json<Value> {
    Json(openai::model_list(state.models()))
}

async fn get_model(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if state.models().contains(&id) {
        Ok(Json(openai::model_entry(&id)))
    } else {
        Err(ApiError::NotFound(format!(
            "the model {id:?} does not exist"
        )))
    }
}

async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"status": "ok", "mode": state.mode(), "models": state.models()}))
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint".to_owned())
}

// --- admin -----------------------------------------------------------------------------------

/// Lets through only direct connections from this machine. A forwarding header means a proxy
/// relayed the call, so the real caller may be anywhere: refused too.
async fn loopback_only(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded = request.headers().contains_key(header::FORWARDED)
        || request.headers().contains_key("x-forwarded-for");
    match peer {
        Some(ip) if is_loopback(ip) && !forwarded => next.run(request).await,
        _ => ApiError::AdminForbidden.into_response(),
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(v6.is_loopback(), |v4| v4.is_loopback()),
    }
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}"), None))
}

fn rules_view(state: &AppState) -> Value {
    let script = lock(&state.inner.script);
    json!({
        "mode": if script.is_scripted() { "scripted" } else { "demo" },
        "fallback": script.fallback,
        "rules": script.slots(),
    })
}

async fn admin_get_rules(State(state): State<AppState>) -> Json<Value> {
    Json(rules_view(&state))
}

async fn admin_put_rules(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let set = RuleSet::from_json(&body).map_err(|err| ApiError::bad_request(err, None))?;
    state.set_rule_set(set);
    Ok(Json(rules_view(&state)))
}

/// One rule or an array of rules, appended.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(items) => items,
            OneOrMany::One(item) => vec![item],
        }
    }
}

async fn admin_push_rules(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let rules = json_body::<OneOrMany<Rule>>(&body)?.into_vec();
    for (index, rule) in rules.iter().enumerate() {
        rule.check()
            .map_err(|err| ApiError::bad_request(format!("rule {index}: {err}"), None))?;
    }
    for rule in rules {
        state.push_rule(rule);
    }
    Ok(Json(rules_view(&state)))
}

async fn admin_get_faults(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"pending": state.pending_faults()}))
}

async fn admin_add_faults(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let faults = json_body::<OneOrMany<Fault>>(&body)?.into_vec();
    for (index, fault) in faults.iter().enumerate() {
        fault
            .check()
            .map_err(|err| ApiError::bad_request(format!("fault {index}: {err}"), None))?;
    }
    for fault in faults {
        state.inject(fault);
    }
    Ok(Json(json!({"pending": state.pending_faults()})))
}

async fn admin_clear_faults(State(state): State<AppState>) -> StatusCode {
    state.clear_faults();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Latency {
    ms: u64,
}

async fn admin_get_latency(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"ms": duration_ms(state.latency())}))
}

async fn admin_set_latency(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let latency: Latency = json_body(&body)?;
    state.set_latency(Duration::from_millis(latency.ms));
    Ok(Json(json!({"ms": latency.ms})))
}

async fn admin_get_requests(State(state): State<AppState>) -> Json<Vec<RecordedRequest>> {
    Json(state.requests())
}

async fn admin_clear_requests(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"cleared": state.clear_requests()}))
}

// --- the handle --------------------------------------------------------------------------------

/// A running server. Stops on [`LlmServer::shutdown`] or when dropped.
pub struct LlmServer {
    state: AppState,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl LlmServer {
    /// Binds `config.addr` (a free loopback port by default) and serves in the background.
    pub async fn start(config: Config) -> io::Result<LlmServer> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let state = AppState::new(&config);
        let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "demo LLM server listening");
        Ok(LlmServer {
            state,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What an OpenAI client takes as its base URL, e.g. `http://127.0.0.1:41234/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The server's root, for `/health` and `/admin/*`.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn set_rules(&self, rules: Vec<Rule>) {
        self.state.set_rules(rules);
    }

    pub fn push_rule(&self, rule: Rule) {
        self.state.push_rule(rule);
    }

    pub fn set_fallback(&self, fallback: Fallback) {
        self.state.set_fallback(fallback);
    }

    pub fn inject(&self, fault: Fault) {
        self.state.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.state.set_latency(latency);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// Stops accepting calls, lets calls in flight finish (up to five seconds), then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            match tokio::time::timeout(Duration::from_secs(5), &mut task).await {
                Ok(Ok(Err(err))) => {
                    tracing::warn!(error = %err, "demo LLM server stopped with an error")
                }
                Ok(_) => {}
                Err(_) => task.abort(),
            }
        }
        tracing::info!(addr = %self.addr, "demo LLM server stopped");
    }
}

impl Drop for LlmServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
