//! The request log tests read back: what each chat call asked and what answered it.
//!
//! Only the presence of an `Authorization` header is kept, never its value, so a recording
//! can be printed or attached to a bug report without leaking a key.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::conversation::Step;
use crate::openai::{ChatMessage, Usage};

/// One chat-completions call as the server saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// 1 for the first call since the server started (not reset by clearing).
    pub seq: u64,
    pub received_at: DateTime<Utc>,
    /// From `X-Agent-Step` (planner when absent or unreadable).
    pub step: Step,
    pub model: Option<String>,
    pub messages: Vec<ChatMessage>,
    /// Whether the call carried an `Authorization` header. Its value is never stored.
    pub has_authorization: bool,
    pub answered_by: AnsweredBy,
    /// HTTP status of the answer.
    pub status: u16,
    /// Time from receiving the call to answering it, including injected latency.
    pub elapsed_ms: u64,
    /// The token counts the answer reported (none for a failure, or a stream that did not
    /// ask for them).
    #[serde(default)]
    pub usage: Option<Usage>,
}

/// Which part of the server produced the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum AnsweredBy {
    Demo,
    /// The scripted rule at `index` (with its `name`, if it has one).
    Rule {
        index: usize,
        name: Option<String>,
    },
    FailFault {
        status: u16,
    },
    ProseFault,
    /// Scripted mode, no rule matched, no fallback.
    NoRuleMatched,
    InvalidRequest {
        message: String,
    },
}

impl AnsweredBy {
    /// A short label for log lines.
    pub fn label(&self) -> String {
        match self {
            AnsweredBy::Demo => "demo".into(),
            AnsweredBy::Rule {
                name: Some(name), ..
            } => format!("rule:{name}"),
            AnsweredBy::Rule { index, .. } => format!("rule#{index}"),
            AnsweredBy::FailFault { status } => format!("fault:fail:{status}"),
            AnsweredBy::ProseFault => "fault:prose".into(),
            AnsweredBy::NoRuleMatched => "no_rule_matched".into(),
            AnsweredBy::InvalidRequest { .. } => "invalid_request".into(),
        }
    }
}

/// A bounded log: the oldest entries go once `limit` is reached, so a long-running demo
/// server does not grow without end.
#[derive(Debug)]
pub(crate) struct Recorder {
    entries: VecDeque<RecordedRequest>,
    limit: usize,
}

impl Recorder {
    pub fn new(limit: usize) -> Self {
        Recorder {
            entries: VecDeque::new(),
            limit: limit.max(1),
        }
    }

    pub fn push(&mut self, request: RecordedRequest) {
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(request);
    }

    pub fn all(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) -> usize {
        let count = self.entries.len();
        self.entries.clear();
        count
    }
}
