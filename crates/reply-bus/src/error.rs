//! Everything that can go wrong on the bus, in one enum.
//!
//! None of these is fatal to a conversation: the reply always reaches the user through the
//! workflow's history. A publisher may ignore them (the bus logs outages itself); a follower
//! ends its live stream and falls back to history.

/// Why a publish or a follow did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("workflow id {workflow_id:?} cannot name a conversation: {why}")]
    InvalidWorkflowId {
        workflow_id: String,
        why: &'static str,
    },
    #[error("live replies are off: {reason}")]
    Off { reason: String },
    #[error("a {kind} event of {bytes} bytes exceeds the bus's limit of {limit} bytes")]
    TooLarge {
        kind: &'static str,
        bytes: usize,
        limit: usize,
    },
    #[error("NATS did not answer in time while {action}")]
    TimedOut { action: &'static str },
    #[error("the connection to NATS was lost")]
    Disconnected,
    /// The follower noticed it missed events (the consumer's delivery count jumped); resume
    /// with [`StartAt::After`](crate::StartAt::After) the last sequence it got.
    #[error("events were missed after sequence {after}")]
    Gap { after: u64 },
    #[error("{action} failed: {source}")]
    Nats {
        action: &'static str,
        #[source]
        source: async_nats::Error,
    },
}

impl BusError {
    pub(crate) fn nats(
        action: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Nats {
            action,
            source: Box::new(source),
        }
    }
}
