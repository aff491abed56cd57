//! `GET /metrics`: the api's own Prometheus metrics, in the text exposition format.
//!
//! | Family | Labels | What |
//! |---|---|---|
//! | `api_requests_total` | `method`, `route`, `status` | requests answered |
//! | `api_request_seconds` | `method`, `route`, `status` | time to the response head (an event stream's lifetime is not counted) |
//! | `api_event_streams_open` | | `/events` and `/email/events` streams open now |
//! | `api_watched_workflows` | | conversations and emails the api is following for those streams |
//!
//! `route` is the route as declared (`/send-prompt`), never the raw path, so the label set
//! stays small; anything the UI fallback serves is `ui`.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use crate::AppState;

/// The api's metrics and the registry that renders them.
pub struct ApiMetrics {
    registry: Registry,
    requests: IntCounterVec,
    seconds: HistogramVec,
    streams: IntGauge,
    watched: IntGauge,
}

impl Default for ApiMetrics {
    fn default() -> Self {
        let labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "api_requests_total",
                "Requests answered, by route and status",
            ),
            &labels,
        )
        .expect("a valid counter");
        let seconds = HistogramVec::new(
            HistogramOpts::new(
                "api_request_seconds",
                "Seconds until the response head, by route and status",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &labels,
        )
        .expect("a valid histogram");
        let streams = IntGauge::new("api_event_streams_open", "Event streams open now")
            .expect("a valid gauge");
        let watched = IntGauge::new(
            "api_watched_workflows",
            "Workflows followed for open event streams",
        )
        .expect("a valid gauge");
        let registry = Registry::new();
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(seconds.clone()),
            Box::new(streams.clone()),
            Box::new(watched.clone()),
        ] {
            registry
                .register(collector)
                .expect("each family is registered once");
        }
        Self {
            registry,
            requests,
            seconds,
            streams,
            watched,
        }
    }
}

impl ApiMetrics {
    /// Counts one answered request.
    fn observe(&self, method: &str, route: &str, status: u16, started: Instant) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.seconds
            .with_label_values(&labels)
            .observe(started.elapsed().as_secs_f64());
    }

    /// Counts an event stream as open until the returned guard is dropped.
    pub fn stream_opened(&self) -> OpenStream {
        self.streams.inc();
        OpenStream(self.streams.clone())
    }

    /// Every family in the Prometheus text format; `watched` is sampled now.
    fn render(&self, watched: usize) -> String {
        self.watched.set(watched as i64);
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .expect("encoding into memory cannot fail");
        String::from_utf8(text).expect("the text format is UTF-8")
    }
}

/// An open event stream, counted until dropped.
pub struct OpenStream(IntGauge);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware: counts and times every request by its declared route.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "ui".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    state
        .metrics
        .observe(&method, &route, response.status().as_u16(), started);
    response
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "meta",
    summary = "The api's metrics (Prometheus text)",
    description = "Requests by route and status, their latencies, and open event streams, in \
        the Prometheus text exposition format.",
    responses(
        (status = 200, description = "Prometheus text", content_type = "text/plain", body = String),
    )
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let watched = state.watchers.active() + state.email_watchers.active();
    (
        [(
            header::CONTENT_TYPE,
            TextEncoder::new().format_type().to_owned(),
        )],
        state.metrics.render(watched),
    )
}
