//! One chat completion against any OpenAI-compatible endpoint, with failures classified.
//!
//! The HTTP client never retries: a retry hidden inside an activity attempt is invisible in
//! the Temporal history and fights Temporal's own retry policy. Instead every failure comes
//! back as an [`LlmError`] that knows whether it is worth retrying and how long to wait
//! (a 429's `Retry-After`), and the activity turns that into a Temporal failure.

use std::time::{Duration, Instant, SystemTime};

use async_openai::{
    Client,
    config::OpenAIConfig,
    error::OpenAIError,
    middleware::HttpRequestFactory,
    traits::RequestOptionsBuilder,
    types::chat::{
        ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
        ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, CompletionUsage,
        CreateChatCompletionRequest,
    },
};
use futures::StreamExt;
use prompts::ChatPrompt;
use reqwest::{StatusCode, header::RETRY_AFTER};

use settings::{ExposeSecret, LlmSettings};

use opentelemetry::{
    Context, KeyValue, global,
    trace::{FutureExt as _, SpanKind, Status, TraceContextExt as _, Tracer as _},
};

use crate::metrics::AgentMetrics;

/// Which agent step a call is for; sent as the `X-Agent-Step` header so an
/// OpenAI-compatible test or demo server can tell the requests apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmStep {
    Planner,
    Validator,
    Summary,
    /// The email assistant reading a request.
    Email,
}

impl LlmStep {
    pub fn as_str(self) -> &'static str {
        match self {
            LlmStep::Planner => "planner",
            LlmStep::Validator => "validator",
            LlmStep::Summary => "summary",
            LlmStep::Email => "email",
        }
    }
}

/// Wait before retrying a 429 that did not say how long to wait.
pub const DEFAULT_RATE_LIMIT_DELAY: Duration = Duration::from_secs(5);

/// Why a call to the model failed.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the model provider is rate limiting requests (HTTP 429)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the model provider says the account's quota is used up (HTTP 429): {0}")]
    QuotaExceeded(String),
    #[error("the model provider rejected the API key (HTTP 401): {0}")]
    Unauthorized(String),
    #[error("the API key may not use this model or endpoint (HTTP 403): {0}")]
    Forbidden(String),
    #[error("the model provider does not know model {model} (HTTP {status}): {message}")]
    UnknownModel {
        model: String,
        status: u16,
        message: String,
    },
    #[error("the model provider refused the content (HTTP {status}): {message}")]
    ContentPolicy { status: u16, message: String },
    #[error("the model provider rejected the request (HTTP {status}): {message}")]
    BadRequest { status: u16, message: String },
    #[error("the model provider failed (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("could not reach the model provider: {0}")]
    Connection(String),
    #[error("the model provider sent a response that is not a chat completion: {0}")]
    MalformedResponse(String),
    #[error("the model's answer was empty")]
    EmptyAnswer,
}

impl LlmError {
    /// A short name for the kind of failure: the `outcome` label of the model call metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            LlmError::RateLimited { .. } => "rate_limited",
            LlmError::QuotaExceeded(_) => "quota_exceeded",
            LlmError::Unauthorized(_) => "unauthorized",
            LlmError::Forbidden(_) => "forbidden",
            LlmError::UnknownModel { .. } => "unknown_model",
            LlmError::ContentPolicy { .. } => "content_policy",
            LlmError::BadRequest { .. } => "bad_request",
            LlmError::Server { .. } => "server_error",
            LlmError::Timeout(_) => "timeout",
            LlmError::Connection(_) => "connection",
            LlmError::MalformedResponse(_) => "malformed_response",
            LlmError::EmptyAnswer => "empty_answer",
        }
    }

    /// True when trying the same request again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::RateLimited { .. }
                | LlmError::Server { .. }
                | LlmError::Timeout(_)
                | LlmError::Connection(_)
                | LlmError::MalformedResponse(_)
                | LlmError::EmptyAnswer
        )
    }

    /// A server-mandated wait before the next attempt.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::RateLimited { retry_after } => {
                Some(retry_after.unwrap_or(DEFAULT_RATE_LIMIT_DELAY))
            }
            _ => None,
        }
    }

    /// Classifies a non-success HTTP answer from the provider.
    fn from_status(
        status: StatusCode,
        retry_after: Option<Duration>,
        body: &str,
        model: &str,
    ) -> Self {
        let detail = ErrorDetail::parse(body);
        let message = detail.message.clone();
        let code = status.as_u16();
        let mentions = |needle: &str| detail.code_or_type_contains(needle);
        match code {
            429 if mentions("insufficient_quota") || mentions("billing") => {
                LlmError::QuotaExceeded(message)
            }
            429 => LlmError::RateLimited { retry_after },
            401 => LlmError::Unauthorized(message),
            403 => LlmError::Forbidden(message),
            404 => LlmError::UnknownModel {
                model: model.to_owned(),
                status: code,
                message,
            },
            400 | 422 if mentions("model_not_found") || mentions("model_not_available") => {
                LlmError::UnknownModel {
                    model: model.to_owned(),
                    status: code,
                    message,
                }
            }
            400 | 422
                if mentions("content_policy")
                    || mentions("content_filter")
                    || mentions("safety") =>
            {
                LlmError::ContentPolicy {
                    status: code,
                    message,
                }
            }
            408 | 409 | 425 => LlmError::Server {
                status: code,
                message,
            },
            400..=499 => LlmError::BadRequest {
                status: code,
                message,
            },
            _ => LlmError::Server {
                status: code,
                message,
            },
        }
    }
}

/// The useful parts of an OpenAI-style error body, kept short for messages and logs.
struct ErrorDetail {
    message: String,
    code: String,
    kind: String,
}

impl ErrorDetail {
    fn parse(body: &str) -> Self {
        let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let error = value.get("error").unwrap_or(&value);
        let text = |key: &str| {
            error
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let mut message = text("message");
        if message.is_empty() {
            message = body.chars().take(200).collect();
        }
        if message.chars().count() > 300 {
            message = message.chars().take(300).collect::<String>() + "…";
        }
        ErrorDetail {
            message,
            code: text("code"),
            kind: text("type"),
        }
    }

    fn code_or_type_contains(&self, needle: &str) -> bool {
        self.code.contains(needle) || self.kind.contains(needle)
    }
}

/// How a failed HTTP exchange travels through async-openai's middleware to us.
#[derive(Debug, thiserror::Error)]
#[error("HTTP {status}")]
struct HttpFailure {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: String,
}

/// Parses `Retry-After`: delta-seconds or an HTTP date.
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = SystemTime::from(when);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Tokens one call used, as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// What one call answered: the model's text, and the tokens the provider says it used.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub usage: Option<TokenUsage>,
}

fn usage_of(usage: &CompletionUsage) -> TokenUsage {
    TokenUsage {
        prompt_tokens: u64::from(usage.prompt_tokens),
        completion_tokens: u64::from(usage.completion_tokens),
    }
}

/// A chat-completions client for one configured model.
#[derive(Clone)]
pub struct LlmClient {
    client: Client<OpenAIConfig>,
    /// `provider/model` as configured: how usage is reported and priced.
    configured: String,
    model: String,
    timeout: Duration,
    metrics: AgentMetrics,
    /// Put prompt and answer text on the model call's span (`OTEL_RECORD_PROMPTS`).
    record_prompts: bool,
}

impl LlmClient {
    pub fn new(settings: &LlmSettings) -> Self {
        let mut config = OpenAIConfig::new().with_api_base(&settings.base_url);
        // Local servers (ollama, the demo) take no key; send none rather than an empty one.
        if let Some(key) = &settings.api_key {
            config = config.with_api_key(key.expose_secret());
        }
        let http = reqwest::Client::builder()
            .timeout(settings.request_timeout)
            .build()
            .expect("an HTTP client with only a timeout set always builds");
        // Our own transport replaces async-openai's default one, which retries on its own.
        // Non-success answers become `HttpFailure`s so the status and `Retry-After` survive.
        let service = tower::service_fn(move |factory: HttpRequestFactory| {
            let http = http.clone();
            async move {
                let request = factory.build().await?;
                let response = http.execute(request).await.map_err(OpenAIError::Reqwest)?;
                let status = response.status();
                if status.is_success() {
                    return Ok(response);
                }
                let retry_after = response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, SystemTime::now()));
                let body = response.text().await.unwrap_or_default();
                Err(OpenAIError::Boxed(Box::new(HttpFailure {
                    status,
                    retry_after,
                    body,
                })))
            }
        });
        LlmClient {
            client: Client::with_config(config).with_http_service(service),
            configured: settings.model.clone(),
            model: settings.model_name.clone(),
            timeout: settings.request_timeout,
            metrics: AgentMetrics::default(),
            record_prompts: false,
        }
    }

    /// Lets the model call spans carry the prompt and answer text.
    pub fn recording_prompts(mut self, record: bool) -> Self {
        self.record_prompts = record;
        self
    }

    /// The span of one model call, a child of the activity's: the model, the step and,
    /// only when asked for, the prompt.
    fn start_span(&self, step: LlmStep, prompt: &ChatPrompt) -> Context {
        let tracer = global::tracer("agent");
        let mut attributes = vec![
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.request.model", self.configured.clone()),
            KeyValue::new("agent.step", step.as_str()),
        ];
        if self.record_prompts {
            attributes.push(KeyValue::new("gen_ai.prompt", prompt.system.clone()));
            attributes.push(KeyValue::new("gen_ai.prompt.user", prompt.user.clone()));
        }
        let parent = Context::current();
        let span = tracer
            .span_builder(format!("chat {}", self.configured))
            .with_kind(SpanKind::Client)
            .with_attributes(attributes)
            .start_with_context(&tracer, &parent);
        parent.with_span(span)
    }

    /// Records every call (outcome, duration, reported tokens) into `metrics`.
    pub fn with_metrics(mut self, metrics: AgentMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Counts a finished call, whichever way it ended, and ends its span.
    fn measured(
        &self,
        step: LlmStep,
        started: Instant,
        span: Context,
        result: Result<Completion, LlmError>,
    ) -> Result<Completion, LlmError> {
        let span = span.span();
        match &result {
            Ok(completion) => {
                if let Some(usage) = completion.usage {
                    span.set_attribute(KeyValue::new(
                        "gen_ai.usage.input_tokens",
                        usage.prompt_tokens as i64,
                    ));
                    span.set_attribute(KeyValue::new(
                        "gen_ai.usage.output_tokens",
                        usage.completion_tokens as i64,
                    ));
                }
                if self.record_prompts {
                    span.set_attribute(KeyValue::new("gen_ai.completion", completion.text.clone()));
                }
            }
            Err(err) => {
                span.set_attribute(KeyValue::new("error.type", err.kind()));
                span.set_status(Status::error(err.to_string()));
            }
        }
        span.set_attribute(KeyValue::new(
            "agent.latency_ms",
            started.elapsed().as_millis() as i64,
        ));
        span.end();
        let (outcome, tokens) = match &result {
            Ok(completion) => (
                "ok",
                completion
                    .usage
                    .map(|usage| (usage.prompt_tokens, usage.completion_tokens)),
            ),
            Err(err) => (err.kind(), None),
        };
        self.metrics.llm_call(
            step.as_str(),
            &self.configured,
            outcome,
            started.elapsed(),
            tokens,
        );
        result
    }

    /// The model as configured, `provider/model`.
    pub fn configured_model(&self) -> &str {
        &self.configured
    }

    fn request(&self, prompt: &ChatPrompt) -> CreateChatCompletionRequest {
        let system = |text: &str| {
            ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage::from(text))
        };
        let mut messages = vec![system(&prompt.system)];
        messages.extend(prompt.event.as_deref().map(system));
        messages.push(ChatCompletionRequestMessage::User(
            ChatCompletionRequestUserMessage::from(prompt.user.as_str()),
        ));
        CreateChatCompletionRequest {
            model: self.model.clone(),
            messages,
            ..Default::default()
        }
    }

    /// Sends one exchange and returns the model's whole answer.
    pub async fn complete(
        &self,
        step: LlmStep,
        prompt: &ChatPrompt,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let span = self.start_span(step, prompt);
        let result = self
            .complete_unmeasured(step, prompt)
            .with_context(span.clone())
            .await;
        self.measured(step, started, span, result)
    }

    async fn complete_unmeasured(
        &self,
        step: LlmStep,
        prompt: &ChatPrompt,
    ) -> Result<Completion, LlmError> {
        let response = self
            .client
            .chat()
            .header("X-Agent-Step", step.as_str())
            .map_err(|err| LlmError::MalformedResponse(err.to_string()))?
            .create(self.request(prompt))
            .await
            .map_err(|err| self.classify(err))?;
        let usage = response.usage.as_ref().map(usage_of);
        let text = response
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.message.content)
            .unwrap_or_default();
        nonempty(text, usage)
    }

    /// Like [`LlmClient::complete`], with the answer streamed (`stream: true`, usage in the
    /// last chunk): `on_text` sees each piece as it arrives.
    pub async fn stream(
        &self,
        step: LlmStep,
        prompt: &ChatPrompt,
        on_text: impl FnMut(&str) + Send,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let span = self.start_span(step, prompt);
        let result = self
            .stream_unmeasured(step, prompt, on_text)
            .with_context(span.clone())
            .await;
        self.measured(step, started, span, result)
    }

    async fn stream_unmeasured(
        &self,
        step: LlmStep,
        prompt: &ChatPrompt,
        mut on_text: impl FnMut(&str) + Send,
    ) -> Result<Completion, LlmError> {
        let mut request = self.request(prompt);
        request.stream_options = Some(ChatCompletionStreamOptions {
            include_usage: Some(true),
            include_obfuscation: None,
        });
        let mut chunks = self
            .client
            .chat()
            .header("X-Agent-Step", step.as_str())
            .map_err(|err| LlmError::MalformedResponse(err.to_string()))?
            .create_stream(request)
            .await
            .map_err(|err| self.classify(err))?;
        let mut text = String::new();
        let mut usage = None;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|err| self.classify(err))?;
            if let Some(reported) = &chunk.usage {
                usage = Some(usage_of(reported));
            }
            for choice in chunk.choices {
                if let Some(piece) = choice.delta.content.filter(|p| !p.is_empty()) {
                    on_text(&piece);
                    text.push_str(&piece);
                }
            }
        }
        nonempty(text, usage)
    }

    fn classify(&self, err: OpenAIError) -> LlmError {
        match err {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<HttpFailure>() {
                Ok(failure) => LlmError::from_status(
                    failure.status,
                    failure.retry_after,
                    &failure.body,
                    &self.model,
                ),
                Err(other) => LlmError::Connection(other.to_string()),
            },
            OpenAIError::Reqwest(err) if err.is_timeout() => LlmError::Timeout(self.timeout),
            OpenAIError::Reqwest(err) => LlmError::Connection(describe_reqwest(&err)),
            OpenAIError::ApiError(api) => {
                LlmError::from_status(api.status_code, None, &api.api_error.message, &self.model)
            }
            OpenAIError::JSONDeserialize(err, _) => LlmError::MalformedResponse(err.to_string()),
            other => LlmError::MalformedResponse(other.to_string()),
        }
    }
}

fn nonempty(text: String, usage: Option<TokenUsage>) -> Result<Completion, LlmError> {
    if text.trim().is_empty() {
        Err(LlmError::EmptyAnswer)
    } else {
        Ok(Completion { text, usage })
    }
}

/// reqwest's error text, with its source chain (the useful part: "connection refused").
fn describe_reqwest(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> LlmError {
        LlmError::from_status(StatusCode::from_u16(status).unwrap(), None, body, "gpt-x")
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 1.5 ", now),
            Some(Duration::from_millis(1500))
        );
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn statuses_map_to_retryable_and_final_errors() {
        let rate = LlmError::from_status(
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(2)),
            "",
            "m",
        );
        assert!(rate.is_retryable());
        assert_eq!(rate.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(
            classify(429, "{}").retry_after(),
            Some(DEFAULT_RATE_LIMIT_DELAY)
        );

        let quota = classify(
            429,
            r#"{"error": {"message": "quota", "code": "insufficient_quota"}}"#,
        );
        assert!(matches!(quota, LlmError::QuotaExceeded(_)));
        assert!(!quota.is_retryable());

        assert!(
            matches!(classify(401, r#"{"error": {"message": "bad key"}}"#), LlmError::Unauthorized(m) if m == "bad key")
        );
        assert!(matches!(classify(403, "{}"), LlmError::Forbidden(_)));
        assert!(matches!(classify(404, "{}"), LlmError::UnknownModel { .. }));
        assert!(matches!(
            classify(
                400,
                r#"{"error": {"message": "no such model", "code": "model_not_found"}}"#
            ),
            LlmError::UnknownModel { .. }
        ));
        assert!(matches!(
            classify(
                400,
                r#"{"error": {"message": "flagged", "code": "content_policy_violation"}}"#
            ),
            LlmError::ContentPolicy { .. }
        ));
        assert!(matches!(classify(400, "{}"), LlmError::BadRequest { .. }));
        for status in [401, 403, 404, 400, 422] {
            assert!(!classify(status, "{}").is_retryable(), "{status}");
        }
        for status in [500, 502, 503, 504, 408] {
            assert!(classify(status, "{}").is_retryable(), "{status}");
        }
    }

    #[test]
    fn error_messages_are_bounded() {
        let long = "x".repeat(5_000);
        let body = serde_json::json!({"error": {"message": long}}).to_string();
        let LlmError::BadRequest { message, .. } = classify(400, &body) else {
            panic!("expected a bad request");
        };
        assert!(message.chars().count() <= 301);
    }
}
