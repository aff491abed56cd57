//! Driving one conversation through the Temporal client, as the api or the CLI would.

use std::{future::Future, time::Duration};

use anyhow::Context;
use models::{
    Actor, AgentGoal, AgentWorkflowInput, CarryOver, ConfirmOutcome, ConfirmRequest,
    ConversationHistory, PlannerDecision, ProposalOutcome, QueueEntry,
};
use temporalio_client::NamespacedClient;
use temporalio_client::{
    Client, WorkflowExecuteUpdateOptions, WorkflowExecutionInfo, WorkflowFetchHistoryOptions,
    WorkflowGetResultOptions, WorkflowHandle, WorkflowQueryOptions, WorkflowSignalOptions,
    WorkflowStartOptions,
};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use workflows::AgentGoalWorkflow;

/// The repository's goal files (`goals/`).
pub fn goal_catalog() -> goals::GoalCatalog {
    goals::GoalCatalog::load(
        &crate::workspace_root().join("goals"),
        goals::Categories::default(),
    )
    .expect("the repository's goals load")
}

/// The trip goal as the api starts a conversation with it: its tools are resolved by the
/// worker when the conversation starts.
pub fn trip_goal() -> AgentGoal {
    goal_catalog()
        .get(goals::DEFAULT_GOAL)
        .expect("the trip goal ships")
        .unresolved()
}

/// The trip goal with `prompts` queued, as the api starts a conversation.
pub fn trip_input(prompts: &[&str]) -> AgentWorkflowInput {
    AgentWorkflowInput {
        carry_over: CarryOver {
            conversation_summary: None,
            prompt_queue: Some(
                prompts
                    .iter()
                    .map(|p| QueueEntry::Text(p.to_string()))
                    .collect(),
            ),
            usage: None,
            title: None,
        },
        agent_goal: trip_goal(),
    }
}

/// Polls `probe` every 100 ms until it returns `Some`, or panics after `timeout` naming
/// `what` and the last observation.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = (Option<T>, String)>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let (found, observed) = probe().await;
        if let Some(value) = found {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}; last seen:\n{observed}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One `AgentGoalWorkflow` execution and the client that drives it.
pub struct Conversation {
    pub client: Client,
    pub id: String,
    /// Run id of the first run (later runs follow continue-as-new).
    pub first_run_id: String,
}

impl Conversation {
    pub async fn start(
        client: &Client,
        task_queue: &str,
        id: &str,
        input: AgentWorkflowInput,
    ) -> anyhow::Result<Self> {
        let handle = client
            .start_workflow(
                AgentGoalWorkflow::run,
                input,
                WorkflowStartOptions::new(task_queue, id).build(),
            )
            .await
            .with_context(|| format!("starting workflow {id}"))?;
        Ok(Self {
            client: client.clone(),
            id: id.to_owned(),
            first_run_id: handle.run_id().unwrap_or_default().to_owned(),
        })
    }

    /// A handle on the latest run.
    pub fn handle(&self) -> WorkflowHandle<Client, AgentGoalWorkflow> {
        self.client
            .get_workflow_handle::<AgentGoalWorkflow>(&self.id)
    }

    pub async fn send(&self, text: &str) {
        self.handle()
            .signal(
                AgentGoalWorkflow::user_prompt,
                text.to_owned(),
                WorkflowSignalOptions::default(),
            )
            .await
            .expect("user_prompt signal delivered");
    }

    pub async fn confirm(&self) {
        self.handle()
            .signal(
                AgentGoalWorkflow::confirm,
                (),
                WorkflowSignalOptions::default(),
            )
            .await
            .expect("confirm signal delivered");
    }

    pub async fn confirm_and_wait(&self) -> ConfirmOutcome {
        self.handle()
            .execute_update(
                AgentGoalWorkflow::confirm_tool,
                (),
                WorkflowExecuteUpdateOptions::default(),
            )
            .await
            .expect("confirm_tool update accepted")
    }

    /// Runs the `confirm_proposal` update: returns once the proposal's tools ran.
    pub async fn confirm_proposal(
        &self,
        request: ConfirmRequest,
    ) -> Result<ProposalOutcome, temporalio_client::errors::WorkflowUpdateError> {
        self.handle()
            .execute_update(
                AgentGoalWorkflow::confirm_proposal,
                request,
                WorkflowExecuteUpdateOptions::default(),
            )
            .await
    }

    pub async fn end_chat(&self) {
        self.handle()
            .signal(
                AgentGoalWorkflow::end_chat,
                (),
                WorkflowSignalOptions::default(),
            )
            .await
            .expect("end_chat signal delivered");
    }

    pub async fn history(&self) -> anyhow::Result<ConversationHistory> {
        Ok(self
            .handle()
            .query(
                AgentGoalWorkflow::get_conversation_history,
                (),
                WorkflowQueryOptions::default(),
            )
            .await?)
    }

    pub async fn latest_tool_data(&self) -> anyhow::Result<Option<PlannerDecision>> {
        Ok(self
            .handle()
            .query(
                AgentGoalWorkflow::get_latest_tool_data,
                (),
                WorkflowQueryOptions::default(),
            )
            .await?)
    }

    /// Waits until the history satisfies `done`, and returns it.
    pub async fn wait_for(
        &self,
        what: &str,
        done: impl Fn(&ConversationHistory) -> bool,
    ) -> ConversationHistory {
        self.wait_for_within(what, Duration::from_secs(60), done)
            .await
    }

    pub async fn wait_for_within(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&ConversationHistory) -> bool,
    ) -> ConversationHistory {
        wait_until(what, timeout, || async {
            match self.history().await {
                Ok(history) if done(&history) => (Some(history), String::new()),
                Ok(history) => (None, describe(&history)),
                Err(err) => (None, format!("query failed: {err:#}")),
            }
        })
        .await
    }

    /// Waits until the conversation has `count` messages from `actor`.
    pub async fn wait_for_count(&self, actor: Actor, count: usize) -> ConversationHistory {
        self.wait_for(&format!("{count} {actor:?} messages"), |h| {
            h.messages.iter().filter(|m| m.actor == actor).count() >= count
        })
        .await
    }

    /// The workflow's result once it completes.
    pub async fn result(&self) -> anyhow::Result<ConversationHistory> {
        Ok(self
            .handle()
            .get_result(WorkflowGetResultOptions::default())
            .await?)
    }

    /// The events of one run (the first run when `run_id` is `None`).
    pub async fn events(&self, run_id: Option<&str>) -> anyhow::Result<Vec<HistoryEvent>> {
        let run_id = run_id.unwrap_or(&self.first_run_id);
        let handle = WorkflowHandle::<Client, AgentGoalWorkflow>::new(
            self.client.clone(),
            WorkflowExecutionInfo::builder()
                .namespace(self.client.namespace())
                .workflow_id(self.id.clone())
                .run_id(run_id.to_owned())
                .build(),
        );
        Ok(handle
            .fetch_history(WorkflowFetchHistoryOptions::default())
            .into_events()
            .await?)
    }
}

/// The actors of a history, in order: the shape of a conversation at a glance.
pub fn actors(history: &ConversationHistory) -> Vec<Actor> {
    history.messages.iter().map(|m| m.actor).collect()
}

/// A readable dump of a history for failure messages.
pub fn describe(history: &ConversationHistory) -> String {
    history
        .messages
        .iter()
        .map(|m| format!("{:?}: {}", m.actor, m.response))
        .collect::<Vec<_>>()
        .join("\n")
}
