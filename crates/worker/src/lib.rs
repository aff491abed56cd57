//! Wiring for the worker binary: its settings, and which workflows and activities it serves
//! on which queue.
//!
//! Kept as a library so the wiring can be read in one place and reused by tools that
//! need an identical worker (a benchmark, a replay check).

mod settings;

use activities::{AgentActivities, EmailActivities, ToolActivities};
use temporalio_client::Client;
use temporalio_sdk::{Runtime, Worker, WorkerOptions};
use tools::ToolRegistry;
use workflows::{AgentGoalWorkflow, EmailAgentWorkflow};

pub use crate::settings::Settings;

/// Builds a worker serving `AgentGoalWorkflow`, the agent's LLM activities and one
/// activity per tool, and the email assistant (`EmailAgentWorkflow` and its activities), on
/// the task queue `settings` name.
pub fn build(runtime: &Runtime, client: Client, settings: Settings) -> anyhow::Result<Worker> {
    let registry = ToolRegistry::new(settings.tools)?;
    let options = WorkerOptions::new(&settings.temporal.task_queue)
        .register_workflow::<AgentGoalWorkflow>()?
        .register_workflow::<EmailAgentWorkflow>()?
        .register_activities(EmailActivities::new(&settings.llm, settings.email))
        .register_activities(AgentActivities::new(&settings.llm, settings.workflow))
        .register_activities(ToolActivities::new(registry))
        .build();
    Ok(Worker::new(runtime, client, options)?)
}
