//! The endpoints, grouped by what they serve, and the pieces every handler shares:
//! query-string extraction with our own error body, and the conversation id parameter.

pub mod conversations;
pub mod email;
pub mod goals;
pub mod meta;
pub mod ui;

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::{StatusCode, request::Parts},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, ToSchema};

use crate::{AppState, auth::Caller, domain::WorkflowId, error::ApiError, temporal::Access};

/// `Query<T>` whose rejection is our `{"detail": ...}` 400 instead of axum's plain text.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::BadQuery(rejection.body_text()))
    }
}

/// A JSON request body whose rejection is our `{"detail": ...}` 400. An empty body reads as
/// `None`; the content type is not checked, so `curl -d '{...}'` works as is.
pub struct ApiJson<T>(pub Option<T>);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError::BodyTooLarge,
                    _ => ApiError::BadBody(rejection.body_text()),
                })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(ApiJson(None));
        }
        serde_json::from_slice(&bytes)
            .map(|value| ApiJson(Some(value)))
            .map_err(|err| ApiError::BadBody(err.to_string()))
    }
}

/// The conversation a request is about.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationParams {
    /// The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
    /// starting with a letter or digit. Default `agent-workflow`.
    pub workflow_id: Option<String>,
}

impl ConversationParams {
    /// The requested conversation, or `agent-workflow` when none is named.
    pub fn conversation(&self) -> Result<WorkflowId, ApiError> {
        conversation_or_default(self.workflow_id.as_deref())
    }
}

/// Parses `workflow_id` (default `agent-workflow`) and notes it on the request's span.
pub fn conversation_or_default(raw: Option<&str>) -> Result<WorkflowId, ApiError> {
    let id = match raw {
        Some(raw) => WorkflowId::parse(raw)?,
        None => WorkflowId::default_id(),
    };
    record_conversation(&id);
    Ok(id)
}

pub fn record_conversation(id: &WorkflowId) {
    tracing::Span::current().record("workflow_id", id.as_str());
}

/// What most conversation operations answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageResponse {
    /// What happened, in words.
    pub message: String,
    /// The conversation the request acted on.
    pub workflow_id: String,
}

/// Before a request that may start workflow `id` for `caller`: 404 if the id is someone
/// else's (no start may take it over), and, when it would start a new run, 429 if that is
/// over the caller's limits (nothing is started then).
pub async fn admit_start(
    state: &AppState,
    caller: &Caller,
    id: &WorkflowId,
) -> Result<(), ApiError> {
    let limits = &state.auth.limits;
    let access = state
        .temporal
        .access(caller, id, limits.limits_starts())
        .await?;
    if let Access::Hidden = access {
        return Err(ApiError::IdUnavailable(id.clone()));
    }
    if access.is_running() || !limits.limits_starts() {
        return Ok(());
    }
    let running = match limits.running_cap() {
        Some(_) => Some(state.temporal.count_running(caller.user()).await?),
        None => None,
    };
    limits.check_start(caller, running)
}
