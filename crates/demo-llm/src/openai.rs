//! The OpenAI chat-completions wire format, as far as this server speaks it.
//!
//! Requests are read leniently: unknown fields are ignored, `content` may be a string, `null`
//! or an array of `{type: "text", text}` parts, and `model` may be missing. Responses follow the
//! `chat.completion` shape that OpenAI clients (async-openai among them) deserialize.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

/// `POST /v1/chat/completions` body. Only the fields this server acts on are kept.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChatRequest {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub messages: Vec<ChatMessage>,
    /// `true`: the answer comes as server-sent `chat.completion.chunk` events.
    #[serde(default)]
    pub stream: Option<bool>,
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
}

/// `stream_options`: with `include_usage`, a last chunk carries the token counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamOptions {
    #[serde(default)]
    pub include_usage: bool,
}

/// One chat message, with its content flattened to text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    #[serde(default, deserialize_with = "content_as_text")]
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            content: content.into(),
        }
    }
}

/// Accepts `"text"`, `null`, or `[{"type": "text", "text": "..."}, ...]` (other part types,
/// such as images, carry no text and are skipped).
fn content_as_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text,
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| match part {
                Value::String(text) => Some(text.as_str()),
                Value::Object(map) => map.get("text").and_then(Value::as_str),
                _ => None,
            })
            .collect(),
        Some(other) => other.to_string(),
    })
}

/// The token counts an answer reports (and the request log keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
}

impl Usage {
    /// Estimated from the request's characters and the answer's.
    pub fn estimate(prompt_chars: usize, content: &str) -> Self {
        Self {
            prompt_tokens: estimate_tokens(prompt_chars),
            completion_tokens: estimate_tokens(content.chars().count()),
        }
    }

    fn to_json(self) -> Value {
        json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens
        })
    }
}

/// A `chat.completion` response carrying one assistant message.
pub fn completion(id: u64, created: i64, model: &str, usage: Usage, content: &str) -> Value {
    json!({
        "id": format!("chatcmpl-demo-{id}"),
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": usage.to_json(),
        "system_fingerprint": null
    })
}

/// Roughly four characters per token: good enough for clients that log usage.
pub fn estimate_tokens(chars: usize) -> usize {
    chars.div_ceil(4)
}

/// One `chat.completion.chunk` carrying a piece of the assistant's text (`None`: the last
/// chunk, with `finish_reason`).
pub fn chunk(id: u64, created: i64, model: &str, piece: Option<&str>) -> Value {
    let (delta, finish) = match piece {
        Some(text) => (json!({"content": text}), Value::Null),
        None => (json!({}), json!("stop")),
    };
    json!({
        "id": format!("chatcmpl-demo-{id}"),
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
        "usage": null
    })
}

/// The chunk `stream_options.include_usage` asks for: no choices, the token counts.
pub fn usage_chunk(id: u64, created: i64, model: &str, usage: Usage) -> Value {
    json!({
        "id": format!("chatcmpl-demo-{id}"),
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "usage": usage.to_json()
    })
}

/// The answer cut into token-sized pieces (about four characters, on character boundaries),
/// the way a model streams it.
pub fn token_pieces(content: &str) -> Vec<String> {
    let chars: Vec<char> = content.chars().collect();
    chars
        .chunks(4)
        .map(|piece| piece.iter().collect())
        .collect()
}

/// `GET /v1/models` body.
pub fn model_list(models: &[String]) -> Value {
    json!({
        "object": "list",
        "data": models.iter().map(|id| model_entry(id)).collect::<Vec<_>>()
    })
}

/// One entry of the model list (also `GET /v1/models/{id}`).
pub fn model_entry(id: &str) -> Value {
    json!({"id": id, "object": "model", "created": 0, "owned_by": "demo-llm"})
}

/// OpenAI's error envelope: `{"error": {"message", "type", "param", "code"}}`.
pub fn error_body(message: &str, kind: &str, param: Option<&str>, code: Option<&str>) -> Value {
    json!({"error": {"message": message, "type": kind, "param": param, "code": code}})
}

/// The `type` and `code` OpenAI uses for an HTTP status, so clients classify our failures
/// (retryable or not) the way they classify the real thing.
pub fn error_kind_for_status(status: u16) -> (&'static str, Option<&'static str>) {
    match status {
        400 => ("invalid_request_error", None),
        401 => ("invalid_request_error", Some("invalid_api_key")),
        403 => ("permission_error", None),
        404 => ("invalid_request_error", Some("not_found")),
        408 => ("timeout_error", None),
        429 => ("requests", Some("rate_limit_exceeded")),
        503 => ("service_unavailable", None),
        500..=599 => ("server_error", None),
        _ => ("invalid_request_error", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_may_be_a_string_null_or_text_parts() {
        let request: ChatRequest = serde_json::from_value(json!({
            "model": "m",
            "temperature": 0.2,
            "messages": [
                {"role": "system", "content": "plain"},
                {"role": "user", "content": null},
                {"role": "user", "content": [
                    {"type": "text", "text": "Austin "},
                    {"type": "image_url", "image_url": {"url": "x"}},
                    {"type": "text", "text": "in December"}
                ]}
            ]
        }))
        .unwrap();
        let texts: Vec<_> = request
            .messages
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        assert_eq!(texts, ["plain", "", "Austin in December"]);
    }

    #[test]
    fn completion_has_the_fields_openai_clients_require() {
        let body = completion(
            7,
            1_700_000_000,
            "demo",
            Usage::estimate(40, "hello"),
            "hello",
        );
        assert_eq!(body["object"], "chat.completion");
        assert_eq!(body["choices"][0]["message"]["role"], "assistant");
        assert_eq!(body["choices"][0]["message"]["content"], "hello");
        assert_eq!(body["choices"][0]["finish_reason"], "stop");
        assert_eq!(body["usage"]["prompt_tokens"], 10);
        assert_eq!(body["usage"]["total_tokens"], 12);
    }
}
