//! `delta` events: the text of the agent's replies while the model writes it.
//!
//! The worker's planner publishes each reply's text on the reply bus as it streams; each
//! subscriber of `/events` gets its own follower of the conversation's subject, relayed as
//!
//! ```text
//! event: delta
//! id: 1042
//! data: {"reply": "<reply id>", "text": "<new text>"}
//! ```
//!
//! The id is the bus's sequence number. A follower reads from the start of what the bus
//! still keeps (minutes), so a reload mid-reply gets the reply from its beginning, and a
//! reconnect that sends `Last-Event-ID` gets exactly what came after that event. A user
//! prompt's reply streams while the validator still judges the prompt: its deltas are held
//! until the validator's verdict, then sent or dropped. `{"reply", "text": "", "restart":
//! true}` says a retried attempt starts the reply over; `"done": true` that it is complete.
//! The deltas of a reply, joined, are the `response` of the agent message whose `reply_id`
//! it is. When the bus is off or goes away, nothing fails: replies arrive whole through
//! `history` events, and the follower tries again every few seconds.

use std::{
    collections::{HashMap, HashSet},
    convert::Infallible,
    time::Duration,
};

use axum::response::sse::Event;
use futures::{Stream, StreamExt};
use reply_bus::{Envelope, ReplyBus, ReplyEvent, StartAt};
use serde_json::json;
use tokio::sync::mpsc;

use crate::{Shutdown, domain::WorkflowId};

/// Pause before following the bus again after it went away.
const RETRY: Duration = Duration::from_secs(2);

/// The `delta` events of `id` for one subscriber, after the bus sequence `after`.
pub fn delta_events(
    bus: ReplyBus,
    id: &WorkflowId,
    after: Option<u64>,
    shutdown: Shutdown,
) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    let (events, received) = mpsc::channel(64);
    let id = id.as_str().to_owned();
    tokio::spawn(async move {
        tokio::select! {
            _ = relay(bus, id, after, events) => {}
            _ = shutdown.wait() => {}
        }
    });
    futures::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|event| (Ok(event), received))
    })
}

/// Follows the bus until the subscriber leaves; holds and releases gated turns.
async fn relay(bus: ReplyBus, id: String, after: Option<u64>, events: mpsc::Sender<Event>) {
    let mut gate = Gate::new(after);
    loop {
        let mut follower = std::pin::pin!(bus.follow(&id, StartAt::Retained));
        while let Some(read) = follower.next().await {
            let Ok(envelope) = read else { break };
            for event in gate.accept(envelope) {
                if events.send(event).await.is_err() {
                    return;
                }
            }
        }
        // The bus is off or went away: replies arrive through history meanwhile.
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = events.closed() => return,
        }
    }
}

/// Turns bus events into SSE events: holds a turn's deltas until its verdict, and skips
/// what the subscriber already has.
struct Gate {
    /// The last sequence the subscriber had when it connected (its `Last-Event-ID`).
    after: u64,
    held: HashMap<String, Vec<Envelope>>,
    accepted: HashSet<String>,
    rejected: HashSet<String>,
}

impl Gate {
    fn new(after: Option<u64>) -> Self {
        Self {
            after: after.unwrap_or(0),
            held: HashMap::new(),
            accepted: HashSet::new(),
            rejected: HashSet::new(),
        }
    }

    /// The SSE events `envelope` releases, in order.
    fn accept(&mut self, envelope: Envelope) -> Vec<Event> {
        match &envelope.event {
            ReplyEvent::Delta {
                turn, gated: true, ..
            } if !self.accepted.contains(turn) => {
                if !self.rejected.contains(turn) {
                    self.held.entry(turn.clone()).or_default().push(envelope);
                }
                Vec::new()
            }
            ReplyEvent::Verdict { turn, accepted } => {
                let held = self.held.remove(turn).unwrap_or_default();
                if *accepted {
                    self.accepted.insert(turn.clone());
                    held.into_iter().filter_map(|e| self.emit(e)).collect()
                } else {
                    self.rejected.insert(turn.clone());
                    Vec::new()
                }
            }
            _ => self.emit(envelope).into_iter().collect(),
        }
    }

    /// The SSE event of one bus event, unless the subscriber already has it.
    fn emit(&self, envelope: Envelope) -> Option<Event> {
        if envelope.sequence <= self.after {
            return None;
        }
        let data = match envelope.event {
            ReplyEvent::Delta { reply, text, .. } => json!({"reply": reply, "text": text}),
            ReplyEvent::Restart { reply } => json!({"reply": reply, "text": "", "restart": true}),
            ReplyEvent::Done { reply } => json!({"reply": reply, "text": "", "done": true}),
            _ => return None,
        };
        Some(
            Event::default()
                .event("delta")
                .id(envelope.sequence.to_string())
                .data(data.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(sequence: u64, turn: &str, text: &str, gated: bool) -> Envelope {
        Envelope {
            sequence,
            event: ReplyEvent::Delta {
                turn: turn.into(),
                reply: format!("{turn}-r"),
                text: text.into(),
                gated,
            },
        }
    }

    fn verdict(sequence: u64, turn: &str, accepted: bool) -> Envelope {
        Envelope {
            sequence,
            event: ReplyEvent::Verdict {
                turn: turn.into(),
                accepted,
            },
        }
    }

    /// How many events `envelopes` release.
    fn released(gate: &mut Gate, envelopes: Vec<Envelope>) -> usize {
        envelopes.into_iter().map(|e| gate.accept(e).len()).sum()
    }

    #[test]
    fn gated_deltas_wait_for_the_verdict_and_a_rejection_drops_them() {
        let mut gate = Gate::new(None);
        assert!(gate.accept(delta(1, "t1", "Hel", true)).is_empty());
        assert!(gate.accept(delta(2, "t1", "lo", true)).is_empty());
        assert_eq!(gate.accept(verdict(3, "t1", true)).len(), 2);
        assert_eq!(
            gate.accept(delta(4, "t1", "!", true)).len(),
            1,
            "accepted turns flow"
        );

        assert!(gate.accept(delta(5, "t2", "No", true)).is_empty());
        assert!(gate.accept(verdict(6, "t2", false)).is_empty());
        assert!(
            gate.accept(delta(7, "t2", "pe", true)).is_empty(),
            "rejected turns stay dropped"
        );
        assert_eq!(
            gate.accept(delta(8, "t3", "Event", false)).len(),
            1,
            "ungated flows at once"
        );
    }

    #[test]
    fn a_resume_sends_only_what_came_after_its_last_event_id() {
        // The subscriber saw up to sequence 2 (released by the verdict at 3).
        let mut gate = Gate::new(Some(2));
        let all = vec![
            delta(1, "t1", "Hel", true),
            delta(2, "t1", "lo", true),
            verdict(3, "t1", true),
            delta(4, "t1", " there", true),
        ];
        assert_eq!(released(&mut gate, all), 1, "only sequence 4 is new");
    }
}
