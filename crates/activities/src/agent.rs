//! The agent's LLM steps (planner, validator, summarizer) and its settings lookup.
//!
//! Each step renders its prompt from the structured input, calls the model while
//! heartbeating (so a lost worker is noticed within seconds and the call retried
//! elsewhere), and parses the answer. Unusable answers are retried a bounded number of
//! times through Temporal, then reported as final.

use std::sync::Arc;

use models::{
    AgentGoal, PlannerAnswer, PlannerInput, ResolveGoalInput, SummaryAnswer, SummaryInput,
    ValidationInput, ValidationResult, WorkflowSettings,
};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use workflows::contracts::markers as agent_activity;

use settings::LlmSettings;

use reply_bus::ReplyBus;
use tokio::sync::mpsc;

use crate::{
    ask::{Answer, ask_model, ask_model_streaming},
    failure::{goal_failure, prompt_failure},
    live::{LiveText, publish_verdict},
    llm::{LlmClient, LlmStep},
    metrics::AgentMetrics,
    resolve::GoalResolver,
};

pub struct AgentActivities {
    llm: LlmClient,
    max_invalid_answers: u32,
    /// Handed to the workflows by `get_wf_env_vars`.
    workflow: WorkflowSettings,
    goals: GoalResolver,
    /// Where the planner's reply text streams to (off when NATS is unreachable).
    bus: ReplyBus,
}

impl AgentActivities {
    pub fn new(
        llm: &LlmSettings,
        workflow: WorkflowSettings,
        goals: GoalResolver,
        bus: ReplyBus,
    ) -> Self {
        Self {
            llm: LlmClient::new(llm),
            max_invalid_answers: llm.max_invalid_answers,
            workflow,
            goals,
            bus,
        }
    }

    /// Records every model call into `metrics`.
    pub fn with_metrics(mut self, metrics: AgentMetrics) -> Self {
        self.llm = self.llm.with_metrics(metrics);
        self
    }

    /// Lets model call spans carry prompt text (`OTEL_RECORD_PROMPTS`).
    pub fn recording_prompts(mut self, record: bool) -> Self {
        self.llm = self.llm.recording_prompts(record);
        self
    }

    /// Calls the model for one step and parses its answer with `parse`.
    async fn ask<T>(
        &self,
        ctx: &ActivityContext,
        step: LlmStep,
        prompt: prompts::ChatPrompt,
        parse: impl FnOnce(&str) -> Result<T, prompts::ParseError>,
    ) -> Result<Answer<T>, ActivityError> {
        ask_model(
            &self.llm,
            self.max_invalid_answers,
            ctx,
            step,
            prompt,
            parse,
        )
        .await
    }
}

#[activities]
impl AgentActivities {
    #[activity(definition = agent_activity::Plan)]
    pub async fn plan(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: PlannerInput,
    ) -> Result<PlannerAnswer, ActivityError> {
        let today = chrono::Local::now().date_naive();
        let prompt = prompts::planner_prompt(&input, today).map_err(prompt_failure)?;
        let parse = |answer: &str| prompts::parse_tool_data(answer, &input.goal);
        let Some(live) = input.live.clone() else {
            let answer = self.ask(&ctx, LlmStep::Planner, prompt, parse).await?;
            return Ok(PlannerAnswer {
                decision: answer.value,
                usage: answer.usage,
            });
        };
        // The reply's text goes out as the model writes it; the answer is parsed whole.
        let info = ctx.info();
        let workflow_id = info.workflow_id.clone().unwrap_or_default();
        let live_text = LiveText::new(self.bus.clone(), workflow_id, live);
        let (pieces, received) = mpsc::unbounded_channel();
        let mut response = prompts::ResponseText::new();
        let on_text = move |chunk: &str| {
            let piece = response.feed(chunk);
            if !piece.is_empty() {
                let _ = pieces.send(piece);
            }
        };
        let streamed = ask_model_streaming(
            &self.llm,
            self.max_invalid_answers,
            &ctx,
            LlmStep::Planner,
            prompt,
            parse,
            on_text,
        );
        let (answer, ()) = tokio::join!(streamed, live_text.publish(received, info.attempt));
        let answer = answer?;
        Ok(PlannerAnswer {
            decision: answer.value,
            usage: answer.usage,
        })
    }

    #[activity(definition = agent_activity::Validate)]
    pub async fn validate(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: ValidationInput,
    ) -> Result<ValidationResult, ActivityError> {
        let prompt = prompts::validator_prompt(&input).map_err(prompt_failure)?;
        let answer = self
            .ask(&ctx, LlmStep::Validator, prompt, prompts::parse_validation)
            .await?;
        let verdict = ValidationResult {
            usage: answer.usage,
            ..answer.value
        };
        if let Some(turn) = &input.turn {
            let workflow_id = ctx.info().workflow_id.clone().unwrap_or_default();
            publish_verdict(&self.bus, &workflow_id, turn, verdict.valid).await;
        }
        Ok(verdict)
    }

    #[activity(definition = agent_activity::Summarize)]
    pub async fn summarize(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: SummaryInput,
    ) -> Result<SummaryAnswer, ActivityError> {
        let prompt = prompts::summary_prompt(&input).map_err(prompt_failure)?;
        let answer = self
            .ask(&ctx, LlmStep::Summary, prompt, prompts::parse_summary)
            .await?;
        Ok(SummaryAnswer::WithUsage {
            summary: answer.value,
            usage: answer.usage,
        })
    }

    #[activity(definition = agent_activity::ResolveGoal)]
    pub async fn resolve_goal(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: ResolveGoalInput,
    ) -> Result<AgentGoal, ActivityError> {
        self.goals
            .resolve(&input.goal_id)
            .await
            .map_err(goal_failure)
    }

    #[activity(definition = agent_activity::Settings)]
    pub async fn settings(
        self: Arc<Self>,
        _ctx: ActivityContext,
    ) -> Result<WorkflowSettings, ActivityError> {
        Ok(self.workflow.clone())
    }
}
