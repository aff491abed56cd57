//! Conversations through the api, end to end: a real Temporal dev server, the real worker
//! binary with the demo LLM, and the api started in-process, driven over HTTP.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, count_actor, event_count, metric_sum, scrape};
use temporalio_client::{WorkflowDescribeOptions, WorkflowExecutionStatus};
use testkit::{Stack, wait_until};
use workflows::AgentGoalWorkflow;

fn actors(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m["actor"].as_str().unwrap_or("?"))
        .collect()
}

fn last_agent(messages: &[Value]) -> &Value {
    &messages
        .iter()
        .rev()
        .find(|m| m["actor"] == "agent")
        .expect("an agent message")["response"]
}

/// One `curl` line of the README's "Talking to the agent" block: method, path, query.
struct CurlStep {
    method: reqwest::Method,
    path: String,
    query: Vec<(String, String)>,
}

fn readme_curl_sequence() -> Vec<CurlStep> {
    let readme = std::fs::read_to_string(testkit::workspace_root().join("README.md")).unwrap();
    let section = readme
        .split("## Talking to the agent")
        .nth(1)
        .expect("the README has a 'Talking to the agent' section");
    let block = section
        .split("```sh")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block");
    block
        .lines()
        .filter(|line| line.starts_with("curl "))
        .map(|line| {
            let command = line.split(" #").next().unwrap().trim();
            let method = if command.contains("-X POST") {
                reqwest::Method::POST
            } else {
                reqwest::Method::GET
            };
            let url = command
                .split_whitespace()
                .last()
                .unwrap()
                .trim_matches('\'');
            let url = url::Url::parse(&format!("http://{url}")).expect("a URL");
            CurlStep {
                method,
                path: url.path().to_owned(),
                query: url.query_pairs().into_owned().collect(),
            }
        })
        .collect()
}

/// The README's curl lines, in order, name no conversation: every one of them must reach
/// the same one, `agent-workflow`.
#[tokio::test]
async fn the_readme_curl_sequence_talks_to_one_conversation_without_ids() {
    let stack = Stack::demo("api-readme").await;
    let app = TestApp::for_stack(&stack).await;
    let steps = readme_curl_sequence();
    let paths: Vec<&str> = steps.iter().map(|s| s.path.as_str()).collect();
    assert!(
        paths.starts_with(&["/start-workflow", "/send-prompt"]) && paths.contains(&"/confirm"),
        "{paths:?}"
    );
    const ID: &str = "agent-workflow";

    for step in &steps {
        assert!(
            step.query.iter().all(|(name, _)| name != "workflow_id"),
            "the README names no conversation: {}",
            step.path
        );
        let query: Vec<(&str, &str)> = step
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if step.path == "/events" {
            let mut events = app.events(ID).await;
            let first = events.next().await.expect("an event");
            assert!(
                ["status", "history"].contains(&first.event.as_str()),
                "{}",
                first.event
            );
            continue;
        }
        let (status, body) = app.request(step.method.clone(), &step.path, &query).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{} {}: {body}",
            step.method,
            step.path
        );
        if let Some(id) = body.get("workflow_id") {
            assert_eq!(id, ID, "{} answered for another conversation", step.path);
        }
        match step.path.as_str() {
            "/start-workflow" => {
                app.wait_for_actor(ID, "agent", 1).await;
            }
            "/send-prompt" => {
                let messages = app
                    .wait_for_messages(ID, "the reply to the prompt", |messages| {
                        actors(messages).ends_with(&["user", "agent"])
                    })
                    .await;
                assert_eq!(last_agent(&messages)["tool"], "FindEvents");
            }
            "/confirm" if query.is_empty() => {
                app.wait_for_actor(ID, "tool_result", 1).await;
            }
            "/get-conversation-usage" => {
                assert!(body["calls"].as_u64().unwrap() >= 3, "{body}");
                assert_eq!(body["cost_usd"], 0.0, "the demo model is free: {body}");
            }
            _ => {}
        }
    }

    let messages = app.wait_for_actor(ID, "tool_result", 1).await;
    assert_eq!(
        actors(&messages)[..4],
        ["agent", "user", "agent", "user_confirmed_tool_run"],
        "one conversation: greeting, prompt, proposal, the confirmed run"
    );
    assert_eq!(messages[1]["response"], "Austin in December");
}

/// The proposal waiting in `messages`: its id.
fn proposal_id(messages: &[Value]) -> String {
    let proposal = last_agent(messages);
    assert_eq!(proposal["next"], "confirm", "{proposal}");
    proposal["proposal_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a proposal id: {proposal}"))
        .to_owned()
}

#[tokio::test]
async fn confirm_runs_edited_arguments_and_decline_runs_nothing() {
    let stack = Stack::demo("api-trip").await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-trip-chat";

    // The conversation does not exist yet: the prompt starts it (greeting first).
    let sent = app
        .post_ok(
            "/send-prompt",
            &[("workflow_id", id), ("prompt", "Austin in December")],
        )
        .await;
    assert_eq!(sent["workflow_id"], id);
    let messages = app.wait_for_actor(id, "agent", 2).await;
    assert_eq!(actors(&messages), ["agent", "user", "agent"]);
    let first = proposal_id(&messages);
    assert_eq!(last_agent(&messages)["tool"], "FindEvents");

    // A newer proposal replaces it: a confirm meant for the first one is refused.
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Actually, Seattle in May")],
    )
    .await;
    let messages = app.wait_for_actor(id, "agent", 3).await;
    let second = proposal_id(&messages);
    assert_ne!(first, second);
    assert_eq!(last_agent(&messages)["args"]["city"], "Seattle");
    let (status, body) = app
        .post("/confirm", &[("workflow_id", id), ("proposal", &first)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no longer current"),
        "{body}"
    );

    // Edited arguments are checked against the tool's argument list; nothing runs.
    for (args, expected) in [
        (
            json!({"city": "Denver", "month": "May", "town": "x"}),
            "no argument 'town'",
        ),
        (json!({"city": "Denver"}), "needs a value for: month"),
    ] {
        let (status, body) = app
            .post_json(
                "/confirm",
                &[("workflow_id", id), ("proposal", &second)],
                &json!({"args": args}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["detail"].as_str().unwrap().contains(expected),
            "{body}"
        );
    }
    let (status, body) = app
        .post_json(
            "/confirm",
            &[("workflow_id", id)],
            &json!({"arguments": {}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, history) = app.history(id).await;
    assert_eq!(
        actors(history["messages"].as_array().unwrap()),
        ["agent", "user", "agent", "user", "agent"],
        "refused confirms change nothing"
    );

    // The edited arguments run, and the answer carries what the tool returned.
    let ran = app
        .post_json(
            "/confirm",
            &[("workflow_id", id), ("proposal", &second)],
            &json!({"args": {"city": "Denver", "month": "May"}}),
        )
        .await;
    assert_eq!(ran.0, StatusCode::OK, "{}", ran.1);
    let ran = ran.1;
    assert_eq!(ran["proposal_id"], second.as_str());
    assert_eq!(ran["tool_calls"][0]["tool"], "FindEvents");
    assert_eq!(ran["tool_calls"][0]["args"]["city"], "Denver");
    assert_eq!(ran["tool_calls"][0]["result"]["tool"], "FindEvents");
    let messages = app.wait_for_actor(id, "tool_result", 1).await;
    let confirmed = messages
        .iter()
        .find(|m| m["actor"] == "user_confirmed_tool_run")
        .unwrap();
    assert_eq!(confirmed["response"]["args"]["city"], "Denver");

    // Nothing waits now: confirm and decline both say so.
    for path in ["/confirm", "/decline"] {
        let (status, body) = app.post(path, &[("workflow_id", id)]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("No tool is waiting"),
            "{body}"
        );
    }

    // A declined proposal does not run; the agent hears why and answers.
    app.wait_for_actor(id, "agent", 4).await;
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "I'll fly from Chicago")],
    )
    .await;
    let messages = app
        .wait_for_messages(id, "a SearchFlights proposal", |messages| {
            count_actor(messages, "agent") >= 5 && last_agent(messages)["tool"] == "SearchFlights"
        })
        .await;
    let flights = proposal_id(&messages);
    let declined = app
        .post_ok(
            "/decline",
            &[
                ("workflow_id", id),
                ("proposal", &flights),
                ("reason", "too expensive for me"),
            ],
        )
        .await;
    assert_eq!(declined["tool_calls"][0]["tool"], "SearchFlights");
    assert!(
        declined["tool_calls"][0].get("result").is_none(),
        "{declined}"
    );
    let messages = app.wait_for_actor(id, "agent", 6).await;
    let entry = messages
        .iter()
        .find(|m| m["actor"] == "user_declined_tool_run")
        .expect("the decline is in the history");
    assert_eq!(entry["response"]["reason"], "too expensive for me");
    assert_eq!(entry["response"]["tool_calls"][0]["tool"], "SearchFlights");
    assert_eq!(
        count_actor(&messages, "tool_result"),
        1,
        "SearchFlights never ran"
    );
    assert_ne!(last_agent(&messages)["next"], "confirm");
}

#[tokio::test]
async fn typed_yes_and_no_act_like_the_buttons_and_bye_ends_the_chat() {
    let stack = Stack::demo("api-typed").await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-typed-chat";
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Austin in December")],
    )
    .await;
    app.wait_for_actor(id, "agent", 2).await;

    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "ok, go ahead")],
    )
    .await;
    let messages = app.wait_for_actor(id, "tool_result", 1).await;
    assert_eq!(
        actors(&messages)[..5],
        ["agent", "user", "agent", "user", "user_confirmed_tool_run"],
        "the typed yes ran the proposal"
    );

    app.wait_for_actor(id, "agent", 3).await;
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "I'll fly from Chicago")],
    )
    .await;
    app.wait_for_messages(id, "a SearchFlights proposal", |messages| {
        last_agent(messages)["tool"] == "SearchFlights" && last_agent(messages)["next"] == "confirm"
    })
    .await;
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "no thanks")],
    )
    .await;
    let messages = app
        .wait_for_messages(id, "the decline and the answer", |messages| {
            actors(messages).ends_with(&["user", "user_declined_tool_run", "agent"])
        })
        .await;
    assert_eq!(
        count_actor(&messages, "tool_result"),
        1,
        "SearchFlights never ran"
    );

    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "that's all, thanks")],
    )
    .await;
    let handle = stack.client.get_workflow_handle::<AgentGoalWorkflow>(id);
    wait_until(
        "the farewell to end the chat",
        Duration::from_secs(30),
        || async {
            let status = handle
                .describe(WorkflowDescribeOptions::default())
                .await
                .map(|d| d.status());
            (
                matches!(status, Ok(WorkflowExecutionStatus::Completed)).then_some(()),
                format!("{status:?}"),
            )
        },
    )
    .await;
    let (_, history) = app.history(id).await;
    let messages = history["messages"].as_array().unwrap().clone();
    assert_eq!(last_agent(&messages)["next"], "done");
}

#[tokio::test]
async fn conversations_are_listed_newest_first_with_titles_and_pages() {
    let stack = Stack::demo("api-list").await;
    let app = TestApp::for_stack(&stack).await;
    let ids = ["api-list-1", "api-list-2", "api-list-3"];
    for (n, id) in ids.iter().enumerate() {
        let prompt = format!("Chicago in May, trip number {}", n + 1);
        app.post_ok("/send-prompt", &[("workflow_id", id), ("prompt", &prompt)])
            .await;
        app.wait_for_actor(id, "agent", 2).await;
    }
    // Reading a conversation that does not exist does not start one.
    let (status, body) = app.history("api-list-never").await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));

    let listed = |page: Value| -> Vec<Value> { page["conversations"].as_array().unwrap().clone() };
    let page = wait_until(
        "all three in the list with titles and usage",
        Duration::from_secs(30),
        || async {
            let (status, page) = app.get("/conversations", &[("page_size", "10")]).await;
            let rows = listed(page.clone());
            let ready = status == StatusCode::OK
                && rows.len() == 3
                && rows
                    .iter()
                    .all(|r| r["title"].is_string() && r["tokens"].as_u64() > Some(0));
            (ready.then_some(page.clone()), page.to_string())
        },
    )
    .await;
    let rows = listed(page.clone());
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["workflow_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["api-list-3", "api-list-2", "api-list-1"],
        "newest first"
    );
    assert_eq!(rows[0]["title"], "Chicago in May, trip number 3");
    assert_eq!(rows[0]["status"], "running");
    assert_eq!(rows[0]["goal"]["id"], "goal_event_flight_invoice");
    assert_eq!(rows[0]["cost_usd"], 0.0, "the demo model is free");
    assert!(rows[0]["updated_at"].as_str().unwrap() >= rows[0]["started_at"].as_str().unwrap());
    assert_eq!(page["next_page_token"], Value::Null);

    let (_, first) = app.get("/conversations", &[("page_size", "2")]).await;
    assert_eq!(listed(first.clone()).len(), 2);
    let token = first["next_page_token"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let (_, second) = app
        .get(
            "/conversations",
            &[("page_size", "2"), ("page_token", &token)],
        )
        .await;
    let rest = listed(second.clone());
    assert_eq!(rest.len(), 1, "{second}");
    assert_eq!(rest[0]["workflow_id"], "api-list-1");

    for query in [
        vec![("page_size", "0")],
        vec![("page_size", "101")],
        vec![("page_token", "zz")],
    ] {
        let (status, body) = app.get("/conversations", &query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query:?}: {body}");
    }

    // A finished conversation stays listed, once, with its final status.
    app.post_ok("/end-chat", &[("workflow_id", "api-list-2")])
        .await;
    wait_until(
        "the ended chat listed as completed",
        Duration::from_secs(30),
        || async {
            let (_, page) = app.get("/conversations", &[]).await;
            let rows = listed(page.clone());
            let ended: Vec<&Value> = rows
                .iter()
                .filter(|r| r["workflow_id"] == "api-list-2")
                .collect();
            (
                (rows.len() == 3 && ended.len() == 1 && ended[0]["status"] == "completed")
                    .then_some(()),
                page.to_string(),
            )
        },
    )
    .await;
}

#[tokio::test]
async fn end_chat_completes_the_conversation_which_still_shows_its_history() {
    let stack = Stack::demo("api-end").await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-end-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let greeting = app.wait_for_actor(id, "agent", 1).await;

    let ended = app.post_ok("/end-chat", &[("workflow_id", id)]).await;
    assert_eq!(ended["workflow_id"], id);
    let handle = stack.client.get_workflow_handle::<AgentGoalWorkflow>(id);
    wait_until(
        "the workflow to complete",
        Duration::from_secs(30),
        || async {
            let status = handle
                .describe(WorkflowDescribeOptions::default())
                .await
                .map(|d| d.status());
            (
                matches!(status, Ok(WorkflowExecutionStatus::Completed)).then_some(()),
                format!("{status:?}"),
            )
        },
    )
    .await;

    // Queries on a completed workflow still work while a worker runs.
    let (status, history) = app.history(id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["messages"].as_array().unwrap(), &greeting);

    for (path, query) in [
        ("/confirm", vec![("workflow_id", id)]),
        ("/decline", vec![("workflow_id", id)]),
        ("/end-chat", vec![("workflow_id", id)]),
    ] {
        let (status, body) = app.post(path, &query).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} {query:?}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("not running"),
            "{body}"
        );
    }

    // Starting a finished conversation begins a new run under the same id.
    let restarted = app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    assert!(
        restarted["message"].as_str().unwrap().contains("started"),
        "{restarted}"
    );
}

#[tokio::test]
async fn history_of_a_missing_conversation_is_empty_and_starts_nothing() {
    let stack = Stack::demo("api-missing").await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-missing-chat";

    let (status, body) = app.history(id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!([]));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let described = stack
        .client
        .get_workflow_handle::<AgentGoalWorkflow>(id)
        .describe(WorkflowDescribeOptions::default())
        .await;
    assert!(described.is_err(), "no workflow was started: {described:?}");
}

#[tokio::test]
async fn parallel_conversations_stay_separate() {
    let stack = Stack::demo("api-parallel").await;
    let app = TestApp::for_stack(&stack).await;
    let (austin, denver) = ("api-parallel-austin", "api-parallel-denver");

    let austin_query = [("workflow_id", austin), ("prompt", "Austin in December")];
    let denver_query = [("workflow_id", denver), ("prompt", "Denver in March")];
    let (a, d) = tokio::join!(
        app.post("/send-prompt", &austin_query),
        app.post("/send-prompt", &denver_query),
    );
    assert_eq!((a.0, d.0), (StatusCode::OK, StatusCode::OK), "{a:?} {d:?}");

    let (austin_messages, denver_messages) = tokio::join!(
        app.wait_for_actor(austin, "agent", 2),
        app.wait_for_actor(denver, "agent", 2),
    );
    let users = |messages: &[Value]| -> Vec<Value> {
        messages
            .iter()
            .filter(|m| m["actor"] == "user")
            .map(|m| m["response"].clone())
            .collect()
    };
    assert_eq!(users(&austin_messages), ["Austin in December"]);
    assert_eq!(users(&denver_messages), ["Denver in March"]);
    assert_eq!(last_agent(&austin_messages)["args"]["city"], "Austin");
    assert_eq!(last_agent(&denver_messages)["args"]["city"], "Denver");
}

#[tokio::test]
async fn events_stream_pushes_the_history_and_its_changes_to_every_listener() {
    let stack = Stack::demo("api-events").await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-events-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;

    let mut first = app.events(id).await;
    // On a loaded machine the first workflow task may take longer than the query timeout,
    // so a "worker unavailable" status can come first; the stream must then say "running".
    first
        .wait_for("a running status event", Duration::from_secs(60), |e| {
            e.event == "status" && e.data["state"] == "running"
        })
        .await;
    first
        .wait_for("the greeting", Duration::from_secs(60), |e| {
            e.event == "history" && count_actor(messages(&e.data), "agent") == 1
        })
        .await;

    // A second listener shares the same watcher and gets the current state at once.
    let mut second = app.events(id).await;
    second
        .wait_for("the greeting", Duration::from_secs(10), |e| {
            e.event == "history" && count_actor(messages(&e.data), "agent") == 1
        })
        .await;
    assert_eq!(app.state.watchers.active(), 1);

    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Austin in December")],
    )
    .await;
    for reader in [&mut first, &mut second] {
        let update = reader
            .wait_for("the agent's proposal", Duration::from_secs(60), |e| {
                e.event == "history" && count_actor(messages(&e.data), "agent") == 2
            })
            .await;
        let messages = messages(&update.data);
        assert!(
            messages
                .iter()
                .any(|m| m["actor"] == "user" && m["response"] == "Austin in December")
        );
    }

    app.post_ok("/end-chat", &[("workflow_id", id)]).await;
    let ended = first
        .wait_for("the end of the chat", Duration::from_secs(30), |e| {
            e.event == "status" && e.data["state"] != "running"
        })
        .await;
    assert_eq!(ended.data["state"], "ended", "{:?}", ended.data);

    drop(first);
    drop(second);
    wait_until("the watcher to stop", Duration::from_secs(10), || async {
        let active = app.state.watchers.active();
        ((active == 0).then_some(()), format!("{active} watchers"))
    })
    .await;
}

fn messages(history: &Value) -> &[Value] {
    history["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[tokio::test]
async fn bad_input_is_refused_with_json_and_leaves_the_conversation_unchanged() {
    let stack = Stack::demo("api-bad-input").await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-bad-input-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let before = app.wait_for_actor(id, "agent", 1).await;
    // Let the greeting's turn settle so the event count is stable.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events_before = event_count(&stack.client, id).await;

    let too_long_id = "x".repeat(129);
    let bad_ids = [
        "",
        "-leading-dash",
        "has space",
        "über",
        "a/b",
        too_long_id.as_str(),
    ];
    for bad in bad_ids {
        for (method, path) in [
            ("POST", "/start-workflow"),
            ("POST", "/send-prompt"),
            ("POST", "/confirm"),
            ("POST", "/end-chat"),
            ("GET", "/get-conversation-history"),
            ("GET", "/get-latest-tool-data"),
            ("GET", "/events"),
        ] {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let (status, body) = app
                .request(method, path, &[("workflow_id", bad), ("prompt", "hello")])
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {bad:?}: {body}");
            assert!(
                body["detail"].as_str().unwrap().contains("workflow_id"),
                "{body}"
            );
        }
    }

    let big = "a".repeat(9 * 1024);
    for (query, expected) in [
        (vec![("workflow_id", id)], StatusCode::BAD_REQUEST),
        (
            vec![("workflow_id", id), ("prompt", "")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![("workflow_id", id), ("prompt", " \t\n ")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![("workflow_id", id), ("prompt", big.as_str())],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let (status, body) = app.post("/send-prompt", &query).await;
        assert_eq!(status, expected, "{body}");
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{body}"
        );
    }
    let (status, body) = app
        .post_json(
            "/confirm",
            &[("workflow_id", id)],
            &json!(["not", "an", "object"]),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"].as_str().is_some(), "{body}");

    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(event_count(&stack.client, id).await, events_before);
    let (_, after) = app.history(id).await;
    assert_eq!(after["messages"].as_array().unwrap(), &before);
}

#[tokio::test]
async fn goals_are_listed_and_a_conversation_starts_with_the_one_named() {
    let stack = Stack::demo("api-goals").await;
    let app = TestApp::for_stack(&stack).await;

    let (status, listed) = app.get("/goals", &[]).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["default_goal"], "goal_event_flight_invoice");
    let goals = listed["goals"].as_array().unwrap();
    assert_eq!(goals[0]["id"], "choose-agent", "the picker comes first");
    assert_eq!(
        goals[1]["id"], "goal_event_flight_invoice",
        "the default goal next"
    );
    let by_id = |id: &str| {
        goals
            .iter()
            .find(|g| g["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {listed}"))
    };
    let trip = by_id("goal_event_flight_invoice");
    assert_eq!(trip["name"], "North America Event Flight Booking");
    assert_eq!(trip["category"], "travel-flights");
    assert_eq!(trip["available"], true);
    let quote = by_id("goal_flight_quote");
    assert_eq!(quote["available"], false, "the demo model cannot run it");
    assert!(quote["note"].as_str().unwrap().contains("LLM_KEY"));

    // A conversation with the picker: it greets as the picker and lists the agents.
    let started = app
        .post_ok(
            "/start-workflow",
            &[
                ("workflow_id", "api-goals-picker"),
                ("goal", "choose-agent"),
            ],
        )
        .await;
    assert_eq!(started["workflow_id"], "api-goals-picker");
    let messages = app
        .wait_for_messages("api-goals-picker", "the agents listed", |messages| {
            messages
                .iter()
                .any(|m| m["response"]["tool"] == "ListAgents")
        })
        .await;
    assert_eq!(actors(&messages)[0], "agent");

    // An unknown goal is refused and nothing starts.
    let (status, body) = app
        .post(
            "/start-workflow",
            &[("workflow_id", "api-goals-nope"), ("goal", "goal_nope")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("goal_nope"));
    let described = stack
        .client
        .get_workflow_handle::<AgentGoalWorkflow>("api-goals-nope")
        .describe(WorkflowDescribeOptions::default())
        .await;
    assert!(described.is_err(), "no workflow was started");
}

/// What the model calls of a conversation used, as our LLM server reported them, by step.
fn reported_usage(stack: &Stack) -> (u64, u64, u64) {
    let requests = stack.llm.requests();
    let reported: Vec<_> = requests.iter().filter_map(|r| r.usage).collect();
    (
        reported.len() as u64,
        reported.iter().map(|u| u.prompt_tokens as u64).sum(),
        reported.iter().map(|u| u.completion_tokens as u64).sum(),
    )
}

#[tokio::test]
async fn usage_adds_up_what_the_model_reported_across_runs_and_prices_it() {
    let llm = testkit::demo_llm::LlmServer::start(Default::default())
        .await
        .unwrap();
    // A priced model (served by our LLM server), and runs of four messages, so the trip
    // continues as new after its first tool. The worker serves its metrics too.
    let worker_metrics = format!("127.0.0.1:{}", testkit::free_port());
    let stack = Stack::start(
        "api-usage",
        llm,
        &[
            ("LLM_MODEL", "openai/gpt-4o-mini"),
            ("LLM_KEY", "sk-test-usage"),
            ("AGENT_MAX_HISTORY_MESSAGES", "4"),
            ("WORKER_METRICS_ADDR", &worker_metrics),
        ],
    )
    .await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-usage-chat";
    let events = app.events(id).await;
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Austin in December")],
    )
    .await;
    app.wait_for_actor(id, "agent", 2).await;
    app.post_ok("/confirm", &[("workflow_id", id)]).await;
    // The next run starts with the summary of the first.
    wait_until(
        "the conversation to continue as new",
        Duration::from_secs(60),
        || async {
            let (_, history) = app.history(id).await;
            let first = history["messages"][0]["actor"].clone();
            (
                (first == "conversation_summary").then_some(()),
                format!("first message: {first}"),
            )
        },
    )
    .await;

    let (status, usage) = app
        .get("/get-conversation-usage", &[("workflow_id", id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    let (calls, prompt, completion) = reported_usage(&stack);
    assert_eq!(usage["calls"], calls, "{usage}");
    assert_eq!(usage["prompt_tokens"], prompt);
    assert_eq!(usage["completion_tokens"], completion);
    for step in ["planner", "validator", "summary"] {
        assert!(
            usage["by_step"][step]["calls"].as_u64().unwrap() >= 1,
            "{step}: {usage}"
        );
    }
    assert_eq!(usage["models"], serde_json::json!(["openai/gpt-4o-mini"]));
    // $0.15 per million input tokens, $0.60 per million output tokens.
    let expected = (prompt as f64 * 0.15 + completion as f64 * 0.60) / 1_000_000.0;
    let cost = usage["cost_usd"]
        .as_f64()
        .expect("a priced model has a cost");
    assert!((cost - expected).abs() < 2e-6, "{cost} vs {expected}");

    // The worker's metrics count the same calls and tokens, and the tool run.
    let page = scrape(&format!("http://{worker_metrics}/metrics")).await;
    let model = ("model", "openai/gpt-4o-mini");
    let sum = |name: &str, labels: &[(&str, &str)]| metric_sum(&page, name, labels);
    assert_eq!(
        sum("agent_llm_requests_total", &[model, ("outcome", "ok")]),
        Some(calls as f64),
        "{page}"
    );
    assert_eq!(
        sum("agent_llm_tokens_total", &[model, ("kind", "prompt")]),
        Some(prompt as f64)
    );
    assert_eq!(
        sum("agent_llm_tokens_total", &[model, ("kind", "completion")]),
        Some(completion as f64)
    );
    // Priced per call in millionths of a dollar: within half of one per call of the total.
    let microusd = sum("agent_llm_cost_microusd_total", &[model]).expect("a cost metric");
    assert!(
        (microusd - expected * 1e6).abs() <= calls as f64 * 0.5 + 1e-6,
        "{microusd} vs {}",
        expected * 1e6
    );
    assert_eq!(
        sum("agent_llm_request_seconds_count", &[("step", "planner")]),
        sum("agent_llm_requests_total", &[("step", "planner")])
    );
    assert_eq!(
        sum(
            "agent_tool_runs_total",
            &[("tool", "FindEvents"), ("outcome", "ok")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sum("agent_tool_run_seconds_count", &[("tool", "FindEvents")]),
        Some(1.0)
    );
    // The Temporal SDK's own families come from the same endpoint.
    for family in [
        "temporal_workflow_task_schedule_to_start_latency_count",
        "temporal_activity_execution_latency_count",
    ] {
        assert!(
            sum(family, &[]).is_some_and(|n| n > 0.0),
            "{family}: {page}"
        );
    }

    // The api's: requests by declared route and status, and the open event stream.
    let page = scrape(&format!("{}/metrics", app.base_url)).await;
    let sum = |name: &str, labels: &[(&str, &str)]| metric_sum(&page, name, labels);
    let route = |method, path| [("method", method), ("route", path), ("status", "200")];
    assert_eq!(
        sum("api_requests_total", &route("POST", "/send-prompt")),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        sum("api_requests_total", &route("POST", "/confirm")),
        Some(1.0)
    );
    assert!(
        sum(
            "api_requests_total",
            &route("GET", "/get-conversation-history")
        ) >= Some(1.0)
    );
    assert_eq!(
        sum("api_request_seconds_count", &route("POST", "/send-prompt")),
        Some(1.0)
    );
    assert_eq!(sum("api_event_streams_open", &[]), Some(1.0));
    assert_eq!(sum("api_watched_workflows", &[]), Some(1.0));
    drop(events);
    wait_until("the stream to close", Duration::from_secs(10), || async {
        let page = scrape(&format!("{}/metrics", app.base_url)).await;
        let open = metric_sum(&page, "api_event_streams_open", &[]);
        ((open == Some(0.0)).then_some(()), format!("{open:?} open"))
    })
    .await;
}

#[tokio::test]
async fn usage_of_a_model_without_a_price_has_tokens_and_no_cost() {
    let llm = testkit::demo_llm::LlmServer::start(Default::default())
        .await
        .unwrap();
    let stack = Stack::start(
        "api-usage-unpriced",
        llm,
        &[("LLM_MODEL", "acme/house-model")],
    )
    .await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-usage-unpriced-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    app.wait_for_actor(id, "agent", 1).await;
    let (status, usage) = app
        .get("/get-conversation-usage", &[("workflow_id", id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    assert_eq!(usage["calls"], 1);
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 0);
    assert_eq!(usage["models"], serde_json::json!(["acme/house-model"]));
    assert!(usage["cost_usd"].is_null(), "no guess: {usage}");
}

#[tokio::test]
async fn a_model_call_being_retried_shows_its_attempts_on_the_event_stream() {
    use testkit::demo_llm::{Fault, LlmServer, Step};
    let llm = LlmServer::start(Default::default()).await.unwrap();
    let stack = Stack::start("api-retrying", llm, testkit::VISIBLE_RETRIES).await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-retrying-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    app.wait_for_actor(id, "agent", 1).await;
    let mut events = app.events(id).await;
    events
        .wait_for("a running status", Duration::from_secs(30), |e| {
            e.event == "status" && e.data["state"] == "running" && e.data["activity"].is_null()
        })
        .await;

    stack.llm.inject(Fault::fail(3, 500).on_step(Step::Planner));
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Austin in December")],
    )
    .await;
    let mut attempts = Vec::new();
    let mut cleared = false;
    let reply = events
        .wait_for(
            "the reply after the retries",
            Duration::from_secs(60),
            |e| {
                if e.event == "status" {
                    let Some(attempt) = e.data["activity"]["attempt"].as_u64() else {
                        cleared = !attempts.is_empty();
                        return false;
                    };
                    assert_eq!(e.data["state"], "running");
                    assert_eq!(e.data["activity"]["name"], "agent_toolPlanner");
                    assert_eq!(
                        e.data["detail"],
                        format!("The model is busy, retrying (attempt {attempt})\u{2026}")
                    );
                    assert!(
                        e.data["activity"]["last_failure"]
                            .as_str()
                            .is_some_and(|failure| failure.contains("500")),
                        "{}",
                        e.data
                    );
                    attempts.push(attempt);
                }
                e.event == "history" && count_actor(messages(&e.data), "agent") == 2
            },
        )
        .await;
    assert_eq!(last_agent(messages(&reply.data))["next"], "confirm");
    // One attempt may show twice: waiting for its start, then under way.
    attempts.dedup();
    assert_eq!(
        attempts,
        [2, 3, 4],
        "every attempt after the first is shown"
    );
    if !cleared {
        events
            .wait_for("the retry note to go", Duration::from_secs(10), |e| {
                e.event == "status" && e.data["activity"].is_null()
            })
            .await;
    }
}
