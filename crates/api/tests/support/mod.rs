//! The api under test: started in-process on a free loopback port with its real settings
//! code, talking to a real Temporal (and, through a `testkit::Stack`, a real worker), and
//! driven over real HTTP with reqwest. Also a small Server-Sent Events reader.

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::{collections::HashMap, path::Path, pin::Pin, time::Duration};

use api::{AppState, Settings};
use futures::{Stream, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use settings::Env;
use temporalio_client::{Client, WorkflowDescribeOptions};
use testkit::{Stack, wait_until};
use workflows::AgentGoalWorkflow;

/// The origin the test api allows for CORS.
pub const UI_ORIGIN: &str = "http://localhost:5173";

pub struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    pub state: AppState,
    /// Where the api looks for the built UI.
    pub frontend_dist: std::path::PathBuf,
    /// Dropping it (or [`TestApp::stop`]) shuts the server down gracefully.
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// What a test can change before the api starts.
pub struct AppOptions<'a> {
    pub temporal_address: &'a str,
    pub task_queue: &'a str,
    pub query_timeout: Duration,
    pub frontend_dist: Option<&'a Path>,
    /// The NATS live reply text comes from (default: none, so replies arrive whole).
    pub nats_url: Option<&'a str>,
    /// More settings, over the ones above (`API_AUTH`, `RATE_LIMIT_*`, ...).
    pub env: Vec<(&'a str, String)>,
}

impl<'a> AppOptions<'a> {
    pub fn new(temporal_address: &'a str, task_queue: &'a str) -> Self {
        Self {
            temporal_address,
            task_queue,
            query_timeout: Duration::from_secs(5),
            frontend_dist: None,
            nats_url: None,
            env: Vec::new(),
        }
    }
}

impl TestApp {
    /// The api in front of `stack`'s worker, once it has connected to Temporal.
    pub async fn for_stack(stack: &Stack) -> Self {
        let app = Self::spawn(AppOptions::new(&stack.address, &stack.task_queue)).await;
        app.wait_until_connected().await;
        app
    }

    /// Starts the api; it may still be connecting to Temporal when this returns.
    pub async fn spawn(options: AppOptions<'_>) -> Self {
        let dist = options
            .frontend_dist
            .map(Path::to_path_buf)
            .unwrap_or_else(|| std::env::temp_dir().join("api-tests-no-ui-here"));
        let mut vars: HashMap<&str, String> = HashMap::from([
            ("TEMPORAL_ADDRESS", options.temporal_address.to_owned()),
            ("TEMPORAL_TASK_QUEUE", options.task_queue.to_owned()),
            ("API_HOST", "127.0.0.1".to_owned()),
            ("API_PORT", "0".to_owned()),
            ("CORS_ORIGINS", UI_ORIGIN.to_owned()),
            ("LLM_MODEL", "demo/trip-agent".to_owned()),
            ("FRONTEND_DIST", dist.display().to_string()),
            (
                "GOALS_DIR",
                testkit::workspace_root()
                    .join("goals")
                    .display()
                    .to_string(),
            ),
            (
                "NATS_URL",
                options.nats_url.unwrap_or(testkit::NO_NATS).to_owned(),
            ),
        ]);
        vars.extend(options.env);
        let mut settings =
            Settings::from_env(&Env::from_pairs(vars)).expect("test settings are valid");
        settings.query_timeout = options.query_timeout;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let goals = settings.load_goals().expect("the repository's goals load");
        let bus = reply_bus::ReplyBus::connect(settings.bus.clone(), Default::default()).await;
        let state = AppState::new(settings, goals, bus).expect("the test auth settings work");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(api::serve(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        Self {
            base_url,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            state,
            frontend_dist: dist,
            stop,
            server,
        }
    }

    /// Shuts the server down as Ctrl-C would; fails if it takes longer than `within`.
    pub async fn stop(self, within: Duration) -> std::io::Result<()> {
        let _ = self.stop.send(());
        tokio::time::timeout(within, self.server)
            .await
            .expect("the server stops in time")
            .expect("the server task does not panic")
    }

    pub async fn wait_until_connected(&self) {
        wait_until(
            "the api to connect to Temporal",
            Duration::from_secs(30),
            || async {
                let health = self.get("/health", &[]).await;
                let connected = health.1["temporal"] == "connected";
                (connected.then_some(()), health.1.to_string())
            },
        )
        .await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method, self.url(path))
            .query(query)
            .send()
            .await
            .expect("the api answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON: {text}"));
        (status, body)
    }

    /// `POST path` with `body` as its JSON body.
    pub async fn post_json(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: &Value,
    ) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url(path))
            .query(query)
            .json(body)
            .send()
            .await
            .expect("the api answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON: {text}"));
        (status, body)
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
        self.request(Method::GET, path, query).await
    }

    pub async fn post(&self, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
        self.request(Method::POST, path, query).await
    }

    /// `POST path` that must succeed; returns the body.
    pub async fn post_ok(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let (status, body) = self.post(path, query).await;
        assert_eq!(status, StatusCode::OK, "POST {path} {query:?}: {body}");
        body
    }

    pub async fn history(&self, id: &str) -> (StatusCode, Value) {
        self.get("/get-conversation-history", &[("workflow_id", id)])
            .await
    }

    /// Polls the history endpoint until `done` holds for the messages.
    pub async fn wait_for_messages(
        &self,
        id: &str,
        what: &str,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        wait_until(what, Duration::from_secs(60), || async {
            let (status, body) = self.history(id).await;
            match body["messages"].as_array() {
                Some(messages) if status == StatusCode::OK && done(messages) => {
                    (Some(messages.clone()), String::new())
                }
                _ => (None, format!("{status}: {body}")),
            }
        })
        .await
    }

    /// Waits until the conversation has `count` messages from `actor`.
    pub async fn wait_for_actor(&self, id: &str, actor: &str, count: usize) -> Vec<Value> {
        self.wait_for_messages(
            id,
            &format!("{count} {actor} messages in {id}"),
            |messages| count_actor(messages, actor) >= count,
        )
        .await
    }

    /// Opens `/events` for a conversation.
    pub async fn events(&self, id: &str) -> EventReader {
        self.event_stream("/events", id).await
    }

    /// Opens an event stream (`/events`, `/email/events`) for a workflow.
    pub async fn event_stream(&self, path: &str, id: &str) -> EventReader {
        self.event_stream_after(path, id, None).await
    }

    /// Reopens `/events` as a browser resuming does: with `Last-Event-ID`.
    pub async fn events_after(&self, id: &str, last_event_id: &str) -> EventReader {
        self.event_stream_after("/events", id, Some(last_event_id))
            .await
    }

    async fn event_stream_after(
        &self,
        path: &str,
        id: &str,
        last_event_id: Option<&str>,
    ) -> EventReader {
        let mut request = self.http.get(self.url(path)).query(&[("workflow_id", id)]);
        if let Some(last) = last_event_id {
            request = request.header("Last-Event-ID", last);
        }
        open_stream(request).await
    }
}

/// Sends `request` (a `GET` of an event stream) and reads the stream it opens.
pub async fn open_stream(request: reqwest::RequestBuilder) -> EventReader {
    let response = request
        .timeout(Duration::from_secs(3600))
        .send()
        .await
        .expect("the event stream opens");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    EventReader {
        body: Box::pin(
            response
                .bytes_stream()
                .map(|chunk| chunk.map(|bytes| bytes.to_vec())),
        ),
        buffer: String::new(),
    }
}

pub fn count_actor(messages: &[Value], actor: &str) -> usize {
    messages.iter().filter(|m| m["actor"] == actor).count()
}

/// Temporal's own count of a workflow's events: grows with any signal, update or start.
pub async fn event_count(client: &Client, id: &str) -> usize {
    client
        .get_workflow_handle::<AgentGoalWorkflow>(id)
        .describe(WorkflowDescribeOptions::default())
        .await
        .expect("describe")
        .history_length()
}

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub event: String,
    /// The `id:` field, if the event has one (`delta` events do).
    pub id: Option<String>,
    pub data: Value,
}

/// Reads a `text/event-stream` body event by event, skipping comments (keep-alives).
pub struct EventReader {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Vec<u8>>> + Send>>,
    buffer: String,
}

impl EventReader {
    /// The next event, or `None` when the stream ends.
    pub async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_block(&block) {
                    return Some(event);
                }
                continue;
            }
            let chunk = self.body.next().await?.expect("the stream reads");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Skips events until one satisfies `wanted`; panics after `timeout`.
    pub async fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        mut wanted: impl FnMut(&SseEvent) -> bool,
    ) -> SseEvent {
        let mut seen = Vec::new();
        let found = tokio::time::timeout(timeout, async {
            while let Some(event) = self.next().await {
                if wanted(&event) {
                    return Some(event);
                }
                seen.push(format!("{}: {}", event.event, event.data));
            }
            None
        })
        .await;
        match found {
            Ok(Some(event)) => event,
            Ok(None) => panic!("the stream ended before {what}; saw:\n{}", seen.join("\n")),
            Err(_) => panic!("no {what} within {timeout:?}; saw:\n{}", seen.join("\n")),
        }
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = None;
    let mut id = None;
    let mut data = Vec::new();
    for line in block.lines() {
        if let Some(name) = line.strip_prefix("event:") {
            event = Some(name.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("id:") {
            id = Some(value.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
        }
    }
    let event = event?;
    let data = serde_json::from_str(&data.join("\n")).expect("event data is JSON");
    Some(SseEvent { event, id, data })
}

/// Fetches a Prometheus text page.
pub async fn scrape(url: &str) -> String {
    let response = reqwest::get(url)
        .await
        .expect("the metrics endpoint answers");
    assert_eq!(response.status(), StatusCode::OK, "GET {url}");
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

/// The sum of the samples of `name` whose labels include every pair of `labels`; `None`
/// when the page has no such sample.
pub fn metric_sum(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut total = None;
    for line in page.lines().filter(|line| !line.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (series_name, series_labels) = match series.split_once('{') {
            Some((series_name, rest)) => (series_name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        if series_name != name {
            continue;
        }
        let matches = labels.iter().all(|(key, wanted)| {
            series_labels
                .split(',')
                .any(|pair| pair == format!("{key}=\"{wanted}\""))
        });
        if matches {
            *total.get_or_insert(0.0) += value.parse::<f64>().expect("a sample value");
        }
    }
    total
}
