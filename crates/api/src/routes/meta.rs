//! Endpoints about the api itself: the greeting at `/`, health, the UI's configuration and
//! the OpenAPI document.

use axum::{
    Json,
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::ui;
use crate::{
    AppState,
    auth::{AuthModeName, OidcSettings},
    domain::WorkflowId,
    openapi::ApiDoc,
};

/// `GET /` for API clients.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RootResponse {
    pub message: String,
}

/// `GET /health`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HealthResponse {
    /// Always `ok` while the api answers.
    pub status: String,
    /// `connected` when Temporal answers right now, else `unavailable`.
    pub temporal: String,
    /// `on` when replies stream live (NATS is reachable), else `off`: replies then arrive
    /// whole.
    pub streaming: String,
}

/// `GET /ui-config`: what the UI needs to know about this deployment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UiConfig {
    /// Base URL of the Temporal Web UI, for links to a conversation's workflow.
    pub temporal_ui_url: String,
    pub namespace: String,
    pub task_queue: String,
    /// `LLM_MODEL` as `provider/model`.
    pub model: String,
    /// True when that is the bundled keyless demo model.
    pub demo_model: bool,
    /// The conversation used when a request names none.
    pub default_workflow_id: String,
    /// How callers sign in.
    pub auth: AuthInfo,
}

/// How the UI signs people in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthInfo {
    /// `none`: nothing to do; `tokens` or `jwt`: every endpoint but the public ones needs
    /// `Authorization: Bearer <token>`.
    pub mode: AuthModeName,
    /// With `jwt`, where to send people to sign in (authorization code flow with PKCE);
    /// null: ask for a token instead.
    pub oidc: Option<OidcSettings>,
}

#[utoipa::path(
    get,
    path = "/",
    tag = "meta",
    summary = "Greeting, or the UI for browsers",
    description = "API clients get a JSON greeting. A browser (`Accept: text/html`) gets the \
        built UI when `FRONTEND_DIST` holds one.",
    responses(
        (status = 200, description = "The greeting (JSON), or the UI (HTML) for browsers",
            content(
                (RootResponse = "application/json"),
                (String = "text/html"),
            )
        ),
    )
)]
pub async fn root(State(state): State<AppState>, request: Request) -> Response {
    if ui::wants_html(&request)
        && let Some(index) = ui::index_html(&state.settings.frontend_dist).await
    {
        return index;
    }
    Json(RootResponse {
        message: "Temporal AI Agent!".to_owned(),
    })
    .into_response()
}

#[utoipa::path(
    get,
    path = "/health",
    tag = "meta",
    summary = "Is the api up, and can it reach Temporal?",
    responses((status = 200, description = "Always 200 while the api runs", body = HealthResponse))
)]
pub async fn health(State(state): State<AppState>) -> Json<HealthResponse> {
    let connected = state.temporal.ping().await;
    Json(HealthResponse {
        status: "ok".to_owned(),
        temporal: if connected {
            "connected"
        } else {
            "unavailable"
        }
        .to_owned(),
        streaming: if state.bus.is_connected() {
            "on"
        } else {
            "off"
        }
        .to_owned(),
    })
}

#[utoipa::path(
    get,
    path = "/ui-config",
    tag = "meta",
    summary = "Settings the UI needs",
    responses((status = 200, description = "This deployment's settings for the UI", body = UiConfig))
)]
pub async fn ui_config(State(state): State<AppState>) -> Json<UiConfig> {
    let settings = &state.settings;
    Json(UiConfig {
        temporal_ui_url: settings.temporal_ui_url.clone(),
        namespace: settings.temporal.namespace.clone(),
        task_queue: settings.temporal.task_queue.clone(),
        model: settings.llm_model.clone(),
        demo_model: settings.demo_model,
        default_workflow_id: WorkflowId::DEFAULT.to_owned(),
        auth: AuthInfo {
            mode: state.auth.mode(),
            oidc: state.auth.oidc().cloned(),
        },
    })
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    summary = "This document",
    responses((status = 200, description = "The OpenAPI document", body = Object))
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
