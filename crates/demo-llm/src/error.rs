//! Every way a request can fail, mapped to an HTTP status and OpenAI's error body in one place.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::conversation::Step;
use crate::openai::{error_body, error_kind_for_status};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request itself is wrong (bad JSON, no messages, unknown step header).
    #[error("{message}")]
    BadRequest {
        message: String,
        param: Option<&'static str>,
    },
    #[error("{0}")]
    NotFound(String),
    /// Admin endpoints refuse anything but direct loopback connections.
    #[error("admin endpoints only answer connections from this machine")]
    AdminForbidden,
    /// Scripted mode without a demo fallback, and no rule matched: tests want to notice.
    #[error("no scripted rule matched this {step} request and no fallback is configured")]
    NoRuleMatched { step: Step },
    /// A failure a test asked for, through a fault or a rule with `status`.
    #[error("injected failure with status {status}")]
    Injected {
        status: u16,
        retry_after: Option<String>,
        /// A JSON body is sent as JSON, a string verbatim as text; none gets OpenAI's shape.
        body: Option<Value>,
    },
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>, param: Option<&'static str>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
            param,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::AdminForbidden => StatusCode::FORBIDDEN,
            ApiError::NoRuleMatched { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Injected { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (kind, code) = error_kind_for_status(status.as_u16());
        let message = self.to_string();
        match self {
            ApiError::BadRequest { param, .. } => {
                (status, axum::Json(error_body(&message, kind, param, code))).into_response()
            }
            ApiError::NoRuleMatched { .. } => (
                status,
                axum::Json(error_body(&message, kind, None, Some("no_rule_matched"))),
            )
                .into_response(),
            ApiError::Injected {
                retry_after, body, ..
            } => {
                let mut response = match body {
                    Some(Value::String(text)) => (status, text).into_response(),
                    Some(json) => (status, axum::Json(json)).into_response(),
                    None => {
                        let message = format!("demo-llm injected failure ({status})");
                        (status, axum::Json(error_body(&message, kind, None, code))).into_response()
                    }
                };
                if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
            _ => (status, axum::Json(error_body(&message, kind, None, code))).into_response(),
        }
    }
}
