//! The agent's LLM steps (planner, validator, summarizer) and its settings lookup.
//!
//! Each step renders its prompt from the structured input, calls the model while
//! heartbeating (so a lost worker is noticed within seconds and the call retried
//! elsewhere), and parses the answer. Unusable answers are retried a bounded number of
//! times through Temporal, then reported as final.

use std::sync::Arc;

use models::{
    AgentGoal, PlannerDecision, PlannerInput, ResolveGoalInput, SummaryInput, ValidationInput,
    ValidationResult, WorkflowSettings,
};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use workflows::contracts::markers as agent_activity;

use settings::LlmSettings;

use crate::{
    ask::ask_model,
    failure::{goal_failure, prompt_failure},
    llm::{LlmClient, LlmStep},
    resolve::GoalResolver,
};

pub struct AgentActivities {
    llm: LlmClient,
    max_invalid_answers: u32,
    /// Handed to the workflows by `get_wf_env_vars`.
    workflow: WorkflowSettings,
    goals: GoalResolver,
}

impl AgentActivities {
    pub fn new(llm: &LlmSettings, workflow: WorkflowSettings, goals: GoalResolver) -> Self {
        Self {
            llm: LlmClient::new(llm),
            max_invalid_answers: llm.max_invalid_answers,
            workflow,
            goals,
        }
    }

    /// Calls the model for one step and parses its answer with `parse`.
    async fn ask<T>(
        &self,
        ctx: &ActivityContext,
        step: LlmStep,
        prompt: prompts::ChatPrompt,
        parse: impl FnOnce(&str) -> Result<T, prompts::ParseError>,
    ) -> Result<T, ActivityError> {
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
    ) -> Result<PlannerDecision, ActivityError> {
        let today = chrono::Local::now().date_naive();
        let prompt = prompts::planner_prompt(&input, today).map_err(prompt_failure)?;
        self.ask(&ctx, LlmStep::Planner, prompt, |answer| {
            prompts::parse_tool_data(answer, &input.goal)
        })
        .await
    }

    #[activity(definition = agent_activity::Validate)]
    pub async fn validate(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: ValidationInput,
    ) -> Result<ValidationResult, ActivityError> {
        let prompt = prompts::validator_prompt(&input).map_err(prompt_failure)?;
        self.ask(&ctx, LlmStep::Validator, prompt, prompts::parse_validation)
            .await
    }

    #[activity(definition = agent_activity::Summarize)]
    pub async fn summarize(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: SummaryInput,
    ) -> Result<String, ActivityError> {
        let prompt = prompts::summary_prompt(&input).map_err(prompt_failure)?;
        self.ask(&ctx, LlmStep::Summary, prompt, prompts::parse_summary)
            .await
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
