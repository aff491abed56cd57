//! How an email looks from outside: the `describe` query's [`EmailView`], and the one-line
//! "current details" the Temporal Web UI shows for the workflow.

use models::{Actor, EmailStatus, EmailView};

use super::EmailAgentWorkflow;
use crate::summaries::short;

impl EmailAgentWorkflow {
    pub(super) fn view(&self, workflow_id: &str) -> EmailView {
        EmailView {
            workflow_id: workflow_id.to_owned(),
            status: self.status,
            request: self.request.clone(),
            draft: self.draft.clone(),
            recipient: self.email.recipient.clone(),
            subject: self.email.subject.clone(),
            body: self.email.body.clone(),
            scheduled_at: self.send_time.as_ref().map(|t| t.at),
            scheduled_at_text: self.send_time.as_ref().map(|t| t.text.clone()),
            time_zone: self.time_zone.clone(),
            reply: self
                .history
                .messages
                .iter()
                .rev()
                .find(|m| m.actor == Actor::Agent)
                .and_then(|m| m.response.as_str())
                .map(str::to_owned),
            messages: self.history.clone(),
            setup: self.setup.clone(),
            receipt: self.receipt.clone(),
            failure: self.failure.clone(),
        }
    }

    /// One line for the Web UI's "current details".
    pub(super) fn details(&self) -> String {
        let to = self
            .email
            .recipient
            .as_deref()
            .unwrap_or("(no recipient yet)");
        let when = self
            .send_time
            .as_ref()
            .map_or("(no time yet)", |t| t.text.as_str());
        match self.status {
            EmailStatus::Initialized => "Checking how email is delivered".to_owned(),
            EmailStatus::Waiting => {
                let missing: Vec<&str> = [
                    (self.email.recipient.is_none(), "recipient"),
                    (self.email.body.is_none(), "text"),
                    (self.send_time.is_none(), "send time"),
                ]
                .into_iter()
                .filter_map(|(missing, what)| missing.then_some(what))
                .collect();
                format!("Waiting for a request (missing: {})", missing.join(", "))
            }
            EmailStatus::Processing => format!(
                "Reading the request: {}",
                short(self.request.as_deref().unwrap_or_default())
            ),
            EmailStatus::Scheduled => format!("Scheduled: to {to}, {when}"),
            EmailStatus::Sending => format!("Sending to {to}"),
            EmailStatus::Sent => format!(
                "Sent to {to} ({})",
                self.receipt
                    .as_ref()
                    .map_or(String::new(), |r| r.location.clone())
            ),
            EmailStatus::Canceled => "Canceled; nothing was sent".to_owned(),
            EmailStatus::Failed => format!(
                "Failed: {}",
                self.failure.as_deref().unwrap_or("no reason was given")
            ),
        }
    }
}
