//! `EmailAgentWorkflow`: one email, from the first request to its delivery.
//!
//! The user asks for an email in words ("write to ana@example.com about lunch, send it
//! tomorrow 9am"); each request goes through the LLM activity, which returns the email as it
//! now stands and when to send it. Once the email has a recipient, a body and a send time, the
//! workflow waits on a durable timer until that time and, at the same time, for the user: a
//! new request before the timer fires stops the wait and goes back through the assistant (a
//! revision), a cancel ends the email with nothing sent. When the timer fires, the send
//! activity delivers the email, once.
//!
//! The loop in [`EmailAgentWorkflow::run`] reads top to bottom: settle into waiting or
//! scheduled, wait, then deliver, cancel or process the request. Messages: the updates
//! `send_request(text)` (taken only while waiting or scheduled; refused with the reason
//! otherwise), `save_draft(text)` and `cancel()`, and the query `describe`.

use std::{
    pin::pin,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use models::{
    Actor, ConversationHistory, DEFAULT_TIME_ZONE, EmailCarry, EmailDecision, EmailFields,
    EmailReceipt, EmailRequestInput, EmailSendInput, EmailSetup, EmailStatus, EmailView,
    EmailWorkflowInput, SendTime, WorkflowSettings,
};
use temporalio_common::error::{ActivityExecutionError, ApplicationFailure};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    CancellableFuture, ContinueAsNewOptions, SyncWorkflowContext, TimerOptions, TimerResult,
    WorkflowContext, WorkflowContextView, WorkflowResult, WorkflowTermination, workflows::select,
};
use tracing::{info, warn};

use crate::{
    contracts::{AgentActivity, EmailActivity},
    failures::{error_types, failure_type, llm_failure_message},
    options, summaries,
};

mod view;

/// The longest request or draft taken, in bytes of UTF-8 (the api's limit too).
pub const MAX_TEXT_BYTES: usize = 8 * 1024;

type Rejection = Box<dyn std::error::Error + Send + Sync>;

#[workflow]
pub struct EmailAgentWorkflow {
    status: EmailStatus,
    /// The user's IANA time zone.
    time_zone: String,
    email: EmailFields,
    send_time: Option<SendTime>,
    /// Requests (`user`) and replies (`agent`), oldest first.
    history: ConversationHistory,
    /// What the user is typing, as last saved.
    draft: String,
    /// The request being processed, or the latest one.
    request: Option<String>,
    /// A request taken by `send_request` that the loop has not started yet.
    pending: Option<String>,
    cancel_requested: bool,
    setup: Option<EmailSetup>,
    receipt: Option<EmailReceipt>,
    failure: Option<String>,
    /// Identifies this email to the send activity, across attempts and runs.
    send_key: String,
    /// Drafts saved in this run; enough of them and the email continues as new.
    drafts_saved: u32,
    settings: WorkflowSettings,
}

/// What ended a wait.
enum Wake {
    /// A request or a cancel arrived.
    Input,
    /// The send time came.
    SendTime,
    /// This run has taken enough draft saves; continue in a fresh one.
    Rollover,
}

#[workflow_methods]
impl EmailAgentWorkflow {
    #[init]
    pub fn new(ctx: &WorkflowContextView, input: EmailWorkflowInput) -> Self {
        let time_zone = input
            .time_zone
            .map(|zone| zone.trim().to_owned())
            .filter(|zone| !zone.is_empty())
            .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
        let carried = input.carried.unwrap_or_else(|| EmailCarry {
            email: EmailFields::default(),
            send_time: None,
            history: ConversationHistory::default(),
            draft: String::new(),
            request: None,
            send_key: format!("{}.{}", ctx.workflow_id(), ctx.run_id()),
            setup: None,
        });
        Self {
            status: EmailStatus::Initialized,
            time_zone,
            email: carried.email,
            send_time: carried.send_time,
            history: carried.history,
            draft: carried.draft,
            request: carried.request,
            pending: None,
            cancel_requested: false,
            setup: carried.setup,
            receipt: None,
            failure: None,
            send_key: carried.send_key,
            drafts_saved: 0,
            settings: WorkflowSettings::default(),
        }
    }

    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<EmailView> {
        let settings = ctx
            .execute_activity(AgentActivity::settings, (), options::settings())
            .await?;
        ctx.state_mut(|s| s.settings = settings);
        if ctx.state(|s| s.setup.is_none()) {
            match ctx
                .execute_activity(EmailActivity::check_delivery, (), options::email_check())
                .await
            {
                Ok(setup) => ctx.state_mut(|s| s.setup = Some(setup)),
                Err(ActivityExecutionError::Cancelled(_)) => return cancelled(ctx),
                Err(err) => {
                    let (_, reason) = failure_type(&err);
                    return fail(ctx, format!("No way to send email: {reason}"));
                }
            }
        }

        loop {
            ctx.state_mut(Self::settle);
            show_details(ctx);
            if ctx.continue_as_new_suggested() {
                return continue_as_new(ctx);
            }

            match wait(ctx).await? {
                Wake::SendTime => return deliver(ctx).await,
                Wake::Rollover => return continue_as_new(ctx),
                Wake::Input => {}
            }

            if ctx.state(|s| s.cancel_requested) {
                return finish_canceled(ctx, None);
            }
            if let Some(request) = ctx.state_mut(|s| s.pending.take())
                && let Some(reply) = process(ctx, request).await?
            {
                return finish_canceled(ctx, Some(reply));
            }
        }
    }

    /// A request in words: write, revise, translate, reschedule or cancel the email.
    #[update_validator(send_request)]
    #[allow(clippy::ptr_arg)] // validators get a reference to the update's input type
    fn validate_send_request(
        &self,
        _ctx: &WorkflowContextView,
        text: &String,
    ) -> Result<(), Rejection> {
        check_text(text, "request")?;
        if text.trim().is_empty() {
            return Err("the request is empty".into());
        }
        // A request right after the start is taken too: the loop reads it as soon as the
        // delivery check is done, so a client never has to guess when to retry.
        let ready = self.status.accepts_requests() || self.status == EmailStatus::Initialized;
        if !ready || self.pending.is_some() || self.cancel_requested {
            return Err(self.why_busy().into());
        }
        Ok(())
    }

    #[update(name = "send_request")]
    pub fn send_request(
        &mut self,
        ctx: &mut SyncWorkflowContext<Self>,
        text: String,
    ) -> EmailStatus {
        let text = text.trim().to_owned();
        info!(workflow_id = ctx.workflow_id(), "request taken");
        self.request = Some(text.clone());
        self.pending = Some(text);
        // The request box was submitted: nothing is being typed any more.
        self.draft.clear();
        self.status = EmailStatus::Processing;
        self.status
    }

    /// What the user is typing in the request box, so a reload finds it again. Answers the
    /// draft's length in bytes.
    #[update_validator(save_draft)]
    #[allow(clippy::ptr_arg)] // validators get a reference to the update's input type
    fn validate_save_draft(
        &self,
        _ctx: &WorkflowContextView,
        text: &String,
    ) -> Result<(), Rejection> {
        check_text(text, "draft")?;
        if self.status.is_final() {
            return Err(self.why_busy().into());
        }
        Ok(())
    }

    #[update(name = "save_draft")]
    pub fn save_draft(&mut self, _ctx: &mut SyncWorkflowContext<Self>, text: String) -> usize {
        self.draft = text;
        self.drafts_saved += 1;
        self.draft.len()
    }

    /// Cancels the email; nothing is sent. Taken until the send has started.
    #[update_validator(cancel)]
    fn validate_cancel(&self, _ctx: &WorkflowContextView, _input: &()) -> Result<(), Rejection> {
        if self.status.is_final() || self.status == EmailStatus::Sending {
            return Err(self.why_busy().into());
        }
        Ok(())
    }

    #[update(name = "cancel")]
    pub fn cancel(&mut self, ctx: &mut SyncWorkflowContext<Self>) -> EmailStatus {
        info!(workflow_id = ctx.workflow_id(), "cancel requested");
        self.cancel_requested = true;
        EmailStatus::Canceled
    }

    /// The email as the user sees it: status, request, draft, fields, send time, replies.
    #[query(name = "describe")]
    pub fn describe(&self, ctx: &WorkflowContextView) -> EmailView {
        self.view(ctx.workflow_id())
    }
}

impl EmailAgentWorkflow {
    /// Waiting, or scheduled when the email is complete and has a send time; processing
    /// when a request is already waiting for the loop.
    fn settle(&mut self) {
        self.status = if self.pending.is_some() {
            EmailStatus::Processing
        } else if self.due_at().is_some() {
            EmailStatus::Scheduled
        } else {
            EmailStatus::Waiting
        };
    }

    /// When the email goes out, if it is ready to.
    fn due_at(&self) -> Option<SystemTime> {
        if !self.email.is_complete() {
            return None;
        }
        let at = self.send_time.as_ref()?.at;
        Some(UNIX_EPOCH + Duration::from_secs(at.max(0) as u64))
    }

    fn has_input(&self) -> bool {
        self.pending.is_some() || self.cancel_requested || self.rollover_due()
    }

    fn rollover_due(&self) -> bool {
        let limit = self
            .setup
            .as_ref()
            .map_or(models::DEFAULT_DRAFT_SAVES_PER_RUN, |s| {
                s.draft_saves_per_run
            });
        self.drafts_saved >= limit
    }

    fn wake(&self) -> Wake {
        if self.pending.is_some() || self.cancel_requested {
            Wake::Input
        } else {
            Wake::Rollover
        }
    }

    /// Why a request cannot be taken now, in words for the user.
    fn why_busy(&self) -> String {
        match self.status {
            _ if self.cancel_requested => "The email is being canceled.".to_owned(),
            EmailStatus::Initialized
            | EmailStatus::Waiting
            | EmailStatus::Scheduled
            | EmailStatus::Processing => {
                "I'm still working on your previous request; send this one when I've answered."
                    .to_owned()
            }
            EmailStatus::Sending => "Too late: the email is being sent right now.".to_owned(),
            EmailStatus::Sent | EmailStatus::Canceled | EmailStatus::Failed => self
                .status
                .finished_reason(self.failure.as_deref())
                .unwrap_or_default(),
        }
    }

    /// Applies the assistant's decision; returns its reply when the user asked to cancel.
    fn apply(&mut self, decision: EmailDecision) -> Option<String> {
        self.history.push(Actor::Agent, decision.reply.as_str());
        if decision.cancel {
            return Some(decision.reply);
        }
        self.email = decision.email;
        self.send_time = decision.send_time;
        None
    }

    fn carry(&self) -> EmailCarry {
        EmailCarry {
            email: self.email.clone(),
            send_time: self.send_time.clone(),
            history: self.history.clone(),
            draft: self.draft.clone(),
            request: self.request.clone(),
            send_key: self.send_key.clone(),
            setup: self.setup.clone(),
        }
    }
}

/// Waits for input, and when the email is ready, for its send time too.
async fn wait(ctx: &WorkflowContext<EmailAgentWorkflow>) -> WorkflowResult<Wake> {
    if ctx.state(EmailAgentWorkflow::has_input) {
        return Ok(ctx.state(EmailAgentWorkflow::wake));
    }
    let Some(due) = ctx.state(EmailAgentWorkflow::due_at) else {
        if ctx
            .wait_condition(EmailAgentWorkflow::has_input)
            .await
            .is_err()
        {
            return cancelled(ctx);
        }
        return Ok(ctx.state(EmailAgentWorkflow::wake));
    };
    let now = ctx.workflow_time().unwrap_or(due);
    let remaining = due.duration_since(now).unwrap_or(Duration::ZERO);
    if remaining.is_zero() {
        return Ok(Wake::SendTime);
    }
    let summary =
        ctx.state(|s| summaries::email_wait(s.send_time.as_ref().map(|t| t.text.as_str())));
    let mut timer = pin!(ctx.timer(TimerOptions::builder(remaining).summary(summary).build()));
    let mut input = pin!(ctx.wait_condition(EmailAgentWorkflow::has_input));
    // Input is polled first: a request that arrives with the timer still wins.
    select! {
        woke = input.as_mut() => {
            timer.cancel();
            if woke.is_err() {
                return cancelled(ctx);
            }
            Ok(ctx.state(EmailAgentWorkflow::wake))
        }
        fired = timer.as_mut() => match fired {
            TimerResult::Fired if ctx.state(EmailAgentWorkflow::has_input) => {
                Ok(ctx.state(EmailAgentWorkflow::wake))
            }
            TimerResult::Fired => Ok(Wake::SendTime),
            TimerResult::Cancelled => cancelled(ctx),
        }
    }
}

/// Runs one request through the assistant. Returns the reply when the user asked to
/// cancel; a cancel from the Cancel button stops waiting for the assistant at once.
async fn process(
    ctx: &mut WorkflowContext<EmailAgentWorkflow>,
    request: String,
) -> WorkflowResult<Option<String>> {
    ctx.state_mut(|s| {
        s.status = EmailStatus::Processing;
        s.request = Some(request.clone());
    });
    show_details(ctx);
    let input = ctx.state(|s| EmailRequestInput {
        request: request.clone(),
        email: s.email.clone(),
        send_time: s.send_time.clone(),
        time_zone: s.time_zone.clone(),
        history: s.history.window(s.settings.history_window),
    });
    ctx.state_mut(|s| s.history.push(Actor::User, request.as_str()));
    let options = ctx.state(|s| options::llm(&s.settings, summaries::email_request(&request)));
    let mut interpret = pin!(ctx.execute_activity(EmailActivity::interpret, input, options));
    let mut canceled = pin!(ctx.wait_condition(|s: &EmailAgentWorkflow| s.cancel_requested));
    let outcome = select! {
        outcome = interpret.as_mut() => outcome,
        woke = canceled.as_mut() => {
            interpret.cancel();
            if woke.is_err() {
                return cancelled(ctx);
            }
            return Ok(None);
        }
    };
    match outcome {
        Ok(decision) => Ok(ctx.state_mut(|s| s.apply(decision))),
        Err(ActivityExecutionError::Cancelled(_)) => cancelled(ctx),
        Err(err) => {
            warn!(workflow_id = ctx.workflow_id(), error = %err, "the assistant failed for good");
            let message = llm_failure_message(&err);
            ctx.state_mut(|s| s.history.push(Actor::Agent, message.as_str()));
            Ok(None)
        }
    }
}

/// The send time came: deliver the email, once.
async fn deliver(ctx: &mut WorkflowContext<EmailAgentWorkflow>) -> WorkflowResult<EmailView> {
    ctx.state_mut(|s| s.status = EmailStatus::Sending);
    show_details(ctx);
    let (input, window, summary) = ctx.state(|s| {
        let send_time = s
            .send_time
            .clone()
            .expect("a scheduled email has a send time");
        let summary = summaries::email_send(
            s.email.recipient.as_deref().unwrap_or_default(),
            &send_time.text,
        );
        let window = s.setup.as_ref().map_or(60, |setup| setup.send_window_secs);
        let input = EmailSendInput {
            send_key: s.send_key.clone(),
            email: s.email.clone(),
            send_time,
        };
        (input, window, summary)
    });
    match ctx
        .execute_activity(
            EmailActivity::send,
            input,
            options::email_send(window, summary),
        )
        .await
    {
        Ok(receipt) => {
            info!(workflow_id = ctx.workflow_id(), location = %receipt.location, "email sent");
            ctx.state_mut(|s| {
                let message = format!(
                    "Sent to {}.",
                    s.email.recipient.as_deref().unwrap_or("the recipient")
                );
                s.history.push(Actor::Agent, message);
                s.receipt = Some(receipt);
                s.status = EmailStatus::Sent;
            });
            show_details(ctx);
            Ok(ctx.state(|s| s.view(ctx.workflow_id())))
        }
        Err(ActivityExecutionError::Cancelled(_)) => cancelled(ctx),
        Err(err) => {
            let (kind, detail) = failure_type(&err);
            let reason = match kind.as_deref() {
                Some(error_types::EMAIL_REJECTED) => format!("The email was refused: {detail}"),
                Some(error_types::EMAIL_DELIVERY_UNAVAILABLE) => {
                    format!("No way to send email: {detail}")
                }
                _ => format!("The email could not be delivered within {window} s: {detail}"),
            };
            fail(ctx, reason)
        }
    }
}

/// Ends the email as canceled: nothing was sent.
fn finish_canceled(
    ctx: &mut WorkflowContext<EmailAgentWorkflow>,
    reply: Option<String>,
) -> WorkflowResult<EmailView> {
    info!(workflow_id = ctx.workflow_id(), "email canceled");
    ctx.state_mut(|s| {
        if reply.is_none() {
            s.history.push(Actor::Agent, "Canceled. Nothing was sent.");
        }
        s.status = EmailStatus::Canceled;
        s.pending = None;
    });
    show_details(ctx);
    Ok(ctx.state(|s| s.view(ctx.workflow_id())))
}

/// Ends the email as failed with `reason`, which the user sees in `describe` and the Web UI
/// shows as the workflow's failure.
fn fail(
    ctx: &mut WorkflowContext<EmailAgentWorkflow>,
    reason: String,
) -> WorkflowResult<EmailView> {
    warn!(workflow_id = ctx.workflow_id(), %reason, "email failed");
    ctx.state_mut(|s| {
        s.history.push(Actor::Agent, reason.as_str());
        s.failure = Some(reason.clone());
        s.status = EmailStatus::Failed;
    });
    show_details(ctx);
    Err(ApplicationFailure::builder(reason)
        .type_name(error_types::EMAIL_NOT_SENT.to_owned())
        .non_retryable(true)
        .build()
        .into())
}

/// Temporal cancelled the workflow (from the CLI or the Web UI): the email is canceled.
fn cancelled<T>(ctx: &WorkflowContext<EmailAgentWorkflow>) -> WorkflowResult<T> {
    ctx.state_mut(|s| s.status = EmailStatus::Canceled);
    Err(WorkflowTermination::cancelled())
}

/// Carries the email into a fresh run: same key, same schedule, same draft.
fn continue_as_new(ctx: &WorkflowContext<EmailAgentWorkflow>) -> WorkflowResult<EmailView> {
    let input = ctx.state(|s| EmailWorkflowInput {
        time_zone: Some(s.time_zone.clone()),
        carried: Some(s.carry()),
    });
    info!(workflow_id = ctx.workflow_id(), "continuing as new");
    ctx.continue_as_new(input, ContinueAsNewOptions::default())?;
    unreachable!("continue_as_new always returns an error")
}

fn show_details(ctx: &WorkflowContext<EmailAgentWorkflow>) {
    let details = ctx.state(EmailAgentWorkflow::details);
    ctx.set_current_details(details);
}

fn check_text(text: &str, what: &str) -> Result<(), Rejection> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "the {what} is {} bytes long; at most {MAX_TEXT_BYTES} bytes are allowed",
            text.len()
        )
        .into());
    }
    Ok(())
}
