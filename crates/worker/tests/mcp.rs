//! MCP tools on the real worker, against our MCP server (`mcp-tools`) over stdio (a child
//! process of the worker) and over streamable HTTP: discovery when a conversation starts, a
//! confirmed call, an `isError` result, `confirm = "writes"`, a server that dies during a
//! call (a read-only tool is retried, a write is not repeated), and a server absent at start.
//! The goal is the shipped travel desk (`goals/travel-helper.toml`, tools `travel/*`).

use std::{path::Path, time::Duration};

use models::{Actor, ConversationHistory};
use serde_json::{Value, json};
use testkit::{
    Conversation, Stack,
    demo_llm::{Rule, Step},
};

const GOAL: &str = "goal_travel_helper";
const SECRET: &str = "mcp-secret-value-42";

fn planner(prompt: &str, reply: Value) -> Rule {
    Rule::reply(reply)
        .step(Step::Planner)
        .prompt_contains(prompt)
}

/// The scripted travel desk: a greeting, then one proposal per kind of request, and a plain
/// answer after every tool result.
fn desk_rules() -> Vec<Rule> {
    vec![
        Rule::reply(json!({"validationResult": true, "validationFailedReason": {}}))
            .step(Step::Validator),
        planner(
            "Greet the traveller",
            json!({"next": "question", "tool": null, "args": {}, "response": "Hi, what do you need?"}),
        ),
        planner(
            "tool_completed",
            json!({"next": "question", "tool": null, "args": {}, "response": "Done. Anything else?"}),
        ),
        planner(
            "150 dollars in euros",
            json!({"next": "confirm", "tool": "travel/convert_currency", "args": {"amount": 150, "from": "USD", "to": "EUR"}, "response": "Converting."}),
        ),
        planner(
            "150 dollars in zorkmids",
            json!({"next": "confirm", "tool": "travel/convert_currency", "args": {"amount": 150, "from": "USD", "to": "XZK"}, "response": "Converting."}),
        ),
        planner(
            "note the hotel",
            json!({"next": "confirm", "tool": "travel/save_trip_note", "args": {"title": "Hotel", "text": "Check-in at 3pm"}, "response": "Shall I save it?"}),
        ),
    ]
}

/// `MCP_CONFIG` in `dir` naming one server, `travel`.
fn write_config(dir: &Path, server: Value) -> String {
    let path = dir.join("mcp.json");
    std::fs::write(&path, json!({"mcpServers": {"travel": server}}).to_string()).unwrap();
    path.display().to_string()
}

/// The bundled server as the worker's child process, writing notes into `dir`.
fn stdio_server(dir: &Path, delay_ms: u64) -> Value {
    json!({
        "command": testkit::cargo_binary("mcp-tools"),
        "args": [],
        "env": {
            "MCP_TOOLS_NOTES_FILE": dir.join("notes.jsonl"),
            "MCP_TOOLS_DELAY_MS": delay_ms.to_string(),
            "TRAVEL_TOKEN": SECRET,
        }
    })
}

fn notes(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("notes.jsonl"))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

fn tool_results(history: &ConversationHistory) -> Vec<&Value> {
    history
        .messages
        .iter()
        .filter(|m| m.actor == Actor::ToolResult)
        .map(|m| &m.response)
        .collect()
}

async fn wait_for_results(chat: &Conversation, count: usize) -> ConversationHistory {
    chat.wait_for(&format!("{count} tool results"), |h| {
        tool_results(h).len() >= count
    })
    .await
}

/// The final attempt of every `mcp_callTool` activity in the run's history, in order.
async fn mcp_attempts(chat: &Conversation) -> Vec<i32> {
    use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
    let events = chat.events(None).await.unwrap();
    let mcp_calls: Vec<i64> = events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(scheduled))
                if scheduled
                    .activity_type
                    .as_ref()
                    .is_some_and(|t| t.name == "mcp_callTool") =>
            {
                Some(event.event_id)
            }
            _ => None,
        })
        .collect();
    events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(started))
                if mcp_calls.contains(&started.scheduled_event_id) =>
            {
                Some(started.attempt)
            }
            _ => None,
        })
        .collect()
}

/// The summaries the Web UI shows for the run's events.
async fn summaries(chat: &Conversation) -> Vec<String> {
    chat.events(None)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|event| event.user_metadata?.summary)
        .map(|payload| String::from_utf8_lossy(&payload.data).into_owned())
        .collect()
}

/// True when `needle` appears anywhere in the run's events (inputs, results, metadata) or
/// in the conversation.
async fn anywhere(chat: &Conversation, needle: &str) -> bool {
    use prost::Message;
    let events = chat.events(None).await.unwrap();
    let bytes: Vec<u8> = events.iter().flat_map(|e| e.encode_to_vec()).collect();
    let history = serde_json::to_string(&chat.history().await.unwrap()).unwrap();
    String::from_utf8_lossy(&bytes).contains(needle) || history.contains(needle)
}

/// Runs the travel desk through discovery, a read-only call (no confirm under
/// `confirm = "writes"`), an `isError` result and a confirmed write.
async fn desk_conversation(stack: &Stack, dir: &Path) -> Conversation {
    let chat = stack.conversation_with_goal("desk", GOAL).await;
    chat.wait_for_count(Actor::Agent, 1).await;

    chat.send("what is 150 dollars in euros?").await;
    let history = wait_for_results(&chat, 1).await;
    let converted = tool_results(&history)[0];
    assert_eq!(converted["tool"], "travel/convert_currency");
    assert!(
        converted["converted"].as_f64().unwrap() > 100.0,
        "{converted}"
    );
    assert!(
        converted["text"].as_str().unwrap().contains("EUR"),
        "{converted}"
    );

    chat.send("and 150 dollars in zorkmids?").await;
    let history = wait_for_results(&chat, 2).await;
    let failed = tool_results(&history)[1];
    assert!(
        failed["error"].as_str().unwrap().contains("XZK"),
        "{failed}"
    );

    chat.send("note the hotel check-in").await;
    chat.wait_for_count(Actor::Agent, 6).await;
    assert_eq!(notes(dir), 0, "a write waits for the user's confirm");
    assert!(chat.confirm_and_wait().await.confirmed);
    let history = wait_for_results(&chat, 3).await;
    assert!(tool_results(&history)[2]["id"].is_string(), "{history:?}");
    assert_eq!(notes(dir), 1);
    chat
}

#[tokio::test]
async fn mcp_tools_over_stdio_are_discovered_confirmed_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), stdio_server(dir.path(), 0));
    let stack = Stack::scripted("mcp-stdio", desk_rules(), &[("MCP_CONFIG", &config)]).await;
    let chat = desk_conversation(&stack, dir.path()).await;

    // The planner saw the server's tools as `travel/<tool>`.
    let plan = stack.llm_calls(Step::Planner).pop().unwrap();
    let system = &plan.messages[0].content;
    for tool in [
        "travel/convert_currency",
        "travel/time_in_zone",
        "travel/city_time_zone",
        "travel/save_trip_note",
    ] {
        assert!(
            system.contains(tool),
            "{tool} missing from the planner's tools"
        );
    }
    // An isError result is the tool's answer, not a failure: one attempt each.
    assert!(mcp_attempts(&chat).await.iter().all(|a| *a == 1));
    assert!(
        summaries(&chat)
            .await
            .iter()
            .any(|s| s.contains("travel/convert_currency(amount=150, from=USD, to=EUR)")),
        "the Web UI names server, tool and arguments"
    );
    assert!(
        !anywhere(&chat, SECRET).await,
        "a server's env never reaches the history"
    );
    assert!(!stack.worker_log().contains(SECRET));
    testkit::assert_conversation_replays("mcp_tools", &chat).await;
}

#[tokio::test]
async fn mcp_tools_over_streamable_http_send_the_configured_headers() {
    let dir = tempfile::tempdir().unwrap();
    let server = mcp_tools::serve_http(
        "127.0.0.1:0".parse().unwrap(),
        mcp_tools::HttpOptions {
            tools: mcp_tools::ToolOptions {
                notes_file: dir.path().join("notes.jsonl"),
                ..Default::default()
            },
            required_header: Some(
                mcp_tools::RequiredHeader::parse(&format!("X-Api-Key: {SECRET}")).unwrap(),
            ),
        },
    )
    .await
    .unwrap();
    let config = write_config(
        dir.path(),
        json!({"url": server.url(), "headers": {"X-Api-Key": SECRET}}),
    );
    let stack = Stack::scripted("mcp-http", desk_rules(), &[("MCP_CONFIG", &config)]).await;
    let chat = desk_conversation(&stack, dir.path()).await;
    assert!(!anywhere(&chat, SECRET).await);
    assert!(!stack.worker_log().contains(SECRET));
    server.shutdown().await;
}

/// The `mcp-tools` processes the worker started.
fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            // pid (comm) state ppid ...
            let after = stat
                .rsplit_once(") ")
                .map(|(_, rest)| rest)
                .unwrap_or_default();
            stat.contains("(mcp-tools)")
                && after.split_whitespace().nth(1) == Some(pid.to_string().as_str())
        })
        .collect()
}

async fn kill_server_during_call(stack: &Stack) {
    let worker = stack.worker.process.pid().unwrap();
    // Wait for the call to be in flight (the server holds every call for the delay).
    tokio::time::sleep(Duration::from_millis(700)).await;
    let children = children_of(worker);
    assert_eq!(children.len(), 1, "one stdio server: {children:?}");
    unsafe { libc::kill(children[0] as i32, libc::SIGKILL) };
}

#[tokio::test]
async fn a_server_that_dies_during_a_read_is_started_again_and_the_read_retried() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), stdio_server(dir.path(), 2_000));
    let stack = Stack::scripted("mcp-died-read", desk_rules(), &[("MCP_CONFIG", &config)]).await;
    let chat = stack.conversation_with_goal("desk", GOAL).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    chat.send("what is 150 dollars in euros?").await;
    kill_server_during_call(&stack).await;

    let history = wait_for_results(&chat, 1).await;
    assert!(
        tool_results(&history)[0]["converted"].is_number(),
        "{history:?}"
    );
    let attempts = mcp_attempts(&chat).await;
    assert!(attempts.contains(&2), "the read was retried: {attempts:?}");
}

#[tokio::test]
async fn a_write_whose_server_dies_during_the_call_is_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), stdio_server(dir.path(), 2_000));
    let stack = Stack::scripted("mcp-died-write", desk_rules(), &[("MCP_CONFIG", &config)]).await;
    let chat = stack.conversation_with_goal("desk", GOAL).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    chat.send("note the hotel check-in").await;
    chat.wait_for_count(Actor::Agent, 2).await;
    assert!(chat.confirm_and_wait().await.confirmed);
    kill_server_during_call(&stack).await;

    let history = wait_for_results(&chat, 1).await;
    let error = tool_results(&history)[0]["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        error.contains("may or may not") && error.contains("not run again"),
        "{error}"
    );
    assert_eq!(mcp_attempts(&chat).await, [1], "one attempt only");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        notes(dir.path()),
        0,
        "nothing ran again behind the user's back"
    );
}

#[tokio::test]
async fn a_server_absent_at_start_is_a_clear_error_and_other_goals_work() {
    let dir = tempfile::tempdir().unwrap();
    let closed = testkit::free_port();
    let config = write_config(
        dir.path(),
        json!({"url": format!("http://127.0.0.1:{closed}/mcp")}),
    );
    let mut rules = desk_rules();
    rules.push(planner(
        "Welcome the user warmly",
        json!({"next": "question", "tool": null, "args": {}, "response": "Which city and month?"}),
    ));
    let stack = Stack::scripted("mcp-absent", rules, &[("MCP_CONFIG", &config)]).await;

    let desk = stack.conversation_with_goal("desk", GOAL).await;
    let history = desk.wait_for_count(Actor::Agent, 1).await;
    let said = history.messages[0].response["response"].as_str().unwrap();
    assert!(
        said.contains("can't work right now") && said.contains("travel"),
        "{said}"
    );

    let trip = stack
        .conversation_with_goal("trip", goals::DEFAULT_GOAL)
        .await;
    let history = trip.wait_for_count(Actor::Agent, 1).await;
    assert_eq!(
        history.messages[0].response["response"],
        "Which city and month?"
    );
}
