//! Following one conversation's live replies, from a chosen point.
//!
//! Each follower gets its own ephemeral JetStream consumer, filtered on the conversation's
//! subject, without acks (readers only watch), kept in memory on the server. Deliveries
//! come in stream order; the consumer numbers them 1, 2, 3…, so a jump in that count means
//! something was missed, and the follower says so instead of showing text with a hole in
//! it.
//!
//! A follow is for one live view, not for ever: it ends with an error when the connection
//! to NATS drops (the api then shows the conversation from history and the browser follows
//! again, `After` its last event id, once NATS is back). Dropping the stream deletes the
//! consumer; if that cannot happen, the server removes it after
//! [`BusOptions::consumer_idle_timeout`](crate::BusOptions::consumer_idle_timeout).

use async_nats::jetstream::{
    self,
    consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull},
    stream::ConsumerErrorKind,
};
use futures::{Stream, StreamExt, stream};
use tokio::sync::watch;

use crate::{
    BusError, Envelope, ReplyBus,
    bus::{Connection, Presence},
    event::{Decoded, decode},
    subject::{STREAM_NAME, subject_for},
};

/// Where a follow starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// Right after this stream sequence (an SSE `Last-Event-ID`): no gap, no repeat.
    After(u64),
    /// Every event still retained for the conversation: a reload mid-reply replays the
    /// reply from its start.
    Retained,
    /// Only events published from now on.
    New,
}

impl StartAt {
    fn deliver_policy(self) -> DeliverPolicy {
        match self {
            Self::After(sequence) => DeliverPolicy::ByStartSequence {
                start_sequence: sequence.saturating_add(1),
            },
            Self::Retained => DeliverPolicy::All,
            Self::New => DeliverPolicy::New,
        }
    }
}

impl ReplyBus {
    /// The events of `workflow_id`'s conversation from `start`, as they are published.
    ///
    /// The stream ends after its first error: the bus is off, NATS went away, or events
    /// were missed. Events of kinds this version does not know are skipped.
    ///
    /// Nothing happens until the stream is first polled: the consumer is created then, so
    /// [`StartAt::New`] means new from that first poll.
    pub fn follow(
        &self,
        workflow_id: &str,
        start: StartAt,
    ) -> impl Stream<Item = Result<Envelope, BusError>> + Send + 'static {
        let state = Follow::Starting {
            bus: self.clone(),
            workflow_id: workflow_id.to_owned(),
            start,
        };
        stream::unfold(state, Follow::step)
    }
}

enum Follow {
    Starting {
        bus: ReplyBus,
        workflow_id: String,
        start: StartAt,
    },
    Reading(Box<Reader>),
    Ended,
}

impl Follow {
    async fn step(self) -> Option<(Result<Envelope, BusError>, Follow)> {
        let mut reader = match self {
            Follow::Ended => return None,
            Follow::Reading(reader) => reader,
            Follow::Starting {
                bus,
                workflow_id,
                start,
            } => match Reader::open(&bus, workflow_id, start).await {
                Ok(reader) => Box::new(reader),
                Err(error) => return Some((Err(error), Follow::Ended)),
            },
        };
        match reader.next().await {
            Ok(envelope) => Some((Ok(envelope), Follow::Reading(reader))),
            Err(error) => Some((Err(error), Follow::Ended)),
        }
    }
}

/// An open consumer and the bookkeeping that proves nothing was missed.
struct Reader {
    workflow_id: String,
    messages: pull::Stream,
    jetstream: jetstream::Context,
    consumer: String,
    presence: watch::Receiver<Presence>,
    /// The consumer's count of the last delivery; the next one must be one more.
    delivered: u64,
    /// The stream sequence of the last delivery, to resume after it.
    last_sequence: u64,
}

impl Reader {
    async fn open(bus: &ReplyBus, workflow_id: String, start: StartAt) -> Result<Self, BusError> {
        let subject = subject_for(&workflow_id)?;
        let Some(connection) = bus.inner.connection().filter(|c| c.is_online()) else {
            return Err(BusError::Off {
                reason: bus.inner.off_reason(),
            });
        };
        let consumer = create_consumer(bus, &connection, &workflow_id, subject, start).await?;
        let messages = consumer
            .messages()
            .await
            .map_err(|error| BusError::nats("starting to read the stream", error))?;
        let name = consumer.cached_info().name.clone();
        tracing::debug!(workflow_id, ?start, consumer = %name, "following live replies");
        Ok(Self {
            consumer: name,
            workflow_id,
            messages,
            jetstream: connection.jetstream.clone(),
            presence: connection.presence.clone(),
            delivered: 0,
            last_sequence: match start {
                StartAt::After(sequence) => sequence,
                StartAt::Retained | StartAt::New => 0,
            },
        })
    }

    /// The next event, skipping kinds this version does not know.
    async fn next(&mut self) -> Result<Envelope, BusError> {
        loop {
            let message = tokio::select! {
                // Events that already arrived are still good when the connection drops.
                biased;
                // The messages end only when the client's subscription closes.
                message = self.messages.next() => message,
                _ = self.presence.wait_for(|presence| *presence != Presence::Online) => None,
            };
            let message = message
                .ok_or(BusError::Disconnected)?
                .map_err(|error| BusError::nats("reading the stream", error))?;
            let info = message.info().map_err(|source| BusError::Nats {
                action: "reading the stream",
                source,
            })?;
            if info.consumer_sequence != self.delivered + 1 {
                return Err(BusError::Gap {
                    after: self.last_sequence,
                });
            }
            self.delivered = info.consumer_sequence;
            self.last_sequence = info.stream_sequence;
            let sequence = info.stream_sequence;
            match decode(&message.payload) {
                Decoded::Event(event) => return Ok(Envelope { sequence, event }),
                Decoded::UnknownKind(kind) => tracing::debug!(
                    workflow_id = %self.workflow_id,
                    sequence,
                    kind,
                    "skipping an event of a kind this version does not know"
                ),
                Decoded::Malformed(error) => tracing::warn!(
                    workflow_id = %self.workflow_id,
                    sequence,
                    %error,
                    "skipping an event that is not a reply event"
                ),
            }
        }
    }
}

impl Drop for Reader {
    /// Deletes the consumer rather than leave it to the server's idle timeout. Skipped when
    /// NATS is away: the request could not get through.
    fn drop(&mut self) {
        if *self.presence.borrow() != Presence::Online {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let jetstream = self.jetstream.clone();
        let consumer = std::mem::take(&mut self.consumer);
        runtime.spawn(async move {
            let deleted = jetstream
                .delete_consumer_from_stream(&consumer, STREAM_NAME)
                .await;
            if let Err(error) = deleted {
                tracing::debug!(
                    consumer,
                    %error,
                    "could not delete a follower's consumer; the server will"
                );
            }
        });
    }
}

/// An ephemeral consumer of the conversation's subject. When NATS came back with an empty
/// store the stream is missing; it is created again and the consumer with it.
async fn create_consumer(
    bus: &ReplyBus,
    connection: &Connection,
    workflow_id: &str,
    subject: String,
    start: StartAt,
) -> Result<PullConsumer, BusError> {
    let config = pull::Config {
        description: Some(format!("live replies of {workflow_id}")),
        filter_subject: subject,
        deliver_policy: start.deliver_policy(),
        ack_policy: AckPolicy::None,
        inactive_threshold: bus.inner.options.consumer_idle_timeout,
        memory_storage: true,
        num_replicas: 1,
        ..Default::default()
    };
    let jetstream = &connection.jetstream;
    match jetstream
        .create_consumer_on_stream(config.clone(), STREAM_NAME)
        .await
    {
        Err(error) if is_stream_missing(error.kind()) => {
            bus.inner.ensure_stream(jetstream).await?;
            jetstream
                .create_consumer_on_stream(config, STREAM_NAME)
                .await
                .map_err(|error| consumer_error(error.kind(), error))
        }
        other => other.map_err(|error| consumer_error(error.kind(), error)),
    }
}

fn is_stream_missing(kind: ConsumerErrorKind) -> bool {
    matches!(kind, ConsumerErrorKind::JetStream(error)
        if error.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND)
}

fn consumer_error(
    kind: ConsumerErrorKind,
    error: async_nats::jetstream::stream::ConsumerError,
) -> BusError {
    match kind {
        ConsumerErrorKind::TimedOut => BusError::TimedOut {
            action: "creating a consumer",
        },
        _ => BusError::nats("creating a consumer", error),
    }
}
