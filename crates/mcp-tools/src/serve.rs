//! Running the server: over stdio (one session, the client's own child process) or over
//! streamable HTTP at `/mcp` (many sessions, one shared notes file).
//!
//! The HTTP side is rmcp's `StreamableHttpService` mounted in an axum router, with two things
//! of ours around it: an optional header check that answers 401 before the MCP layer sees the
//! request, and a [`RunningServer`] handle that tests start on a free port and stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::options::{HttpOptions, RequiredHeader, ToolOptions};
use crate::server::tools_server;

/// Where the MCP endpoint is mounted.
pub const MCP_PATH: &str = "/mcp";

/// How long [`RunningServer::shutdown`] lets open connections finish before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why a server could not start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the MCP session over stdio did not start: {0}")]
    StdioStart(#[source] Box<rmcp::service::ServerInitializeError>),
    #[error("the MCP session over stdio stopped abnormally: {0}")]
    StdioTask(#[source] tokio::task::JoinError),
}

/// Serves one MCP session over stdin/stdout until the client closes stdin. Nothing else may
/// write to stdout meanwhile: it carries the protocol.
pub async fn serve_stdio(options: ToolOptions) -> Result<(), ServeError> {
    let session = tools_server(options)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|error| ServeError::StdioStart(Box::new(error)))?;
    let reason = session.waiting().await.map_err(ServeError::StdioTask)?;
    tracing::info!(?reason, "stdio session ended");
    Ok(())
}

/// A streamable HTTP server running in the background. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// Binds `addr` (port 0 picks a free one) and serves MCP at [`MCP_PATH`].
pub async fn serve_http(
    addr: SocketAddr,
    options: HttpOptions,
) -> Result<RunningServer, ServeError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;
    let stop = CancellationToken::new();
    let app = router(addr, options, stop.child_token());
    let shutdown = stop.clone().cancelled_owned();
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "HTTP server stopped");
        }
    });
    Ok(RunningServer { addr, stop, task })
}

impl RunningServer {
    /// The address actually bound (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The MCP endpoint, `http://<addr>/mcp`: what a client's configuration names.
    pub fn url(&self) -> String {
        format!("{}{MCP_PATH}", self.base_url())
    }

    /// Ends every session and stops accepting connections, waiting a little for open ones.
    pub async fn shutdown(mut self) {
        self.stop.cancel();
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop.cancel();
        self.task.abort();
    }
}

/// The axum app: rmcp's service at [`MCP_PATH`], behind the header check when one is set.
fn router(addr: SocketAddr, options: HttpOptions, stop: CancellationToken) -> Router {
    let tools = tools_server(options.tools);
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(allowed_hosts(addr))
        .with_cancellation_token(stop);
    let mcp = StreamableHttpService::new(
        move || Ok(tools.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = Router::new().nest_service(MCP_PATH, mcp);
    match options.required_header {
        Some(header) => app.layer(middleware::from_fn_with_state(
            Arc::new(header),
            require_header,
        )),
        None => app,
    }
}

/// `Host` values the server answers to. rmcp refuses any other, which protects a server on
/// loopback from DNS rebinding; a server bound to one specific address also answers to it.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let mut hosts = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let ip = addr.ip();
    if ip.is_unspecified() {
        tracing::warn!(
            %addr,
            "listening on every interface, but only loopback Host names are accepted"
        );
    } else if !ip.is_loopback() {
        hosts.push(ip.to_string());
    }
    hosts
}

/// Answers 401 to a request without the required header, before MCP sees it. No
/// `WWW-Authenticate` challenge is sent: this is a shared-secret check, not OAuth, and MCP
/// clients read a challenge as an invitation to start an OAuth flow.
async fn require_header(
    State(header): State<Arc<RequiredHeader>>,
    request: Request,
    next: Next,
) -> Response {
    if header.accepts(request.headers().get(header.name())) {
        return next.run(request).await;
    }
    tracing::warn!(header = %header.name(), "refused a request without the required header");
    let message = format!("missing or wrong {} header\n", header.name());
    (StatusCode::UNAUTHORIZED, message).into_response()
}
