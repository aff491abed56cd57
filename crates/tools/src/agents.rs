//! `ListAgents()` and `SwitchAgent(agentId)`: the agent picker's tools.
//!
//! The picker (goal `choose-agent`) lists the agents this deployment offers and hands the
//! conversation to the one the user chose. Switching itself is the workflow's job (it owns
//! the conversation): `SwitchAgent` only checks the choice and answers
//! `{"switched_to": <id>}`, which the workflow reads as "continue with this goal".

use models::{ToolArgument, ToolDefinition};
use serde::Serialize;
use serde_json::{Value, json};

use crate::args::Args;
use crate::registry::{ToolCall, ToolContext, ToolEntry, ToolFuture};

pub(crate) const LIST: ToolEntry = ToolEntry {
    name: goals::LIST_AGENTS,
    definition: list_definition,
    run: list,
};

pub(crate) const SWITCH: ToolEntry = ToolEntry {
    name: goals::SWITCH_AGENT,
    definition: switch_definition,
    run: switch,
};

/// An agent the picker may offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedAgent {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
}

impl OfferedAgent {
    /// The goals the catalog offers, as the picker describes them.
    pub fn from_catalog(catalog: &goals::GoalCatalog) -> Vec<Self> {
        catalog
            .offered()
            .map(|goal| OfferedAgent {
                id: goal.id.clone(),
                name: goal.agent_name.clone(),
                description: goal.summary.clone(),
                category: goal.category.clone(),
            })
            .collect()
    }
}

fn list_definition() -> ToolDefinition {
    ToolDefinition::builtin(
        goals::LIST_AGENTS,
        "List the agents the user can be handed to: each one's id, name, what it does and its \
         category.",
        vec![],
    )
    .read_only()
}

fn switch_definition() -> ToolDefinition {
    ToolDefinition::builtin(
        goals::SWITCH_AGENT,
        "Hand the conversation to the agent the user chose; that agent answers from the next \
         message on.",
        vec![ToolArgument::new(
            "agentId",
            "string",
            "The chosen agent's id, exactly as ListAgents gave it.",
        )],
    )
}

fn list<'a>(context: &'a ToolContext, _args: Args, _call: &'a ToolCall) -> ToolFuture<'a> {
    let result = json!({ "agents": context.agents });
    Box::pin(std::future::ready(Ok(result)))
}

fn switch<'a>(context: &'a ToolContext, args: Args, _call: &'a ToolCall) -> ToolFuture<'a> {
    let result = choose(&context.agents, args.text("agentId").as_deref());
    Box::pin(std::future::ready(Ok(result)))
}

/// The agent named by `wanted` (its id, or failing that its exact name), or an error for
/// the planner listing the choices.
fn choose(agents: &[OfferedAgent], wanted: Option<&str>) -> Value {
    let wanted = wanted.unwrap_or_default().trim();
    let found = agents
        .iter()
        .find(|a| a.id == wanted)
        .or_else(|| agents.iter().find(|a| a.name.eq_ignore_ascii_case(wanted)));
    match found {
        Some(agent) => json!({"switched_to": agent.id, "agent_name": agent.name}),
        None => json!({
            "error": format!(
                "There is no agent {wanted:?}. The agents are: {}.",
                agents
                    .iter()
                    .map(|a| format!("{} ({})", a.id, a.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents() -> Vec<OfferedAgent> {
        vec![OfferedAgent {
            id: "goal_flight_quote".into(),
            name: "Flight Quote".into(),
            description: "Compare flights.".into(),
            category: "travel-flights".into(),
        }]
    }

    #[test]
    fn a_known_id_or_name_switches_and_anything_else_lists_the_choices() {
        assert_eq!(
            choose(&agents(), Some("goal_flight_quote"))["switched_to"],
            "goal_flight_quote"
        );
        assert_eq!(
            choose(&agents(), Some("flight quote"))["switched_to"],
            "goal_flight_quote"
        );
        let error = choose(&agents(), Some("goal_nope"))["error"].to_string();
        assert!(
            error.contains("goal_flight_quote (Flight Quote)"),
            "{error}"
        );
        assert!(choose(&agents(), None)["error"].is_string());
    }
}
