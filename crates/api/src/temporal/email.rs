//! The email assistant's operations: start an `EmailAgentWorkflow`, query `describe`, and
//! run its updates (`send_request`, `save_draft`, `cancel`).
//!
//! Unlike a conversation, a finished email still answers `describe` (sent, canceled and
//! failed emails show what happened), so its queries carry no reject condition. An update
//! the workflow refuses comes back as [`ApiError::EmailRefused`] with the workflow's own
//! reason; an update to an email whose workflow has closed gets the same kind of answer,
//! built from its final state.

use std::{future::Future, time::Duration};

use models::{EmailStatus, EmailView, EmailWorkflowInput};
use temporalio_client::{
    Client, WorkflowExecuteUpdateOptions, WorkflowHandle, WorkflowQueryOptions,
    WorkflowStartOptions,
    errors::{WorkflowQueryError, WorkflowStartError, WorkflowUpdateError},
};
use workflows::EmailAgentWorkflow;

use super::{Read, Started, Temporal, is_no_answer, query::query_within};
use crate::{
    auth::UserId,
    domain::{EmailText, TimeZoneName, WorkflowId},
    error::ApiError,
};

impl Temporal {
    /// Starts an email in `time_zone`. A running email with this id is left alone; a
    /// closed one gets a new run.
    pub async fn start_email(
        &self,
        id: &WorkflowId,
        time_zone: &TimeZoneName,
        owner: Option<&UserId>,
    ) -> Result<Started, ApiError> {
        let input = EmailWorkflowInput {
            time_zone: Some(time_zone.as_str().to_owned()),
            carried: None,
        };
        let options = WorkflowStartOptions::new(self.settings.task_queue.clone(), id.as_str())
            .static_summary("Email assistant".to_owned())
            .maybe_search_attributes(super::owner_attribute(owner))
            .build();
        match self
            .client()?
            .start_workflow(EmailAgentWorkflow::run, input, options)
            .await
        {
            Ok(_) => {
                tracing::info!(workflow_id = %id, "email started");
                Ok(Started::New)
            }
            Err(WorkflowStartError::AlreadyStarted { .. }) => Ok(Started::AlreadyRunning),
            Err(WorkflowStartError::Rpc(status)) => Err(self.rpc_error(&status)),
            Err(other) => Err(ApiError::Temporal(other.to_string())),
        }
    }

    /// Queries `describe`, waiting at most `timeout` for a worker to answer.
    pub async fn describe_email(
        &self,
        id: &WorkflowId,
        timeout: Duration,
    ) -> Result<Read<EmailView>, ApiError> {
        let handle = self.email_handle(id)?;
        let query = query_within(WorkflowQueryOptions::default(), timeout, |options| {
            handle.query(EmailAgentWorkflow::describe, (), options)
        });
        // Each RPC carries the deadline; this guard covers a client that retries past it.
        let answer = tokio::time::timeout(timeout + Duration::from_secs(1), query)
            .await
            .map_err(|_| self.worker_unavailable(id))?;
        match answer {
            Ok(view) => Ok(Read::Found(view)),
            Err(WorkflowQueryError::Rejected { .. }) => Ok(Read::ClosedUncleanly),
            Err(WorkflowQueryError::NotFound(_)) => Ok(Read::Missing),
            Err(WorkflowQueryError::Rpc(status)) if is_no_answer(&status) => {
                Err(self.worker_unavailable(id))
            }
            // Another kind of workflow (a conversation) has this id.
            Err(WorkflowQueryError::Rpc(status))
                if status.message().contains("No query handler") =>
            {
                Err(ApiError::NotAnEmail(id.clone()))
            }
            Err(WorkflowQueryError::Rpc(status)) => Err(self.rpc_error(&status)),
            Err(other) => Err(ApiError::Temporal(other.to_string())),
        }
    }

    /// `describe` with the api's query timeout; 404 for an unknown email.
    pub async fn email_view(&self, id: &WorkflowId) -> Result<EmailView, ApiError> {
        match self.describe_email(id, self.query_timeout).await? {
            Read::Found(view) => Ok(view),
            Read::Missing | Read::ClosedUncleanly => Err(ApiError::EmailNotFound(id.clone())),
        }
    }

    /// Runs `send_request`: returns once the workflow has taken the request.
    pub async fn send_email_request(
        &self,
        id: &WorkflowId,
        text: EmailText,
    ) -> Result<EmailStatus, ApiError> {
        let handle = self.email_handle(id)?;
        let update = handle.execute_update(
            EmailAgentWorkflow::send_request,
            text.into_inner(),
            WorkflowExecuteUpdateOptions::default(),
        );
        self.email_update(id, update).await
    }

    /// Runs `save_draft`; returns the draft's length in bytes.
    pub async fn save_email_draft(
        &self,
        id: &WorkflowId,
        text: EmailText,
    ) -> Result<usize, ApiError> {
        let handle = self.email_handle(id)?;
        let update = handle.execute_update(
            EmailAgentWorkflow::save_draft,
            text.into_inner(),
            WorkflowExecuteUpdateOptions::default(),
        );
        self.email_update(id, update).await
    }

    /// Runs `cancel`: nothing will be sent.
    pub async fn cancel_email(&self, id: &WorkflowId) -> Result<EmailStatus, ApiError> {
        let handle = self.email_handle(id)?;
        let update = handle.execute_update(
            EmailAgentWorkflow::cancel,
            (),
            WorkflowExecuteUpdateOptions::default(),
        );
        self.email_update(id, update).await
    }

    fn email_handle(
        &self,
        id: &WorkflowId,
    ) -> Result<WorkflowHandle<Client, EmailAgentWorkflow>, ApiError> {
        Ok(self
            .client()?
            .get_workflow_handle::<EmailAgentWorkflow>(id.as_str()))
    }

    async fn email_update<T>(
        &self,
        id: &WorkflowId,
        update: impl Future<Output = Result<T, WorkflowUpdateError>>,
    ) -> Result<T, ApiError> {
        // An update needs a worker to accept it; without one the client would wait forever.
        let outcome = tokio::time::timeout(self.query_timeout * 2, update)
            .await
            .map_err(|_| self.worker_unavailable(id))?;
        match outcome {
            Ok(value) => Ok(value),
            // Another kind of workflow (a conversation) has this id.
            Err(WorkflowUpdateError::Failed(failure))
                if failure.message.starts_with("No update handler") =>
            {
                Err(ApiError::NotAnEmail(id.clone()))
            }
            // The validator's rejection (or the handler's failure) carries the reason.
            Err(WorkflowUpdateError::Failed(failure)) => {
                Err(ApiError::EmailRefused(failure.message))
            }
            Err(WorkflowUpdateError::NotFound(_)) => Err(self.why_closed(id).await),
            Err(WorkflowUpdateError::Rpc(status)) if is_no_answer(&status) => {
                Err(self.worker_unavailable(id))
            }
            Err(WorkflowUpdateError::Rpc(status)) => Err(self.rpc_error(&status)),
            Err(other) => Err(ApiError::Temporal(other.to_string())),
        }
    }

    /// An update found no running workflow: either there is no such email (404), or it has
    /// finished and says why it takes no more changes (409).
    async fn why_closed(&self, id: &WorkflowId) -> ApiError {
        match self.describe(id).await {
            Err(err) => err,
            Ok(None) => ApiError::EmailNotFound(id.clone()),
            Ok(Some(_)) => {
                let reason = match self.describe_email(id, self.query_timeout).await {
                    Ok(Read::Found(view)) => view.status.finished_reason(view.failure.as_deref()),
                    _ => None,
                };
                ApiError::EmailRefused(reason.unwrap_or_else(|| {
                    "This email has finished; it takes no more changes.".to_owned()
                }))
            }
        }
    }
}
