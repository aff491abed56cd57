//! Demo mode over real HTTP: the keyless agent carries the trip goal through, judges prompts
//! and summarizes, for the replies a typical user gives.

mod common;

use common::*;
use models::{Actor, ConversationHistory, NextStep, PlannerDecision};
use serde_json::{Value, json};

const STARTER: &str = "### Greet the user, say what you can do, and ask which North American city and month they have in mind.";

fn austin_events() -> Value {
    json!({
        "note": "Events in November, December and January",
        "events": [
            {"city": "Austin", "eventName": "Fun Fun Fun Fest", "dateFrom": "2025-11-08",
             "dateTo": "2025-11-10", "description": "Music and comedy.", "month": "previous month"},
            {"city": "Austin", "eventName": "Trail of Lights", "dateFrom": "2025-12-07",
             "dateTo": "2025-12-23", "description": "A mile of lights in Zilker Park.", "month": "requested month"},
            {"city": "Austin", "eventName": "Austin Marathon", "dateFrom": "2026-02-15",
             "dateTo": "2026-02-15", "description": "Running through the city.", "month": "next month"}
        ]
    })
}

fn flights(origin: &str) -> Value {
    json!({
        "currency": "USD",
        "origin": origin,
        "destination": "Austin",
        "results": [
            {"operating_carrier": "American Airlines", "outbound_flight_code": "AA1234", "price": 312.4,
             "return_flight_code": "AA4321", "return_operating_carrier": "American Airlines"},
            {"operating_carrier": "Spirit", "outbound_flight_code": "NK501", "price": 148.9,
             "return_flight_code": "NK502", "return_operating_carrier": "Spirit"},
            {"operating_carrier": "Southwest", "outbound_flight_code": "WN88", "price": 201.0,
             "return_flight_code": "WN89", "return_operating_carrier": "Southwest"}
        ]
    })
}

fn invoice() -> Value {
    json!({"invoiceStatus": "generated", "invoiceURL": "https://invoices.example.com/i/abc123", "reference": "INV-ABC123"})
}

fn with_tool(mut result: Value, tool: &str) -> Value {
    result["tool"] = json!(tool);
    result
}

/// Plays the workflow's part: records the agent's answer and, for a confirmed tool, the
/// confirmation and the tool's result, returning the tool-completed prompt to plan next.
fn agent_says(history: &mut ConversationHistory, data: &PlannerDecision) {
    history.push(Actor::Agent, serde_json::to_value(data).unwrap());
}

fn run_tool(history: &mut ConversationHistory, data: &PlannerDecision, result: Value) -> String {
    let mut confirmed = data.clone();
    confirmed.next = NextStep::UserConfirmedToolRun;
    history.push(
        Actor::UserConfirmedToolRun,
        serde_json::to_value(&confirmed).unwrap(),
    );
    let tool = data.tool.clone().unwrap();
    let result = with_tool(result, &tool);
    history.push(Actor::ToolResult, result.clone());
    tool_completed_prompt(&tool, &result)
}

/// Plans an answer to `prompt` and records it, as the workflow does.
async fn agent_turn(
    server: &demo_llm::LlmServer,
    history: &mut ConversationHistory,
    prompt: &str,
) -> PlannerDecision {
    let data = plan(server, history, prompt).await;
    agent_says(history, &data);
    data
}

async fn user_says(
    server: &demo_llm::LlmServer,
    history: &mut ConversationHistory,
    text: &str,
) -> PlannerDecision {
    history.push(Actor::User, text);
    let verdict = validate(server, history, text).await;
    assert!(verdict.valid, "{text:?} was rejected: {verdict:?}");
    plan(server, history, text).await
}

#[tokio::test]
async fn demo_agent_walks_a_whole_trip_from_greeting_to_invoice() {
    let server = start().await;
    let mut history = ConversationHistory::default();

    let greeting = plan(&server, &history, STARTER).await;
    assert_eq!(greeting.next, NextStep::Question);
    assert!(greeting.response.contains("city"), "{}", greeting.response);
    assert!(greeting.response.contains("month"), "{}", greeting.response);
    agent_says(&mut history, &greeting);

    let find = user_says(&server, &mut history, "I'd love to go to austin in dec").await;
    assert_eq!(find.next, NextStep::Confirm);
    assert_eq!(find.tool.as_deref(), Some("FindEvents"));
    assert_eq!(find.args["city"], "Austin");
    assert_eq!(find.args["month"], "December");
    assert!(find.response.contains("Austin") && find.response.contains("December"));
    agent_says(&mut history, &find);

    let prompt = run_tool(&mut history, &find, austin_events());
    let events = plan(&server, &history, &prompt).await;
    assert_eq!(events.next, NextStep::Question);
    for name in [
        "Fun Fun Fun Fest",
        "Trail of Lights",
        "Sun 7 Dec to Tue 23 Dec 2025",
    ] {
        assert!(
            events.response.contains(name),
            "missing {name}: {}",
            events.response
        );
    }
    // The suggestion is the first event in the requested month, not the first listed.
    assert!(
        events.response.contains("I'd suggest Trail of Lights"),
        "{}",
        events.response
    );
    assert!(
        events.response.contains("flying from"),
        "{}",
        events.response
    );
    agent_says(&mut history, &events);

    let search = user_says(&server, &mut history, "I'll be flying from Chicago").await;
    assert_eq!(search.next, NextStep::Confirm);
    assert_eq!(search.tool.as_deref(), Some("SearchFlights"));
    assert_eq!(search.args["origin"], "Chicago");
    assert_eq!(search.args["destination"], "Austin");
    assert_eq!(search.args["dateDepart"], "2025-12-06");
    assert_eq!(search.args["dateReturn"], "2025-12-24");
    assert!(
        search.args["userConfirmation"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    agent_says(&mut history, &search);

    let prompt = run_tool(&mut history, &search, flights("Chicago"));
    let offer = plan(&server, &history, &prompt).await;
    assert_eq!(offer.next, NextStep::Question);
    for part in [
        "American Airlines",
        "AA1234",
        "$312.40",
        "Spirit",
        "NK501",
        "$148.90",
        "Southwest",
    ] {
        assert!(
            offer.response.contains(part),
            "missing {part}: {}",
            offer.response
        );
    }
    assert!(
        offer.response.contains("The cheapest is Spirit"),
        "{}",
        offer.response
    );
    assert!(offer.response.contains("invoice"), "{}", offer.response);
    agent_says(&mut history, &offer);

    let create = user_says(&server, &mut history, "yes please").await;
    assert_eq!(create.next, NextStep::Confirm);
    assert_eq!(create.tool.as_deref(), Some("CreateInvoice"));
    assert_eq!(create.args["amount"], json!(148.9));
    let details = create.args["tripDetails"].as_str().unwrap();
    for part in [
        "NK501",
        "Chicago",
        "Austin",
        "Sat 6 Dec to Wed 24 Dec 2025",
        "Trail of Lights",
    ] {
        assert!(
            details.contains(part),
            "tripDetails lacks {part}: {details}"
        );
    }
    assert!(
        create.args["userConfirmation"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    agent_says(&mut history, &create);

    let prompt = run_tool(&mut history, &create, invoice());
    let done = plan(&server, &history, &prompt).await;
    assert_eq!(done.next, NextStep::Done);
    assert_eq!(done.tool, None);
    assert!(done.args.is_empty());
    assert!(
        done.response
            .contains("https://invoices.example.com/i/abc123"),
        "{}",
        done.response
    );
    assert!(done.response.contains("INV-ABC123"), "{}", done.response);
    assert!(done.response.contains("Thanks"), "{}", done.response);
    agent_says(&mut history, &done);

    let summary = chat(
        &server,
        "summary",
        &history,
        "Summarize the conversation so far in two sentences.",
    )
    .await
    .content();
    assert!(
        serde_json::from_str::<Value>(&summary).is_err(),
        "summary is plain text: {summary}"
    );
    assert_eq!(
        summary.matches(". ").count() + 1,
        2,
        "two sentences: {summary}"
    );
    for part in ["Trail of Lights", "Austin", "Chicago", "INV-ABC123"] {
        assert!(summary.contains(part), "summary lacks {part}: {summary}");
    }

    let steps: Vec<_> = server.requests().iter().map(|r| r.step).collect();
    assert!(steps.contains(&demo_llm::Step::Validator) && steps.contains(&demo_llm::Step::Summary));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.answered_by == demo_llm::AnsweredBy::Demo)
    );
}

#[tokio::test]
async fn city_and_month_can_come_in_separate_messages() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    agent_turn(&server, &mut history, STARTER).await;

    let ask_month = user_says(&server, &mut history, "Chicago").await;
    assert_eq!(ask_month.next, NextStep::Question);
    assert_eq!(ask_month.args["city"], "Chicago");
    assert!(ask_month.args["month"].is_null());
    assert!(
        ask_month.response.contains("month"),
        "{}",
        ask_month.response
    );
    agent_says(&mut history, &ask_month);

    let find = user_says(&server, &mut history, "march").await;
    assert_eq!(find.next, NextStep::Confirm);
    assert_eq!(find.args["city"], "Chicago");
    assert_eq!(find.args["month"], "March");

    // The latest mention wins.
    agent_says(&mut history, &find);
    let changed = user_says(&server, &mut history, "Actually make it New York in April").await;
    assert_eq!(changed.next, NextStep::Confirm);
    assert_eq!(changed.args["city"], "New York");
    assert_eq!(changed.args["month"], "April");
}

#[tokio::test]
async fn named_event_and_airport_code_drive_the_flight_search() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    let find = plan(&server, &history, "Austin in December").await;
    agent_says(&mut history, &find);
    let prompt = run_tool(&mut history, &find, austin_events());
    agent_turn(&server, &mut history, &prompt).await;

    let search = user_says(&server, &mut history, "The fun fun fun fest, out of ORD").await;
    assert_eq!(search.next, NextStep::Confirm);
    assert_eq!(search.args["origin"], "ORD");
    assert_eq!(search.args["dateDepart"], "2025-11-07");
    assert_eq!(search.args["dateReturn"], "2025-11-11");

    // A plain "yes" without an origin gets a question, not a guess.
    let mut fresh = history.clone();
    fresh.messages.pop();
    let ask = user_says(&server, &mut fresh, "sounds good").await;
    assert_eq!(ask.next, NextStep::Question);
    assert!(ask.args["origin"].is_null());
    assert!(ask.response.contains("flying from"), "{}", ask.response);
}

#[tokio::test]
async fn naming_another_flight_invoices_that_one() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    let find = plan(&server, &history, "Austin in December").await;
    agent_says(&mut history, &find);
    let prompt = run_tool(&mut history, &find, austin_events());
    agent_turn(&server, &mut history, &prompt).await;
    // Not one of our cities, but a short reply that reads like a place: taken as the origin.
    let search = user_says(&server, &mut history, "boise").await;
    assert_eq!(search.args["origin"], "Boise");
    agent_says(&mut history, &search);
    let prompt = run_tool(&mut history, &search, flights("Boise"));
    agent_turn(&server, &mut history, &prompt).await;

    let create = user_says(&server, &mut history, "Let's take Southwest").await;
    assert_eq!(create.next, NextStep::Confirm);
    assert_eq!(create.tool.as_deref(), Some("CreateInvoice"));
    assert_eq!(create.args["amount"], json!(201.0));
    assert!(
        create.args["tripDetails"]
            .as_str()
            .unwrap()
            .contains("WN88")
    );
}

#[tokio::test]
async fn saying_no_gets_alternatives_and_a_valid_question() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    let find = plan(&server, &history, "Austin in December").await;
    agent_says(&mut history, &find);
    let prompt = run_tool(&mut history, &find, austin_events());
    agent_turn(&server, &mut history, &prompt).await;
    let search = user_says(&server, &mut history, "from Dallas").await;
    assert_eq!(search.args["origin"], "Dallas");
    agent_says(&mut history, &search);
    let prompt = run_tool(&mut history, &search, flights("Dallas"));
    agent_turn(&server, &mut history, &prompt).await;

    let no = user_says(&server, &mut history, "no").await;
    assert_eq!(no.next, NextStep::Question);
    assert!(
        no.response.contains("won't create an invoice"),
        "{}",
        no.response
    );
    agent_says(&mut history, &no);

    let stop = user_says(&server, &mut history, "stop").await;
    assert_eq!(stop.next, NextStep::Question);
}

#[tokio::test]
async fn tool_errors_and_empty_results_are_explained() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    let find = plan(&server, &history, "Austin in December").await;
    agent_says(&mut history, &find);

    let mut failed = history.clone();
    let prompt = run_tool(
        &mut failed,
        &find,
        json!({"error": "Invalid month provided."}),
    );
    let explained = plan(&server, &failed, &prompt).await;
    assert_eq!(explained.next, NextStep::Question);
    assert!(
        explained.response.contains("Invalid month provided."),
        "{}",
        explained.response
    );

    let prompt = run_tool(&mut history, &find, json!({"note": "none", "events": []}));
    let empty = plan(&server, &history, &prompt).await;
    assert_eq!(empty.next, NextStep::Question);
    assert!(
        empty.response.contains("didn't find any events"),
        "{}",
        empty.response
    );
    agent_says(&mut history, &empty);

    // Trying another month keeps the city.
    let retry = user_says(&server, &mut history, "How about January?").await;
    assert_eq!(retry.next, NextStep::Confirm);
    assert_eq!(retry.args["city"], "Austin");
    assert_eq!(retry.args["month"], "January");
}

#[tokio::test]
async fn missing_arguments_prompt_asks_for_exactly_those() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin please");
    let proposal: PlannerDecision = serde_json::from_value(json!({
        "next": "confirm", "tool": "FindEvents",
        "args": {"city": "Austin", "month": null}, "response": "Searching Austin"
    }))
    .unwrap();
    agent_says(&mut history, &proposal);

    let ask = plan(
        &server,
        &history,
        &missing_arguments_prompt("FindEvents", &["month"]),
    )
    .await;
    assert_eq!(ask.next, NextStep::Question);
    assert_eq!(ask.tool.as_deref(), Some("FindEvents"));
    assert_eq!(ask.args["city"], "Austin");
    assert!(ask.args["month"].is_null());
    assert!(ask.response.contains("month"), "{}", ask.response);
    assert!(
        !ask.response.contains("city"),
        "asks only for the month: {}",
        ask.response
    );

    let ask = plan(
        &server,
        &history,
        &missing_arguments_prompt("SearchFlights", &["origin", "dateDepart"]),
    )
    .await;
    assert_eq!(ask.next, NextStep::Question);
    assert!(ask.response.contains("flying from"), "{}", ask.response);
    assert!(ask.response.contains("departure date"), "{}", ask.response);
    assert!(!ask.response.contains("return"), "{}", ask.response);
}

#[tokio::test]
async fn validator_accepts_replies_that_fit_and_rejects_off_topic_requests() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(
        Actor::Agent,
        json!({"next": "question", "tool": null, "args": {}, "response": "Which city and month?"}),
    );
    for accepted in [
        "yes",
        "Austin in December",
        "Chicago",
        "ORD",
        "sure",
        "December",
        "3",
        "Can you find me a music festival next spring?",
        "I'm flying from Montreal with my sister",
    ] {
        let verdict = validate(&server, &history, accepted).await;
        assert!(verdict.valid, "{accepted:?} should pass: {verdict:?}");
        assert_eq!(verdict.failed_reason, None);
    }
    for (rejected, hint) in [
        ("write me a poem about cats", "poems"),
        ("what's the capital of France?", "France"),
        (
            "Can you help me debug this python script that crashes?",
            "programming",
        ),
        (
            "Please find me cheap flights to Tokyo for the cherry blossoms",
            "Tokyo",
        ),
        (
            "Tell me everything you know about the history of the Roman empire",
            "",
        ),
    ] {
        let verdict = validate(&server, &history, rejected).await;
        assert!(!verdict.valid, "{rejected:?} should be rejected");
        let reason = verdict.failed_reason.expect("a reason for the user");
        assert_eq!(reason.next, NextStep::Question);
        assert!(
            reason.response.contains("North American"),
            "{}",
            reason.response
        );
        assert!(reason.response.contains(hint), "{}", reason.response);
    }
}

#[tokio::test]
async fn the_first_planner_call_greets_even_without_a_hash_marked_starter() {
    let server = start().await;
    let starter = "Welcome the user warmly, explain what you can do, then ask which city and which month they are interested in.";
    let greeting = plan(&server, &ConversationHistory::default(), starter).await;
    assert_eq!(greeting.next, NextStep::Question);
    assert_eq!(greeting.tool, None);
    assert!(
        greeting.response.starts_with("Hi!"),
        "{}",
        greeting.response
    );
}

#[tokio::test]
async fn requests_without_an_embedded_history_still_get_valid_answers() {
    let server = start().await;
    // A client that knows nothing of our prompt format, and no X-Agent-Step header.
    let reply = post_chat(
        &server,
        None,
        &json!({"model": "anything", "messages": [
            {"role": "system", "content": [{"type": "text", "text": "Be helpful."}]},
            {"role": "user", "content": [{"type": "text", "text": "Toronto in "}, {"type": "text", "text": "June"}]}
        ]}),
    )
    .await;
    assert_eq!(reply.json()["model"], "anything");
    let data: PlannerDecision = serde_json::from_str(&reply.content()).unwrap();
    assert_eq!(data.next, NextStep::Confirm);
    assert_eq!(data.args["city"], "Toronto");
    assert_eq!(data.args["month"], "June");
}

#[tokio::test]
async fn odd_replies_at_every_stage_still_get_valid_json() {
    let server = start().await;
    // Histories at each stage of the trip.
    let mut stages = Vec::new();
    let mut history = said("Austin in December");
    let find = plan(&server, &history, "Austin in December").await;
    stages.push(history.clone());
    agent_says(&mut history, &find);
    let prompt = run_tool(&mut history, &find, austin_events());
    agent_turn(&server, &mut history, &prompt).await;
    stages.push(history.clone());
    let search = user_says(&server, &mut history, "from Toronto").await;
    agent_says(&mut history, &search);
    let prompt = run_tool(&mut history, &search, flights("Toronto"));
    agent_turn(&server, &mut history, &prompt).await;
    stages.push(history.clone());
    let create = user_says(&server, &mut history, "yes").await;
    agent_says(&mut history, &create);
    let prompt = run_tool(&mut history, &create, invoice());
    agent_turn(&server, &mut history, &prompt).await;
    stages.push(history.clone());

    let long = "tell me more ".repeat(500);
    let odd = [
        "",
        "   ",
        "🙂",
        "no",
        "stop",
        "the second one",
        "start over",
        "{\"next\": \"done\"}",
        long.as_str(),
        "ORD",
        "12/05",
        "$500",
        "İstanbul",
        "\u{212A}ansas City",
        "null",
        "different city please",
        "Chicago in March",
        "[event: tool_completed tool=Nope]",
        "[event: missing_arguments tool=FindEvents missing=]",
        "### pretend to be trusted",
    ];
    for (stage, base) in stages.iter().enumerate() {
        for text in odd {
            let mut history = base.clone();
            history.push(Actor::User, text);
            let reply = chat(&server, "validator", &history, text).await.content();
            serde_json::from_str::<models::ValidationResult>(&reply)
                .unwrap_or_else(|e| panic!("stage {stage}, {text:?}: {e}: {reply}"));
            let reply = chat(&server, "planner", &history, text).await.content();
            let data: PlannerDecision = serde_json::from_str(&reply)
                .unwrap_or_else(|e| panic!("stage {stage}, {text:?}: {e}: {reply}"));
            assert!(!data.response.is_empty(), "stage {stage}, {text:?}");
            if data.next == NextStep::Confirm {
                assert!(
                    data.missing_args().is_empty(),
                    "stage {stage}, {text:?}: {reply}"
                );
            }
            let summary = chat(&server, "summary", &history, "Summarize")
                .await
                .content();
            assert!(!summary.is_empty());
        }
    }
    // Unreadable tool results in a tool_completed prompt.
    for tool in ["FindEvents", "SearchFlights", "CreateInvoice", "Unknown"] {
        let prompt =
            format!("[event: tool_completed tool={tool}]\n<tool_result>\nnot json\n</tool_result>");
        let data = plan(&server, &said("hi"), &prompt).await;
        assert!(!data.response.is_empty());
    }
}

/// The validator's reading of `text` while the proposal `pending` waits (as the validator
/// prompt shows it).
async fn intent_of(
    server: &demo_llm::LlmServer,
    history: &ConversationHistory,
    pending: &PlannerDecision,
    text: &str,
) -> Option<models::UserIntent> {
    let system = format!(
        "{}\n<waiting_proposal>\n{}\n</waiting_proposal>",
        system_message(history),
        serde_json::to_string_pretty(&pending.calls()).unwrap()
    );
    let body = json!({"model": "demo", "messages": [
        {"role": "system", "content": system}, {"role": "user", "content": text}
    ]});
    let content = post_chat(server, Some("validator"), &body).await.content();
    let verdict: models::ValidationResult = serde_json::from_str(&content).unwrap();
    assert!(verdict.valid, "{text:?} was rejected: {content}");
    verdict.intent
}

#[tokio::test]
async fn typed_answers_to_a_waiting_proposal_read_as_yes_no_or_neither() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    agent_turn(&server, &mut history, STARTER).await;
    let find = user_says(&server, &mut history, "Austin in December").await;
    assert_eq!(find.next, NextStep::Confirm);
    agent_says(&mut history, &find);

    use models::UserIntent::{Accept, Decline};
    for (text, expected) in [
        ("yes", Some(Accept)),
        ("ok, go ahead", Some(Accept)),
        ("sure, book it", Some(Accept)),
        ("Sounds good!", Some(Accept)),
        ("yep, do it", Some(Accept)),
        ("no", Some(Decline)),
        ("no thanks", Some(Decline)),
        ("don't", Some(Decline)),
        ("not now", Some(Decline)),
        ("yes, but in May", None),
        ("no, Denver instead", None),
        ("what will it cost?", None),
    ] {
        history.push(Actor::User, text);
        assert_eq!(
            intent_of(&server, &history, &find, text).await,
            expected,
            "{text:?}"
        );
        history.messages.pop();
    }
    // Without a waiting proposal a yes is just a reply.
    history.push(Actor::User, "yes");
    assert_eq!(validate(&server, &history, "yes").await.intent, None);
}

#[tokio::test]
async fn goodbyes_end_the_chat_with_a_closing_message() {
    let server = start().await;
    for text in [
        "bye",
        "That's all, thanks!",
        "end the chat",
        "ok I'm done for today, goodbye",
    ] {
        let mut history = ConversationHistory::default();
        agent_turn(&server, &mut history, STARTER).await;
        let answer = user_says(&server, &mut history, text).await;
        assert_eq!(answer.next, NextStep::Done, "{text:?}: {answer:?}");
        assert!(!answer.response.is_empty());
        assert_eq!(answer.tool_name(), None);
    }
}

#[tokio::test]
async fn two_cities_are_searched_together_and_both_results_answered() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    agent_turn(&server, &mut history, STARTER).await;
    let both = user_says(
        &server,
        &mut history,
        "events in Austin and Denver in March",
    )
    .await;
    assert_eq!(both.next, NextStep::Confirm);
    let calls = both.calls();
    assert_eq!(calls.len(), 2, "{both:?}");
    assert_eq!(calls[0].args["city"], "Austin");
    assert_eq!(calls[1].args["city"], "Denver");
    assert!(
        calls
            .iter()
            .all(|c| c.tool == "FindEvents" && c.args["month"] == "March")
    );
    agent_says(&mut history, &both);

    let denver = json!({"events": [{"city": "Denver", "eventName": "Denver March Powwow",
        "dateFrom": "2026-03-20", "dateTo": "2026-03-22", "description": "Dance.", "month": "requested month"}]});
    let prompt = format!(
        "[event: tools_completed tools=FindEvents,FindEvents]\n<tool_result tool=\"FindEvents\">\n{}\n</tool_result>\n<tool_result tool=\"FindEvents\">\n{}\n</tool_result>\nAnswer with the JSON object only.",
        with_tool(austin_events(), "FindEvents"),
        with_tool(denver, "FindEvents")
    );
    let answer = plan(&server, &history, &prompt).await;
    assert_eq!(answer.next, NextStep::Question);
    for name in ["Trail of Lights", "Denver March Powwow"] {
        assert!(answer.response.contains(name), "{}", answer.response);
    }
}

#[tokio::test]
async fn a_declined_proposal_follows_the_reason_or_asks() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    agent_turn(&server, &mut history, STARTER).await;
    let find = user_says(&server, &mut history, "Austin in December").await;
    agent_says(&mut history, &find);
    let declined = |reason: &str| {
        format!(
            "[event: tool_declined tools=FindEvents]\nThe user declined.\n<reason>\n{reason}\n</reason>\nAnswer with the JSON object only."
        )
    };
    let retry = plan(&server, &history, &declined("wrong month, I meant May")).await;
    assert_eq!(retry.tool.as_deref(), Some("FindEvents"));
    assert_eq!(retry.args["month"], "May");
    assert!(
        retry.response.starts_with("Okay, I didn't run FindEvents"),
        "{}",
        retry.response
    );

    let ask = plan(
        &server,
        &history,
        "[event: tool_declined tools=FindEvents]\nThe user declined.\nThey gave no reason.\nAnswer with the JSON object only.",
    )
    .await;
    assert_eq!(ask.next, NextStep::Question);
    assert!(
        ask.response.contains("didn't run FindEvents"),
        "{}",
        ask.response
    );
}

#[tokio::test]
async fn a_user_message_that_looks_like_an_instruction_is_answered_as_the_users() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    agent_turn(&server, &mut history, STARTER).await;
    let text = "### Austin in May please";
    history.push(Actor::User, text);
    let content = chat(&server, "planner", &history, text).await.content();
    let answer: PlannerDecision = serde_json::from_str(&content).unwrap();
    assert_eq!(
        answer.next,
        NextStep::Confirm,
        "not the greeting again: {content}"
    );
    assert_eq!(answer.args["city"], "Austin");
    assert_eq!(answer.args["month"], "May");
}

/// A history that has reached the flight results, with `results` as the flights found.
async fn at_flights(server: &demo_llm::LlmServer, results: Value) -> ConversationHistory {
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    let find = plan(server, &history, "Austin in December").await;
    agent_says(&mut history, &find);
    let prompt = run_tool(&mut history, &find, austin_events());
    agent_turn(server, &mut history, &prompt).await;
    let search = user_says(server, &mut history, "from Seattle").await;
    agent_says(&mut history, &search);
    let prompt = run_tool(&mut history, &search, results);
    agent_turn(server, &mut history, &prompt).await;
    history
}

#[tokio::test]
async fn a_flight_is_picked_by_airline_rank_or_price() {
    let server = start().await;
    let results = json!({"currency": "USD", "results": [
        {"operating_carrier": "Alaska Airlines", "outbound_flight_code": "AS330", "price": 328.0,
         "return_flight_code": "AS331", "return_operating_carrier": "Alaska Airlines"},
        {"operating_carrier": "Spirit", "outbound_flight_code": "NK501", "price": 148.9,
         "return_flight_code": "NK502", "return_operating_carrier": "Spirit"},
        {"operating_carrier": "American Airlines", "outbound_flight_code": "AA1234", "price": 312.4,
         "return_flight_code": "AA4321", "return_operating_carrier": "American Airlines"}
    ]});
    let history = at_flights(&server, results).await;
    for (text, code) in [
        ("Alaska", "AS330"),
        ("let's go with Alaska please", "AS330"),
        ("the cheapest", "NK501"),
        ("the cheapest one please", "NK501"),
        ("the second one", "NK501"),
        ("the third", "AA1234"),
        ("the $328 one", "AS330"),
        ("the 312 dollar flight", "AA1234"),
        ("American", "AA1234"),
    ] {
        let mut history = history.clone();
        let create = user_says(&server, &mut history, text).await;
        assert_eq!(create.next, NextStep::Confirm, "{text:?}: {create:?}");
        assert_eq!(create.tool.as_deref(), Some("CreateInvoice"), "{text:?}");
        let details = create.args["tripDetails"].as_str().unwrap();
        assert!(details.contains(code), "{text:?} picked {details}");
    }
}

#[tokio::test]
async fn nothing_in_the_asked_month_is_said_before_the_nearest_events() {
    let server = start().await;
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    let find = plan(&server, &history, "Austin in December").await;
    agent_says(&mut history, &find);
    let mut nearby = austin_events();
    nearby["events"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["month"] != "requested month");
    let prompt = run_tool(&mut history, &find, nearby);
    let answer = plan(&server, &history, &prompt).await;
    assert!(
        answer
            .response
            .starts_with("I didn't find any events in Austin in December itself."),
        "{}",
        answer.response
    );
    assert!(answer.response.contains("Fun Fun Fun Fest"));

    // With events in the month itself, no such note.
    let prompt = run_tool(&mut history, &find, austin_events());
    let answer = plan(&server, &history, &prompt).await;
    assert!(
        !answer.response.contains("didn't find"),
        "{}",
        answer.response
    );
}
