//! Wiring for the worker binary: which workflow and activities it serves, on which queue.
//!
//! Kept as a library so the wiring can be read in one place and reused by tools that
//! need an identical worker (a benchmark, a replay check).

use activities::{AgentActivities, AgentSettings, EmailActivities, ToolActivities};
use temporalio_client::Client;
use temporalio_sdk::{Runtime, Worker, WorkerOptions};
use tools::{ToolRegistry, ToolSettings};
use workflows::{AgentGoalWorkflow, EmailAgentWorkflow};

/// Builds a worker serving `AgentGoalWorkflow`, the agent's LLM activities and one
/// activity per tool, and the email assistant (`EmailAgentWorkflow` and its activities), on
/// `task_queue`.
pub fn build(
    runtime: &Runtime,
    client: Client,
    task_queue: &str,
    agent: AgentSettings,
    tools: ToolSettings,
) -> anyhow::Result<Worker> {
    let registry = ToolRegistry::new(tools)?;
    let options = WorkerOptions::new(task_queue)
        .register_workflow::<AgentGoalWorkflow>()?
        .register_workflow::<EmailAgentWorkflow>()?
        .register_activities(EmailActivities::new(&agent))
        .register_activities(AgentActivities::new(agent))
        .register_activities(ToolActivities::new(registry))
        .build();
    Ok(Worker::new(runtime, client, options)?)
}
