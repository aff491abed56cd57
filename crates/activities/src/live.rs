//! The planner's reply, streamed live to the browser while the model writes it.
//!
//! The planner activity reads the model's streamed answer, picks the `response` text out of
//! the JSON as it grows (`prompts::ResponseText`) and publishes it on the reply bus in small
//! batches: about every 50 ms, or piece by piece when the model is slower than that. The
//! activity's result is still the whole parsed answer: the workflow history stays the record,
//! the bus only carries text in between. A retried attempt first says `restart`, so readers
//! drop the text of the attempt that died. Publishing never fails the activity: with the bus
//! off, the reply simply arrives whole.

use std::time::Duration;

use models::LiveReply;
use reply_bus::{ReplyBus, ReplyEvent};
use tokio::{sync::mpsc, time::Instant};

/// How long new text may wait to be batched with more before it is published.
pub const BATCH_WINDOW: Duration = Duration::from_millis(50);

/// Where one reply's text goes.
pub(crate) struct LiveText {
    bus: ReplyBus,
    workflow_id: String,
    reply: LiveReply,
}

impl LiveText {
    pub(crate) fn new(bus: ReplyBus, workflow_id: String, reply: LiveReply) -> Self {
        Self {
            bus,
            workflow_id,
            reply,
        }
    }

    /// Publishes pieces from `pieces` until the sender is dropped, then says the reply is
    /// done. `attempt` > 1 first tells readers to forget the earlier attempt's text.
    pub(crate) async fn publish(self, mut pieces: mpsc::UnboundedReceiver<String>, attempt: u32) {
        if attempt > 1 {
            self.send(ReplyEvent::Restart {
                reply: self.reply.reply.clone(),
            })
            .await;
        }
        let mut pending = String::new();
        let mut last_flush: Option<Instant> = None;
        loop {
            let due = (!pending.is_empty())
                .then(|| last_flush.map_or_else(Instant::now, |at| at + BATCH_WINDOW));
            tokio::select! {
                piece = pieces.recv() => match piece {
                    Some(piece) => {
                        pending.push_str(&piece);
                        // The first piece goes at once; later ones wait for the window.
                        if last_flush.is_none_or(|at| at.elapsed() >= BATCH_WINDOW) {
                            self.flush(&mut pending).await;
                            last_flush = Some(Instant::now());
                        }
                    }
                    None => break,
                },
                _ = sleep_until(due) => {
                    self.flush(&mut pending).await;
                    last_flush = Some(Instant::now());
                }
            }
        }
        self.flush(&mut pending).await;
        self.send(ReplyEvent::Done {
            reply: self.reply.reply.clone(),
        })
        .await;
    }

    async fn flush(&self, pending: &mut String) {
        if pending.is_empty() {
            return;
        }
        let text = std::mem::take(pending);
        self.send(ReplyEvent::Delta {
            turn: self.reply.turn.clone(),
            reply: self.reply.reply.clone(),
            text,
            gated: self.reply.gated,
        })
        .await;
    }

    async fn send(&self, event: ReplyEvent) {
        if let Err(err) = self.bus.publish(&self.workflow_id, &event).await {
            tracing::debug!(workflow_id = %self.workflow_id, error = %err, "live reply text not published");
        }
    }
}

/// Publishes the validator's verdict on a turn whose reply streams meanwhile.
pub(crate) async fn publish_verdict(bus: &ReplyBus, workflow_id: &str, turn: &str, accepted: bool) {
    let event = ReplyEvent::Verdict {
        turn: turn.to_owned(),
        accepted,
    };
    if let Err(err) = bus.publish(workflow_id, &event).await {
        tracing::debug!(workflow_id, error = %err, "verdict not published");
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
