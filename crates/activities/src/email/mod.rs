//! The email assistant's activities: check how email leaves this worker, read a request
//! with the LLM, and deliver the email once.
//!
//! - `email_checkDelivery` runs when an email starts: SMTP settings that work, or an outbox
//!   folder that can be written. Anything else fails the email at once with the reason.
//! - `email_interpretRequest` asks the model (the same client and retry rules as the trip
//!   agent, step `email`) what the request changes, then checks the answer in Rust: a real
//!   address, a send time resolved against now in the user's zone ([`when`]).
//! - `email_send` delivers. Its identity (Message-ID, outbox file name) comes from the
//!   email's send key, and it leaves a record of success where a retry looks first (the
//!   outbox file itself, or a receipt file and the activity's heartbeat for SMTP), so a retry
//!   never delivers a second copy. What remains: if the worker dies after the SMTP server
//!   accepted the message but before the receipt is written (microseconds), the retry sends
//!   it again with the same Message-ID, which receiving systems use to drop duplicates.

mod decide;
mod delivery;
pub mod message;
pub mod outbox;
mod smtp;
pub mod when;

use std::{sync::Arc, time::SystemTime};

use chrono::Utc;
use chrono_tz::Tz;
use models::{
    DeliveryChannel, EmailDecision, EmailReceipt, EmailRequestInput, EmailSendInput, EmailSetup,
};
use serde::{Deserialize, Serialize};
use settings::LlmSettings;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use tracing::{info, warn};
use workflows::contracts::email_markers as email_activity;

pub use delivery::{Delivery, EmailSettings, SmtpSettings, SmtpTls};

use crate::{
    ask::ask_model,
    failure::{email_rejected, email_send_failed, email_unavailable, prompt_failure},
    heartbeat::heartbeating_with,
    llm::{LlmClient, LlmStep},
};

pub struct EmailActivities {
    llm: LlmClient,
    max_invalid_answers: u32,
    settings: EmailSettings,
}

/// How far a send got, kept in the activity's heartbeat so the next attempt can read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
enum SendProgress {
    /// Talking to the SMTP server; the outcome is not known yet.
    Sending { message_id: String },
    /// The server accepted the email.
    Delivered { receipt: EmailReceipt },
}

impl EmailActivities {
    /// The email activities: the model is the trip agent's, delivery as `settings` say.
    pub fn new(llm: &LlmSettings, settings: EmailSettings) -> Self {
        Self {
            llm: LlmClient::new(llm),
            max_invalid_answers: llm.max_invalid_answers,
            settings,
        }
    }

    /// Records every model call into `metrics`.
    pub fn with_metrics(mut self, metrics: crate::AgentMetrics) -> Self {
        self.llm = self.llm.with_metrics(metrics);
        self
    }

    /// Lets model call spans carry prompt text (`OTEL_RECORD_PROMPTS`).
    pub fn recording_prompts(mut self, record: bool) -> Self {
        self.llm = self.llm.recording_prompts(record);
        self
    }

    fn outbox_dir(&self) -> &std::path::Path {
        &self.settings.outbox_dir
    }

    async fn send_by_smtp(
        &self,
        ctx: &ActivityContext,
        smtp: &SmtpSettings,
        input: &EmailSendInput,
        previous: Option<SendProgress>,
    ) -> Result<EmailReceipt, ActivityError> {
        let dir = self.outbox_dir().to_owned();
        let key = input.send_key.clone();
        if let Some(mut receipt) = blocking({
            let (dir, key) = (dir.clone(), key.clone());
            move || outbox::read_receipt(&dir, &key)
        })
        .await
        {
            receipt.already_delivered = true;
            return Ok(receipt);
        }
        let message = message::build(&key, &self.settings.from, &input.email, SystemTime::now())
            .map_err(|err| email_rejected(err.to_string()))?;
        let message_id = message::message_id(&key, &self.settings.from);
        if let Some(SendProgress::Sending { .. }) = previous {
            warn!(
                send_key = %key,
                %message_id,
                "an earlier attempt stopped while talking to the SMTP server; it may have delivered. Sending again with the same Message-ID"
            );
        }
        let progress = SendProgress::Sending {
            message_id: message_id.clone(),
        };
        let answer = heartbeating_with(ctx, progress, smtp::send(smtp, &message))
            .await?
            .map_err(|err| match err {
                smtp::SmtpError::Rejected { .. } => email_rejected(err.to_string()),
                smtp::SmtpError::Transient { .. } => email_send_failed(err.to_string()),
            })?;
        let receipt = EmailReceipt {
            channel: DeliveryChannel::Smtp,
            message_id,
            location: format!("{}:{}", smtp.host, smtp.port),
            delivered_at: Utc::now().timestamp(),
            already_delivered: false,
        };
        info!(send_key = %key, server = %receipt.location, %answer, "email delivered by SMTP");
        // Record the success where a retry looks first. Failing to record it does not undo
        // the delivery, so it is logged, not returned.
        let written = blocking({
            let (dir, key, receipt) = (dir.clone(), key.clone(), receipt.clone());
            move || outbox::write_receipt(&dir, &key, &receipt)
        })
        .await;
        if let Err(err) = written {
            warn!(send_key = %key, error = %err, "could not write the delivery receipt");
        }
        let _ = ctx
            .record_heartbeat(SendProgress::Delivered {
                receipt: receipt.clone(),
            })
            .await;
        Ok(receipt)
    }

    async fn send_to_outbox(&self, input: &EmailSendInput) -> Result<EmailReceipt, ActivityError> {
        let message = message::build(
            &input.send_key,
            &self.settings.from,
            &input.email,
            SystemTime::now(),
        )
        .map_err(|err| email_rejected(err.to_string()))?;
        let path = outbox::file_for(self.outbox_dir(), &input.send_key);
        let bytes = message.formatted();
        let written = blocking(move || outbox::write_once(&path, &bytes))
            .await
            .map_err(|err| email_send_failed(format!("could not write to the outbox: {err}")))?;
        let location = written.path.display().to_string();
        info!(send_key = %input.send_key, file = %location, already = written.already_there, "email written to the outbox");
        Ok(EmailReceipt {
            channel: DeliveryChannel::Outbox,
            message_id: message::message_id(&input.send_key, &self.settings.from),
            location,
            delivered_at: written.written_at,
            already_delivered: written.already_there,
        })
    }
}

#[activities]
impl EmailActivities {
    #[activity(definition = email_activity::CheckDelivery)]
    pub async fn check_delivery(
        self: Arc<Self>,
        _ctx: ActivityContext,
    ) -> Result<EmailSetup, ActivityError> {
        let send_window_secs = self.settings.send_window.as_secs();
        let draft_saves_per_run = self.settings.draft_saves_per_run;
        let dir = self.outbox_dir().to_owned();
        match &self.settings.delivery {
            Delivery::Misconfigured(reason) => Err(email_unavailable(reason.clone())),
            Delivery::Outbox => {
                let folder = blocking(move || outbox::ensure_writable(&dir))
                    .await
                    .map_err(|err| {
                        email_unavailable(format!(
                            "no SMTP server is configured (SMTP_HOST), and the outbox folder {} cannot be written: {err}",
                            self.outbox_dir().display()
                        ))
                    })?;
                Ok(EmailSetup {
                    channel: DeliveryChannel::Outbox,
                    detail: folder.display().to_string(),
                    send_window_secs,
                    draft_saves_per_run,
                })
            }
            Delivery::Smtp(smtp) => {
                blocking(move || outbox::ensure_receipts_writable(&dir))
                    .await
                    .map_err(|err| {
                        email_unavailable(format!(
                            "EMAIL_OUTBOX_DIR ({}) must be writable: it keeps the receipts that stop a retried send from delivering twice ({err})",
                            self.outbox_dir().display()
                        ))
                    })?;
                Ok(EmailSetup {
                    channel: DeliveryChannel::Smtp,
                    detail: format!("{} from {}", smtp.describe(), self.settings.from),
                    send_window_secs,
                    draft_saves_per_run,
                })
            }
        }
    }

    #[activity(definition = email_activity::Interpret)]
    pub async fn interpret(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: EmailRequestInput,
    ) -> Result<EmailDecision, ActivityError> {
        let zone: Tz = input.time_zone.parse().unwrap_or(Tz::UTC);
        let now = Utc::now();
        let prompt = prompts::email_prompt(&input, &when::describe_now(now, zone))
            .map_err(prompt_failure)?;
        let reply = ask_model(
            &self.llm,
            self.max_invalid_answers,
            &ctx,
            LlmStep::Email,
            prompt,
            prompts::parse_email_reply,
        )
        .await?
        .value;
        Ok(decide::decide(&input, reply, now, zone))
    }

    #[activity(definition = email_activity::Send)]
    pub async fn send(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: EmailSendInput,
    ) -> Result<EmailReceipt, ActivityError> {
        let previous: Option<SendProgress> = ctx.heartbeat_details().deserialize().ok().flatten();
        info!(
            send_key = %input.send_key,
            attempt = ctx.info().attempt,
            "sending email"
        );
        if let Some(SendProgress::Delivered { mut receipt }) = previous.clone() {
            receipt.already_delivered = true;
            return Ok(receipt);
        }
        match &self.settings.delivery {
            Delivery::Misconfigured(reason) => Err(email_unavailable(reason.clone())),
            Delivery::Outbox => self.send_to_outbox(&input).await,
            Delivery::Smtp(smtp) => self.send_by_smtp(&ctx, smtp, &input, previous).await,
        }
    }
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .expect("file work does not panic")
}
