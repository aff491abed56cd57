//! The keyless demo agent: a small rule-based planner, validator and summarizer for the trip
//! goal (find an event → search flights around it → invoice the flight).
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
mod planner;
mod reading;
mod summary;
mod trip;
mod validator;

use crate::conversation::{Step, Turn};

pub const FIND_EVENTS: &str = "FindEvents";
pub const SEARCH_FLIGHTS: &str = "SearchFlights";
pub const CREATE_INVOICE: &str = "CreateInvoice";

/// The demo agent's answer to one request, as the assistant message content.
pub fn answer(turn: &Turn) -> String {
    match turn.step {
        Step::Planner => to_json(&planner::plan(turn)),
        Step::Validator => to_json(&validator::validate(turn)),
        Step::Summary => summary::summarize(turn),
        Step::Email => to_json(&email::answer(turn)),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("tool data and validation results serialize")
}
