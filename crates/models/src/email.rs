//! The email assistant's data: the email being composed, where it stands, and the payloads of
//! `EmailAgentWorkflow`, its updates, its `describe` query and its activities.
//!
//! Times are Unix seconds (UTC). The user's time zone travels as an IANA name
//! (`Europe/Berlin`); turning a phrase such as "tomorrow 9am" into a Unix time happens in an
//! activity, so the workflow only ever compares numbers.

use serde::{Deserialize, Serialize};

use crate::ConversationHistory;

/// Where an email is in its life.
///
/// `initialized` → `waiting` (for a request) → `processing` (the assistant reads it) →
/// `scheduled` (a durable timer runs until the send time) → `sending` → `sent`; or `canceled`;
/// or `failed` (no way to deliver, or delivery kept failing). `waiting` and `scheduled` are the
/// only states that take a new request; the last three are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EmailStatus {
    #[default]
    Initialized,
    Waiting,
    Processing,
    Scheduled,
    Sending,
    Sent,
    Canceled,
    Failed,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Initialized => "initialized",
            EmailStatus::Waiting => "waiting",
            EmailStatus::Processing => "processing",
            EmailStatus::Scheduled => "scheduled",
            EmailStatus::Sending => "sending",
            EmailStatus::Sent => "sent",
            EmailStatus::Canceled => "canceled",
            EmailStatus::Failed => "failed",
        }
    }

    /// Nothing more happens to the email.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            EmailStatus::Sent | EmailStatus::Canceled | EmailStatus::Failed
        )
    }

    /// Why a finished email takes no more requests, in words for the user; `None` while it
    /// is not finished. `failure` is the reason a failed email failed.
    pub fn finished_reason(self, failure: Option<&str>) -> Option<String> {
        match self {
            EmailStatus::Sent => Some("This email has already been sent.".to_owned()),
            EmailStatus::Canceled => Some("This email was canceled.".to_owned()),
            EmailStatus::Failed => Some(format!(
                "This email failed: {}",
                failure.unwrap_or("no reason was given")
            )),
            _ => None,
        }
    }

    /// A new request is taken only while the assistant is idle: waiting, or counting down.
    pub fn accepts_requests(self) -> bool {
        matches!(self, EmailStatus::Waiting | EmailStatus::Scheduled)
    }
}

impl std::fmt::Display for EmailStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The email as composed so far; any part may still be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailFields {
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl EmailFields {
    /// Recipient and body are set (a subject is optional).
    pub fn is_complete(&self) -> bool {
        has_text(&self.recipient) && has_text(&self.body)
    }
}

fn has_text(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// When the email goes out: the instant, and how to say it to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendTime {
    /// Unix seconds.
    pub at: i64,
    /// The instant in the user's zone, e.g. `Tue 24 Nov 2026, 09:00 (Europe/Berlin)`.
    pub text: String,
}

/// The time zone used when the user sent none.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// `EmailAgentWorkflow`'s input; also what continue-as-new carries into the next run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmailWorkflowInput {
    /// The user's IANA time zone; times the user names are read in it (default UTC).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The state of an earlier run of the same email (continue-as-new only).
    #[serde(default)]
    pub carried: Option<EmailCarry>,
}

/// An email's state as one run hands it to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailCarry {
    pub email: EmailFields,
    #[serde(default)]
    pub send_time: Option<SendTime>,
    #[serde(default)]
    pub history: ConversationHistory,
    #[serde(default)]
    pub draft: String,
    #[serde(default)]
    pub request: Option<String>,
    /// The delivery key of the first run: keeps the send idempotent across runs.
    pub send_key: String,
    #[serde(default)]
    pub setup: Option<EmailSetup>,
}

/// How this worker delivers email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryChannel {
    /// An SMTP server (`SMTP_*` settings).
    Smtp,
    /// One `.eml` file per email in a local folder (no settings needed).
    Outbox,
}

/// What `email_checkDelivery` found: this worker's way to send, and the limits the workflow
/// applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailSetup {
    pub channel: DeliveryChannel,
    /// Where email goes, for people: `smtp.example.com:587 (starttls)` or the outbox folder.
    /// Never holds a secret.
    pub detail: String,
    /// How long the send activity keeps retrying before the email is `failed`.
    pub send_window_secs: u64,
    /// Draft saves one workflow run takes before it continues as new (keeps its history
    /// short however long the user types).
    #[serde(default = "default_draft_saves_per_run")]
    pub draft_saves_per_run: u32,
}

/// See [`EmailSetup::draft_saves_per_run`].
pub const DEFAULT_DRAFT_SAVES_PER_RUN: u32 = 500;

fn default_draft_saves_per_run() -> u32 {
    DEFAULT_DRAFT_SAVES_PER_RUN
}

/// Input of `email_interpretRequest`: the request, the email as it stands, and the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailRequestInput {
    pub request: String,
    pub email: EmailFields,
    #[serde(default)]
    pub send_time: Option<SendTime>,
    pub time_zone: String,
    /// Earlier requests and replies, oldest first (not yet including `request`).
    #[serde(default)]
    pub history: ConversationHistory,
}

/// What `email_interpretRequest` decided: the email after the request, and what to tell the
/// user. Fields the request did not touch keep their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailDecision {
    pub email: EmailFields,
    /// The send time after the request; `None` while the user has not named a usable one.
    #[serde(default)]
    pub send_time: Option<SendTime>,
    /// The user asked to cancel the email.
    #[serde(default)]
    pub cancel: bool,
    /// The assistant's reply to the user.
    pub reply: String,
}

/// Input of `email_send`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailSendInput {
    /// Stable for the whole life of the email (all attempts, all runs): the Message-ID and
    /// the outbox file name derive from it, so a retried send never delivers twice.
    pub send_key: String,
    pub email: EmailFields,
    pub send_time: SendTime,
}

/// What `email_send` reports once the email is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailReceipt {
    pub channel: DeliveryChannel,
    pub message_id: String,
    /// The outbox file, or the SMTP server that accepted the message.
    pub location: String,
    /// Unix seconds.
    pub delivered_at: i64,
    /// An earlier attempt had already delivered it; this one sent nothing.
    #[serde(default)]
    pub already_delivered: bool,
}

/// The `describe` query's answer (and what the updates return): the email as the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailView {
    pub workflow_id: String,
    pub status: EmailStatus,
    /// The request being processed, or the latest one processed.
    pub request: Option<String>,
    /// What the user is typing in the request box, saved by `save_draft`.
    pub draft: String,
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Unix seconds; set while a send time is known.
    pub scheduled_at: Option<i64>,
    /// `scheduled_at` in the user's zone, for display.
    pub scheduled_at_text: Option<String>,
    pub time_zone: String,
    /// The assistant's latest reply.
    pub reply: Option<String>,
    /// Requests (`user`) and replies (`agent`), oldest first.
    pub messages: ConversationHistory,
    pub setup: Option<EmailSetup>,
    pub receipt: Option<EmailReceipt>,
    /// Why the email failed, when it did.
    pub failure: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_use_their_wire_names_and_know_which_take_requests() {
        let all = [
            EmailStatus::Initialized,
            EmailStatus::Waiting,
            EmailStatus::Processing,
            EmailStatus::Scheduled,
            EmailStatus::Sending,
            EmailStatus::Sent,
            EmailStatus::Canceled,
            EmailStatus::Failed,
        ];
        for status in all {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                json!(status.as_str())
            );
        }
        let taking: Vec<_> = all.iter().filter(|s| s.accepts_requests()).collect();
        assert_eq!(taking, [&EmailStatus::Waiting, &EmailStatus::Scheduled]);
        let finished: Vec<_> = all.iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finished,
            [
                &EmailStatus::Sent,
                &EmailStatus::Canceled,
                &EmailStatus::Failed
            ]
        );
    }

    #[test]
    fn an_email_needs_a_recipient_and_a_body() {
        let mut email = EmailFields::default();
        assert!(!email.is_complete());
        email.recipient = Some("ana@example.com".into());
        email.body = Some("  ".into());
        assert!(!email.is_complete());
        email.body = Some("Hello".into());
        assert!(email.is_complete(), "the subject is optional");
    }

    #[test]
    fn inputs_take_defaults_for_missing_fields() {
        let input: EmailWorkflowInput = serde_json::from_value(json!({})).unwrap();
        assert_eq!(input, EmailWorkflowInput::default());
        let fields: EmailFields = serde_json::from_value(json!({"recipient": "a@b.c"})).unwrap();
        assert_eq!(fields.body, None);
    }
}
