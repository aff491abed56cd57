//! Every way a request can fail, and the one place each becomes an HTTP status.
//!
//! Handlers return `Result<_, ApiError>`; [`ApiError`]'s `IntoResponse` turns it into
//! `{"detail": "..."}` with the right status. Nothing in the api builds an error response
//! any other way, so the mapping below is the whole contract for failures.

use std::time::Duration;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{InvalidPrompt, InvalidText, InvalidTimeZone, InvalidWorkflowId, WorkflowId};

/// The body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words meant for the person calling the api.
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A `workflow_id` that [`WorkflowId::parse`] refused.
    #[error(transparent)]
    InvalidWorkflowId(#[from] InvalidWorkflowId),
    /// A prompt that was missing, blank or too large.
    #[error(transparent)]
    InvalidPrompt(#[from] InvalidPrompt),
    /// An email request or draft that was blank (requests only) or too large.
    #[error(transparent)]
    InvalidText(#[from] InvalidText),
    /// A `time_zone` that is not an IANA name.
    #[error(transparent)]
    InvalidTimeZone(#[from] InvalidTimeZone),
    /// `goal=` names no goal of this deployment.
    #[error("there is no goal {0:?}; GET /goals lists them")]
    UnknownGoal(String),
    /// A query string axum could not decode (e.g. `wait=maybe`).
    #[error("bad query string: {0}")]
    BadQuery(String),
    /// A request body that is not the JSON the endpoint takes.
    #[error("bad request body: {0}")]
    BadBody(String),
    /// A request body larger than the server reads at all.
    #[error("the request body is too large")]
    BodyTooLarge,
    /// An email id no workflow has.
    #[error("there is no email {0}; start one with POST /email/start")]
    EmailNotFound(WorkflowId),
    /// The id belongs to another kind of workflow, such as a conversation.
    #[error("{0} is not an email: the workflow with this id is not the email assistant")]
    NotAnEmail(WorkflowId),
    /// The email workflow refused the operation (finished, busy, ...): its own reason.
    #[error("{0}")]
    EmailRefused(String),
    /// `confirm` or `end-chat` for a conversation that is not running.
    /// A confirm or decline that found nothing (or something newer) waiting.
    #[error("{0}")]
    ProposalConflict(String),
    /// Edited arguments that do not fit the proposed tool.
    #[error("{0}")]
    ProposalInvalid(String),
    #[error(
        "the confirmed tools of conversation {0} are still running; their results will appear in the conversation"
    )]
    ToolsStillRunning(WorkflowId),
    #[error("bad page_token: pass back the next_page_token of the previous page")]
    BadPageToken,
    #[error("conversation {0} is not running: it was never started or has already finished")]
    ConversationNotRunning(WorkflowId),
    /// A query or update got no answer: no worker is polling the task queue.
    #[error(
        "no worker answered for conversation {id} in time: is a worker polling task queue '{task_queue}'?"
    )]
    WorkerUnavailable { id: WorkflowId, task_queue: String },
    /// Temporal cannot be reached (at startup, or it went away).
    #[error("Temporal is not reachable at {address} yet; retrying")]
    TemporalUnreachable { address: String },
    /// Temporal answered with an error we have no better mapping for.
    #[error("Temporal could not complete the request: {0}")]
    Temporal(String),
    /// No route and no UI file at this path.
    #[error("nothing here: {0} is not an endpoint of this api")]
    NotFound(String),
    #[error("{0} does not accept this method")]
    MethodNotAllowed(String),
    /// No token, or one that is not accepted: the same answer whatever was wrong with it.
    #[error("sign in first: send Authorization: Bearer <token> with a token this api accepts")]
    Unauthorized,
    /// Over one of the caller's limits; nothing was done.
    #[error("{detail}")]
    RateLimited {
        retry_after: Duration,
        detail: String,
    },
    /// A query string longer than the api reads.
    #[error("the query string is longer than {0} bytes")]
    QueryTooLong(usize),
    /// A start for an id that is not the caller's to use (it belongs to someone else).
    #[error("the id {0} cannot be used; choose another (each new chat in the UI gets its own)")]
    IdUnavailable(WorkflowId),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::UnknownGoal(_)
            | ApiError::InvalidWorkflowId(_)
            | ApiError::InvalidTimeZone(_)
            | ApiError::BadQuery(_)
            | ApiError::BadBody(_)
            | ApiError::ProposalInvalid(_)
            | ApiError::BadPageToken => StatusCode::BAD_REQUEST,
            ApiError::InvalidPrompt(InvalidPrompt::TooLarge(_))
            | ApiError::InvalidText(InvalidText::TooLarge(_))
            | ApiError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::InvalidPrompt(_) | ApiError::InvalidText(_) => StatusCode::BAD_REQUEST,
            // 404 for a missing worker follows the Python original, whose UI shows the
            // detail and keeps polling.
            ApiError::ConversationNotRunning(_)
            | ApiError::EmailNotFound(_)
            | ApiError::NotAnEmail(_)
            | ApiError::WorkerUnavailable { .. }
            | ApiError::IdUnavailable(_)
            | ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::QueryTooLong(_) => StatusCode::URI_TOO_LONG,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::EmailRefused(_) | ApiError::ProposalConflict(_) => StatusCode::CONFLICT,
            ApiError::ToolsStillRunning(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::TemporalUnreachable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Temporal(_) => StatusCode::BAD_GATEWAY,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), error = %self, "request failed");
        } else {
            tracing::debug!(status = status.as_u16(), error = %self, "request refused");
        }
        let body = ErrorBody {
            detail: self.to_string(),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="agent""#),
                );
            }
            ApiError::RateLimited { retry_after, .. } => {
                let seconds = crate::auth::limits::retry_seconds(retry_after);
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_prompts_are_413_and_other_bad_prompts_400() {
        assert_eq!(
            ApiError::from(InvalidPrompt::TooLarge(9000)).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            ApiError::from(InvalidPrompt::Blank).status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            ApiError::from(InvalidWorkflowId::Empty).status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            ApiError::from(InvalidText::TooLarge(9000)).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            ApiError::from(InvalidText::Blank).status(),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn a_refused_email_operation_is_409_with_the_workflows_reason() {
        let err = ApiError::EmailRefused("This email has already been sent.".into());
        assert_eq!(err.status(), StatusCode::CONFLICT);
        assert_eq!(err.to_string(), "This email has already been sent.");
    }

    #[test]
    fn the_unreachable_message_names_the_address() {
        let err = ApiError::TemporalUnreachable {
            address: "localhost:7233".into(),
        };
        assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            err.to_string(),
            "Temporal is not reachable at localhost:7233 yet; retrying"
        );
    }
}
