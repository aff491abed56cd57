//! The floor: a trivial workflow that does the agent's Temporal work and nothing else.
//!
//! [`BaselineWorkflow`] is registered under the agent's workflow type name
//! (`AgentGoalWorkflow`) and answers the same signals, update and queries, so the real api
//! binary drives it through exactly the same HTTP path and event stream, on its own task
//! queue. Each turn it receives the same signal or update, keeps the same conversation
//! history, and runs the same activities (same type names) with the same inputs: the goal,
//! the history window and the prompt, as structured data. Only the activities differ: they
//! neither render a prompt, call a model, parse an answer nor run a tool; they hand back the
//! payload the agent's activity returned at the same point of a recorded trip
//! ([`Recording`]), byte for byte. The agent's cost over this floor is therefore what its
//! own code adds per turn.
//!
//! Like the agent, it looks its goal's tools up (`agent_resolveGoal`) before the first
//! planner call when the conversation started without them, and it runs a user prompt's
//! validation alongside its planning when the
//! worker's settings (the recorded `get_wf_env_vars` result) say `speculative_planning`,
//! and one after the other otherwise.
//!
//! What the baseline leaves out on purpose: the agent's confirm-timeout timer (started
//! with each proposal, cancelled by the confirm), missing-argument checks, the patch marker
//! of speculative planning and continue-as-new. The timer shows up as extra history events
//! per turn in the report.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    marker::PhantomData,
    sync::Arc,
    time::Duration,
};

use models::{
    Actor, AgentGoal, AgentWorkflowInput, ConfirmOutcome, ConfirmRequest, ConversationHistory,
    InternalPrompt, NextStep, PendingPrompt, PlannerDecision, PlannerInput, ProposalOutcome,
    ResolveGoalInput, ToolRun, ValidationInput, ValidationResult, WorkflowSettings,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use temporalio_common::{
    ActivityDefinition,
    data_converters::{RawValue, TemporalDeserializable, TemporalSerializable},
    error::ActivityExecutionError,
    protos::temporal::api::common::v1::Payload,
};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::{
    ActivityCloseTimeouts, ActivityOptions, SyncWorkflowContext, WorkflowContext,
    WorkflowContextView, WorkflowResult,
    activities::{ActivityContext, ActivityError},
    workflows::join,
};

/// The results the agent's activities returned during one real trip, as the JSON text of
/// each payload, in call order. The bench records it from the agent's warm-up trip.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// `get_wf_env_vars`.
    pub settings: String,
    /// `agent_resolveGoal`: the goal with its tools (empty if the trip did not look it up).
    #[serde(default)]
    pub goal: String,
    /// `agent_validatePrompt`, one per user prompt.
    pub validations: Vec<String>,
    /// `agent_toolPlanner`, one per planner call.
    pub plans: Vec<String>,
    /// Each tool's result, by tool name.
    pub tools: BTreeMap<String, String>,
}

/// The activities of the floor: each returns the recorded payload for its call.
pub struct BaselineActivities {
    settings: Payload,
    goal: Payload,
    validations: Vec<Payload>,
    plans: Vec<Payload>,
    tools: HashMap<String, Payload>,
}

impl BaselineActivities {
    pub fn new(recording: &Recording) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !recording.plans.is_empty() && !recording.validations.is_empty(),
            "the recording holds no planner or validator results"
        );
        Ok(Self {
            settings: json_payload(&recording.settings),
            goal: json_payload(&recording.goal),
            validations: recording
                .validations
                .iter()
                .map(|p| json_payload(p))
                .collect(),
            plans: recording.plans.iter().map(|p| json_payload(p)).collect(),
            tools: recording
                .tools
                .iter()
                .map(|(name, result)| (name.clone(), json_payload(result)))
                .collect(),
        })
    }

    /// The `n`-th recorded result, `n` taken from an activity id such as `p3`. A trip never
    /// makes more calls than the recorded one; if it did, the results repeat.
    fn nth(results: &[Payload], ctx: &ActivityContext) -> RawValue {
        let id = &ctx.info().activity_id;
        let n: usize = id
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or(0);
        RawValue::new(vec![results[n % results.len()].clone()])
    }

    fn tool(&self, ctx: &ActivityContext) -> Result<RawValue, ActivityError> {
        let name = &ctx.info().activity_type;
        let result = self.tools.get(name).ok_or_else(|| {
            ActivityError::from(anyhow::anyhow!("no recorded result for tool {name}"))
        })?;
        Ok(RawValue::new(vec![result.clone()]))
    }
}

/// A payload as the SDK's JSON converter writes it.
fn json_payload(json: &str) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: json.as_bytes().to_vec(),
        ..Payload::default()
    }
}

/// Inputs arrive as raw payloads and are never decoded: the floor pays for moving them,
/// not for reading them.
#[activities]
impl BaselineActivities {
    #[activity(name = "get_wf_env_vars")]
    pub async fn settings(
        self: Arc<Self>,
        _ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        Ok(RawValue::new(vec![self.settings.clone()]))
    }

    #[activity(name = "agent_resolveGoal")]
    pub async fn resolve_goal(
        self: Arc<Self>,
        _ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        Ok(RawValue::new(vec![self.goal.clone()]))
    }

    #[activity(name = "agent_validatePrompt")]
    pub async fn validate(
        self: Arc<Self>,
        ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        Ok(Self::nth(&self.validations, &ctx))
    }

    #[activity(name = "agent_toolPlanner")]
    pub async fn plan(
        self: Arc<Self>,
        ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        Ok(Self::nth(&self.plans, &ctx))
    }

    #[activity(name = "FindEvents")]
    pub async fn find_events(
        self: Arc<Self>,
        ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        self.tool(&ctx)
    }

    #[activity(name = "SearchFlights")]
    pub async fn search_flights(
        self: Arc<Self>,
        ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        self.tool(&ctx)
    }

    #[activity(name = "CreateInvoice")]
    pub async fn create_invoice(
        self: Arc<Self>,
        ctx: ActivityContext,
        _input: RawValue,
    ) -> Result<RawValue, ActivityError> {
        self.tool(&ctx)
    }
}

/// An activity called by type name with typed input and output, as the workflow side sees
/// the baseline's activities (whose implementations take and give raw payloads).
struct Named<I, O> {
    name: String,
    types: PhantomData<fn(I) -> O>,
}

fn named<I, O>(name: &str) -> Named<I, O> {
    Named {
        name: name.to_owned(),
        types: PhantomData,
    }
}

impl<I, O> ActivityDefinition for Named<I, O>
where
    I: TemporalSerializable + TemporalDeserializable + 'static,
    O: TemporalSerializable + TemporalDeserializable + 'static,
{
    type Input = I;
    type Output = O;

    fn name(&self) -> &str {
        &self.name
    }
}

#[workflow]
pub struct BaselineWorkflow {
    goal: AgentGoal,
    history: ConversationHistory,
    queue: VecDeque<PendingPrompt>,
    chat_ended: bool,
    tool_data: Option<PlannerDecision>,
    /// A proposal waits for the user's confirm.
    proposed: bool,
    confirmed: bool,
    history_window: usize,
    validations: usize,
    plans: usize,
    /// Tools run so far, and what the latest returned: a confirm answers with it.
    tool_runs: usize,
    ran: Option<ProposalOutcome>,
}

#[workflow_methods]
impl BaselineWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, input: AgentWorkflowInput) -> Self {
        Self {
            goal: input.agent_goal,
            history: ConversationHistory::default(),
            queue: input
                .carry_over
                .prompt_queue
                .unwrap_or_default()
                .into_iter()
                .map(PendingPrompt::from)
                .collect(),
            chat_ended: false,
            tool_data: None,
            proposed: false,
            confirmed: false,
            history_window: WorkflowSettings::default().history_window,
            validations: 0,
            plans: 0,
            tool_runs: 0,
            ran: None,
        }
    }

    #[run(name = "AgentGoalWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<ConversationHistory> {
        let settings: WorkflowSettings = ctx
            .execute_activity(
                named::<(), WorkflowSettings>("get_wf_env_vars"),
                (),
                options("Read the worker's settings", None, 10),
            )
            .await?;
        ctx.state_mut(|s| s.history_window = settings.history_window);

        loop {
            ctx.wait_condition(Self::has_work).await?;
            if ctx.state(|s| s.chat_ended) {
                return Ok(ctx.state(|s| s.history.clone()));
            }
            if ctx.state(|s| s.confirmed && s.proposed) {
                run_tool(ctx).await?;
                continue;
            }
            let Some(prompt) = ctx.state_mut(|s| s.queue.pop_front()) else {
                continue;
            };

            if ctx.state(|s| s.goal.tools.is_empty()) {
                resolve_goal(ctx).await?;
            }
            let planned = match &prompt {
                PendingPrompt::User { text } => {
                    user_turn(ctx, text, &prompt, settings.speculative_planning).await?
                }
                PendingPrompt::Internal(_) => {
                    let planning = ctx.state_mut(|s| s.planning(&prompt));
                    Some(plan(ctx, planning).await?)
                }
            };
            let Some(mut tool_data) = planned else {
                continue;
            };
            tool_data.force_confirm = settings.show_confirm;
            let reply = to_json(&tool_data);
            let done = ctx.state_mut(|s| {
                s.proposed = tool_data.next == NextStep::Confirm && tool_data.tool_name().is_some();
                s.confirmed = s.proposed && !settings.show_confirm;
                s.tool_data = Some(tool_data.clone());
                s.history.push(Actor::Agent, reply);
                tool_data.next == NextStep::Done
            });
            if done {
                return Ok(ctx.state(|s| s.history.clone()));
            }
        }
    }

    #[signal(name = "user_prompt")]
    pub fn user_prompt(&mut self, _ctx: &mut SyncWorkflowContext<Self>, prompt: String) {
        if !self.chat_ended && !prompt.trim().is_empty() {
            self.queue.push_back(PendingPrompt::user(prompt));
        }
    }

    #[signal(name = "confirm")]
    pub fn confirm(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.confirm_pending();
    }

    #[update(name = "confirm_tool")]
    pub fn confirm_tool(&mut self, _ctx: &mut SyncWorkflowContext<Self>) -> ConfirmOutcome {
        let tool = self.confirm_pending();
        ConfirmOutcome {
            confirmed: tool.is_some(),
            tool,
        }
    }

    /// The api's confirm: answers once the tool ran, with its result.
    #[update(name = "confirm_proposal")]
    pub async fn confirm_proposal(
        ctx: &mut WorkflowContext<Self>,
        _request: ConfirmRequest,
    ) -> Result<ProposalOutcome, Box<dyn std::error::Error + Send + Sync>> {
        let before = ctx.state_mut(|s| s.confirm_pending().map(|_| s.tool_runs));
        let Some(before) = before else {
            return Err("conflict: No tool is waiting for a confirm.".into());
        };
        ctx.wait_condition(|s| s.chat_ended || s.tool_runs > before)
            .await?;
        Ok(ctx.state(|s| s.ran.clone().unwrap_or_default()))
    }

    #[signal(name = "end_chat")]
    pub fn end_chat(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.chat_ended = true;
    }

    #[query(name = "get_conversation_history")]
    pub fn get_conversation_history(&self, _ctx: &WorkflowContextView) -> ConversationHistory {
        self.history.clone()
    }

    #[query(name = "get_latest_tool_data")]
    pub fn get_latest_tool_data(&self, _ctx: &WorkflowContextView) -> Option<PlannerDecision> {
        self.tool_data.clone()
    }

    #[query(name = "get_summary_from_history")]
    pub fn get_summary_from_history(&self, _ctx: &WorkflowContextView) -> Option<String> {
        self.history.summary().map(str::to_owned)
    }
}

impl BaselineWorkflow {
    /// The validator's input for `text`, and the activity id that picks its recorded result.
    fn validation(&mut self, text: &str) -> (ValidationInput, String) {
        self.validations += 1;
        let input = ValidationInput {
            goal: self.goal.clone(),
            history: self.history.window(self.history_window),
            prompt: text.to_owned(),
            turn: None,
            pending: None,
        };
        (input, format!("v{}", self.validations - 1))
    }

    /// The planner's input for `prompt`, its activity id, and the activity's summary.
    fn planning(&mut self, prompt: &PendingPrompt) -> Planning {
        self.plans += 1;
        let input = PlannerInput {
            goal: self.goal.clone(),
            history: self.history.window(self.history_window),
            prompt: prompt.clone(),
            previous_tool_data: self.tool_data.clone(),
            live: None,
        };
        Planning {
            input,
            id: format!("p{}", self.plans - 1),
            summary: planner_summary(prompt),
        }
    }

    fn has_work(&self) -> bool {
        self.chat_ended || !self.queue.is_empty() || (self.confirmed && self.proposed)
    }

    fn confirm_pending(&mut self) -> Option<String> {
        if self.chat_ended || !self.proposed || self.confirmed {
            return None;
        }
        let tool = self.tool_data.as_ref()?.tool_name()?.to_owned();
        self.confirmed = true;
        Some(tool)
    }
}

/// Looks the goal's tools up, as the agent does before its first planner call.
async fn resolve_goal(ctx: &mut WorkflowContext<BaselineWorkflow>) -> WorkflowResult<()> {
    let input = ResolveGoalInput {
        goal_id: ctx.state(|s| s.goal.id.clone()),
    };
    let summary = format!("Look up the tools of goal {}", input.goal_id);
    let goal: AgentGoal = ctx
        .execute_activity(
            named::<ResolveGoalInput, AgentGoal>("agent_resolveGoal"),
            input,
            options(&summary, None, 30),
        )
        .await?;
    ctx.state_mut(|s| s.goal = goal);
    Ok(())
}

/// A planner call to make.
struct Planning {
    input: PlannerInput,
    id: String,
    summary: &'static str,
}

/// A user prompt's turn: validation and planning, alongside each other when `speculative`
/// (as the agent ships), else one after the other. `None` when the prompt was refused.
async fn user_turn(
    ctx: &mut WorkflowContext<BaselineWorkflow>,
    text: &str,
    prompt: &PendingPrompt,
    speculative: bool,
) -> WorkflowResult<Option<PlannerDecision>> {
    let validation = ctx.state_mut(|s| {
        s.history.push(Actor::User, text);
        s.validation(text)
    });
    let (verdict, planned) = if speculative {
        let planning = ctx.state_mut(|s| s.planning(prompt));
        let (verdict, planned) = join!(validate(ctx, validation), plan(ctx, planning));
        (verdict?, Some(planned?))
    } else {
        (validate(ctx, validation).await?, None)
    };
    if !verdict.valid {
        let reason = serde_json::to_value(verdict.failed_reason).unwrap_or_default();
        ctx.state_mut(|s| s.history.push(Actor::Agent, reason));
        return Ok(None);
    }
    match planned {
        Some(decision) => Ok(Some(decision)),
        None => {
            let planning = ctx.state_mut(|s| s.planning(prompt));
            Ok(Some(plan(ctx, planning).await?))
        }
    }
}

async fn validate(
    ctx: &WorkflowContext<BaselineWorkflow>,
    (input, id): (ValidationInput, String),
) -> Result<ValidationResult, ActivityExecutionError> {
    ctx.execute_activity(
        named::<ValidationInput, ValidationResult>("agent_validatePrompt"),
        input,
        options("Validate the user's prompt", Some(id), 30),
    )
    .await
}

async fn plan(
    ctx: &WorkflowContext<BaselineWorkflow>,
    planning: Planning,
) -> Result<PlannerDecision, ActivityExecutionError> {
    ctx.execute_activity(
        named::<PlannerInput, PlannerDecision>("agent_toolPlanner"),
        planning.input,
        options(planning.summary, Some(planning.id), 30),
    )
    .await
}

/// Runs the confirmed tool's activity and queues the tool-completed prompt, as the agent does.
async fn run_tool(ctx: &mut WorkflowContext<BaselineWorkflow>) -> WorkflowResult<()> {
    let (tool, args, call_id) = ctx.state_mut(|s| {
        s.confirmed = false;
        s.proposed = false;
        let mut confirmed = s
            .tool_data
            .clone()
            .unwrap_or_else(|| PlannerDecision::question(""));
        confirmed.next = NextStep::UserConfirmedToolRun;
        s.history
            .push(Actor::UserConfirmedToolRun, to_json(&confirmed));
        let tool = confirmed.tool_name().unwrap_or_default().to_owned();
        let call_id = format!("{tool}-{}", s.history.len());
        (tool, Value::Object(confirmed.args), call_id)
    });
    let summary = format!("{tool}(...)");
    let mut result: Value = ctx
        .execute_activity(
            named::<Value, Value>(&tool),
            args,
            options(&summary, Some(call_id), 30),
        )
        .await?;
    result["tool"] = Value::String(tool.clone());
    ctx.state_mut(|s| {
        s.tool_runs += 1;
        s.ran = Some(ProposalOutcome {
            proposal_id: None,
            tool_calls: vec![ToolRun {
                tool: tool.clone(),
                args: s
                    .tool_data
                    .as_ref()
                    .map(|d| d.args.clone())
                    .unwrap_or_default(),
                result: Some(result.clone()),
            }],
        });
        s.history.push(Actor::ToolResult, result.clone());
        s.queue
            .push_back(PendingPrompt::Internal(InternalPrompt::ToolCompleted {
                tool,
                result,
            }));
    });
    Ok(())
}

/// Timeouts like the agent's: bounded attempts, 30 minutes in all, heartbeats for the
/// long-running kinds.
fn options(summary: &str, activity_id: Option<String>, attempt_secs: u64) -> ActivityOptions {
    let timeouts = ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: Duration::from_secs(30 * 60),
        start_to_close: Duration::from_secs(attempt_secs),
    };
    match activity_id {
        Some(id) => ActivityOptions::with_close_timeouts(timeouts)
            .heartbeat_timeout(Duration::from_secs(10))
            .activity_id(id)
            .summary(summary.to_owned())
            .build(),
        None => ActivityOptions::with_close_timeouts(timeouts)
            .summary(summary.to_owned())
            .build(),
    }
}

fn planner_summary(prompt: &PendingPrompt) -> &'static str {
    match prompt {
        PendingPrompt::User { .. } => "Plan a reply to the user",
        PendingPrompt::Internal(InternalPrompt::ToolCompleted { .. }) => "Plan after a tool result",
        PendingPrompt::Internal(_) => "Plan the opening message",
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("conversation data serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_payloads_keep_their_bytes_and_json_encoding() {
        let payload = json_payload(r#"{"next":"done"}"#);
        assert_eq!(payload.data, br#"{"next":"done"}"#);
        assert_eq!(payload.metadata["encoding"], b"json/plain");
    }

    #[test]
    fn an_empty_recording_is_refused() {
        assert!(BaselineActivities::new(&Recording::default()).is_err());
    }
}
