//! Goals as data, on the real worker: conversations start with a goal from `goals/` whose
//! tools the worker resolves, the agent picker hands a conversation to another goal, a goal
//! whose tools cannot be had says so, and a broken goal file stops the worker by name.

use std::time::Duration;

use models::{Actor, ConversationHistory};
use serde_json::{Value, json};
use testkit::{
    Stack,
    demo_llm::{Rule, Step},
    prompt_of,
};

fn planner(prompt: &str, reply: Value) -> Rule {
    Rule::reply(reply)
        .step(Step::Planner)
        .prompt_contains(prompt)
}

fn accept_everything() -> Rule {
    Rule::reply(json!({"validationResult": true, "validationFailedReason": {}}))
        .step(Step::Validator)
}

fn tool_results(history: &ConversationHistory) -> Vec<&Value> {
    history
        .messages
        .iter()
        .filter(|m| m.actor == Actor::ToolResult)
        .map(|m| &m.response)
        .collect()
}

/// The system message of a recorded LLM call: what the model was told about the goal.
fn system_of(call: &testkit::demo_llm::RecordedRequest) -> &str {
    call.messages
        .iter()
        .find(|m| m.role == "system")
        .map(|m| m.content.as_str())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_agent_picker_lists_the_goals_and_switches_keeping_the_conversation() {
    let stack = Stack::scripted(
        "picker",
        vec![
            accept_everything(),
            planner(
                "run ListAgents",
                json!({"next": "confirm", "tool": "ListAgents", "args": {}, "response": "Let me see which agents there are."}),
            ),
            planner(
                "ListAgents",
                json!({"next": "question", "tool": null, "args": {}, "response": "I can hand you to Flight Quote or North America Event Flight Booking. Which one?"}),
            ),
            planner(
                "flight quote please",
                json!({"next": "confirm", "tool": "SwitchAgent", "args": {"agentId": "goal_flight_quote"}, "response": "Shall I hand you to Flight Quote?"}),
            ),
            planner(
                "compare round-trip flights",
                json!({"next": "question", "tool": null, "args": {}, "response": "Hi, Flight Quote here. Where do you fly from and to, and when?"}),
            ),
            planner(
                "Denver to Seattle",
                json!({"next": "confirm", "tool": "SearchFlights", "args": {"origin": "Denver", "destination": "Seattle", "dateDepart": "2026-03-12", "dateReturn": "2026-03-15", "userConfirmation": true}, "response": "Searching Denver to Seattle."}),
            ),
            planner(
                "SearchFlights",
                json!({"next": "question", "tool": null, "args": {}, "response": "Here are the flights. Which one?"}),
            ),
        ],
        &[],
    )
    .await;
    let chat = stack.conversation_with_goal("chat", goals::PICKER_ID).await;

    // ListAgents only reads: under the picker's `confirm = "writes"` it runs unasked.
    let history = chat.wait_for_count(Actor::Agent, 2).await;
    let listed = tool_results(&history)[0];
    assert_eq!(listed["tool"], "ListAgents");
    let ids: Vec<&str> = listed["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"goal_flight_quote") && ids.contains(&goals::DEFAULT_GOAL),
        "{ids:?}"
    );
    assert!(!ids.contains(&goals::PICKER_ID));

    // SwitchAgent changes the conversation: it waits for the user's go-ahead.
    chat.send("the flight quote please").await;
    chat.wait_for_count(Actor::Agent, 3).await;
    assert!(chat.confirm_and_wait().await.confirmed);
    let history = chat.wait_for_count(Actor::Agent, 4).await;
    assert_eq!(
        history.messages.last().unwrap().response["response"],
        "Hi, Flight Quote here. Where do you fly from and to, and when?",
        "the new agent opens with its own greeting"
    );

    // The next turn plans with the new goal's tools; SearchFlights only reads, so it runs.
    chat.send("Denver to Seattle, 2026-03-12 to 2026-03-15")
        .await;
    let history = chat
        .wait_for("the flight search", |h| tool_results(h).len() == 3)
        .await;
    assert_eq!(tool_results(&history)[2]["tool"], "SearchFlights");
    assert_eq!(
        history.messages[0].actor,
        Actor::Agent,
        "the picker's turns are still in the history"
    );
    let last_plan = stack.llm_calls(Step::Planner).pop().unwrap();
    let system = system_of(&last_plan);
    let tools = system
        .split("<tools>")
        .nth(1)
        .and_then(|rest| rest.split("</tools>").next())
        .expect("a tools section");
    assert!(
        system.contains("Flight Quote") && tools.contains("SearchFlights"),
        "{system}"
    );
    assert!(
        !tools.contains("SwitchAgent"),
        "the picker's tools are gone: {tools}"
    );
    let switch_prompts: Vec<_> = stack
        .llm_calls(Step::Planner)
        .into_iter()
        .filter(|call| prompt_of(call).contains("compare round-trip flights"))
        .collect();
    assert_eq!(
        switch_prompts.len(),
        1,
        "the new goal's starter is planned once"
    );
    testkit::assert_conversation_replays("goal_switch", &chat).await;
}

#[tokio::test]
async fn a_goal_whose_tools_are_unavailable_says_so_and_others_still_work() {
    let stack = Stack::scripted(
        "no-mcp",
        vec![planner(
            "Welcome the user warmly",
            json!({"next": "question", "tool": null, "args": {}, "response": "Hello! Which city and month?"}),
        )],
        &[],
    )
    .await;
    let helper = stack
        .conversation_with_goal("helper", "goal_travel_helper")
        .await;
    let history = helper.wait_for_count(Actor::Agent, 1).await;
    let said = history.messages[0].response["response"].as_str().unwrap();
    assert!(
        said.contains("not available") && said.contains("MCP_CONFIG"),
        "{said}"
    );
    assert!(
        stack.llm_calls(Step::Planner).is_empty(),
        "no tools, no planning"
    );

    let trip = stack
        .conversation_with_goal("trip", goals::DEFAULT_GOAL)
        .await;
    let history = trip.wait_for_count(Actor::Agent, 1).await;
    assert_eq!(
        history.messages[0].response["response"],
        "Hello! Which city and month?"
    );
}

#[tokio::test]
async fn a_broken_goal_file_stops_the_worker_naming_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        std::fs::read_to_string(testkit::workspace_root().join("goals/travel-event-flights.toml"))
            .unwrap();
    std::fs::write(dir.path().join("trip.toml"), &good).unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        good.replace("goal_event_flight_invoice", "other")
            .replace("\"CreateInvoice\"", "\"BookHotel\""),
    )
    .unwrap();
    let goals_dir = dir.path().display().to_string();
    let mut worker = testkit::WorkerProcess::start_with_env(
        &[
            ("TEMPORAL_ADDRESS", "127.0.0.1:1"),
            ("LLM_MODEL", "demo/trip-agent"),
            ("GOALS_DIR", goals_dir.as_str()),
        ]
        .into_iter()
        .collect(),
        "broken-goals",
    )
    .unwrap();
    testkit::wait_until("the worker to stop", Duration::from_secs(30), || {
        let running = worker.process.is_running();
        let log = worker.process.log_tail(20);
        async move { ((!running).then_some(()), log) }
    })
    .await;
    let log = worker.process.log_tail(400);
    assert!(
        log.contains("broken.toml") && log.contains("`tools`") && log.contains("BookHotel"),
        "{log}"
    );
}
