//! The email assistant's stream, `GET /email/events?workflow_id=...`:
//!
//! ```text
//! event: status
//! data: {"state":"running","detail":"..."}
//!
//! event: email
//! data: {"workflow_id":"email-...","status":"scheduled",...}
//! ```
//!
//! both on connect and whenever they change. `state` is `running`, `finished` (sent,
//! canceled or failed: the last `email` event shows which), `not_found` (no such email
//! yet) or `worker_unavailable` (queries get no answer, or Temporal is unreachable; the
//! last email known stays). The `email` data is the `describe` query's answer.

use std::sync::Arc;

use models::EmailView;
use serde::{Deserialize, Serialize};
use temporalio_client::WorkflowExecutionStatus;
use utoipa::ToSchema;

use super::Feed;
use crate::{
    domain::WorkflowId,
    error::ApiError,
    temporal::{Read, Temporal, is_open_status},
};

/// What an email's workflow looks like from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailStreamState {
    Running,
    Finished,
    NotFound,
    WorkerUnavailable,
}

/// The `data` of an email stream's `status` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmailStreamStatus {
    pub state: EmailStreamState,
    /// The state in words, for the UI to show.
    pub detail: String,
}

/// The email assistant's feed: `status` and `email` events.
pub struct Emails;

impl Feed for Emails {
    type Status = EmailStreamStatus;
    const DATA_EVENT: &'static str = "email";

    async fn read(
        temporal: &Temporal,
        id: &WorkflowId,
        status: WorkflowExecutionStatus,
    ) -> Result<(EmailStreamStatus, Option<Arc<str>>), ApiError> {
        Ok(
            match temporal
                .describe_email(id, temporal.query_timeout())
                .await?
            {
                Read::Found(view) => {
                    let text = serde_json::to_string(&view).expect("a view serializes");
                    (state_of(&view, status), Some(text.into()))
                }
                Read::ClosedUncleanly => (
                    EmailStreamStatus {
                        state: EmailStreamState::Finished,
                        detail: "The email's workflow has closed.".into(),
                    },
                    None,
                ),
                Read::Missing => Self::not_found(id),
            },
        )
    }

    fn not_found(id: &WorkflowId) -> (EmailStreamStatus, Option<Arc<str>>) {
        let status = EmailStreamStatus {
            state: EmailStreamState::NotFound,
            detail: format!("There is no email {id} yet; start one with POST /email/start."),
        };
        (status, None)
    }

    fn unavailable(err: &ApiError) -> EmailStreamStatus {
        EmailStreamStatus {
            state: EmailStreamState::WorkerUnavailable,
            detail: err.to_string(),
        }
    }
}

fn state_of(view: &EmailView, run: WorkflowExecutionStatus) -> EmailStreamStatus {
    if let Some(reason) = view.status.finished_reason(view.failure.as_deref()) {
        return EmailStreamStatus {
            state: EmailStreamState::Finished,
            detail: reason,
        };
    }
    if !is_open_status(run) {
        return EmailStreamStatus {
            state: EmailStreamState::Finished,
            detail: "The email's workflow has closed.".into(),
        };
    }
    EmailStreamStatus {
        state: EmailStreamState::Running,
        detail: format!("The email is {}.", view.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::{ConversationHistory, EmailStatus};
    use serde_json::json;

    fn view(status: EmailStatus) -> EmailView {
        EmailView {
            workflow_id: "email-1".into(),
            status,
            request: None,
            draft: String::new(),
            recipient: None,
            subject: None,
            body: None,
            scheduled_at: None,
            scheduled_at_text: None,
            time_zone: "UTC".into(),
            reply: None,
            messages: ConversationHistory::default(),
            setup: None,
            receipt: None,
            failure: None,
        }
    }

    #[test]
    fn final_emails_are_finished_and_others_running() {
        let running = WorkflowExecutionStatus::Running;
        assert_eq!(
            state_of(&view(EmailStatus::Scheduled), running),
            EmailStreamStatus {
                state: EmailStreamState::Running,
                detail: "The email is scheduled.".into()
            }
        );
        for status in [
            EmailStatus::Sent,
            EmailStatus::Canceled,
            EmailStatus::Failed,
        ] {
            let closed = WorkflowExecutionStatus::Completed;
            assert_eq!(
                state_of(&view(status), closed).state,
                EmailStreamState::Finished
            );
        }
        assert_eq!(
            state_of(
                &view(EmailStatus::Waiting),
                WorkflowExecutionStatus::Terminated
            )
            .state,
            EmailStreamState::Finished
        );
        assert_eq!(
            serde_json::to_value(EmailStreamState::WorkerUnavailable).unwrap(),
            json!("worker_unavailable")
        );
    }
}
