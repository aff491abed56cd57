//! Scripted mode over real HTTP: rules pick answers by step, prompt and history; `times`
//! runs out; no match is a loud 500 unless the demo agent is the fallback.

mod common;

use common::*;
use demo_llm::{AnsweredBy, Config, Fallback, Rule, Step};
use models::{Actor, ConversationHistory, NextStep, PlannerDecision};
use serde_json::json;

fn history_with_events() -> ConversationHistory {
    let mut history = ConversationHistory::default();
    history.push(Actor::User, "Austin in December");
    history.push(
        Actor::ToolResult,
        json!({"tool": "FindEvents", "events": [{"eventName": "Trail of Lights"}]}),
    );
    history
}

#[tokio::test]
async fn rules_match_by_step_prompt_and_history() {
    let server = start().await;
    server.set_rules(vec![
        Rule::reply(json!({"validationResult": true, "validationFailedReason": {}}))
            .named("validator")
            .step(Step::Validator),
        Rule::reply(json!({"next": "question", "tool": "SearchFlights", "args": {}, "response": "Where from?"}))
            .named("after-events")
            .step(Step::Planner)
            .history_contains(r#""tool":"FindEvents""#),
        Rule::reply(json!({"next": "confirm", "tool": "FindEvents", "args": {"city": "Austin", "month": "December"}, "response": "Search?"}))
            .named("austin")
            .prompt_contains("austin"),
        Rule::reply("The user wants Austin. Nothing else happened.").step(Step::Summary),
    ]);
    let empty = ConversationHistory::default();

    let verdict = validate(&server, &empty, "Austin in December").await;
    assert!(verdict.valid);

    let find = plan(&server, &said("Austin in December"), "Austin in December").await;
    assert_eq!(find.next, NextStep::Confirm);
    assert_eq!(find.args["city"], "Austin");

    let next = plan(&server, &history_with_events(), "anything").await;
    assert_eq!(next.response, "Where from?");

    let summary = chat(&server, "summary", &empty, "Summarize")
        .await
        .content();
    assert_eq!(summary, "The user wants Austin. Nothing else happened.");

    let answered: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| r.answered_by)
        .collect();
    assert_eq!(
        answered,
        [
            AnsweredBy::Rule {
                index: 0,
                name: Some("validator".into())
            },
            AnsweredBy::Rule {
                index: 2,
                name: Some("austin".into())
            },
            AnsweredBy::Rule {
                index: 1,
                name: Some("after-events".into())
            },
            AnsweredBy::Rule {
                index: 3,
                name: None
            },
        ]
    );
}

#[tokio::test]
async fn json_replies_are_sent_as_json_text_and_strings_verbatim() {
    let server = start().await;
    server.set_rules(vec![
        Rule::reply(json!({"next": "done", "response": "bye"})).times(1),
        Rule::reply("```json\n{\"next\": \"done\"}\n```"),
    ]);
    let empty = ConversationHistory::default();
    let first = chat(&server, "planner", &empty, "hi").await.content();
    assert_eq!(first, r#"{"next":"done","response":"bye"}"#);
    let second = chat(&server, "planner", &empty, "hi").await.content();
    assert_eq!(second, "```json\n{\"next\": \"done\"}\n```");
}

#[tokio::test]
async fn times_limits_how_often_a_rule_answers() {
    let server = start().await;
    server.set_rules(vec![
        Rule::reply("first").times(2),
        Rule::reply("afterwards").times(1),
    ]);
    let empty = ConversationHistory::default();
    let mut replies = Vec::new();
    for _ in 0..3 {
        replies.push(chat(&server, "planner", &empty, "hi").await.content());
    }
    assert_eq!(replies, ["first", "first", "afterwards"]);

    // Every rule used up: scripted mode stays on and says so.
    let exhausted = chat(&server, "planner", &empty, "hi").await;
    assert_eq!(exhausted.status, 500);
}

#[tokio::test]
async fn no_matching_rule_is_a_500_with_an_openai_error() {
    let server = start().await;
    server.push_rule(Rule::reply("only validators").step(Step::Validator));
    let reply = chat(&server, "planner", &ConversationHistory::default(), "hi").await;
    assert_eq!(reply.status, 500);
    let error = &reply.json()["error"];
    assert_eq!(error["code"], "no_rule_matched");
    assert_eq!(error["type"], "server_error");
    assert!(error["message"].as_str().unwrap().contains("planner"));
    assert_eq!(server.requests()[0].answered_by, AnsweredBy::NoRuleMatched);
}

#[tokio::test]
async fn fallback_demo_answers_what_no_rule_covers() {
    let server = start_with(Config {
        rules: vec![Rule::reply("scripted validator").step(Step::Validator)],
        fallback: Fallback::Demo,
        ..Config::default()
    })
    .await;
    let empty = ConversationHistory::default();
    assert_eq!(
        chat(&server, "validator", &empty, "hi").await.content(),
        "scripted validator"
    );
    let data: PlannerDecision =
        plan(&server, &said("Austin in December"), "Austin in December").await;
    assert_eq!(data.tool.as_deref(), Some("FindEvents"));
    assert_eq!(server.requests()[1].answered_by, AnsweredBy::Demo);
}

#[tokio::test]
async fn a_rule_with_a_status_fails_with_it() {
    let server = start().await;
    server.set_rules(vec![
        Rule::fail(429).retry_after("7").times(1),
        Rule {
            reply: Some(json!("<html>bad gateway</html>")),
            ..Rule::fail(502)
        },
    ]);
    let empty = ConversationHistory::default();
    let limited = chat(&server, "planner", &empty, "hi").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "7");
    assert_eq!(limited.json()["error"]["code"], "rate_limit_exceeded");

    let gateway = chat(&server, "planner", &empty, "hi").await;
    assert_eq!(gateway.status, 502);
    assert_eq!(gateway.text, "<html>bad gateway</html>");
    assert!(gateway.headers.get("retry-after").is_none());
}

#[tokio::test]
async fn clearing_the_rules_returns_to_demo_mode() {
    let server = start().await;
    server.set_rules(vec![Rule::reply("scripted")]);
    let health = get(&format!("{}/health", server.root_url())).await.json();
    assert_eq!(health["mode"], "scripted");
    server.set_rules(Vec::new());
    let health = get(&format!("{}/health", server.root_url())).await.json();
    assert_eq!(health["mode"], "demo");
    plan(&server, &ConversationHistory::default(), "hi").await;
}
