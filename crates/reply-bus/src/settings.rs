//! What the bus is configured with, and the stream it keeps.
//!
//! [`BusSettings`] is what a deployment chooses: `NATS_URL`, `REPLY_RETENTION_SECS` and
//! `REPLY_STREAM_MAX_BYTES`, read by [`BusSettings::from_env`] from the binary's
//! `settings::Env`. [`BusOptions`] are timings
//! with sensible defaults that tests shorten.
//!
//! The stream is a short-lived buffer, not a record: history is the record. It keeps events
//! on disk long enough for a reload mid-reply to replay the reply from its start, and a size
//! cap past which the oldest events go first, so a busy day cannot fill the disk.

use std::{fmt, time::Duration};

use async_nats::jetstream::stream::{self, DiscardPolicy, RetentionPolicy, StorageType};

use crate::subject::{STREAM_NAME, STREAM_SUBJECTS};

/// The largest event the bus stores. A delta carries ~50 ms of model output, a few hundred
/// bytes; this leaves room for a whole reply sent at once without letting one message
/// crowd the stream.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// Where NATS is and how much the stream keeps.
#[derive(Clone, PartialEq, Eq)]
pub struct BusSettings {
    /// `nats://host:port` (`NATS_URL`).
    pub url: String,
    /// How long an event is kept. Zero keeps events until `max_bytes` pushes them out.
    pub max_age: Duration,
    /// The stream's size cap; the oldest events are discarded past it.
    pub max_bytes: u64,
}

impl Default for BusSettings {
    fn default() -> Self {
        Self {
            url: "nats://127.0.0.1:4222".to_owned(),
            max_age: Duration::from_secs(10 * 60),
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(serde::Deserialize)]
struct BusEnv {
    nats_url: Option<String>,
    reply_retention_secs: Option<u64>,
    reply_stream_max_bytes: Option<u64>,
}

impl BusSettings {
    /// The bus's variables; anything unset keeps its default.
    pub fn from_env(env: &settings::Env) -> Result<Self, settings::SettingsError> {
        let raw: BusEnv = env.parse()?;
        let defaults = Self::default();
        Ok(Self {
            url: raw.nats_url.unwrap_or(defaults.url),
            max_age: raw
                .reply_retention_secs
                .map_or(defaults.max_age, Duration::from_secs),
            max_bytes: raw.reply_stream_max_bytes.unwrap_or(defaults.max_bytes),
        })
    }
}

/// Shows the URL without credentials, so settings can be logged.
impl fmt::Debug for BusSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusSettings")
            .field("url", &redacted(&self.url))
            .field("max_age", &self.max_age)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

/// The URL without any credentials in it (`nats://user:password@host` is valid), for logs.
pub(crate) fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        (None, Some(at)) => format!("***{}", &url[at..]),
        _ => url.to_owned(),
    }
}

/// Timings of the connection; the defaults suit production.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusOptions {
    /// The connection's name, as NATS shows it (`worker`, `api`).
    pub client_name: String,
    /// How long one attempt to reach NATS may take.
    pub connect_timeout: Duration,
    /// The longest wait for a publish's acknowledgement. Publishes happen every ~50 ms of a
    /// streaming reply, so a slow NATS must not hold the planner for long.
    pub publish_timeout: Duration,
    /// The longest wait for other JetStream requests (creating the stream or a consumer).
    pub request_timeout: Duration,
    /// The longest pause between attempts to reach NATS, both while the bus is off and
    /// when an established connection was lost. Attempts start quickly and back off to this.
    pub retry_delay_max: Duration,
    /// How long the server keeps a follower's consumer after the follower stops asking: the
    /// cleanup of last resort when a follower could not delete its consumer itself.
    pub consumer_idle_timeout: Duration,
}

impl Default for BusOptions {
    fn default() -> Self {
        Self {
            client_name: "reply-bus".to_owned(),
            connect_timeout: Duration::from_secs(2),
            publish_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(5),
            retry_delay_max: Duration::from_secs(5),
            consumer_idle_timeout: Duration::from_secs(30),
        }
    }
}

/// The stream as `settings` describe it; created or updated by whoever connects first.
pub(crate) fn stream_config(settings: &BusSettings) -> stream::Config {
    stream::Config {
        name: STREAM_NAME.to_owned(),
        description: Some("Live replies of agent conversations, one subject each".to_owned()),
        subjects: vec![STREAM_SUBJECTS.to_owned()],
        storage: StorageType::File,
        retention: RetentionPolicy::Limits,
        discard: DiscardPolicy::Old,
        max_age: settings.max_age,
        max_bytes: i64::try_from(settings.max_bytes).unwrap_or(i64::MAX),
        max_message_size: MAX_EVENT_BYTES as i32,
        // Publishes carry no message ids, so deduplication has nothing to do; the server
        // refuses a window longer than max_age.
        duplicate_window: duplicate_window(settings.max_age),
        num_replicas: 1,
        ..Default::default()
    }
}

fn duplicate_window(max_age: Duration) -> Duration {
    const SERVER_DEFAULT: Duration = Duration::from_secs(120);
    if max_age.is_zero() {
        SERVER_DEFAULT
    } else {
        max_age.min(SERVER_DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_keeps_ten_minutes_on_disk_and_drops_the_oldest_past_its_cap() {
        let config = stream_config(&BusSettings::default());
        assert_eq!(config.subjects, ["replies.>"]);
        assert_eq!(config.storage, StorageType::File);
        assert_eq!(config.discard, DiscardPolicy::Old);
        assert_eq!(config.max_age, Duration::from_secs(600));
        assert_eq!(config.max_bytes, 256 * 1024 * 1024);
        assert_eq!(config.max_message_size, 64 * 1024);
    }

    #[test]
    fn the_duplicate_window_never_outlasts_the_retention() {
        assert_eq!(
            duplicate_window(Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        assert_eq!(
            duplicate_window(Duration::from_secs(600)),
            Duration::from_secs(120)
        );
        assert_eq!(duplicate_window(Duration::ZERO), Duration::from_secs(120));
    }

    #[test]
    fn credentials_never_reach_the_logs() {
        assert_eq!(
            redacted("nats://user:secret@nats.internal:4222"),
            "nats://***@nats.internal:4222"
        );
        assert_eq!(redacted("token@127.0.0.1:4222"), "***@127.0.0.1:4222");
        assert_eq!(redacted("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
    }

    #[test]
    fn settings_print_without_credentials() {
        let settings = BusSettings {
            url: "nats://user:secret@nats.internal:4222".to_owned(),
            ..BusSettings::default()
        };
        assert!(!format!("{settings:?}").contains("secret"));
    }
}
