//! The demo agent picker (goal `choose-agent`): lists the agents, asks which one, and hands
//! the conversation over with `SwitchAgent` once the user has said which.

use models::PlannerDecision;
use serde_json::{Value, json};

use super::planner::{args, confirm, question};
use crate::conversation::{PromptKind, Turn};
use crate::text::words;

pub const LIST_AGENTS: &str = "ListAgents";
pub const SWITCH_AGENT: &str = "SwitchAgent";

/// One agent as `ListAgents` described it.
struct Agent {
    id: String,
    name: String,
    description: String,
}

pub(super) fn plan(turn: &Turn) -> PlannerDecision {
    match &turn.kind {
        PromptKind::ToolCompleted { tool, result } if tool == SWITCH_AGENT => {
            let error = result["error"].as_str().unwrap_or("that did not work");
            question(
                format!("{error} Which agent would you like?"),
                None,
                args(vec![]),
            )
        }
        PromptKind::ToolCompleted { tool, result } if tool == LIST_AGENTS => {
            offer(&agents_in(result))
        }
        PromptKind::User => choose(turn),
        _ => confirm(
            LIST_AGENTS,
            args(vec![]),
            "Hello! I hand you to the agent for what you want to do. Let me see which agents \
             are available."
                .to_owned(),
        ),
    }
}

fn offer(agents: &[Agent]) -> PlannerDecision {
    if agents.is_empty() {
        return question(
            "There are no agents to hand you to right now.",
            None,
            args(vec![]),
        );
    }
    let list: Vec<String> = agents
        .iter()
        .map(|a| format!("- {}: {}", a.name, a.description))
        .collect();
    question(
        format!(
            "Here is who can help you:\n{}\nWhich one would you like?",
            list.join("\n")
        ),
        None,
        args(vec![]),
    )
}

/// The user's reply: an agent named by (part of) its name or id, or by position.
fn choose(turn: &Turn) -> PlannerDecision {
    let agents = turn
        .history
        .messages
        .iter()
        .rev()
        .find(|m| m.response["tool"] == LIST_AGENTS)
        .map(|m| agents_in(&m.response))
        .unwrap_or_default();
    match pick(&agents, &turn.prompt) {
        Some(agent) => confirm(
            SWITCH_AGENT,
            args(vec![("agentId", json!(agent.id))]),
            format!("Shall I hand you to {}?", agent.name),
        ),
        None => offer(&agents),
    }
}

fn pick<'a>(agents: &'a [Agent], reply: &str) -> Option<&'a Agent> {
    let said = words(reply);
    let ordinal = ["first", "second", "third", "fourth", "fifth"]
        .iter()
        .position(|w| said.iter().any(|s| s == w));
    if let Some(at) = ordinal {
        return agents.get(at);
    }
    // The agent whose name shares the most meaningful words with the reply.
    let score = |agent: &Agent| {
        let name = words(&format!("{} {}", agent.name, agent.id.replace('_', " ")));
        said.iter()
            .filter(|w| w.len() > 3 && name.contains(w))
            .count()
    };
    let best = agents.iter().max_by_key(|a| score(a))?;
    (score(best) > 0).then_some(best)
}

fn agents_in(result: &Value) -> Vec<Agent> {
    result["agents"]
        .as_array()
        .map(|agents| {
            agents
                .iter()
                .map(|a| Agent {
                    id: a["id"].as_str().unwrap_or_default().to_owned(),
                    name: a["name"].as_str().unwrap_or_default().to_owned(),
                    description: a["description"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents() -> Vec<Agent> {
        agents_in(&json!({"agents": [
            {"id": "goal_event_flight_invoice", "name": "North America Event Flight Booking", "description": "Events and flights."},
            {"id": "goal_travel_helper", "name": "Travel Desk", "description": "Currencies and time zones."},
        ]}))
    }

    #[test]
    fn agents_are_picked_by_name_words_or_position() {
        let agents = agents();
        let id = |reply: &str| pick(&agents, reply).map(|a| a.id.as_str());
        assert_eq!(id("the travel desk please"), Some("goal_travel_helper"));
        assert_eq!(
            id("I want to book flights to an event"),
            Some("goal_event_flight_invoice")
        );
        assert_eq!(id("the second one"), Some("goal_travel_helper"));
        assert_eq!(id("hmm"), None);
    }
}
