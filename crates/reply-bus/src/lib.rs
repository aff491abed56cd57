//! Live replies over NATS JetStream: the worker's planner publishes a reply's text as the
//! model streams it, and the api relays it to browsers.
//!
//! Temporal's history is the record of a conversation, but it only learns a reply once the
//! activity that wrote it returns. This crate carries the text in between. The data flow:
//!
//! ```text
//! worker (planner activity) --publish--> JetStream stream AGENT_REPLIES --follow--> api --SSE--> browser
//!                                        one subject per conversation
//! ```
//!
//! - [`ReplyBus::connect`] never fails: when NATS is unreachable the bus is *off*, its
//!   publishes are no-ops and it keeps trying in the background. Live text is a nicety; the
//!   reply always reaches the user through the workflow's history.
//! - [`ReplyBus::publish`] stores one [`ReplyEvent`] and returns its stream sequence.
//! - [`ReplyBus::follow`] reads a conversation's events as [`Envelope`]s from a point
//!   ([`StartAt`]). The sequence is the SSE event id, so a reload that sends
//!   `Last-Event-ID` resumes exactly where it was.
//! - [`ReplyBus::status`] says whether the bus is usable, for `/health`.
//!
//! How conversation ids become subjects is in [`subject`]; what the stream keeps, and for
//! how long, in [`settings`].

mod bus;
mod error;
mod event;
mod follow;
pub mod settings;
pub mod subject;

pub use bus::{BusStatus, Published, ReplyBus};
pub use error::BusError;
pub use event::{Envelope, ReplyEvent};
pub use follow::StartAt;
pub use settings::{BusOptions, BusSettings};
