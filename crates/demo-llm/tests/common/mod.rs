//! Shared test helpers: start a server, and talk to it the way the agent's activities do
//! (history embedded in the system message, the prompt as the latest user message, the step
//! in `X-Agent-Step`).

#![allow(dead_code)] // each test binary uses its own subset

use demo_llm::{Config, LlmServer};
use models::{ConversationHistory, PlannerDecision, ValidationResult};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub async fn start() -> LlmServer {
    start_with(Config::default()).await
}

pub async fn start_with(config: Config) -> LlmServer {
    LlmServer::start(config).await.expect("server starts")
}

/// A history in which the user has said `text`, as the workflow records it before planning.
pub fn said(text: &str) -> ConversationHistory {
    let mut history = ConversationHistory::default();
    history.push(models::Actor::User, text);
    history
}

/// The system message an activity would send: instructions around the history JSON.
pub fn system_message(history: &ConversationHistory) -> String {
    format!(
        "You are the Trip Agent. Help the user reach the goal.\n\n<conversation_history>\n{}\n</conversation_history>\n\nAnswer with one JSON object.",
        serde_json::to_string_pretty(history).unwrap()
    )
}

/// A chat-completions body for `history` + `prompt`.
pub fn request_body(history: &ConversationHistory, prompt: &str) -> Value {
    json!({
        "model": "demo-trip-agent",
        "temperature": 0,
        "messages": [
            {"role": "system", "content": system_message(history)},
            {"role": "user", "content": prompt}
        ]
    })
}

/// The internal prompt the workflow queues after a tool ran.
pub fn tool_completed_prompt(tool: &str, result: &Value) -> String {
    format!(
        "[event: tool_completed tool={tool}]\n<tool_result>\n{}\n</tool_result>\nThe {tool} tool has finished. Decide what comes next.\nAnswer with the JSON object only.",
        serde_json::to_string_pretty(result).unwrap()
    )
}

/// The internal prompt the workflow queues when a proposal had null arguments.
pub fn missing_arguments_prompt(tool: &str, missing: &[&str]) -> String {
    format!(
        "[event: missing_arguments tool={tool} missing={}]\nAsk the user for: {}.",
        missing.join(","),
        missing.join(", ")
    )
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The assistant message content of a successful completion.
    pub fn content(&self) -> String {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.text);
        let body = self.json();
        assert_eq!(body["object"], "chat.completion");
        assert_eq!(body["choices"][0]["message"]["role"], "assistant");
        assert_eq!(body["choices"][0]["finish_reason"], "stop");
        body["choices"][0]["message"]["content"]
            .as_str()
            .expect("content is a string")
            .to_owned()
    }
}

/// Posts a raw body with an optional step header.
pub async fn post_chat(server: &LlmServer, step: Option<&str>, body: &Value) -> Reply {
    post_to(&server.base_url(), step, body).await
}

/// Posts to a base URL (for calls made from spawned tasks).
pub async fn post_to(base_url: &str, step: Option<&str>, body: &Value) -> Reply {
    let mut request = reqwest::Client::new()
        .post(format!("{base_url}/chat/completions"))
        .json(body);
    if let Some(step) = step {
        request = request.header("X-Agent-Step", step);
    }
    let response = request.send().await.expect("request is answered");
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

pub async fn chat(
    server: &LlmServer,
    step: &str,
    history: &ConversationHistory,
    prompt: &str,
) -> Reply {
    post_chat(server, Some(step), &request_body(history, prompt)).await
}

/// A chat-completions body for the workflow's `event` (its own system message after the
/// instructions, as the planner activity sends it) over `history`.
pub fn event_body(history: &ConversationHistory, event: &str) -> Value {
    json!({
        "model": "demo-trip-agent",
        "temperature": 0,
        "messages": [
            {"role": "system", "content": system_message(history)},
            {"role": "system", "content": event},
            {"role": "user", "content": "(No new message from the user: answer the event above.)"}
        ]
    })
}

/// Plans the next step for `prompt`: the workflow's events (`[event: ...]`, and the `###`
/// opening instruction) travel as the planner activity sends them, anything else as the
/// user's message.
pub async fn plan(
    server: &LlmServer,
    history: &ConversationHistory,
    prompt: &str,
) -> PlannerDecision {
    let body = if prompt.starts_with("[event:") {
        event_body(history, prompt)
    } else if prompt.starts_with("###") {
        event_body(history, &format!("[event: instruction]\n{prompt}"))
    } else {
        request_body(history, prompt)
    };
    let content = post_chat(server, Some("planner"), &body).await.content();
    serde_json::from_str(&content)
        .unwrap_or_else(|e| panic!("planner reply is not PlannerDecision ({e}): {content}"))
}

pub async fn validate(
    server: &LlmServer,
    history: &ConversationHistory,
    prompt: &str,
) -> ValidationResult {
    let content = chat(server, "validator", history, prompt).await.content();
    serde_json::from_str(&content)
        .unwrap_or_else(|e| panic!("validator reply is not a ValidationResult ({e}): {content}"))
}

pub async fn get(url: &str) -> Reply {
    let response = reqwest::get(url).await.expect("request is answered");
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}
