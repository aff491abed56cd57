//! `AgentGoalWorkflow`: one user's whole conversation with the agent.
//!
//! Each turn of the loop in [`AgentGoalWorkflow::run`] waits for something to do (a prompt,
//! a confirm, the end of the chat), then either runs the tool the user just confirmed or
//! takes the next prompt: a user prompt is validated, then the planner decides what to
//! say or which tool to propose. All I/O happens in activities; the workflow only keeps
//! state, so Temporal can replay it after any crash and the conversation carries on
//! (docs/ARCHITECTURE.md, One turn).

use std::{
    collections::VecDeque,
    pin::pin,
    time::{Duration, SystemTime},
};

use models::{
    Actor, AgentGoal, AgentWorkflowInput, CONVERSATION_MEMO, CarryOver, ConfirmOutcome,
    ConfirmRequest, ConversationHistory, ConversationMemo, ConversationUsage, CurrentGoal,
    DeclineRequest, InternalPrompt, LiveReply, LlmUsage, McpCallInput, NextStep, PendingPrompt,
    PlannerAnswer, PlannerDecision, PlannerInput, ProposalOutcome, QueueEntry, ResolveGoalInput,
    SummaryInput, ToolCall, ToolResult, ToolRun, ToolSource, UserIntent, ValidationFailure,
    ValidationInput, ValidationResult, WorkflowSettings,
};
use opentelemetry::trace::FutureExt as _;
use serde_json::{Value, json};
use temporalio_common::{MemoValue, error::ActivityExecutionError};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    CancellableFuture, ContinueAsNewOptions, SyncWorkflowContext, TimerOptions, WorkflowContext,
    WorkflowContextView, WorkflowResult, WorkflowTermination,
    workflows::{join_all, select},
};
use tracing::{info, warn};

use crate::{
    contracts::{AgentActivity, McpActivity, ProposalRefused, ToolActivity},
    failures::{goal_failure_message, llm_failure_message, tool_failure_message},
    options, summaries,
};

#[workflow]
pub struct AgentGoalWorkflow {
    goal: AgentGoal,
    history: ConversationHistory,
    /// Prompts waiting to be processed, oldest first.
    queue: VecDeque<PendingPrompt>,
    chat_ended: bool,
    /// The planner's latest answer.
    decision: Option<PlannerDecision>,
    /// Where the latest tool proposal stands.
    proposal: Proposal,
    settings: WorkflowSettings,
    /// Planner calls made in this run: numbers each live reply.
    replies: u64,
    /// What the conversation's model calls used, this run and the ones before it.
    usage: ConversationUsage,
    /// The trace context of the user's latest prompt or confirm (empty without tracing).
    trace: opentelemetry::Context,
    /// What the latest confirmed proposal ran, for the confirm that asked to answer with.
    ran: Option<ProposalOutcome>,
    /// Confirms still waiting for their tools: continue-as-new waits for them to answer.
    confirms_waiting: u32,
    /// When the user last sent something (or the run started): the idle timeout counts
    /// from here.
    idle_since: Option<SystemTime>,
    /// The conversation's title for the list (first user message, then the summary's).
    title: Option<String>,
    /// What the memo says now, so it is only rewritten when something changed.
    memo: Option<ConversationMemo>,
}

/// Where the latest tool proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proposal {
    /// No tool waits to run.
    None,
    /// The planner proposed the tool of the latest decision; it waits for the user's confirm
    /// since this (workflow) time.
    Waiting { since: SystemTime },
    /// The user confirmed it (or confirmation is off); the loop runs it next.
    Confirmed,
}

/// Since this patch a user prompt's validation runs alongside its planning (a turn takes
/// as long as the slower of the two, not both); histories recorded before it validate first.
const PARALLEL_VALIDATION: &str = "validate-while-planning";

/// Since this patch a message typed while a proposal waits is validated first, and one that
/// accepts or declines the proposal acts on it like the buttons do.
const TYPED_CONSENT: &str = "typed-consent";

/// Since this patch a conversation nobody writes to ends itself after the idle timeout.
const IDLE_TIMEOUT: &str = "idle-timeout";

/// Since this patch the conversation keeps its title, goal, last change and usage in its
/// memo, for the conversation list.
const CONVERSATION_MEMO_PATCH: &str = "conversation-memo";

/// The longest title the list shows.
const TITLE_CHARS: usize = 80;

/// The agent picker's tool whose result switches the conversation's goal.
const SWITCH_AGENT_TOOL: &str = "SwitchAgent";

/// What ended a wait for work.
enum Wake {
    Work,
    ProposalExpired,
    Idle,
}

#[workflow_methods]
impl AgentGoalWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, input: AgentWorkflowInput) -> Self {
        let mut history = ConversationHistory::default();
        if let Some(summary) = input.carry_over.conversation_summary {
            history.push(Actor::ConversationSummary, summary);
        }
        let queue = input
            .carry_over
            .prompt_queue
            .unwrap_or_default()
            .into_iter()
            .map(PendingPrompt::from)
            .collect();
        Self {
            goal: input.agent_goal,
            history,
            queue,
            chat_ended: false,
            decision: None,
            proposal: Proposal::None,
            settings: WorkflowSettings::default(),
            replies: 0,
            usage: input.carry_over.usage.unwrap_or_default(),
            trace: opentelemetry::Context::new(),
            ran: None,
            confirms_waiting: 0,
            idle_since: None,
            title: input.carry_over.title,
            memo: None,
        }
    }

    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<ConversationHistory> {
        let settings = ctx
            .execute_activity(AgentActivity::settings, (), options::settings())
            .await?;
        let started = ctx.workflow_time();
        ctx.state_mut(|s| {
            s.settings = settings;
            s.idle_since = started;
        });
        write_memo(ctx);

        loop {
            let wake = wait_for_work(ctx).await?;
            // The turn belongs to the trace of what the user last did (a prompt, a confirm).
            let trace = ctx.state(|s| s.trace.clone());
            let ended = turn(ctx, wake).with_context(trace).await?;
            write_memo(ctx);
            if let Some(history) = ended {
                return Ok(history);
            }
        }
    }

    /// A user's chat message. Always a user prompt, whatever its text: internal prompts
    /// cannot arrive from outside.
    #[signal(name = "user_prompt")]
    pub fn user_prompt(&mut self, ctx: &mut SyncWorkflowContext<Self>, prompt: String) {
        if self.chat_ended {
            warn!(
                workflow_id = ctx.workflow_id(),
                "prompt dropped: the chat has ended"
            );
            return;
        }
        if prompt.trim().is_empty() {
            warn!(workflow_id = ctx.workflow_id(), "empty prompt dropped");
            return;
        }
        self.queue.push_back(PendingPrompt::user(prompt));
        self.trace = opentelemetry::Context::current();
    }

    /// The user's go-ahead for the proposed tool.
    #[signal(name = "confirm")]
    pub fn confirm(&mut self, ctx: &mut SyncWorkflowContext<Self>) {
        self.trace = opentelemetry::Context::current();
        if self.confirm_pending().is_none() {
            info!(
                workflow_id = ctx.workflow_id(),
                "confirm ignored: nothing to confirm"
            );
        }
    }

    /// Like `confirm`, but tells the caller whether a proposal was waiting.
    #[update(name = "confirm_tool")]
    pub fn confirm_tool(&mut self, _ctx: &mut SyncWorkflowContext<Self>) -> ConfirmOutcome {
        self.trace = opentelemetry::Context::current();
        let tool = self.confirm_pending();
        ConfirmOutcome {
            confirmed: tool.is_some(),
            tool,
        }
    }

    #[update_validator(confirm_proposal)]
    fn validate_confirm_proposal(
        &self,
        _ctx: &WorkflowContextView,
        request: &ConfirmRequest,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let decision = self.waiting(request.proposal_id.as_deref())?;
        let Some(args) = &request.args else {
            return Ok(());
        };
        let calls = decision.calls();
        let [call] = calls.as_slice() else {
            return Err(ProposalRefused::invalid(format!(
                "This proposal runs {} tools together; arguments can only be edited when one tool is proposed.",
                calls.len()
            ))
            .into());
        };
        match self.goal.tool(&call.tool) {
            Some(tool) => tool
                .check_args(args)
                .map_err(|reason| ProposalRefused::invalid(reason).into()),
            None => Ok(()),
        }
    }

    /// The user's go-ahead for the waiting proposal, optionally with edited arguments.
    /// Answers once the proposal's tools ran, with what each returned.
    #[update(name = "confirm_proposal")]
    pub async fn confirm_proposal(
        ctx: &mut WorkflowContext<Self>,
        request: ConfirmRequest,
    ) -> Result<ProposalOutcome, Box<dyn std::error::Error + Send + Sync>> {
        let confirmed = ctx.state_mut(|s| {
            s.trace = opentelemetry::Context::current();
            if let Some(args) = request.args {
                s.edit_args(args);
            }
            s.confirm_pending()?;
            s.confirms_waiting += 1;
            Some(s.decision.as_ref().and_then(|d| d.proposal_id.clone()))
        });
        let Some(id) = confirmed else {
            return Err(ProposalRefused::conflict("No tool is waiting for a confirm.").into());
        };
        let ran = ctx
            .wait_condition(|s| s.chat_ended || s.ran.as_ref().is_some_and(|r| r.proposal_id == id))
            .await;
        ctx.state_mut(|s| s.confirms_waiting -= 1);
        ran?;
        ctx.state(|s| s.ran.clone().filter(|r| r.proposal_id == id))
            .ok_or_else(|| ProposalRefused::conflict("The chat ended before the tools ran.").into())
    }

    #[update_validator(decline_proposal)]
    fn validate_decline_proposal(
        &self,
        _ctx: &WorkflowContextView,
        request: &DeclineRequest,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.waiting(request.proposal_id.as_deref())
            .map(drop)
            .map_err(Into::into)
    }

    /// The user says no to the waiting proposal: nothing runs, and the planner hears that
    /// (and why) and answers.
    #[update(name = "decline_proposal")]
    pub fn decline_proposal(
        &mut self,
        _ctx: &mut SyncWorkflowContext<Self>,
        request: DeclineRequest,
    ) -> Result<ProposalOutcome, Box<dyn std::error::Error + Send + Sync>> {
        self.trace = opentelemetry::Context::current();
        self.decline_pending(request.reason)
            .ok_or_else(|| ProposalRefused::conflict("No tool is waiting for a confirm.").into())
    }

    /// Ends the conversation; the workflow completes with its history.
    #[signal(name = "end_chat")]
    pub fn end_chat(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.chat_ended = true;
    }

    #[query(name = "get_conversation_history")]
    pub fn get_conversation_history(&self, _ctx: &WorkflowContextView) -> ConversationHistory {
        ConversationHistory {
            goal: Some(CurrentGoal {
                id: self.goal.id.clone(),
                name: self.goal.agent_name.clone(),
            }),
            ..self.history.clone()
        }
    }

    #[query(name = "get_latest_tool_data")]
    pub fn get_latest_tool_data(&self, _ctx: &WorkflowContextView) -> Option<PlannerDecision> {
        self.decision.clone()
    }

    /// Tokens the conversation's model calls used, by step and model.
    #[query(name = "get_conversation_usage")]
    pub fn get_conversation_usage(&self, _ctx: &WorkflowContextView) -> ConversationUsage {
        self.usage.clone()
    }

    #[query(name = "get_summary_from_history")]
    pub fn get_summary_from_history(&self, _ctx: &WorkflowContextView) -> Option<String> {
        self.history.summary().map(str::to_owned)
    }
}

impl AgentGoalWorkflow {
    /// The history the LLM sees: the summary plus a bounded window of recent messages.
    fn prompt_history(&self) -> ConversationHistory {
        self.history.window(self.settings.history_window)
    }

    /// A goal started by the api carries no tools: the worker resolves them first.
    fn goal_is_resolved(&self) -> bool {
        !self.goal.tools.is_empty()
    }

    /// Whether `tool` waits for the user's go-ahead: never with `SHOW_CONFIRM=false`,
    /// otherwise as the goal's `confirm` policy says.
    fn needs_confirm(&self, tool: &str) -> bool {
        self.settings.show_confirm && self.goal.confirm.requires_confirm(self.goal.tool(tool))
    }

    /// The tool of the latest decision.
    fn proposed_tool(&self) -> Option<&str> {
        self.decision.as_ref()?.tool_name()
    }

    /// Marks the waiting proposal confirmed; returns its tool, or `None` if none waits.
    fn confirm_pending(&mut self) -> Option<String> {
        if self.chat_ended || !matches!(self.proposal, Proposal::Waiting { .. }) {
            return None;
        }
        let tool = self.proposed_tool()?.to_owned();
        self.proposal = Proposal::Confirmed;
        Some(tool)
    }

    /// The proposal waiting for the user, if any.
    fn waiting_decision(&self) -> Option<&PlannerDecision> {
        match self.proposal {
            Proposal::Waiting { .. } if !self.chat_ended => self.decision.as_ref(),
            _ => None,
        }
    }

    /// The waiting proposal a confirm or decline names (`None`: the current one), or why
    /// there is none to act on.
    fn waiting(&self, proposal_id: Option<&str>) -> Result<&PlannerDecision, ProposalRefused> {
        if self.chat_ended {
            return Err(ProposalRefused::conflict("The chat has ended."));
        }
        let decision = self
            .waiting_decision()
            .ok_or_else(|| ProposalRefused::conflict("No tool is waiting for a confirm."))?;
        match proposal_id {
            Some(id) if decision.proposal_id.as_deref() != Some(id) => {
                Err(ProposalRefused::conflict(
                    "That proposal is no longer current: a newer one is waiting.",
                ))
            }
            _ => Ok(decision),
        }
    }

    /// Replaces the single proposed tool's arguments with the ones the user edited.
    fn edit_args(&mut self, args: serde_json::Map<String, Value>) {
        if let Some(decision) = self.decision.as_mut() {
            decision.args = args;
        }
    }

    /// Drops the waiting proposal: the user said no. The planner hears it next.
    fn decline_pending(&mut self, reason: Option<String>) -> Option<ProposalOutcome> {
        let decision = self.waiting_decision()?.clone();
        self.proposal = Proposal::None;
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let tool_calls = decision.calls();
        self.history.push(
            Actor::UserDeclinedToolRun,
            json!({ "tool_calls": tool_calls, "reason": reason }),
        );
        self.queue
            .push_back(PendingPrompt::Internal(InternalPrompt::ToolDeclined {
                tool_calls: tool_calls.clone(),
                reason,
            }));
        Some(ProposalOutcome {
            proposal_id: decision.proposal_id,
            tool_calls: tool_calls.into_iter().map(ToolRun::from).collect(),
        })
    }

    /// When the conversation ends itself for want of a user message.
    fn idle_deadline(&self) -> Option<SystemTime> {
        Some(self.idle_since? + Duration::from_secs(self.settings.idle_timeout_secs))
    }

    /// What the conversation list shows of this conversation now.
    fn memo_now(&self, now: SystemTime) -> ConversationMemo {
        ConversationMemo {
            title: self.title.clone(),
            goal: Some(CurrentGoal {
                id: self.goal.id.clone(),
                name: self.goal.agent_name.clone(),
            }),
            updated_at_ms: now
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or_default(),
            usage: self.usage.clone(),
        }
    }

    fn confirm_timeout(&self) -> Duration {
        Duration::from_secs(self.settings.confirm_timeout_secs)
    }

    /// When the waiting proposal stops waiting for a confirm.
    fn proposal_deadline(&self) -> Option<SystemTime> {
        match self.proposal {
            Proposal::Waiting { since } => Some(since + self.confirm_timeout()),
            Proposal::None | Proposal::Confirmed => None,
        }
    }

    /// The latest decision's tools, joined for messages ("FindEvents and SearchFlights").
    fn proposed_tools(&self) -> String {
        self.decision.as_ref().map_or_else(
            || "the proposed tool".to_owned(),
            PlannerDecision::tool_names,
        )
    }

    fn has_work(&self) -> bool {
        self.chat_ended || !self.queue.is_empty() || self.proposal == Proposal::Confirmed
    }

    fn expire_proposal(&mut self) {
        let tool = self.proposed_tools();
        self.proposal = Proposal::None;
        let message = PlannerDecision::question(format!(
            "I didn't run {tool}: it waited {} for your confirmation and expired. Tell me if you'd still like to go ahead, or what to change.",
            summaries::duration(self.confirm_timeout())
        ));
        self.decision = Some(message.clone());
        self.history.push(Actor::Agent, to_json(&message));
    }

    /// Whether the waiting proposal's time is up at `now`.
    fn proposal_expired(&self, now: Option<SystemTime>) -> bool {
        match (self.proposal_deadline(), now) {
            (Some(deadline), Some(now)) => now >= deadline,
            _ => false,
        }
    }
}

/// One wake-up's work: a prompt answered, a tool run, a proposal expired. Returns the
/// history when the conversation is over.
async fn turn(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    wake: Wake,
) -> WorkflowResult<Option<ConversationHistory>> {
    if ctx.state(|s| s.chat_ended) {
        info!(workflow_id = ctx.workflow_id(), "chat ended");
        return Ok(Some(ctx.state(|s| s.history.clone())));
    }

    match wake {
        Wake::ProposalExpired => {
            ctx.state_mut(AgentGoalWorkflow::expire_proposal);
            return Ok(None);
        }
        Wake::Idle => return Ok(Some(end_idle_conversation(ctx))),
        Wake::Work => {}
    }
    // A proposal whose time ran out while other work waited expires first: a typed "yes"
    // must never run it.
    let now = ctx.workflow_time();
    if ctx.state(|s| s.proposal_expired(now)) {
        ctx.state_mut(AgentGoalWorkflow::expire_proposal);
    }

    if ctx.state(|s| s.proposal == Proposal::Confirmed) {
        run_confirmed_tools(ctx).await?;
        return Ok(None);
    }

    let Some(prompt) = ctx.state_mut(|s| s.queue.pop_front()) else {
        return Ok(None);
    };

    if !ctx.state(|s| s.goal_is_resolved()) && !resolve_goal(ctx, &prompt).await? {
        return Ok(None);
    }
    if let PendingPrompt::User { text } = &prompt {
        note_user_message(ctx, text);
    }

    let pending = ctx.state(|s| s.waiting_decision().cloned());
    let planned = match &prompt {
        PendingPrompt::User { text } if pending.is_some() && ctx.patched(TYPED_CONSENT) => {
            match answer_to_proposal(ctx, text, pending).await? {
                Some(()) => plan_next_step(ctx, &prompt).await?,
                None => return Ok(None),
            }
        }
        PendingPrompt::User { text }
            if ctx.state(|s| s.settings.speculative_planning)
                && ctx.patched(PARALLEL_VALIDATION) =>
        {
            validate_while_planning(ctx, text, &prompt).await?
        }
        PendingPrompt::User { text } => {
            if accept_user_prompt(ctx, text, None).await?.is_none() {
                return Ok(None);
            }
            plan_next_step(ctx, &prompt).await?
        }
        PendingPrompt::Internal(_) => plan_next_step(ctx, &prompt).await?,
    };
    let Some(decision) = planned else {
        return Ok(None);
    };

    let calls = decision.calls();
    match (decision.next, calls.is_empty()) {
        (NextStep::Confirm, false) => {
            if let Some((tool, missing)) = calls.iter().find_map(|call| {
                let missing = call.missing_args();
                (!missing.is_empty()).then(|| (call.tool.clone(), missing))
            }) {
                info!(
                    workflow_id = ctx.workflow_id(),
                    tool,
                    ?missing,
                    "proposal lacks arguments; asking again"
                );
                ctx.state_mut(|s| {
                    s.queue
                        .push_back(PendingPrompt::Internal(InternalPrompt::MissingArguments {
                            tool,
                            missing,
                            response: decision.response.clone(),
                        }))
                });
                return Ok(None);
            }
            let now = ctx.workflow_time().unwrap_or(SystemTime::UNIX_EPOCH);
            ctx.state_mut(|s| {
                s.proposal = if calls.iter().any(|call| s.needs_confirm(&call.tool)) {
                    Proposal::Waiting { since: now }
                } else {
                    Proposal::Confirmed
                };
            });
        }
        (NextStep::Done, _) => {
            ctx.state_mut(|s| s.history.push(Actor::Agent, to_json(&decision)));
            info!(workflow_id = ctx.workflow_id(), "goal complete");
            return Ok(Some(ctx.state(|s| s.history.clone())));
        }
        _ => {}
    }

    ctx.state_mut(|s| s.history.push(Actor::Agent, to_json(&decision)));
    continue_as_new_if_due(ctx).await?;
    Ok(None)
}

/// Waits until there is a prompt, a confirm or the end of the chat, or until a waiting
/// proposal expires or the conversation has been idle too long.
async fn wait_for_work(ctx: &WorkflowContext<AgentGoalWorkflow>) -> WorkflowResult<Wake> {
    let proposal = ctx.state(AgentGoalWorkflow::proposal_deadline);
    let idle = if ctx.patched(IDLE_TIMEOUT) {
        ctx.state(AgentGoalWorkflow::idle_deadline)
    } else {
        None
    };
    // The earlier of the two deadlines, and what it means when it passes.
    let (deadline, expiry) = match (proposal, idle) {
        (Some(p), Some(i)) if i < p => (i, Wake::Idle),
        (Some(p), _) => (p, Wake::ProposalExpired),
        (None, Some(i)) => (i, Wake::Idle),
        (None, None) => {
            ctx.wait_condition(AgentGoalWorkflow::has_work).await?;
            return Ok(Wake::Work);
        }
    };
    let now = ctx.workflow_time().unwrap_or(deadline);
    let remaining = deadline.duration_since(now).unwrap_or(Duration::ZERO);
    if remaining.is_zero() && !ctx.state(AgentGoalWorkflow::has_work) {
        return Ok(expiry);
    }
    let summary = ctx.state(|s| match expiry {
        Wake::Idle => summaries::idle_wait(Duration::from_secs(s.settings.idle_timeout_secs)),
        _ => summaries::confirm_wait(&s.proposed_tools(), s.confirm_timeout()),
    });
    let timer = TimerOptions::builder(remaining.max(Duration::from_millis(1)))
        .summary(summary)
        .build();
    let mut timer = pin!(ctx.timer(timer));
    let mut work = pin!(ctx.wait_condition(AgentGoalWorkflow::has_work));
    select! {
        woke = work.as_mut() => {
            timer.cancel();
            woke?;
            Ok(Wake::Work)
        }
        _ = timer.as_mut() => Ok(expiry),
    }
}

/// Ends a conversation nobody wrote to for the idle timeout, with a note saying so.
fn end_idle_conversation(ctx: &WorkflowContext<AgentGoalWorkflow>) -> ConversationHistory {
    info!(workflow_id = ctx.workflow_id(), "idle conversation ends");
    ctx.state_mut(|s| {
        s.proposal = Proposal::None;
        let note = PlannerDecision {
            next: NextStep::Done,
            ..PlannerDecision::question(format!(
                "This chat has ended: nobody wrote for {}. Start a new chat whenever you like.",
                summaries::duration(Duration::from_secs(s.settings.idle_timeout_secs))
            ))
        };
        s.history.push(Actor::Agent, to_json(&note));
        s.chat_ended = true;
        s.history.clone()
    })
}

/// A user message restarts the idle clock, and the first one names the conversation.
fn note_user_message(ctx: &WorkflowContext<AgentGoalWorkflow>, text: &str) {
    let now = ctx.workflow_time();
    ctx.state_mut(|s| {
        s.idle_since = now.or(s.idle_since);
        if s.title.is_none() {
            s.title = Some(title_from(text));
        }
    });
}

/// A title for the conversation list: the text's start, on one line.
fn title_from(text: &str) -> String {
    summaries::clipped(text, TITLE_CHARS)
}

/// A text's first sentence (all of it when it has no full stop).
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    text.find(". ").map_or(text, |end| &text[..=end])
}

/// Rewrites the conversation's memo when what the list shows has changed.
fn write_memo(ctx: &WorkflowContext<AgentGoalWorkflow>) {
    if !ctx.patched(CONVERSATION_MEMO_PATCH) {
        return;
    }
    let now = ctx.workflow_time().unwrap_or(SystemTime::UNIX_EPOCH);
    let memo = ctx.state(|s| {
        let memo = s.memo_now(now);
        let unchanged = s.memo.as_ref().is_some_and(|old| {
            old.title == memo.title && old.goal == memo.goal && old.usage == memo.usage
        });
        (!unchanged).then_some(memo)
    });
    let Some(memo) = memo else {
        return;
    };
    match ctx.upsert_memo([(CONVERSATION_MEMO, Some(MemoValue::new(to_json(&memo))))]) {
        Ok(()) => ctx.state_mut(|s| s.memo = Some(memo)),
        Err(err) => warn!(workflow_id = ctx.workflow_id(), error = %err, "memo not written"),
    }
}

/// Resolves the goal's tools on the worker (a new conversation, or a switched goal). When
/// that fails the user is told, `prompt` is answered with the reason, and the next prompt
/// tries again. Returns whether the goal is ready.
async fn resolve_goal(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    prompt: &PendingPrompt,
) -> WorkflowResult<bool> {
    let goal_id = ctx.state(|s| s.goal.id.clone());
    match fetch_goal(ctx, &goal_id).await? {
        Ok(goal) => {
            ctx.state_mut(|s| s.goal = goal);
            Ok(true)
        }
        Err(message) => {
            ctx.state_mut(|s| {
                if let PendingPrompt::User { text } = prompt {
                    s.history.push(Actor::User, text.as_str());
                }
                s.history
                    .push(Actor::Agent, to_json(&PlannerDecision::question(message)));
            });
            Ok(false)
        }
    }
}

/// Runs `agent_resolveGoal` for `goal_id`: the goal with its tools, or what to tell the user.
async fn fetch_goal(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    goal_id: &str,
) -> WorkflowResult<Result<AgentGoal, String>> {
    let input = ResolveGoalInput {
        goal_id: goal_id.to_owned(),
    };
    match ctx
        .execute_activity(
            AgentActivity::resolve_goal,
            input,
            options::resolve_goal(summaries::resolve_goal(goal_id)),
        )
        .await
    {
        Ok(goal) => Ok(Ok(goal)),
        Err(ActivityExecutionError::Cancelled(_)) => Err(WorkflowTermination::cancelled()),
        Err(err) => {
            warn!(workflow_id = ctx.workflow_id(), goal_id, error = %err, "goal could not be resolved");
            Ok(Err(goal_failure_message(&err)))
        }
    }
}

/// Adds a user prompt to the history and asks the validator whether it fits the goal (and,
/// with `pending`, whether it accepts or declines that proposal). A rejected prompt gets the
/// validator's explanation as the agent's reply and `None`.
async fn accept_user_prompt(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    text: &str,
    pending: Option<PlannerDecision>,
) -> WorkflowResult<Option<Option<UserIntent>>> {
    ctx.state_mut(|s| s.history.push(Actor::User, text));
    let input = ctx.state(|s| ValidationInput {
        pending,
        ..validation_input(s, text, None)
    });
    let options = ctx.state(|s| options::llm(&s.settings, summaries::validator()));
    let verdict = ctx
        .execute_activity(AgentActivity::validate, input, options)
        .await;
    let intent = verdict.as_ref().ok().and_then(|v| v.intent);
    Ok(apply_verdict(ctx, verdict)?.then_some(intent))
}

/// A message typed while a proposal waits: a yes runs the proposal and a no declines it,
/// exactly as the buttons do; anything else is planned as usual (`Some`). A yes never runs
/// a proposal that expired or changed while the validator read the message.
async fn answer_to_proposal(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    text: &str,
    pending: Option<PlannerDecision>,
) -> WorkflowResult<Option<()>> {
    let asked = pending.as_ref().and_then(|d| d.proposal_id.clone());
    let Some(intent) = accept_user_prompt(ctx, text, pending).await? else {
        return Ok(None);
    };
    let now = ctx.workflow_time();
    let still_waiting = ctx.state(|s| {
        !s.proposal_expired(now) && s.waiting_decision().is_some_and(|d| d.proposal_id == asked)
    });
    match intent {
        Some(UserIntent::Accept) if still_waiting => {
            info!(workflow_id = ctx.workflow_id(), "typed confirm");
            ctx.state_mut(AgentGoalWorkflow::confirm_pending);
            Ok(None)
        }
        Some(UserIntent::Decline) if still_waiting => {
            info!(workflow_id = ctx.workflow_id(), "typed decline");
            ctx.state_mut(|s| s.decline_pending(Some(text.to_owned())));
            Ok(None)
        }
        _ => Ok(Some(())),
    }
}

/// A user prompt's turn with the validator and the planner started together: the planner
/// streams its reply (held back until the verdict) while the validator decides. A rejected
/// prompt gets the validator's explanation and the plan is cancelled or thrown away.
async fn validate_while_planning(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    text: &str,
    prompt: &PendingPrompt,
) -> WorkflowResult<Option<PlannerDecision>> {
    ctx.state_mut(|s| s.history.push(Actor::User, text));
    let live = next_live_reply(ctx, true);
    let (validation, validate_options) = ctx.state(|s| {
        (
            validation_input(s, text, Some(live.turn.clone())),
            options::llm(&s.settings, summaries::validator()),
        )
    });
    let (planning, plan_options) = ctx.state(|s| {
        (
            planner_input(s, prompt, live.clone()),
            options::llm(&s.settings, summaries::planner(prompt)),
        )
    });
    let mut validate =
        pin!(ctx.execute_activity(AgentActivity::validate, validation, validate_options));
    let mut plan = pin!(ctx.execute_activity(AgentActivity::plan, planning, plan_options));
    let mut planned = None;
    let verdict = loop {
        select! {
            verdict = validate.as_mut() => break verdict,
            outcome = plan.as_mut() => planned = Some(outcome),
        }
    };
    if !apply_verdict(ctx, verdict)? {
        match planned {
            // The plan is thrown away, but its tokens were spent.
            Some(Ok(answer)) => record_usage(ctx, "planner", answer.usage.as_ref()),
            Some(Err(_)) => {}
            None => plan.cancel(),
        }
        return Ok(None);
    }
    let outcome = match planned {
        Some(outcome) => outcome,
        None => plan.await,
    };
    apply_plan(ctx, outcome, Some(live.reply))
}

/// The validator's verdict: true when the prompt stands; otherwise the user has been told why.
fn apply_verdict(
    ctx: &WorkflowContext<AgentGoalWorkflow>,
    verdict: Result<ValidationResult, ActivityExecutionError>,
) -> WorkflowResult<bool> {
    if let Ok(verdict) = &verdict {
        record_usage(ctx, "validator", verdict.usage.as_ref());
    }
    match verdict {
        Ok(verdict) if verdict.valid => Ok(true),
        Ok(verdict) => {
            let reason = verdict.failed_reason.unwrap_or(ValidationFailure {
                next: NextStep::Question,
                response: String::new(),
            });
            ctx.state_mut(|s| s.history.push(Actor::Agent, to_json(&reason)));
            Ok(false)
        }
        Err(err) => {
            report_llm_failure(ctx, err)?;
            Ok(false)
        }
    }
}

/// Asks the planner what comes next for `prompt`. The answer replaces any proposal that
/// was still waiting for a confirm. `None` when the planner failed for good (the user has
/// been told).
async fn plan_next_step(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    prompt: &PendingPrompt,
) -> WorkflowResult<Option<PlannerDecision>> {
    let live = next_live_reply(ctx, false);
    let input = ctx.state(|s| planner_input(s, prompt, live.clone()));
    let options = ctx.state(|s| options::llm(&s.settings, summaries::planner(prompt)));
    let outcome = ctx
        .execute_activity(AgentActivity::plan, input, options)
        .await;
    apply_plan(ctx, outcome, Some(live.reply))
}

/// The next live reply's ids: `<run>/<n>`, numbered in the run, so stable across replays.
fn next_live_reply(ctx: &WorkflowContext<AgentGoalWorkflow>, gated: bool) -> LiveReply {
    let n = ctx.state_mut(|s| {
        s.replies += 1;
        s.replies
    });
    let reply = format!("{}/{n}", ctx.run_id());
    LiveReply {
        turn: reply.clone(),
        reply,
        gated,
    }
}

fn planner_input(s: &AgentGoalWorkflow, prompt: &PendingPrompt, live: LiveReply) -> PlannerInput {
    PlannerInput {
        goal: s.goal.clone(),
        history: s.prompt_history(),
        prompt: prompt.clone(),
        previous_tool_data: s.decision.clone(),
        live: Some(live),
    }
}

fn validation_input(s: &AgentGoalWorkflow, text: &str, turn: Option<String>) -> ValidationInput {
    ValidationInput {
        goal: s.goal.clone(),
        history: s.prompt_history(),
        prompt: text.to_owned(),
        turn,
        pending: None,
    }
}

/// The planner's answer becomes the latest decision (dropping any proposal still waiting).
/// `None` when the planner failed for good (the user has been told).
fn apply_plan(
    ctx: &WorkflowContext<AgentGoalWorkflow>,
    outcome: Result<PlannerAnswer, ActivityExecutionError>,
    reply_id: Option<String>,
) -> WorkflowResult<Option<PlannerDecision>> {
    let mut decision = match outcome {
        Ok(answer) => {
            record_usage(ctx, "planner", answer.usage.as_ref());
            answer.decision
        }
        Err(err) => {
            report_llm_failure(ctx, err)?;
            return Ok(None);
        }
    };
    decision.normalize();
    let calls = decision.calls();
    if !calls.is_empty() {
        // Each proposal is named after the reply that made it: unique in the run.
        decision.proposal_id = reply_id.clone();
    }
    decision.reply_id = reply_id;
    decision.force_confirm = ctx.state(|s| {
        if calls.is_empty() {
            s.settings.show_confirm
        } else {
            calls.iter().any(|call| s.needs_confirm(&call.tool))
        }
    });
    ctx.state_mut(|s| {
        s.decision = Some(decision.clone());
        s.proposal = Proposal::None;
    });
    Ok(Some(decision))
}

/// Runs the confirmed proposal's tools (several at once, concurrently) and queues an
/// internal prompt that tells the planner the results.
async fn run_confirmed_tools(ctx: &mut WorkflowContext<AgentGoalWorkflow>) -> WorkflowResult<()> {
    // The proposal is used up: a second confirm finds nothing to confirm.
    ctx.state_mut(|s| s.proposal = Proposal::None);
    let Some(decision) = ctx.state(|s| s.decision.clone()) else {
        return Ok(());
    };
    let calls = decision.calls();
    // The calls' position in the conversation: stable across retries and replays, and the
    // base of each tool's idempotency key.
    let position = ctx.state_mut(|s| {
        let mut confirmed = decision.clone();
        confirmed.next = NextStep::UserConfirmedToolRun;
        s.history
            .push(Actor::UserConfirmedToolRun, to_json(&confirmed));
        s.history.len()
    });
    let results = match calls.as_slice() {
        [] => return Ok(()),
        [call] => vec![run_tool(ctx, call, format!("{}-{position}", call.tool)).await?],
        several => {
            info!(
                workflow_id = ctx.workflow_id(),
                count = several.len(),
                "running tools together"
            );
            let runs = several
                .iter()
                .enumerate()
                .map(|(i, call)| run_tool(ctx, call, format!("{}-{position}-{i}", call.tool)));
            join_all(runs)
                .await
                .into_iter()
                .collect::<WorkflowResult<Vec<_>>>()?
        }
    };
    let outcome = ProposalOutcome {
        proposal_id: decision.proposal_id.clone(),
        tool_calls: calls
            .iter()
            .zip(&results)
            .map(|(call, result)| ToolRun {
                result: Some(result.clone()),
                ..ToolRun::from(call.clone())
            })
            .collect(),
    };
    if let ([call], [result]) = (calls.as_slice(), results.as_slice()) {
        ctx.state_mut(|s| s.ran = Some(outcome));
        let (tool, result) = (call.tool.clone(), result.clone());
        if let Some(goal_id) = switch_request(&tool, &result) {
            return switch_goal(ctx, goal_id, result).await;
        }
        ctx.state_mut(|s| {
            s.history.push(Actor::ToolResult, result.clone());
            s.queue
                .push_back(PendingPrompt::Internal(InternalPrompt::ToolCompleted {
                    tool,
                    result,
                }));
        });
        return Ok(());
    }
    ctx.state_mut(|s| {
        for result in &results {
            s.history.push(Actor::ToolResult, result.clone());
        }
        s.queue
            .push_back(PendingPrompt::Internal(InternalPrompt::ToolsCompleted {
                results: calls
                    .iter()
                    .zip(results)
                    .map(|(call, result)| ToolResult {
                        tool: call.tool.clone(),
                        result,
                    })
                    .collect(),
            }));
        s.ran = Some(outcome);
    });
    Ok(())
}

/// Runs one tool: built-in by its activity, MCP through its server. A failure becomes an
/// `{"error": ...}` result; the result names its tool.
async fn run_tool(
    ctx: &WorkflowContext<AgentGoalWorkflow>,
    call: &ToolCall,
    call_id: String,
) -> WorkflowResult<Value> {
    let tool = call.tool.clone();
    info!(
        workflow_id = ctx.workflow_id(),
        tool, call_id, "running confirmed tool"
    );
    let args = Value::Object(call.args.clone());
    let definition = ctx.state(|s| s.goal.tool(&tool).cloned());
    let summary = summaries::tool(&tool, &args);
    // Built-in tools are safe to retry (the invoice by its idempotency keys); an MCP tool only
    // when its server says it is idempotent.
    let repeatable = definition
        .as_ref()
        .is_none_or(|d| d.source.is_builtin() || d.idempotent);
    let outcome = match definition.map(|d| d.source) {
        Some(ToolSource::Mcp { server, tool: name }) => {
            let input = McpCallInput {
                server,
                tool: name,
                arguments: args,
            };
            ctx.execute_activity(
                McpActivity::call_tool,
                input,
                options::mcp_tool(call_id, summary, repeatable),
            )
            .await
        }
        _ => {
            ctx.execute_activity(
                ToolActivity::new(&tool),
                args,
                options::tool(call_id, summary),
            )
            .await
        }
    };
    let mut result = match outcome {
        Ok(Value::Object(map)) => Value::Object(map),
        Ok(other) => json!({ "result": other }),
        Err(ActivityExecutionError::Cancelled(_)) => return Err(WorkflowTermination::cancelled()),
        Err(err) => {
            warn!(workflow_id = ctx.workflow_id(), tool, error = %err, "tool failed");
            json!({ "error": tool_failure_message(&tool, repeatable, &err) })
        }
    };
    result["tool"] = Value::String(tool);
    Ok(result)
}

/// The goal a `SwitchAgent` result asks to switch to.
fn switch_request(tool: &str, result: &Value) -> Option<String> {
    (tool == SWITCH_AGENT_TOOL)
        .then(|| result["switched_to"].as_str().map(str::to_owned))
        .flatten()
}

/// Hands the conversation to another goal: same workflow, same history; the new goal's
/// tools from now on, and its opening message next. If its tools cannot be resolved the
/// current agent hears why and stays.
async fn switch_goal(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
    goal_id: String,
    mut result: Value,
) -> WorkflowResult<()> {
    let next = match fetch_goal(ctx, &goal_id).await? {
        Ok(goal) => {
            info!(workflow_id = ctx.workflow_id(), goal_id, "switching goal");
            let starter = PendingPrompt::Internal(InternalPrompt::Instruction {
                text: goal.starter_prompt.clone(),
            });
            ctx.state_mut(|s| {
                s.history.push(Actor::ToolResult, result.clone());
                s.goal = goal;
                s.decision = None;
            });
            starter
        }
        Err(message) => {
            result = json!({ "error": message, "tool": SWITCH_AGENT_TOOL });
            ctx.state_mut(|s| s.history.push(Actor::ToolResult, result.clone()));
            PendingPrompt::Internal(InternalPrompt::ToolCompleted {
                tool: SWITCH_AGENT_TOOL.to_owned(),
                result,
            })
        }
    };
    ctx.state_mut(|s| s.queue.push_back(next));
    Ok(())
}

/// Turns an LLM step's final failure into an agent message, so the user learns what went
/// wrong and the conversation stays usable.
fn report_llm_failure(
    ctx: &WorkflowContext<AgentGoalWorkflow>,
    err: ActivityExecutionError,
) -> WorkflowResult<()> {
    if let ActivityExecutionError::Cancelled(_) = err {
        return Err(WorkflowTermination::cancelled());
    }
    warn!(workflow_id = ctx.workflow_id(), error = %err, "LLM step failed for good");
    let message = PlannerDecision::question(llm_failure_message(&err));
    ctx.state_mut(|s| s.history.push(Actor::Agent, to_json(&message)));
    Ok(())
}

/// Continues as new when the run's history is long (by our count or the server's), carrying
/// a summary, the pending prompts (each with its kind) and the goal. Waits while a proposal
/// is pending so a confirm never lands in a run that has forgotten the proposal.
async fn continue_as_new_if_due(
    ctx: &mut WorkflowContext<AgentGoalWorkflow>,
) -> WorkflowResult<()> {
    let due = ctx.state(|s| s.history.len() >= s.settings.max_history_messages)
        || ctx.continue_as_new_suggested();
    if !due || ctx.state(|s| s.proposal != Proposal::None) {
        return Ok(());
    }
    // A confirm still answering would be lost with this run.
    ctx.wait_condition(|s| s.confirms_waiting == 0).await?;
    // The whole run, not the window: the summary folds in the previous run's summary (the
    // run's first message) and every message since, so nothing said early is lost.
    let input = ctx.state(|s| SummaryInput {
        goal: s.goal.clone(),
        history: s.history.clone(),
    });
    let options = ctx.state(|s| options::llm(&s.settings, summaries::summarizer()));
    let summary = match ctx
        .execute_activity(AgentActivity::summarize, input, options)
        .await
    {
        Ok(answer) => {
            record_usage(ctx, "summary", answer.usage());
            answer.summary().to_owned()
        }
        Err(err) => {
            // Without a summary the next run would lose the thread; try again next turn.
            warn!(workflow_id = ctx.workflow_id(), error = %err, "summary failed; continue-as-new postponed");
            return Ok(());
        }
    };
    // Once the model has summed the conversation up, its first sentence names it.
    ctx.state_mut(|s| s.title = Some(title_from(first_sentence(&summary))));
    let next_input = ctx.state(|s| AgentWorkflowInput {
        carry_over: CarryOver {
            conversation_summary: Some(summary),
            prompt_queue: Some(s.queue.iter().cloned().map(QueueEntry::from).collect()),
            usage: Some(s.usage.clone()),
            title: s.title.clone(),
        },
        agent_goal: s.goal.clone(),
    });
    info!(workflow_id = ctx.workflow_id(), "continuing as new");
    ctx.continue_as_new(next_input, ContinueAsNewOptions::default())?;
    Ok(())
}

/// Adds one model call's usage to the conversation's.
fn record_usage(ctx: &WorkflowContext<AgentGoalWorkflow>, step: &str, usage: Option<&LlmUsage>) {
    if let Some(usage) = usage {
        ctx.state_mut(|s| s.usage.record(step, usage));
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("agent data always serializes to JSON")
}
