//! The HTTP API: the only way browsers and scripts talk to the agent.
//!
//! Each conversation is one `AgentGoalWorkflow` in Temporal, and each email of the email
//! assistant (`/email/...`) one `EmailAgentWorkflow`; this crate holds no agent logic. It turns HTTP requests into Temporal operations (start, signal, update, query),
//! pushes conversation changes to browsers over Server-Sent Events, and serves the built
//! React UI. A request flows through:
//!
//! - `routes/`: one handler per endpoint, which validates input into the newtypes of
//!   [`domain`] and calls
//! - [`temporal::Temporal`]: the connection (made and retried in the background) and one
//!   method per conversation operation, mapping Temporal's errors to
//! - [`error::ApiError`]: the single place an error becomes a status and `{"detail": ...}`.
//!
//! [`events`] keeps one watcher per conversation however many browsers listen, woken by
//! Temporal's long poll on the workflow's history rather than a timer.

pub mod auth;
pub mod domain;
pub mod error;
pub mod events;
pub mod metrics;
pub mod openapi;
pub mod prices;
mod routes;
pub mod settings;
mod spans;
pub mod temporal;

use std::{future::Future, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, Method, header},
    response::Response,
    routing::{get, post},
};
use tokio::{net::TcpListener, sync::watch};
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    trace::TraceLayer,
};
use tracing::{Span, field::Empty};

pub use crate::settings::{CorsOrigins, Settings};
use crate::{
    events::{Watchers, email::Emails},
    temporal::{Goals, Temporal},
};
use goals::GoalCatalog;

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub temporal: Arc<Temporal>,
    /// Conversations' event streams.
    pub watchers: Watchers,
    /// Emails' event streams.
    pub email_watchers: Watchers<Emails>,
    /// Live reply text from the worker (off when NATS is unreachable).
    pub bus: reply_bus::ReplyBus,
    pub shutdown: Shutdown,
    /// What `GET /metrics` reports.
    pub metrics: Arc<metrics::ApiMetrics>,
    /// Who may call, and how much.
    pub auth: Arc<auth::Auth>,
}

impl AppState {
    /// Builds the state and starts connecting to Temporal in the background. New
    /// conversations pursue a goal of `goals` (`AGENT_GOAL` unless the request names one).
    /// Fails when the auth mode's configuration cannot be read (a tokens file).
    pub fn new(
        settings: Settings,
        goals: GoalCatalog,
        bus: reply_bus::ReplyBus,
    ) -> anyhow::Result<Self> {
        let auth = Arc::new(auth::Auth::new(&settings.auth)?);
        let temporal = Temporal::connect_in_background(
            settings.temporal.clone(),
            Goals::new(goals, &settings.default_goal),
            settings.query_timeout,
            auth.is_on(),
        );
        Ok(Self {
            watchers: Watchers::new(temporal.clone()),
            email_watchers: Watchers::new(temporal.clone()),
            temporal,
            settings: Arc::new(settings),
            bus,
            shutdown: Shutdown::default(),
            metrics: Arc::default(),
            auth,
        })
    }
}

/// Tells long-lived responses (event streams) that the server is stopping, so a graceful
/// shutdown does not wait for browsers to hang up.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Self(Arc::new(watch::channel(false).0))
    }
}

impl Shutdown {
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    /// Resolves once [`Shutdown::trigger`] was called.
    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stopping| *stopping).await;
    }
}

/// The largest request body any endpoint reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest query string any endpoint reads (an 8 KiB prompt, percent-encoded, fits).
pub const MAX_QUERY_BYTES: usize = 32 * 1024;

/// The router with every endpoint, CORS and request tracing. Everything but the public
/// endpoints (greeting, health, UI settings, OpenAPI, metrics) and the UI's files goes
/// through [`auth::authenticate`].
pub fn app(state: AppState) -> Router {
    let cors = cors_layer(&state.settings.cors_origins);
    let public = Router::new()
        .route("/", get(routes::meta::root))
        .route("/health", get(routes::meta::health))
        .route("/ui-config", get(routes::meta::ui_config))
        .route("/openapi.json", get(routes::meta::openapi_json))
        .route("/metrics", get(metrics::metrics));
    Router::new()
        .route("/goals", get(routes::goals::list))
        .route(
            "/start-workflow",
            post(routes::conversations::start_workflow),
        )
        .route("/send-prompt", post(routes::conversations::send_prompt))
        .route("/confirm", post(routes::conversations::confirm))
        .route("/decline", post(routes::conversations::decline))
        .route(
            "/conversations",
            get(routes::conversations::list_conversations),
        )
        .route("/end-chat", post(routes::conversations::end_chat))
        .route(
            "/get-conversation-history",
            get(routes::conversations::get_conversation_history),
        )
        .route(
            "/get-latest-tool-data",
            get(routes::conversations::get_latest_tool_data),
        )
        .route(
            "/get-conversation-usage",
            get(routes::conversations::get_conversation_usage),
        )
        .route("/events", get(events::events))
        .route("/events/ticket", post(events::ticket))
        .route("/email/start", post(routes::email::start))
        .route("/email/describe", get(routes::email::describe))
        .route("/email/request", post(routes::email::request))
        .route("/email/save-draft", post(routes::email::save_draft))
        .route("/email/cancel", post(routes::email::cancel))
        .route("/email/events", get(routes::email::events))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .merge(public)
        .fallback(routes::ui::fallback)
        .method_not_allowed_fallback(routes::ui::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(spans::trace))
        .layer(axum::middleware::from_fn(limit_query))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response)
                .on_failure(()),
        )
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then stops accepting,
/// closes event streams and waits for requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stopping = state.shutdown.clone();
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            stopping.trigger();
        })
        .await
}

fn cors_layer(origins: &CorsOrigins) -> CorsLayer {
    let allow_origin = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        ),
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([header::RETRY_AFTER, header::WWW_AUTHENTICATE])
        .max_age(Duration::from_secs(600))
}

/// Refuses a query string longer than [`MAX_QUERY_BYTES`] before anything reads it.
async fn limit_query(request: Request, next: axum::middleware::Next) -> Response {
    match request.uri().query() {
        Some(query) if query.len() > MAX_QUERY_BYTES => {
            axum::response::IntoResponse::into_response(error::ApiError::QueryTooLong(
                MAX_QUERY_BYTES,
            ))
        }
        _ => next.run(request).await,
    }
}

/// One span per request: method and path only. The query string is left out on purpose:
/// it carries prompt text, which stays out of info-level logs.
fn request_span(request: &Request) -> Span {
    tracing::info_span!(
        "http",
        method = %request.method(),
        path = %request.uri().path(),
        workflow_id = Empty,
    )
}

fn log_response(response: &Response, latency: Duration, span: &Span) {
    let status = response.status().as_u16();
    let latency_ms = latency.as_millis() as u64;
    tracing::info!(parent: span, status, latency_ms, "request finished");
}
