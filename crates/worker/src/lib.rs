//! Wiring for the worker binary: its settings, and which workflows and activities it serves
//! on which queue.
//!
//! Kept as a library so the wiring can be read in one place and reused by tools that
//! need an identical worker (a benchmark, a replay check).

mod settings;

use activities::{AgentActivities, EmailActivities, GoalResolver, ToolActivities};
use anyhow::Context;
use goals::GoalCatalog;
use temporalio_client::Client;
use temporalio_sdk::{Runtime, Worker, WorkerOptions};
use tools::{OfferedAgent, ToolRegistry};
use workflows::{AgentGoalWorkflow, EmailAgentWorkflow};

pub use crate::settings::{GoalSettings, Settings};

/// Reads the goal files and checks that every tool they name exists on this worker.
pub fn load_goals(settings: &GoalSettings) -> anyhow::Result<GoalCatalog> {
    let catalog = GoalCatalog::load(&settings.dir, settings.categories.clone())
        .context("reading the goal files")?;
    catalog
        .check_tools(&tools::tool_names(), None)
        .context("checking the goal files' tools")?;
    for (goal, servers) in catalog.needing_servers() {
        tracing::warn!(
            goal = %goal.id,
            servers = %servers.join(", "),
            "this goal needs MCP servers and MCP_CONFIG is not set: its conversations will say its tools are unavailable"
        );
    }
    Ok(catalog)
}

/// Builds a worker serving `AgentGoalWorkflow`, the agent's LLM activities and one
/// activity per tool, and the email assistant (`EmailAgentWorkflow` and its activities), on
/// the task queue `settings` name.
pub fn build(
    runtime: &Runtime,
    client: Client,
    settings: Settings,
    goals: GoalCatalog,
) -> anyhow::Result<Worker> {
    let registry =
        ToolRegistry::new(settings.tools)?.with_agents(OfferedAgent::from_catalog(&goals));
    let resolver = GoalResolver::new(goals, registry.definitions());
    let options = WorkerOptions::new(&settings.temporal.task_queue)
        .register_workflow::<AgentGoalWorkflow>()?
        .register_workflow::<EmailAgentWorkflow>()?
        .register_activities(EmailActivities::new(&settings.llm, settings.email))
        .register_activities(AgentActivities::new(
            &settings.llm,
            settings.workflow,
            resolver,
        ))
        .register_activities(ToolActivities::new(registry))
        .build();
    Ok(Worker::new(runtime, client, options)?)
}
