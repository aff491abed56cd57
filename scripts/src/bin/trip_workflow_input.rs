//! Prints the input that starts a trip conversation, for the Temporal CLI:
//! `temporal workflow start --type AgentGoalWorkflow --input-file <this output> ...`.
//!
//! The goal comes from its file (`GOALS_DIR`, default `goals/`), without tools: the worker
//! resolves them when the conversation starts, as it does for the api. The starter prompt
//! is queued as an internal instruction (the `###` prefix), exactly as the api starts a
//! conversation.

use std::path::PathBuf;

use anyhow::Context;
use goals::{Categories, DEFAULT_GOAL, GoalCatalog};
use models::AgentWorkflowInput;
use settings::Env;

fn main() -> anyhow::Result<()> {
    let env = Env::load();
    let dir = PathBuf::from(env.get("GOALS_DIR").unwrap_or("goals"));
    let catalog = GoalCatalog::load(&dir, Categories::default()).context("reading the goals")?;
    let goal = catalog
        .get(env.get("AGENT_GOAL").unwrap_or(DEFAULT_GOAL))
        .context("AGENT_GOAL names no goal")?
        .unresolved();
    let input = AgentWorkflowInput::new_conversation(goal);
    println!("{}", serde_json::to_string_pretty(&input)?);
    Ok(())
}
