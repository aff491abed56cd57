//! What travels on the bus: the events of a reply, as JSON tagged with `"kind"`.
//!
//! A reply is streamed as deltas, then closed by `done`. Deltas belong to a turn, and the
//! validator activity decides afterwards whether that turn's answer stands (`verdict`): the
//! api holds a turn's deltas until then and shows or drops them. When Temporal retries the
//! planner activity, the new attempt writes the reply from its start, so it first says
//! `restart` and readers throw away the partial text they had.
//!
//! New kinds may be added. Readers skip kinds they do not know, so a newer worker never
//! breaks an older api.

use serde::{Deserialize, Serialize};

/// One event of a live reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReplyEvent {
    /// The next piece of a reply's text.
    Delta {
        /// The turn the reply answers.
        turn: String,
        /// Which reply (one planner attempt's answer) the text extends.
        reply: String,
        text: String,
        /// The turn awaits the validator's verdict: hold the text until it accepts the turn.
        /// A reply to an internal event (a tool result, the opening) needs no verdict.
        #[serde(default)]
        gated: bool,
    },
    /// The validator's decision on a turn: show its deltas (`accepted`) or drop them.
    Verdict { turn: String, accepted: bool },
    /// A retried attempt starts the reply over: discard the text received for it so far.
    Restart { reply: String },
    /// The reply is complete; no more deltas follow for it.
    Done { reply: String },
}

impl ReplyEvent {
    /// Every `kind` this version writes and understands.
    pub const KINDS: [&'static str; 4] = ["delta", "verdict", "restart", "done"];

    /// The event's `kind` on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Delta { .. } => "delta",
            Self::Verdict { .. } => "verdict",
            Self::Restart { .. } => "restart",
            Self::Done { .. } => "done",
        }
    }
}

/// An event as read back from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The JetStream stream sequence: increasing, unique across all conversations, and the
    /// SSE event id; [`StartAt::After`](crate::StartAt::After) resumes after it.
    pub sequence: u64,
    pub event: ReplyEvent,
}

/// What a reader makes of a payload.
#[derive(Debug)]
pub(crate) enum Decoded {
    Event(ReplyEvent),
    /// A kind this version does not know (written by a newer publisher): skipped.
    UnknownKind(String),
    /// Not an event at all: skipped too, but worth a warning.
    Malformed(serde_json::Error),
}

pub(crate) fn encode(event: &ReplyEvent) -> Vec<u8> {
    // Plain strings and a bool: serializing cannot fail.
    serde_json::to_vec(event).expect("a reply event serializes to JSON")
}

pub(crate) fn decode(payload: &[u8]) -> Decoded {
    #[derive(Deserialize)]
    struct Tagged {
        kind: String,
    }
    match serde_json::from_slice::<ReplyEvent>(payload) {
        Ok(event) => Decoded::Event(event),
        Err(error) => match serde_json::from_slice::<Tagged>(payload) {
            Ok(Tagged { kind }) if !ReplyEvent::KINDS.contains(&kind.as_str()) => {
                Decoded::UnknownKind(kind)
            }
            _ => Decoded::Malformed(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<ReplyEvent> {
        vec![
            ReplyEvent::Delta {
                turn: "t1".into(),
                reply: "r1".into(),
                text: "Hel".into(),
                gated: true,
            },
            ReplyEvent::Verdict {
                turn: "t1".into(),
                accepted: true,
            },
            ReplyEvent::Restart { reply: "r1".into() },
            ReplyEvent::Done { reply: "r1".into() },
        ]
    }

    #[test]
    fn events_are_json_tagged_with_their_kind() {
        let delta = &every_kind()[0];
        let json: serde_json::Value = serde_json::from_slice(&encode(delta)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "delta", "turn": "t1", "reply": "r1", "text": "Hel", "gated": true})
        );
    }

    #[test]
    fn every_event_round_trips_and_its_kind_is_listed() {
        for event in every_kind() {
            let json: serde_json::Value = serde_json::from_slice(&encode(&event)).unwrap();
            assert_eq!(json["kind"], event.kind());
            assert!(ReplyEvent::KINDS.contains(&event.kind()));
            match decode(&encode(&event)) {
                Decoded::Event(decoded) => assert_eq!(decoded, event),
                other => panic!("{event:?} decoded as {other:?}"),
            }
        }
    }

    #[test]
    fn a_kind_from_a_newer_publisher_is_recognised_as_unknown() {
        let payload = br#"{"kind": "tool_progress", "reply": "r1", "percent": 40}"#;
        assert!(matches!(decode(payload), Decoded::UnknownKind(kind) if kind == "tool_progress"));
    }

    #[test]
    fn a_known_kind_with_missing_fields_is_malformed() {
        assert!(matches!(
            decode(br#"{"kind": "delta", "reply": "r1"}"#),
            Decoded::Malformed(_)
        ));
        assert!(matches!(decode(b"not json"), Decoded::Malformed(_)));
    }

    #[test]
    fn extra_fields_on_a_known_kind_are_ignored() {
        let payload = br#"{"kind": "done", "reply": "r1", "tokens": 12}"#;
        assert!(matches!(
            decode(payload),
            Decoded::Event(ReplyEvent::Done { reply }) if reply == "r1"
        ));
    }
}
