//! The conversation every virtual user has: one trip, scripted end to end.
//!
//! A trip is seven turns (see [`TRIP`]): opening the chat, then three times "the user says
//! something, the agent proposes a tool" and "the user confirms, the tool runs, the agent
//! follows up". After each turn the history holds exactly one more agent message, which is
//! how the driver knows a turn's reply has arrived.
//!
//! The model is our own server in scripted mode ([`llm_rules`]): each request is answered
//! at once (no added latency) with a fixed reply chosen by the step and a phrase of the
//! prompt, so every trip takes the same path and the benchmark measures the agent and
//! Temporal, not a model. The live-reply phases give the same rules a latency profile
//! (`crate::model`).

use demo_llm::{Rule, Step};
use models::{ConversationHistory, NextStep, PlannerDecision};
use serde_json::{Value, json};

/// What the user does to start a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnKind {
    /// `POST /start-workflow`: the agent greets.
    Start,
    /// `POST /send-prompt` with this text: the agent answers (here: proposes a tool).
    Prompt(&'static str),
    /// `POST /confirm`: the proposed tool runs and the agent follows up.
    Confirm,
}

impl TurnKind {
    pub fn label(self) -> &'static str {
        match self {
            TurnKind::Start => "start",
            TurnKind::Prompt(_) => "prompt",
            TurnKind::Confirm => "confirm",
        }
    }
}

/// One turn and the agent reply that completes it.
#[derive(Debug, Clone, Copy)]
pub struct ScriptedTurn {
    pub kind: TurnKind,
    /// The `next` of the agent message this turn adds.
    pub reply_next: NextStep,
    /// The tool that reply names, if any.
    pub reply_tool: Option<&'static str>,
    /// The name of the planner rule of [`llm_rules`] that writes it.
    pub rule: &'static str,
}

const EVENTS_PROMPT: &str = "I'd like to see something in Austin in December";
const FLIGHTS_PROMPT: &str = "I'll fly from Chicago, please search flights";
const INVOICE_PROMPT: &str = "The cheapest one, please invoice it";

/// The seven turns of a trip, in order.
pub const TRIP: [ScriptedTurn; 7] = [
    turn(TurnKind::Start, NextStep::Question, None, "greeting"),
    turn(
        TurnKind::Prompt(EVENTS_PROMPT),
        NextStep::Confirm,
        Some("FindEvents"),
        "propose-events",
    ),
    turn(
        TurnKind::Confirm,
        NextStep::Question,
        Some("SearchFlights"),
        "after-events",
    ),
    turn(
        TurnKind::Prompt(FLIGHTS_PROMPT),
        NextStep::Confirm,
        Some("SearchFlights"),
        "propose-flights",
    ),
    turn(
        TurnKind::Confirm,
        NextStep::Question,
        Some("CreateInvoice"),
        "after-flights",
    ),
    turn(
        TurnKind::Prompt(INVOICE_PROMPT),
        NextStep::Confirm,
        Some("CreateInvoice"),
        "propose-invoice",
    ),
    turn(TurnKind::Confirm, NextStep::Done, None, "done"),
];

const fn turn(
    kind: TurnKind,
    reply_next: NextStep,
    reply_tool: Option<&'static str>,
    rule: &'static str,
) -> ScriptedTurn {
    ScriptedTurn {
        kind,
        reply_next,
        reply_tool,
        rule,
    }
}

/// Agent messages in a history: after turn `i` of a trip there are `i + 1`.
pub fn agent_replies(history: &ConversationHistory) -> Vec<&Value> {
    history
        .messages
        .iter()
        .filter(|m| m.actor == models::Actor::Agent)
        .map(|m| &m.response)
        .collect()
}

/// Whether `reply` is the answer the script gives at `turn`; `Err` says what came instead
/// (an LLM failure message, say), so a broken run is reported rather than timed.
pub fn check_reply(turn: &ScriptedTurn, reply: &Value) -> Result<(), String> {
    let data: PlannerDecision = serde_json::from_value(reply.clone())
        .map_err(|err| format!("the agent's reply is not PlannerDecision ({err}): {reply}"))?;
    if data.next == turn.reply_next && data.tool_name() == turn.reply_tool {
        Ok(())
    } else {
        Err(format!(
            "expected next={:?} tool={:?} after a {} turn, got: {reply}",
            turn.reply_next,
            turn.reply_tool,
            turn.kind.label()
        ))
    }
}

/// The text the scripted model answers `turn`'s planner call with (what it streams).
pub fn planner_answer(turn: &ScriptedTurn) -> String {
    llm_rules()
        .iter()
        .find(|rule| rule.name.as_deref() == Some(turn.rule))
        .map(demo_llm::Rule::content)
        .unwrap_or_default()
}

/// The scripted model: a reply for each planner step of the trip, and "valid" for every
/// prompt the validator sees. Rules are tried in order; the first that matches answers.
pub fn llm_rules() -> Vec<Rule> {
    let goal = testkit::trip_goal();
    // The starter prompt reaches the planner as the user message of the opening turn.
    let starter: String = goal.starter_prompt.chars().take(40).collect();
    let planner = |name: &str, prompt: &str, reply: Value| {
        Rule::reply(reply)
            .named(name)
            .step(Step::Planner)
            .prompt_contains(prompt)
    };
    vec![
        Rule::reply(json!({"validationResult": true, "validationFailedReason": {}}))
            .named("valid")
            .step(Step::Validator),
        planner(
            "done",
            "tool_completed tool=CreateInvoice",
            json!({
                "next": "done", "tool": null, "args": {},
                "response": "Your invoice is ready and the payment link is in the tool result above. Enjoy the Trail of Lights in Austin!"
            }),
        ),
        planner(
            "after-flights",
            "tool_completed tool=SearchFlights",
            json!({
                "next": "question", "tool": "CreateInvoice",
                "args": {"amount": null, "tripDetails": null, "userConfirmation": null},
                "response": "I found three round trips from Chicago to Austin, December 6 to 24; the cheapest is listed first. Which one should I invoice?"
            }),
        ),
        planner(
            "after-events",
            "tool_completed tool=FindEvents",
            json!({
                "next": "question", "tool": "SearchFlights",
                "args": {"origin": null, "destination": "Austin", "dateDepart": "2026-12-06", "dateReturn": "2026-12-24", "userConfirmation": null},
                "response": "Austin has the Trail of Lights from December 7 to 23, a walk through holiday light displays in Zilker Park. Where will you fly from?"
            }),
        ),
        planner(
            "propose-invoice",
            INVOICE_PROMPT,
            json!({
                "next": "confirm", "tool": "CreateInvoice",
                "args": {"amount": 212.5, "tripDetails": "Round trip Chicago to Austin, December 6 to 24, for the Trail of Lights", "userConfirmation": true},
                "response": "I will create an invoice for $212.50 for the round trip from Chicago to Austin, December 6 to 24. Shall I go ahead?"
            }),
        ),
        planner(
            "propose-flights",
            FLIGHTS_PROMPT,
            json!({
                "next": "confirm", "tool": "SearchFlights",
                "args": {"origin": "Chicago", "destination": "Austin", "dateDepart": "2026-12-06", "dateReturn": "2026-12-24", "userConfirmation": true},
                "response": "Searching round trips from Chicago to Austin, leaving December 6 and returning December 24. Shall I go ahead?"
            }),
        ),
        planner(
            "propose-events",
            EVENTS_PROMPT,
            json!({
                "next": "confirm", "tool": "FindEvents",
                "args": {"city": "Austin", "month": "December"},
                "response": "Shall I look up events in Austin around December?"
            }),
        ),
        planner(
            "greeting",
            &starter,
            json!({
                "next": "question", "tool": null, "args": {},
                "response": "Hello! I can find an event in a North American city, search flights around its dates and invoice your flight. Which city and which month do you have in mind?"
            }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_turn_adds_one_agent_reply_and_the_trip_ends_done() {
        assert_eq!(TRIP[0].kind, TurnKind::Start);
        assert_eq!(TRIP.last().unwrap().reply_next, NextStep::Done);
        let confirms = TRIP.iter().filter(|t| t.kind == TurnKind::Confirm).count();
        assert_eq!(confirms, 3, "one confirm per tool");
    }

    #[test]
    fn replies_are_checked_against_the_script() {
        let proposal = json!({"next": "confirm", "tool": "FindEvents", "args": {"city": "Austin", "month": "December"}, "response": "ok?"});
        assert!(check_reply(&TRIP[1], &proposal).is_ok());
        assert!(check_reply(&TRIP[3], &proposal).is_err());
        let failure = json!({"next": "question", "response": "The model is unavailable."});
        assert!(check_reply(&TRIP[1], &failure).is_err());
    }

    #[test]
    fn every_turn_names_the_rule_that_answers_it() {
        for turn in &TRIP {
            let answer: PlannerDecision = serde_json::from_str(&planner_answer(turn))
                .unwrap_or_else(|err| panic!("rule {}: {err}", turn.rule));
            assert_eq!(
                (answer.next, answer.tool_name()),
                (turn.reply_next, turn.reply_tool),
                "rule {}",
                turn.rule
            );
        }
    }

    #[test]
    fn rules_are_well_formed() {
        for rule in llm_rules() {
            rule.check().expect("a valid rule");
        }
    }
}
