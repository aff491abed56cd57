//! The conversation: who said what, in order.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who a message in the history came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Actor {
    /// Text the user typed.
    User,
    /// The agent's reply: a [`crate::PlannerDecision`] object, or a validation failure object.
    Agent,
    /// The user confirmed a proposed tool; the response is the proposal with
    /// `next = "user_confirmed_tool_run"`.
    UserConfirmedToolRun,
    /// The user declined a proposal; the response is `{"tool_calls": [...], "reason": ...}`.
    UserDeclinedToolRun,
    /// What a tool returned, with `"tool": <name>` added (or `{"error", "tool"}`).
    ToolResult,
    /// The LLM's summary of an earlier run, carried across continue-as-new.
    ConversationSummary,
}

/// One entry of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub actor: Actor,
    /// A string (user text, summary) or an object (agent replies, tool results).
    #[cfg_attr(feature = "openapi", schema(value_type = serde_json::Value))]
    pub response: Value,
}

impl Message {
    pub fn new(actor: Actor, response: impl Into<Value>) -> Self {
        Self {
            actor,
            response: response.into(),
        }
    }
}

/// The whole conversation as the `get_conversation_history` query returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationHistory {
    #[serde(default)]
    pub messages: Vec<Message>,
    /// The goal the conversation pursues now. Set only in the `get_conversation_history`
    /// query's answer (the UI's header shows it), never in activity inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<CurrentGoal>,
}

/// Which agent a conversation talks to right now (it changes when the picker switches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentGoal {
    /// The goal's id, as `GET /goals` lists it.
    pub id: String,
    /// The agent's name.
    pub name: String,
}

impl ConversationHistory {
    pub fn push(&mut self, actor: Actor, response: impl Into<Value>) {
        self.messages.push(Message::new(actor, response));
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The summary carried over from an earlier run, if this run started with one.
    pub fn summary(&self) -> Option<&str> {
        self.messages
            .iter()
            .find(|m| m.actor == Actor::ConversationSummary)
            .and_then(|m| m.response.as_str())
    }

    /// The history an LLM prompt needs: the carried-over summary (if any) followed by the
    /// last `window` messages. Keeps activity inputs bounded however long the chat runs.
    pub fn window(&self, window: usize) -> ConversationHistory {
        if self.messages.len() <= window {
            return self.clone();
        }
        let start = self.messages.len() - window;
        let mut messages = Vec::with_capacity(window + 1);
        if let Some(summary) = self.messages[..start]
            .iter()
            .find(|m| m.actor == Actor::ConversationSummary)
        {
            messages.push(summary.clone());
        }
        messages.extend_from_slice(&self.messages[start..]);
        ConversationHistory {
            messages,
            goal: None,
        }
    }
}

/// The memo key under which a conversation describes itself to Temporal's visibility store
/// (what `GET /conversations` lists without asking each workflow).
pub const CONVERSATION_MEMO: &str = "conversation";

/// What the conversation list shows of one conversation, kept in its workflow's memo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationMemo {
    /// The first user message, later the model's short summary; `None` before the user spoke.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub goal: Option<CurrentGoal>,
    /// When the conversation last changed (workflow time, milliseconds since the epoch).
    #[serde(default)]
    pub updated_at_ms: u64,
    #[serde(default)]
    pub usage: crate::ConversationUsage,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_use_the_wire_names() {
        let mut history = ConversationHistory::default();
        history.push(Actor::User, "hi");
        history.push(
            Actor::UserConfirmedToolRun,
            json!({"next": "user_confirmed_tool_run"}),
        );
        let wire = serde_json::to_value(&history).unwrap();
        assert_eq!(
            wire,
            json!({"messages": [
                {"actor": "user", "response": "hi"},
                {"actor": "user_confirmed_tool_run", "response": {"next": "user_confirmed_tool_run"}}
            ]})
        );
    }

    #[test]
    fn window_keeps_the_summary_and_the_latest_messages() {
        let mut history = ConversationHistory::default();
        history.push(Actor::ConversationSummary, "earlier: the user wants Austin");
        for i in 0..10 {
            history.push(Actor::User, format!("message {i}"));
        }
        let window = history.window(3);
        assert_eq!(window.len(), 4);
        assert_eq!(window.summary(), Some("earlier: the user wants Austin"));
        assert_eq!(window.messages[1].response, json!("message 7"));
        assert_eq!(window.messages[3].response, json!("message 9"));
    }

    #[test]
    fn short_history_is_untouched_by_the_window() {
        let mut history = ConversationHistory::default();
        history.push(Actor::User, "one");
        assert_eq!(history.window(5), history);
    }
}
