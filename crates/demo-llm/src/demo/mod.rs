//! The keyless demo agent: a small rule-based planner, validator and summarizer for the trip
//! goal (find an event → search flights around it → invoice the flight), plus the agent
//! picker (`picker`) and the travel desk (`helper`), told apart by the tools the request lists.
//!
//! It keeps no state of its own. Everything it knows comes from the request, like a real LLM:
//! which tools already have results in the history tells it where the trip stands, the last
//! question it asked (the `tool` it was preparing) tells it what the user is answering, and the
//! user's messages supply the city, month, origin and choices. It is meant to carry typical
//! replies through the whole goal, not to understand everything; when unsure it asks again.

//!
//! Layout: `trip` reads the history, `reading` interprets a reply, and `planner`,
//! `validator` and `summary` answer the three kinds of request. `email` is a separate, even
//! smaller assistant for the email agent (`X-Agent-Step: email`).

mod email;
mod helper;
mod picker;
mod planner;
mod reading;
mod summary;
mod trip;
mod validator;

use crate::conversation::{Step, Turn};

pub const FIND_EVENTS: &str = "FindEvents";
pub const SEARCH_FLIGHTS: &str = "SearchFlights";
pub const CREATE_INVOICE: &str = "CreateInvoice";

/// Which goal a request is for, told by the tools its prompt lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DemoGoal {
    Trip,
    /// The agent picker (`ListAgents`, `SwitchAgent`).
    Picker,
    /// The travel desk on the bundled MCP server (`travel/...` tools).
    TravelDesk,
}

fn goal_of(turn: &Turn) -> DemoGoal {
    let tools = turn
        .system
        .split("<tools>")
        .nth(1)
        .and_then(|rest| rest.split("</tools>").next())
        .unwrap_or_default();
    if tools.contains(picker::LIST_AGENTS) {
        DemoGoal::Picker
    } else if tools.contains("travel/") {
        DemoGoal::TravelDesk
    } else {
        DemoGoal::Trip
    }
}

/// The demo agent's answer to one request, as the assistant message content.
pub fn answer(turn: &Turn) -> String {
    match (turn.step, goal_of(turn)) {
        (Step::Planner, DemoGoal::Picker) => to_json(&picker::plan(turn)),
        (Step::Planner, DemoGoal::TravelDesk) => to_json(&helper::plan(turn)),
        (Step::Planner, DemoGoal::Trip) => to_json(&planner::plan(turn)),
        // The picker and the desk take any message: their planners say what they can do.
        (Step::Validator, DemoGoal::Picker | DemoGoal::TravelDesk) => {
            to_json(&models::ValidationResult::valid())
        }
        (Step::Validator, DemoGoal::Trip) => to_json(&validator::validate(turn)),
        (Step::Summary, _) => summary::summarize(turn),
        (Step::Email, _) => to_json(&email::answer(turn)),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("tool data and validation results serialize")
}
