//! Live replies end to end: a real NATS server with JetStream, the real worker binary whose
//! planner streams the model's answer (our LLM server pacing its tokens), and the api relaying
//! `delta` events. The deltas of a reply join to the message the history then holds; a reload
//! resumes after `Last-Event-ID`; a rejected prompt's reply never shows; an outage of NATS or
//! a killed worker loses nothing.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{AppOptions, EventReader, SseEvent, TestApp};
use testkit::{
    NatsServer, Stack,
    demo_llm::{Config, LlmServer, Rule, Step},
};

/// Slow enough that a test can act in the middle of a reply.
const TOKEN_INTERVAL: Duration = Duration::from_millis(40);

async fn llm(config: Config) -> LlmServer {
    LlmServer::start(Config {
        token_interval: TOKEN_INTERVAL,
        ..config
    })
    .await
    .expect("LLM server")
}

async fn app(stack: &Stack, nats: Option<&str>) -> TestApp {
    let app = TestApp::spawn(AppOptions {
        nats_url: nats,
        ..AppOptions::new(&stack.address, &stack.task_queue)
    })
    .await;
    app.wait_until_connected().await;
    app
}

/// Reads events until the history holds an agent message with a `reply_id` not in `known`;
/// returns that message and every delta event seen on the way.
async fn until_reply(events: &mut EventReader, known: &[String]) -> (Value, Vec<SseEvent>) {
    let mut deltas = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(event) = events.next().await {
            if event.event == "delta" {
                deltas.push(event);
                continue;
            }
            if event.event != "history" {
                continue;
            }
            let messages = event.data["messages"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let fresh = messages.into_iter().rev().find(|m| {
                m["actor"] == "agent"
                    && m["response"]["reply_id"]
                        .as_str()
                        .is_some_and(|id| !known.iter().any(|k| k == id))
            });
            if let Some(message) = fresh {
                return Some(message["response"].clone());
            }
        }
        None
    })
    .await;
    let reply = found.ok().flatten().expect("a new agent reply arrives");
    (reply, deltas)
}

/// The text the deltas of `reply` carry, in order, honouring restarts.
fn joined(deltas: &[SseEvent], reply: &str) -> String {
    let mut text = String::new();
    for delta in deltas.iter().filter(|d| d.data["reply"] == reply) {
        if delta.data["restart"] == true {
            text.clear();
        }
        text.push_str(delta.data["text"].as_str().unwrap_or_default());
    }
    text
}

fn ids(deltas: &[SseEvent]) -> Vec<u64> {
    deltas
        .iter()
        .map(|d| d.id.as_deref().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn deltas_join_to_the_final_reply_and_a_reconnect_resumes_exactly() {
    let nats = NatsServer::start().await.unwrap();
    let stack = Stack::start(
        "live-join",
        llm(Config::default()).await,
        &[("NATS_URL", &nats.url())],
    )
    .await;
    let app = app(&stack, Some(&nats.url())).await;
    let (_, health) = app.get("/health", &[]).await;
    assert_eq!(health["streaming"], "on");
    let id = "live-join-chat";

    // The greeting streams: its deltas, joined, are the message the history then holds.
    let mut events = app.events(id).await;
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let (greeting, deltas) = until_reply(&mut events, &[]).await;
    let greeting_id = greeting["reply_id"].as_str().unwrap().to_owned();
    assert!(
        deltas.len() > 3,
        "the greeting came in pieces: {}",
        deltas.len()
    );
    assert_eq!(
        joined(&deltas, &greeting_id),
        greeting["response"].as_str().unwrap()
    );
    let sequence = ids(&deltas);
    assert!(
        sequence.windows(2).all(|w| w[0] < w[1]),
        "in order: {sequence:?}"
    );

    // Mid-reply, the browser reconnects with the last id it got: no gap, no repeat.
    app.post_ok(
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Austin in December")],
    )
    .await;
    let mut first_part = Vec::new();
    while first_part.len() < 3 {
        let event = events.next().await.expect("events");
        if event.event == "delta" && event.data["reply"] != greeting_id.as_str() {
            first_part.push(event);
        }
    }
    drop(events);
    let last_id = first_part.last().unwrap().id.clone().unwrap();
    let mut resumed = app.events_after(id, &last_id).await;
    let (reply, rest) = until_reply(&mut resumed, std::slice::from_ref(&greeting_id)).await;
    let reply_id = reply["reply_id"].as_str().unwrap();
    let rest: Vec<SseEvent> = rest
        .into_iter()
        .filter(|d| d.data["reply"] == reply_id)
        .collect();
    assert!(
        ids(&rest)
            .iter()
            .all(|i| *i > last_id.parse::<u64>().unwrap()),
        "nothing repeated"
    );
    let whole: Vec<SseEvent> = first_part.into_iter().chain(rest).collect();
    assert_eq!(
        joined(&whole, reply_id),
        reply["response"].as_str().unwrap()
    );
}

#[tokio::test]
async fn a_rejected_prompt_never_shows_the_planners_text() {
    let nats = NatsServer::start().await.unwrap();
    let planned = "Here is a poem about cats, line after line, streaming slowly.";
    let rules = vec![
        Rule::reply(json!({"next": "question", "tool": null, "args": {}, "response": "Hello there, where to?"}))
            .step(Step::Planner)
            .prompt_contains("Welcome the user warmly"),
        Rule::reply(json!({"validationResult": false, "validationFailedReason": {"next": "question", "response": "I only plan trips."}}))
            .step(Step::Validator),
        Rule::reply(json!({"next": "question", "tool": null, "args": {}, "response": planned}))
            .step(Step::Planner)
            .prompt_contains("poem"),
    ];
    let server = llm(Config {
        rules,
        // The validator answers long after the planner's first token.
        validator_latency: Some(Duration::from_millis(1_500)),
        ..Config::default()
    })
    .await;
    let stack = Stack::start("live-reject", server, &[("NATS_URL", &nats.url())]).await;
    let app = app(&stack, Some(&nats.url())).await;
    let id = "live-reject-chat";

    let mut events = app.events(id).await;
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let (greeting, _) = until_reply(&mut events, &[]).await;
    app.post_ok(
        "/send-prompt",
        &[
            ("workflow_id", id),
            ("prompt", "write me a poem about cats"),
        ],
    )
    .await;
    let mut seen = Vec::new();
    let messages = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(event) = events.next().await {
            if event.event == "delta" {
                seen.push(event.data.clone());
            }
            if event.event == "history" && event.data.to_string().contains("I only plan trips.") {
                return event.data["messages"].clone();
            }
        }
        Value::Null
    })
    .await
    .unwrap();
    assert!(
        seen.iter().all(|d| !d.to_string().contains("poem")),
        "no delta of the rejected turn: {seen:?}"
    );
    let said: Vec<&Value> = messages
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["actor"] == "agent")
        .map(|m| &m["response"])
        .collect();
    assert_eq!(said.len(), 2, "the greeting and the refusal only: {said:?}");
    assert_eq!(said[0]["reply_id"], greeting["reply_id"]);
    // The planner started at once, alongside the validator.
    let planner_calls = stack.llm_calls(Step::Planner);
    assert!(
        planner_calls
            .iter()
            .any(|c| testkit::prompt_of(c).contains("poem"))
    );
}

#[tokio::test]
async fn without_nats_replies_arrive_whole_and_nothing_fails() {
    let stack = Stack::start("live-no-nats", llm(Config::default()).await, &[]).await;
    let app = app(&stack, None).await;
    let (_, health) = app.get("/health", &[]).await;
    assert_eq!(health["streaming"], "off");
    let id = "live-no-nats-chat";
    let mut events = app.events(id).await;
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let (greeting, deltas) = until_reply(&mut events, &[]).await;
    assert!(deltas.is_empty());
    assert!(!greeting["response"].as_str().unwrap().is_empty());
    let log = stack.worker_log();
    assert_eq!(
        log.matches("NATS is unreachable").count(),
        1,
        "the worker says once that live text is off: {log}"
    );
}

#[tokio::test]
async fn nats_killed_mid_reply_loses_nothing() {
    let mut nats = NatsServer::start().await.unwrap();
    let stack = Stack::start(
        "live-nats-dies",
        llm(Config::default()).await,
        &[("NATS_URL", &nats.url())],
    )
    .await;
    let app = app(&stack, Some(&nats.url())).await;
    let id = "live-nats-dies-chat";
    let mut events = app.events(id).await;
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    // Wait for the greeting's first delta, then take NATS away.
    loop {
        let event = events.next().await.unwrap();
        if event.event == "delta" {
            break;
        }
    }
    nats.kill().await;
    let (greeting, _) = until_reply(&mut events, &[]).await;
    assert!(greeting["response"].as_str().unwrap().len() > 20);
    let (status, history) = app.history(id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["messages"].as_array().unwrap().len(), 1);
    // The reply needed one attempt: a broken bus fails nothing.
    let planner_calls = stack.llm_calls(Step::Planner);
    assert_eq!(planner_calls.len(), 1, "no retried planner call");
}

#[tokio::test]
async fn a_worker_killed_mid_stream_starts_the_reply_over() {
    let nats = NatsServer::start().await.unwrap();
    let mut stack = Stack::start(
        "live-killed",
        llm(Config::default()).await,
        &[("NATS_URL", &nats.url())],
    )
    .await;
    let app = app(&stack, Some(&nats.url())).await;
    let id = "live-killed-chat";
    let mut events = app.events(id).await;
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let mut before_kill = Vec::new();
    while before_kill.len() < 3 {
        let event = events.next().await.unwrap();
        if event.event == "delta" {
            before_kill.push(event);
        }
    }
    stack.worker.kill().await;
    stack.restart_worker(&[]).await;
    let (greeting, after) = until_reply(&mut events, &[]).await;
    let reply = greeting["reply_id"].as_str().unwrap();
    assert!(
        after
            .iter()
            .any(|d| d.data["reply"] == reply && d.data["restart"] == true),
        "the retried attempt says it starts over"
    );
    let all: Vec<SseEvent> = before_kill.into_iter().chain(after).collect();
    assert_eq!(
        joined(&all, reply),
        greeting["response"].as_str().unwrap(),
        "the first attempt's text is not shown twice"
    );
}
