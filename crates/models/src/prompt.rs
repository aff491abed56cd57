//! Prompts waiting in the workflow's queue, and who may create each kind.
//!
//! A user prompt comes from outside and is always validated before the planner sees it.
//! An internal prompt is produced by the workflow itself (a tool finished, an argument is
//! missing) or by trusted code that starts the workflow (the starter prompt); it skips
//! validation and is never shown as a user message. The kind is a field of the queue item,
//! not a prefix of its text, so no chat user can forge an internal prompt.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ToolCall;

/// The marker trusted callers put in front of plain-text internal prompts in a workflow
/// input's `prompt_queue` (the convention of the Python original's starter prompts).
pub const INTERNAL_PREFIX: &str = "###";

/// A prompt the workflow still has to process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingPrompt {
    /// Typed by the user; validated, then planned.
    User { text: String },
    /// Produced by the workflow or by trusted code; planned without validation.
    Internal(InternalPrompt),
}

impl PendingPrompt {
    pub fn user(text: impl Into<String>) -> Self {
        PendingPrompt::User { text: text.into() }
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, PendingPrompt::Internal(_))
    }
}

/// The reasons the workflow talks to the planner on its own.
///
/// Each carries structured data; the wording the LLM sees is rendered inside the planner
/// activity, so changing it never changes a workflow's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InternalPrompt {
    /// Free text from trusted code, e.g. a goal's starter prompt.
    Instruction { text: String },
    /// A confirmed tool finished (or failed); the planner decides the next step.
    ToolCompleted { tool: String, result: Value },
    /// Several tools proposed together finished (each ran or failed on its own); the
    /// planner answers with all their results at once.
    ToolsCompleted { results: Vec<ToolResult> },
    /// The user declined the proposal (optionally saying why); nothing ran.
    ToolDeclined {
        tool_calls: Vec<ToolCall>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The planner proposed a tool with null arguments; it must ask the user for them.
    MissingArguments {
        tool: String,
        missing: Vec<String>,
        response: String,
    },
}

/// What one of several tools run together returned (`{"error": ...}` when it failed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolResult {
    pub tool: String,
    pub result: Value,
}

/// One entry of a workflow input's `prompt_queue`.
///
/// Plain strings keep Python-style inputs working: a string starting with `###` is an
/// internal instruction, any other string a user prompt. Continue-as-new writes typed
/// entries so that every prompt keeps its kind exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum QueueEntry {
    Typed(PendingPrompt),
    Text(String),
}

impl From<QueueEntry> for PendingPrompt {
    fn from(entry: QueueEntry) -> Self {
        match entry {
            QueueEntry::Typed(prompt) => prompt,
            QueueEntry::Text(text) if text.starts_with(INTERNAL_PREFIX) => {
                PendingPrompt::Internal(InternalPrompt::Instruction { text })
            }
            QueueEntry::Text(text) => PendingPrompt::User { text },
        }
    }
}

impl From<PendingPrompt> for QueueEntry {
    fn from(prompt: PendingPrompt) -> Self {
        QueueEntry::Typed(prompt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_strings_follow_the_hash_prefix_convention() {
        let queue: Vec<QueueEntry> =
            serde_json::from_value(json!(["### greet the user", "Austin in March"])).unwrap();
        let prompts: Vec<PendingPrompt> = queue.into_iter().map(Into::into).collect();
        assert!(prompts[0].is_internal());
        assert_eq!(prompts[1], PendingPrompt::user("Austin in March"));
    }

    #[test]
    fn typed_entries_keep_their_kind_even_with_a_hash_prefix() {
        let carried: QueueEntry = PendingPrompt::user("### not an instruction").into();
        let wire = serde_json::to_value(&carried).unwrap();
        assert_eq!(
            wire,
            json!({"kind": "user", "text": "### not an instruction"})
        );
        let back: QueueEntry = serde_json::from_value(wire).unwrap();
        assert_eq!(
            PendingPrompt::from(back),
            PendingPrompt::user("### not an instruction")
        );
    }

    #[test]
    fn internal_prompts_round_trip() {
        let prompt = PendingPrompt::Internal(InternalPrompt::ToolCompleted {
            tool: "FindEvents".into(),
            result: json!({"events": []}),
        });
        let wire = serde_json::to_value(&prompt).unwrap();
        assert_eq!(wire["kind"], "internal");
        assert_eq!(wire["type"], "tool_completed");
        let entry: QueueEntry = serde_json::from_value(wire).unwrap();
        assert_eq!(PendingPrompt::from(entry), prompt);
    }
}
