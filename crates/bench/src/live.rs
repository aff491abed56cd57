//! Live replies as a virtual user sees them: the `delta` events of a conversation's
//! `/events` stream.
//!
//! The api relays each reply's text as the planner streams it:
//!
//! ```text
//! event: delta
//! data: {"reply": "<reply id>", "text": "<new text>"}
//! ```
//!
//! plus `{"reply", "text": "", "restart": true}` (a retried attempt starts the reply over)
//! and `{"reply", "text": "", "done": true}` (the reply is complete). The agent message that
//! a `history` event later carries names its reply (`response.reply_id`), and its
//! `response.response` is the deltas joined. [`LiveReplies`] keeps, per reply, when its
//! first text was read and the text so far, so the driver can time the first visible delta
//! of each turn and check, once the trip is over, that the text shown was the reply.

use std::{collections::HashMap, time::Instant};

use anyhow::Context;
use serde::Deserialize;

/// The `data` of a `delta` event.
#[derive(Debug, Deserialize)]
struct Delta {
    reply: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    restart: bool,
    #[serde(default)]
    done: bool,
}

/// One reply's text as read so far.
#[derive(Debug, Default)]
struct ReplyText {
    /// When its first non-empty text was read.
    first_text: Option<Instant>,
    text: String,
    done: bool,
}

/// The live replies of one conversation, by reply id.
#[derive(Debug, Default)]
pub struct LiveReplies {
    replies: HashMap<String, ReplyText>,
}

impl LiveReplies {
    /// Takes in the data of a `delta` event read at `at`.
    pub fn record(&mut self, data: &str, at: Instant) -> anyhow::Result<()> {
        let delta: Delta =
            serde_json::from_str(data).with_context(|| format!("a delta event: {data}"))?;
        let reply = self.replies.entry(delta.reply).or_default();
        if delta.restart {
            // The text shown so far is dropped; the moment it first appeared stays.
            reply.text.clear();
        }
        if !delta.text.is_empty() {
            reply.first_text.get_or_insert(at);
            reply.text.push_str(&delta.text);
        }
        reply.done |= delta.done;
        Ok(())
    }

    /// When `reply`'s first text was read, if it was.
    pub fn first_text(&self, reply: &str) -> Option<Instant> {
        self.replies.get(reply)?.first_text
    }

    /// Whether a reply has shown text but is not complete yet.
    pub fn unfinished(&self) -> bool {
        self.replies
            .values()
            .any(|r| r.first_text.is_some() && !r.done)
    }

    /// What the deltas of `reply` showed, next to the reply's `response` text.
    pub fn compare(&self, reply: Option<&str>, response: &str) -> Streamed {
        match reply.and_then(|id| self.replies.get(id)) {
            None => Streamed::NotLive,
            Some(r) if r.first_text.is_none() => Streamed::NotLive,
            Some(r) if r.text == response => Streamed::Whole,
            Some(_) => Streamed::Differs,
        }
    }
}

/// What a turn's reply looked like live, once the trip was over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Streamed {
    /// No text of it arrived as deltas (the bus is off, or the trip ended first).
    #[default]
    NotLive,
    /// Its deltas, joined, are the reply's `response`.
    Whole,
    /// Its deltas, joined, differ from the reply's `response`.
    Differs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_join_into_the_reply_and_a_restart_starts_it_over() {
        let mut live = LiveReplies::default();
        let start = Instant::now();
        live.record(r#"{"reply":"r1","text":"Hel"}"#, start)
            .unwrap();
        live.record(r#"{"reply":"r1","text":"","restart":true}"#, Instant::now())
            .unwrap();
        live.record(r#"{"reply":"r1","text":"Hello"}"#, Instant::now())
            .unwrap();
        assert!(live.unfinished());
        live.record(r#"{"reply":"r1","text":"","done":true}"#, Instant::now())
            .unwrap();
        assert!(!live.unfinished());
        assert_eq!(live.first_text("r1"), Some(start));
        assert_eq!(live.compare(Some("r1"), "Hello"), Streamed::Whole);
        assert_eq!(live.compare(Some("r1"), "Hello!"), Streamed::Differs);
        assert_eq!(live.compare(Some("r2"), "Hi"), Streamed::NotLive);
        assert_eq!(live.compare(None, "Hi"), Streamed::NotLive);
        assert!(live.record("not json", Instant::now()).is_err());
    }
}
