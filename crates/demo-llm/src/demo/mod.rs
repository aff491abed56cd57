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

use models::{NextStep, PlannerDecision, UserIntent, ValidationResult};

use crate::conversation::{PromptKind, Step, Turn};
use crate::text::words;
use crate::vocab::{
    airport_code, city_mentions, is_affirmative, is_farewell, is_negative, month_mentions,
};

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
    match (&turn.kind, turn.step) {
        (PromptKind::User, Step::Planner) if is_farewell(&turn.prompt) => {
            return to_json(&farewell());
        }
        (PromptKind::ToolDeclined { .. }, Step::Planner) if goal_of(turn) != DemoGoal::Trip => {
            return to_json(&planner::question(
                "Okay, I won't do that. What would you like instead?",
                None,
                serde_json::Map::new(),
            ));
        }
        (_, Step::Validator) => return to_json(&validate(turn)),
        _ => {}
    }
    match (turn.step, goal_of(turn)) {
        (Step::Planner, DemoGoal::Picker) => to_json(&picker::plan(turn)),
        (Step::Planner, DemoGoal::TravelDesk) => to_json(&helper::plan(turn)),
        (Step::Planner, DemoGoal::Trip) => to_json(&planner::plan(turn)),
        (Step::Validator, _) => to_json(&validate(turn)),
        (Step::Summary, _) => summary::summarize(turn),
        (Step::Email, _) => to_json(&email::answer(turn)),
    }
}

/// The validator of each goal, plus what the message means for a waiting proposal.
fn validate(turn: &Turn) -> ValidationResult {
    let mut verdict = match goal_of(turn) {
        // The picker and the desk take any message: their planners say what they can do.
        DemoGoal::Picker | DemoGoal::TravelDesk => ValidationResult::valid(),
        DemoGoal::Trip => validator::validate(turn),
    };
    if verdict.valid && turn.system.contains("<waiting_proposal>") {
        verdict.intent = intent(&turn.prompt);
    }
    verdict
}

/// A plain yes or no to the waiting proposal. A message that also changes something ("yes,
/// but in May", "no, Denver instead") is left to the planner.
fn intent(text: &str) -> Option<UserIntent> {
    let w = words(text);
    let changes_something = !city_mentions(text).is_empty()
        || !month_mentions(text).is_empty()
        || airport_code(text).is_some()
        || w.iter().any(|word| {
            ["but", "instead", "change", "different", "except"].contains(&word.as_str())
        })
        || w.len() > 8;
    if changes_something {
        None
    } else if is_negative(text) {
        Some(UserIntent::Decline)
    } else if is_affirmative(text) {
        Some(UserIntent::Accept)
    } else {
        None
    }
}

/// The closing message when the user says goodbye: the chat ends.
fn farewell() -> PlannerDecision {
    PlannerDecision {
        next: NextStep::Done,
        ..planner::question(
            "Thanks for chatting! This conversation is closed now; start a new chat any time \
             you want to plan another trip.",
            None,
            serde_json::Map::new(),
        )
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("tool data and validation results serialize")
}
