//! Fault injection over real HTTP: failures, rate limits, prose and latency, counted exactly.

mod common;

use std::time::{Duration, Instant};

use common::*;
use demo_llm::{AnsweredBy, Fault, Step};
use models::{ConversationHistory, PlannerDecision};
use serde_json::json;

fn empty() -> ConversationHistory {
    ConversationHistory::default()
}

#[tokio::test]
async fn next_three_calls_fail_then_the_answer_comes() {
    let server = start().await;
    server.inject(Fault::fail(3, 500));
    for attempt in 1..=3 {
        let reply = chat(&server, "planner", &empty(), "Austin in December").await;
        assert_eq!(reply.status, 500, "attempt {attempt}");
        assert_eq!(reply.json()["error"]["type"], "server_error");
    }
    let data: PlannerDecision =
        plan(&server, &said("Austin in December"), "Austin in December").await;
    assert_eq!(data.tool.as_deref(), Some("FindEvents"));
    let answered: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| r.answered_by)
        .collect();
    assert!(
        answered[..3]
            .iter()
            .all(|a| *a == AnsweredBy::FailFault { status: 500 })
    );
    assert_eq!(answered[3], AnsweredBy::Demo);
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let server = start().await;
    server.inject(Fault::fail(1, 429).retry_after("2"));
    let limited = chat(&server, "planner", &empty(), "hi").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "2");
    let error = &limited.json()["error"];
    assert_eq!(error["code"], "rate_limit_exceeded");
    assert!(error["message"].is_string());
    assert_eq!(chat(&server, "planner", &empty(), "hi").await.status, 200);
}

#[tokio::test]
async fn custom_failure_bodies_are_sent_as_given() {
    let server = start().await;
    server.inject(Fault::fail(1, 503).body(json!({"error": {"message": "overloaded"}})));
    server.inject(Fault::fail(1, 502).body("upstream went away"));
    let first = chat(&server, "planner", &empty(), "hi").await;
    assert_eq!(first.status, 503);
    assert_eq!(first.json()["error"]["message"], "overloaded");
    let second = chat(&server, "planner", &empty(), "hi").await;
    assert_eq!(second.status, 502);
    assert_eq!(second.text, "upstream went away");
}

#[tokio::test]
async fn prose_twice_then_json() {
    let server = start().await;
    server.inject(Fault::prose(2, "Sure, I can help with that! Let me check."));
    for _ in 0..2 {
        let content = chat(&server, "planner", &empty(), "Austin in December")
            .await
            .content();
        assert_eq!(content, "Sure, I can help with that! Let me check.");
        assert!(serde_json::from_str::<serde_json::Value>(&content).is_err());
    }
    plan(&server, &empty(), "Austin in December").await;
}

#[tokio::test]
async fn failures_are_served_before_prose() {
    let server = start().await;
    server.inject(Fault::prose(1, "chatty"));
    server.inject(Fault::fail(1, 500));
    assert_eq!(chat(&server, "planner", &empty(), "hi").await.status, 500);
    assert_eq!(
        chat(&server, "planner", &empty(), "hi").await.content(),
        "chatty"
    );
}

#[tokio::test]
async fn latency_is_added_to_every_call() {
    let server = start().await;
    server.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    plan(&server, &empty(), "hi").await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert!(server.requests()[0].elapsed_ms >= 300);

    // Without latency the server answers at once (measured by the server: a loaded test
    // machine may take longer to carry the answer back).
    server.set_latency(Duration::ZERO);
    plan(&server, &empty(), "hi").await;
    assert!(
        server.requests()[1].elapsed_ms < 300,
        "{}",
        server.requests()[1].elapsed_ms
    );
}

#[tokio::test]
async fn step_filtered_faults_only_hit_that_step() {
    let server = start().await;
    server.inject(Fault::fail(1, 500).on_step(Step::Validator));
    server.inject(Fault::prose(1, "summary prose").on_step(Step::Summary));
    assert_eq!(chat(&server, "planner", &empty(), "hi").await.status, 200);
    assert_eq!(
        chat(&server, "summary", &empty(), "Summarize")
            .await
            .content(),
        "summary prose"
    );
    assert_eq!(
        chat(&server, "validator", &empty(), "yes").await.status,
        500
    );
    assert_eq!(
        chat(&server, "validator", &empty(), "yes").await.status,
        200
    );
    assert!(server.state().pending_faults().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_consume_each_use_exactly_once() {
    let server = start().await;
    server.inject(Fault::fail(5, 503));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let base_url = server.base_url();
        calls.spawn(async move {
            post_to(&base_url, Some("planner"), &request_body(&empty(), "hi"))
                .await
                .status
                .as_u16()
        });
    }
    let statuses = calls.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 5);
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 7);
    assert_eq!(server.requests().len(), 12);
}
