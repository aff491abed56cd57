//! Wiring for the worker binary: its settings, and which workflows and activities it serves
//! on which queue.
//!
//! Kept as a library so the wiring can be read in one place and reused by tools that
//! need an identical worker (a benchmark, a replay check).

mod settings;

use std::sync::Arc;

use activities::{
    AgentActivities, AgentMetrics, EmailActivities, GoalResolver, McpActivities, McpConfig,
    McpServers, ToolActivities,
};
use anyhow::Context;
use goals::GoalCatalog;
use temporalio_client::Client;
use temporalio_sdk::{Runtime, Worker, WorkerOptions};
use tools::{OfferedAgent, ToolRegistry};
use workflows::{AgentGoalWorkflow, EmailAgentWorkflow};

pub use crate::settings::{GoalSettings, Settings};

/// Reads `MCP_CONFIG`, if set.
pub fn load_mcp(path: Option<&std::path::Path>) -> anyhow::Result<Option<McpConfig>> {
    path.map(McpConfig::load).transpose().map_err(Into::into)
}

/// Reads the goal files and checks that every tool they name exists on this worker: a
/// built-in tool, or a tool of a server `mcp` names.
pub fn load_goals(settings: &GoalSettings, mcp: Option<&McpConfig>) -> anyhow::Result<GoalCatalog> {
    let catalog = GoalCatalog::load(&settings.dir, settings.categories.clone())
        .context("reading the goal files")?;
    let servers = mcp.map(McpConfig::names);
    catalog
        .check_tools(&tools::tool_names(), servers.as_deref())
        .context("checking the goal files' tools")?;
    if mcp.is_none() {
        for (goal, servers) in catalog.needing_servers() {
            tracing::warn!(
                goal = %goal.id,
                servers = %servers.join(", "),
                "this goal needs MCP servers and MCP_CONFIG is not set: its conversations will say its tools are unavailable"
            );
        }
    }
    Ok(catalog)
}

/// Builds a worker serving `AgentGoalWorkflow`, the agent's LLM activities and one
/// activity per tool, and the email assistant (`EmailAgentWorkflow` and its activities), on
/// the task queue `settings` name. Model calls and tool runs are recorded into `metrics`.
pub fn build(
    runtime: &Runtime,
    client: Client,
    settings: Settings,
    goals: GoalCatalog,
    mcp: Option<Arc<McpServers>>,
    bus: reply_bus::ReplyBus,
    metrics: AgentMetrics,
) -> anyhow::Result<Worker> {
    let registry =
        ToolRegistry::new(settings.tools)?.with_agents(OfferedAgent::from_catalog(&goals));
    let resolver = GoalResolver::new(goals, registry.definitions(), mcp.clone());
    let mcp = mcp.unwrap_or_else(|| Arc::new(McpServers::new(McpConfig::default())));
    let options = WorkerOptions::new(&settings.temporal.task_queue)
        .register_workflow::<AgentGoalWorkflow>()?
        .register_workflow::<EmailAgentWorkflow>()?
        .register_activities(
            EmailActivities::new(&settings.llm, settings.email)
                .with_metrics(metrics.clone())
                .recording_prompts(settings.traces.record_prompts),
        )
        .register_activities(
            AgentActivities::new(&settings.llm, settings.workflow, resolver, bus)
                .with_metrics(metrics.clone())
                .recording_prompts(settings.traces.record_prompts),
        )
        .register_activities(ToolActivities::new(registry).with_metrics(metrics.clone()))
        .register_activities(McpActivities::new(mcp).with_metrics(metrics))
        .build();
    Ok(Worker::new(runtime, client, options)?)
}
