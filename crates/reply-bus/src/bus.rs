//! The connection to NATS, and publishing.
//!
//! A process holds one [`ReplyBus`] and clones it into every activity or request. The bus
//! is a small state machine ([`Link`]):
//!
//! - **down**: NATS was never reached. `connect` logged one warning and returned anyway; a
//!   background task retries with backoff and turns the bus up when NATS answers. Publishes
//!   are skipped.
//! - **up**: connected once, the stream exists. From here async-nats reconnects by itself
//!   when the connection drops; while it is away publishes are skipped too, instead of being
//!   queued to arrive late, and followers end (see `follow.rs`).
//!
//! Skipping is the right answer for live text: the reply reaches the user through the
//! workflow's history anyway, and a delta that arrives seconds late is noise.

use std::{
    sync::{
        Arc, PoisonError, RwLock, RwLockReadGuard, Weak,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use async_nats::jetstream::{
    self,
    context::{CreateStreamErrorKind, PublishErrorKind},
};
use tokio::sync::watch;

use crate::{
    BusError, ReplyEvent,
    event::encode,
    settings::{BusOptions, BusSettings, MAX_EVENT_BYTES, redacted, stream_config},
    subject::subject_for,
};

/// The live-reply bus of one process; cheap to clone.
#[derive(Clone)]
pub struct ReplyBus {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) settings: BusSettings,
    pub(crate) options: BusOptions,
    link: RwLock<Link>,
    /// Set by a failed publish, cleared by a successful one: one warning per outage.
    publish_failing: AtomicBool,
}

enum Link {
    /// NATS was never reached; `reason` says why, for `/health`.
    Down { reason: String },
    /// Shared, so a publish takes it with a reference count instead of a copy.
    Up(Arc<Connection>),
}

/// A working connection: the JetStream context and whether the socket is up right now.
pub(crate) struct Connection {
    pub(crate) jetstream: jetstream::Context,
    pub(crate) presence: watch::Receiver<Presence>,
}

impl Connection {
    pub(crate) fn is_online(&self) -> bool {
        *self.presence.borrow() == Presence::Online
    }
}

/// The socket's state as the client's events report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// The first connection is being set up.
    Connecting,
    Online,
    /// Lost; async-nats is reconnecting.
    Offline,
}

/// What [`ReplyBus::publish`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// Stored at this stream sequence.
    Stored { sequence: u64 },
    /// Not sent: NATS is unreachable right now. Nothing to do; history carries the reply.
    Skipped,
}

/// The bus's health, for `/health`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusStatus {
    Connected,
    /// Live replies are off (conversations still work); `reason` says why.
    Off {
        reason: String,
    },
}

const CONNECTION_LOST: &str = "the connection to NATS was lost; reconnecting";

impl ReplyBus {
    /// Connects to NATS and makes sure the stream exists. Never fails: when NATS cannot be
    /// reached it logs one warning and returns a bus that is off, and keeps trying in the
    /// background, so a NATS started later comes into use without a restart. Takes at most
    /// [`BusOptions::connect_timeout`] plus [`BusOptions::request_timeout`].
    pub async fn connect(settings: BusSettings, options: BusOptions) -> ReplyBus {
        let bus = ReplyBus {
            inner: Arc::new(Inner {
                settings,
                options,
                link: RwLock::new(Link::Down {
                    reason: "connecting".to_owned(),
                }),
                publish_failing: AtomicBool::new(false),
            }),
        };
        let url = redacted(&bus.inner.settings.url);
        match bus.inner.open().await {
            Ok(connection) => {
                bus.inner.set_link(Link::Up(Arc::new(connection)));
                tracing::info!(%url, "reply bus connected to NATS");
            }
            Err(error) => {
                tracing::warn!(
                    %url,
                    %error,
                    "NATS is unreachable: live replies are off until it answers; conversations are unaffected"
                );
                bus.inner.set_link(Link::Down {
                    reason: error.to_string(),
                });
                keep_trying(Arc::downgrade(&bus.inner));
            }
        }
        bus
    }

    /// Stores `event` on `workflow_id`'s subject and waits for JetStream's acknowledgement
    /// (at most [`BusOptions::publish_timeout`]). When NATS is unreachable the event is
    /// skipped at no cost. Errors are worth a debug line at most: the bus itself warns once
    /// when publishing starts failing and says when it works again.
    pub async fn publish(
        &self,
        workflow_id: &str,
        event: &ReplyEvent,
    ) -> Result<Published, BusError> {
        let subject = subject_for(workflow_id)?;
        let payload = encode(event);
        if payload.len() > MAX_EVENT_BYTES {
            return Err(BusError::TooLarge {
                kind: event.kind(),
                bytes: payload.len(),
                limit: MAX_EVENT_BYTES,
            });
        }
        let Some(connection) = self.inner.connection().filter(|c| c.is_online()) else {
            return Ok(Published::Skipped);
        };
        let stored = self.inner.store(&connection, subject, payload).await;
        self.inner.note_publish(workflow_id, &stored);
        stored.map(|sequence| Published::Stored { sequence })
    }

    /// Whether NATS is reachable right now.
    pub fn is_connected(&self) -> bool {
        self.status() == BusStatus::Connected
    }

    /// Connected, or off and why. Reads local state only, so `/health` may call it freely.
    pub fn status(&self) -> BusStatus {
        match &*self.inner.link() {
            Link::Down { reason } => BusStatus::Off {
                reason: reason.clone(),
            },
            Link::Up(connection) if connection.is_online() => BusStatus::Connected,
            Link::Up(_) => BusStatus::Off {
                reason: CONNECTION_LOST.to_owned(),
            },
        }
    }
}

impl Inner {
    /// The connection, once NATS has been reached (it may be offline right now).
    pub(crate) fn connection(&self) -> Option<Arc<Connection>> {
        match &*self.link() {
            Link::Up(connection) => Some(connection.clone()),
            Link::Down { .. } => None,
        }
    }

    /// Why the bus cannot be used right now, for errors.
    pub(crate) fn off_reason(&self) -> String {
        match &*self.link() {
            Link::Down { reason } => reason.clone(),
            Link::Up(_) => CONNECTION_LOST.to_owned(),
        }
    }

    /// The link state. Writers only assign, so a poisoned lock still holds a whole value.
    fn link(&self) -> RwLockReadGuard<'_, Link> {
        self.link.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_link(&self, link: Link) {
        *self.link.write().unwrap_or_else(PoisonError::into_inner) = link;
    }

    /// One attempt to reach NATS and set up the stream.
    async fn open(&self) -> Result<Connection, BusError> {
        let (presence_tx, presence) = watch::channel(Presence::Connecting);
        let presence_tx = Arc::new(presence_tx);
        let retry_delay_max = self.options.retry_delay_max;
        let client = async_nats::ConnectOptions::new()
            .name(&self.options.client_name)
            .connection_timeout(self.options.connect_timeout)
            .max_reconnects(None)
            .reconnect_delay_callback(move |attempts| backoff(attempts, retry_delay_max))
            .event_callback({
                let presence_tx = presence_tx.clone();
                move |event| {
                    track_presence(&presence_tx, &event);
                    async {}
                }
            })
            .connect(self.settings.url.as_str())
            .await
            .map_err(|error| BusError::nats("connecting to NATS", error))?;
        let jetstream = jetstream::ContextBuilder::new()
            .timeout(self.options.request_timeout)
            // An ack we stopped waiting for (publish timeout) is handed to a background task
            // that holds one of 5000 in-flight permits until it arrives or this runs out.
            .ack_timeout(self.options.publish_timeout)
            .build(client);
        self.ensure_stream(&jetstream).await?;
        // The stream answered, so the socket is up, whether or not the client's `Connected`
        // event has been handled yet.
        presence_tx.send_if_modified(|presence| {
            let first = *presence == Presence::Connecting;
            if first {
                *presence = Presence::Online;
            }
            first
        });
        Ok(Connection {
            jetstream,
            presence,
        })
    }

    /// Creates the stream, or brings its limits in line with our settings. Idempotent, so
    /// the worker and the api both call it on connect and whoever comes first creates it.
    pub(crate) async fn ensure_stream(
        &self,
        jetstream: &jetstream::Context,
    ) -> Result<(), BusError> {
        match jetstream
            .create_or_update_stream(stream_config(&self.settings))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if error.kind() == CreateStreamErrorKind::TimedOut => {
                Err(BusError::TimedOut {
                    action: "creating the stream",
                })
            }
            Err(error) => Err(BusError::nats("creating the stream", error)),
        }
    }

    /// Publishes and awaits the ack. A NATS that came back with an empty store has no stream
    /// any more; then the stream is created again and the event sent once more.
    async fn store(
        &self,
        connection: &Connection,
        subject: String,
        payload: Vec<u8>,
    ) -> Result<u64, BusError> {
        let jetstream = &connection.jetstream;
        match self
            .publish_once(jetstream, subject.clone(), payload.clone())
            .await
        {
            Err(PublishFailure::NoStream) => {
                self.ensure_stream(jetstream).await?;
                self.publish_once(jetstream, subject, payload)
                    .await
                    .map_err(PublishFailure::into_bus_error)
            }
            other => other.map_err(PublishFailure::into_bus_error),
        }
    }

    async fn publish_once(
        &self,
        jetstream: &jetstream::Context,
        subject: String,
        payload: Vec<u8>,
    ) -> Result<u64, PublishFailure> {
        let publish = async {
            let ack = jetstream.publish(subject, payload.into()).await?;
            ack.await
        };
        match tokio::time::timeout(self.options.publish_timeout, publish).await {
            Err(_elapsed) => Err(PublishFailure::TimedOut),
            Ok(Ok(ack)) => Ok(ack.sequence),
            Ok(Err(error)) => Err(match error.kind() {
                PublishErrorKind::StreamNotFound => PublishFailure::NoStream,
                PublishErrorKind::TimedOut => PublishFailure::TimedOut,
                _ => PublishFailure::Refused(error),
            }),
        }
    }

    /// Logs the first failure of an outage as a warning and the recovery as info; the
    /// failures in between, every ~50 ms per reply, only at debug.
    fn note_publish(&self, workflow_id: &str, stored: &Result<u64, BusError>) {
        match stored {
            Ok(_) => {
                if self.publish_failing.swap(false, Ordering::Relaxed) {
                    tracing::info!(workflow_id, "publishing live replies works again");
                }
            }
            Err(error) => {
                if self.publish_failing.swap(true, Ordering::Relaxed) {
                    tracing::debug!(workflow_id, %error, "live reply event not stored");
                } else {
                    tracing::warn!(
                        workflow_id,
                        %error,
                        "publishing live replies fails; events are dropped until it works again"
                    );
                }
            }
        }
    }
}

enum PublishFailure {
    NoStream,
    TimedOut,
    Refused(jetstream::context::PublishError),
}

impl PublishFailure {
    fn into_bus_error(self) -> BusError {
        match self {
            Self::NoStream => BusError::Off {
                reason: "the stream is missing".to_owned(),
            },
            Self::TimedOut => BusError::TimedOut {
                action: "publishing",
            },
            Self::Refused(error) => BusError::nats("publishing", error),
        }
    }
}

/// Follows the client's connection events. The client owns this callback, so it holds the
/// sender only, not the bus.
fn track_presence(presence: &watch::Sender<Presence>, event: &async_nats::Event) {
    let next = match event {
        async_nats::Event::Connected => Presence::Online,
        async_nats::Event::Disconnected | async_nats::Event::Closed => Presence::Offline,
        _ => return,
    };
    match (presence.send_replace(next), next) {
        (Presence::Offline, Presence::Online) => {
            tracing::info!("the connection to NATS is back: live replies resume");
        }
        (Presence::Online, Presence::Offline) => {
            tracing::warn!("lost the connection to NATS: live replies pause until it is back");
        }
        _ => {}
    }
}

/// Retries reaching NATS in the background until it answers or the bus is dropped.
fn keep_trying(inner: Weak<Inner>) {
    tokio::spawn(async move {
        for attempt in 1.. {
            let Some(delay) = inner
                .upgrade()
                .map(|inner| backoff(attempt, inner.options.retry_delay_max))
            else {
                return;
            };
            tokio::time::sleep(delay).await;
            let Some(inner) = inner.upgrade() else {
                return;
            };
            match inner.open().await {
                Ok(connection) => {
                    inner.set_link(Link::Up(Arc::new(connection)));
                    let url = redacted(&inner.settings.url);
                    tracing::info!(%url, attempt, "NATS answers now: live replies are on");
                    return;
                }
                Err(error) => {
                    tracing::debug!(%error, attempt, "NATS still unreachable");
                    inner.set_link(Link::Down {
                        reason: error.to_string(),
                    });
                }
            }
        }
    });
}

/// 100 ms, doubling per attempt, capped at `max`.
fn backoff(attempt: usize, max: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).min(16) as u32;
    Duration::from_millis(100u64 << exponent).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_tenth_of_a_second_to_the_cap() {
        let max = Duration::from_secs(5);
        assert_eq!(backoff(1, max), Duration::from_millis(100));
        assert_eq!(backoff(2, max), Duration::from_millis(200));
        assert_eq!(backoff(4, max), Duration::from_millis(800));
        assert_eq!(backoff(10, max), max);
        assert_eq!(backoff(usize::MAX, max), max);
    }
}
