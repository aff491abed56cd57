//! Failure drills: the things users break first, done for real.
//!
//! Real dev server (restarted on its database file in one drill), the real worker binary
//! (killed with SIGKILL, restarted with another model), our LLM server injecting HTTP
//! faults, a loopback Stripe holding a response while the worker dies. Each test is one row
//! of the README's "What survives what" table.

use std::time::{Duration, SystemTime};

use fakes::FakeStripe;
use models::{Actor, ConversationHistory, NextStep, PlannerDecision};
use serde_json::{Value, json};
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use testkit::{
    Conversation, DevServer, DevServerOptions, Stack, actors, assert_conversation_replays,
    demo_llm::{Config, Fault, LlmServer, Rule, Step},
    prompt_of,
};

const STARTER: &str = "### greet the user";

/// Drills let Temporal retry as in production (10 attempts), only with short waits.
const RETRIES: &[(&str, &str)] = &[
    ("LLM_RETRY_MAX_ATTEMPTS", "10"),
    ("LLM_RETRY_INITIAL_INTERVAL_MS", "200"),
    ("LLM_RETRY_MAX_INTERVAL_MS", "1000"),
];

fn greeting() -> Rule {
    Rule::reply(json!({"next": "question", "response": "Hello! Where would you like to go?"}))
        .step(Step::Planner)
        .prompt_contains(STARTER)
}

fn accept_everything() -> Rule {
    Rule::reply(json!({"validationResult": true, "validationFailedReason": {}}))
        .step(Step::Validator)
}

fn answer(prompt: &str, response: &str) -> Rule {
    Rule::reply(json!({"next": "question", "response": response}))
        .step(Step::Planner)
        .prompt_contains(prompt)
}

fn last_agent(history: &ConversationHistory) -> PlannerDecision {
    let message = history
        .messages
        .iter()
        .rev()
        .find(|m| m.actor == Actor::Agent)
        .unwrap();
    serde_json::from_value(message.response.clone()).unwrap()
}

fn planner_calls_for(stack: &Stack, prompt: &str) -> Vec<testkit::demo_llm::RecordedRequest> {
    stack
        .llm_calls(Step::Planner)
        .into_iter()
        .filter(|c| prompt_of(c) == prompt)
        .collect()
}

/// The attempt numbers Temporal recorded for the run's planner activities.
async fn planner_attempts(chat: &Conversation) -> Vec<u32> {
    let events = chat.events(None).await.unwrap();
    let planner_ids: Vec<i64> = events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a))
                if a.activity_type
                    .as_ref()
                    .is_some_and(|t| t.name == "agent_toolPlanner") =>
            {
                Some(e.event_id)
            }
            _ => None,
        })
        .collect();
    events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a))
                if planner_ids.contains(&a.scheduled_event_id) =>
            {
                Some(a.attempt as u32)
            }
            _ => None,
        })
        .collect()
}

/// The demo agent's trip, in steps, so a drill can break things between them.
mod trip {
    use super::*;

    /// Greeting, the events request and its confirm.
    pub async fn confirm_events(chat: &Conversation) {
        chat.wait_for_count(Actor::Agent, 1).await;
        chat.send("I'd like to go to Austin in December").await;
        chat.wait_for_count(Actor::Agent, 2).await;
        chat.confirm().await;
    }

    /// The events reply, the flight search and the invoice proposal.
    pub async fn propose_invoice(chat: &Conversation) {
        chat.wait_for_within("the events reply", Duration::from_secs(90), |h| {
            h.messages
                .iter()
                .filter(|m| m.actor == Actor::Agent)
                .count()
                >= 3
        })
        .await;
        chat.send("I'll fly from Chicago").await;
        chat.wait_for_count(Actor::Agent, 4).await;
        chat.confirm().await;
        chat.wait_for_count(Actor::Agent, 5).await;
        chat.send("Yes, invoice the cheapest flight").await;
        chat.wait_for_count(Actor::Agent, 6).await;
    }

    pub async fn whole(chat: &Conversation) {
        confirm_events(chat).await;
        propose_invoice(chat).await;
        chat.confirm().await;
    }
}

/// The transcript with this conversation's invoice link and reference blanked out, so two
/// conversations can be compared.
fn normalized(history: &ConversationHistory) -> Value {
    let mut text = serde_json::to_string(history).unwrap();
    if let Some(invoice) = history
        .messages
        .iter()
        .find(|m| m.actor == Actor::ToolResult && m.response["tool"] == "CreateInvoice")
    {
        for key in ["invoiceURL", "reference"] {
            if let Some(value) = invoice.response[key].as_str() {
                text = text.replace(value, &format!("<{key}>"));
            }
        }
    }
    // Live reply ids start with the run's id: `<run>/<n>`.
    let runs: std::collections::BTreeSet<&str> = history
        .messages
        .iter()
        .filter_map(|m| m.response["reply_id"].as_str())
        .filter_map(|id| id.split_once('/').map(|(run, _)| run))
        .collect();
    for run in runs {
        text = text.replace(run, "<run>");
    }
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn killed_worker_mid_llm_call_and_mid_tool_finishes_the_same_with_one_invoice() {
    let stripe = FakeStripe::start("sk_test_drill").await.unwrap();
    let llm = LlmServer::start(Config::default()).await.unwrap();
    let mut env = RETRIES.to_vec();
    env.extend([
        ("STRIPE_API_KEY", "sk_test_drill"),
        ("STRIPE_BASE_URL", stripe.base_url()),
    ]);
    let mut stack = Stack::start("kill-worker", llm, &env).await;

    // An undisturbed trip, for comparison.
    let calm = stack.conversation("calm", &[STARTER]).await;
    trip::whole(&calm).await;
    let calm_result = calm.result().await.unwrap();
    assert_eq!(stripe.counters().invoices_created, 1);

    // The same trip, with the worker killed twice.
    let chat = stack.conversation("disturbed", &[STARTER]).await;
    // 1. The planner call after FindEvents takes 4 s: the worker dies during it.
    stack.llm.set_latency(Duration::from_secs(4));
    trip::confirm_events(&chat).await;
    chat.wait_for_count(Actor::ToolResult, 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stack.worker.kill().await;
    stack.llm.set_latency(Duration::ZERO);
    stack.restart_worker(&[]).await;

    // 2. Stripe finalizes the invoice, but its answer never reaches the worker.
    trip::propose_invoice(&chat).await;
    stripe.hold_responses_at("/finalize", Duration::from_secs(3));
    chat.confirm().await;
    testkit::wait_until(
        "Stripe holding the finalize answer",
        Duration::from_secs(30),
        || async {
            (
                (stripe.held() == 1).then_some(()),
                format!("{} answers held", stripe.held()),
            )
        },
    )
    .await;
    stack.worker.kill().await;
    stripe.hold_responses_at("/none", Duration::ZERO);
    stack.restart_worker(&[]).await;

    let result = tokio::time::timeout(Duration::from_secs(120), chat.result())
        .await
        .expect("the disturbed trip completes")
        .unwrap();

    assert_eq!(normalized(&result), normalized(&calm_result));
    assert_eq!(last_agent(&result).next, NextStep::Done);
    let counters = stripe.counters();
    assert_eq!(counters.invoices_created, 2, "one invoice per conversation");
    assert_eq!(counters.invoices_finalized, 2);
    assert!(
        stripe
            .requests()
            .iter()
            .any(|r| r.replayed && r.path.ends_with("/finalize")),
        "the retried tool replayed Stripe's stored answer"
    );
    assert_conversation_replays("killed_worker", &chat).await;
}

/// What Temporal knows of a running planner call, `elapsed` after it started.
#[derive(Debug)]
struct PendingPlanner {
    elapsed: Duration,
    /// When the last heartbeat arrived, counted from the call's start.
    last_heartbeat: Option<Duration>,
}

async fn pending_planner(chat: &Conversation) -> Option<PendingPlanner> {
    let description = chat
        .handle()
        .describe(temporalio_client::WorkflowDescribeOptions::default())
        .await
        .ok()?;
    let pending = description.raw().pending_activities.iter().find(|a| {
        a.activity_type
            .as_ref()
            .is_some_and(|t| t.name == "agent_toolPlanner")
    })?;
    let started = SystemTime::try_from(pending.last_started_time?).ok()?;
    let last_heartbeat = pending
        .last_heartbeat_time
        .and_then(|t| SystemTime::try_from(t).ok());
    Some(PendingPlanner {
        elapsed: SystemTime::now()
            .duration_since(started)
            .unwrap_or_default(),
        last_heartbeat: last_heartbeat.map(|t| t.duration_since(started).unwrap_or_default()),
    })
}

#[tokio::test]
async fn a_slow_model_call_heartbeats_after_two_seconds_not_at_once() {
    let llm = LlmServer::start(Config::default()).await.unwrap();
    let stack = Stack::start("heartbeat", llm, RETRIES).await;
    stack.llm.set_latency(Duration::from_secs(5));
    let chat = stack.conversation("slow-model", &[STARTER]).await;

    // Watch the greeting's planner call while the model takes its five seconds.
    let mut samples = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !chat.history().await.is_ok_and(|h| !h.messages.is_empty()) {
        assert!(
            std::time::Instant::now() < deadline,
            "no greeting: {samples:?}"
        );
        if let Some(sample) = pending_planner(&chat).await {
            samples.push(sample);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A heartbeat at once would cost every call a round trip and a server write.
    let early: Vec<&PendingPlanner> = samples
        .iter()
        .filter(|s| s.elapsed < Duration::from_millis(1500))
        .collect();
    assert!(
        !early.is_empty(),
        "the call was never seen early: {samples:?}"
    );
    assert!(
        early.iter().all(|s| s.last_heartbeat.is_none()),
        "a heartbeat went out in the call's first 1.5 s: {samples:?}"
    );
    // A lost worker must still be noticed within the heartbeat timeout.
    assert!(
        samples
            .iter()
            .any(|s| s.last_heartbeat.is_some() && s.elapsed < Duration::from_millis(4500)),
        "no heartbeat by 4.5 s into the call: {samples:?}"
    );
}

#[tokio::test]
async fn restarted_temporal_server_on_the_same_database_continues_the_conversation() {
    let db = std::env::temp_dir().join(format!("agent-drill-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let mut server = DevServer::start_with(DevServerOptions {
        db_file: Some(db.clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    let llm = LlmServer::start(Config::default()).await.unwrap();
    let stack = Stack::start_on("restart-server", &server.address(), llm, RETRIES).await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    chat.send("Austin in December").await;
    chat.wait_for_count(Actor::Agent, 2).await;

    // Down while the planner's next call is in flight, then back on the same file.
    stack.llm.set_latency(Duration::from_secs(2));
    chat.confirm().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    server.stop().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.restart().await.unwrap();
    stack.llm.set_latency(Duration::ZERO);

    let chat = Conversation {
        client: testkit::client_for(&server.address()).await.unwrap(),
        id: chat.id.clone(),
        first_run_id: chat.first_run_id.clone(),
    };
    let history = chat
        .wait_for_within(
            "the events reply after the restart",
            Duration::from_secs(90),
            |h| {
                h.messages
                    .iter()
                    .filter(|m| m.actor == Actor::Agent)
                    .count()
                    >= 3
            },
        )
        .await;
    use Actor::*;
    assert_eq!(
        actors(&history),
        [Agent, User, Agent, UserConfirmedToolRun, ToolResult, Agent]
    );
    chat.send("I'll fly from Chicago").await;
    let history = chat.wait_for_count(Actor::Agent, 4).await;
    assert_eq!(last_agent(&history).tool.as_deref(), Some("SearchFlights"));
    drop(stack);
    server.stop().await;
    let _ = std::fs::remove_file(&db);
}

#[tokio::test]
async fn llm_500s_are_retried_by_temporal_until_the_turn_completes() {
    let stack = Stack::scripted(
        "llm-500",
        vec![
            greeting(),
            accept_everything(),
            answer("hello there", "Hi! Which city?"),
        ],
        RETRIES,
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;

    stack.llm.inject(Fault::fail(3, 500).on_step(Step::Planner));
    chat.send("hello there").await;
    let history = chat.wait_for_count(Actor::Agent, 2).await;

    assert_eq!(last_agent(&history).response, "Hi! Which city?");
    let calls = planner_calls_for(&stack, "hello there");
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        [500, 500, 500, 200]
    );
    // The retries are Temporal's, visible in the workflow history.
    assert_eq!(planner_attempts(&chat).await, [1, 4]);
}

#[tokio::test]
async fn rate_limit_waits_for_retry_after_before_the_next_attempt() {
    let stack = Stack::scripted(
        "llm-429",
        vec![
            greeting(),
            accept_everything(),
            answer("hello there", "Hi! Which city?"),
        ],
        RETRIES,
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;

    stack
        .llm
        .inject(Fault::fail(1, 429).retry_after("2").on_step(Step::Planner));
    chat.send("hello there").await;
    chat.wait_for_count(Actor::Agent, 2).await;

    let calls = planner_calls_for(&stack, "hello there");
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        [429, 200]
    );
    let waited = calls[1].received_at - calls[0].received_at;
    assert!(
        waited.num_milliseconds() >= 2000,
        "the retry came {waited} after the 429, before Retry-After's 2 s"
    );
}

#[tokio::test]
async fn rejected_api_key_is_not_retried_and_the_user_is_told() {
    let stack = Stack::scripted(
        "llm-401",
        vec![
            greeting(),
            accept_everything(),
            answer("hello there", "never sent"),
            answer("second try", "Hi again! Which city?"),
        ],
        RETRIES,
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;

    stack.llm.inject(Fault::fail(1, 401).on_step(Step::Planner));
    chat.send("hello there").await;
    let history = chat.wait_for_count(Actor::Agent, 2).await;

    let told = last_agent(&history);
    assert_eq!(told.next, NextStep::Question);
    assert!(told.response.contains("API key"), "{}", told.response);
    assert!(told.response.contains("LLM_KEY"), "{}", told.response);
    assert_eq!(
        planner_calls_for(&stack, "hello there").len(),
        1,
        "no retries"
    );
    assert_eq!(planner_attempts(&chat).await, [1, 1]);

    // The key is fixed (the fault is spent); the conversation carries on.
    chat.send("second try").await;
    let history = chat.wait_for_count(Actor::Agent, 3).await;
    assert_eq!(last_agent(&history).response, "Hi again! Which city?");
}

#[tokio::test]
async fn prose_answers_are_retried_until_the_model_sends_json() {
    let stack = Stack::scripted(
        "llm-prose",
        vec![
            greeting(),
            accept_everything(),
            answer("hello there", "Hi! Which city?"),
        ],
        RETRIES,
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;

    stack.llm.inject(
        Fault::prose(
            2,
            "Sure! I would suggest asking the user where they want to go.",
        )
        .on_step(Step::Planner),
    );
    chat.send("hello there").await;
    let history = chat.wait_for_count(Actor::Agent, 2).await;

    assert_eq!(last_agent(&history).response, "Hi! Which city?");
    assert_eq!(planner_calls_for(&stack, "hello there").len(), 3);
}

#[tokio::test]
async fn a_model_that_never_sends_json_gets_a_clear_message_after_bounded_retries() {
    let stack = Stack::scripted(
        "llm-prose-forever",
        vec![
            greeting(),
            accept_everything(),
            answer("hello there", "never used"),
            answer("again", "Back on track."),
        ],
        RETRIES,
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;

    stack
        .llm
        .inject(Fault::prose(3, "I am not in the mood for JSON.").on_step(Step::Planner));
    chat.send("hello there").await;
    let history = chat.wait_for_count(Actor::Agent, 2).await;

    assert!(
        last_agent(&history).response.contains("could not use"),
        "{}",
        last_agent(&history).response
    );
    assert_eq!(
        planner_calls_for(&stack, "hello there").len(),
        3,
        "LLM_MAX_INVALID_ANSWERS"
    );
    chat.send("again").await;
    let history = chat.wait_for_count(Actor::Agent, 3).await;
    assert_eq!(last_agent(&history).response, "Back on track.");
}

#[tokio::test]
async fn swapped_model_answers_the_next_turn_with_the_full_history() {
    let mut stack = Stack::scripted(
        "swap-model",
        vec![
            greeting(),
            accept_everything(),
            answer("Austin in December", "Austin it is. Anything else?"),
        ],
        RETRIES,
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    chat.send("Austin in December").await;
    chat.wait_for_count(Actor::Agent, 2).await;

    let other = LlmServer::start(Config {
        rules: vec![
            accept_everything(),
            answer("what did I ask for?", "You asked about Austin in December."),
        ],
        ..Config::default()
    })
    .await
    .unwrap();
    let other_url = other.base_url();
    stack
        .restart_worker(&[
            ("LLM_BASE_URL", other_url.as_str()),
            ("LLM_MODEL", "demo/another-model"),
        ])
        .await;
    let calls_before = stack.llm.requests().len();

    chat.send("what did I ask for?").await;
    let history = chat.wait_for_count(Actor::Agent, 3).await;

    assert_eq!(
        last_agent(&history).response,
        "You asked about Austin in December."
    );
    assert_eq!(
        stack.llm.requests().len(),
        calls_before,
        "the old model is not called again"
    );
    let call = other
        .requests()
        .into_iter()
        .find(|c| c.step == Step::Planner)
        .expect("the new model planned the turn");
    assert_eq!(call.model.as_deref(), Some("another-model"));
    let system = &call.messages[0].content;
    for earlier in [
        "Hello! Where would you like to go?",
        "Austin in December",
        "Austin it is. Anything else?",
    ] {
        assert!(system.contains(earlier), "the new model sees {earlier:?}");
    }
    assert_conversation_replays("swapped_model", &chat).await;
}

#[tokio::test]
async fn unconfirmed_proposal_expires_runs_nothing_and_the_chat_goes_on() {
    let stack = Stack::scripted(
        "confirm-timeout",
        vec![
            greeting(),
            accept_everything(),
            Rule::reply(json!({"next": "confirm", "tool": "FindEvents", "args": {"city": "Austin", "month": "December"}, "response": "Shall I search Austin in December?"}))
                .step(Step::Planner)
                .prompt_contains("Austin in December"),
            answer("still there?", "Yes! Want me to search again?"),
        ],
        &[("CONFIRM_TIMEOUT_SECS", "2")],
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    chat.send("Austin in December").await;
    chat.wait_for_count(Actor::Agent, 2).await;

    let history = chat.wait_for_count(Actor::Agent, 3).await;
    let expired = last_agent(&history);
    assert_eq!(expired.next, NextStep::Question);
    assert!(
        expired.response.contains("FindEvents"),
        "{}",
        expired.response
    );
    assert!(expired.response.contains("expired"), "{}", expired.response);
    assert!(
        history
            .messages
            .iter()
            .all(|m| m.actor != Actor::ToolResult)
    );

    let late = chat.confirm_and_wait().await;
    assert!(!late.confirmed, "an expired proposal cannot be confirmed");
    chat.send("still there?").await;
    let history = chat.wait_for_count(Actor::Agent, 4).await;
    assert_eq!(
        last_agent(&history).response,
        "Yes! Want me to search again?"
    );
    assert!(
        history
            .messages
            .iter()
            .all(|m| m.actor != Actor::ToolResult)
    );
    assert_conversation_replays("confirm_timeout", &chat).await;
}

#[tokio::test]
async fn confirm_update_reports_whether_a_proposal_was_waiting() {
    let stack = Stack::scripted(
        "confirm-update",
        vec![
            greeting(),
            accept_everything(),
            Rule::reply(json!({"next": "confirm", "tool": "FindEvents", "args": {"city": "Austin", "month": "December"}, "response": "Search?"}))
                .step(Step::Planner)
                .prompt_contains("Austin in December"),
            answer("tool_completed tool=FindEvents", "Found them."),
        ],
        &[],
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    assert!(
        !chat.confirm_and_wait().await.confirmed,
        "nothing to confirm yet"
    );
    chat.send("Austin in December").await;
    chat.wait_for_count(Actor::Agent, 2).await;

    let outcome = chat.confirm_and_wait().await;
    assert!(outcome.confirmed);
    assert_eq!(outcome.tool.as_deref(), Some("FindEvents"));
    assert!(
        !chat.confirm_and_wait().await.confirmed,
        "a second confirm finds nothing"
    );
    chat.wait_for_count(Actor::ToolResult, 1).await;
}

#[tokio::test]
async fn server_suggested_continue_as_new_happens_before_the_turn_limit() {
    let server = DevServer::start_with(DevServerOptions {
        dynamic_config: vec![(
            "limit.historyCount.suggestContinueAsNew".into(),
            "20".into(),
        )],
        ..Default::default()
    })
    .await
    .unwrap();
    let llm = LlmServer::start(Config {
        rules: vec![
            greeting(),
            accept_everything(),
            Rule::reply("The user is chatting; nothing booked.").step(Step::Summary),
            Rule::reply(json!({"next": "question", "response": "Noted."})).step(Step::Planner),
        ],
        ..Config::default()
    })
    .await
    .unwrap();
    let stack = Stack::start_on("suggested-can", &server.address(), llm, &[]).await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    // The greeting turn alone (goal, planner, validator, summary) can reach the suggestion.
    let first = chat
        .wait_for("the greeting or a summary", |h| {
            h.messages
                .iter()
                .any(|m| m.actor == Actor::Agent || m.actor == Actor::ConversationSummary)
        })
        .await;
    if first.messages[0].actor == Actor::ConversationSummary {
        assert!(!stack.llm_calls(Step::Summary).is_empty());
        return;
    }
    for turn in 0..6 {
        chat.send(&format!("message {turn}")).await;
        let history = chat
            .wait_for(&format!("reply {turn}"), |h| {
                h.messages.last().is_some_and(|m| m.actor == Actor::Agent)
                    && h.messages
                        .iter()
                        .any(|m| m.response == format!("message {turn}"))
                    || h.messages
                        .first()
                        .is_some_and(|m| m.actor == Actor::ConversationSummary)
            })
            .await;
        if history.messages[0].actor == Actor::ConversationSummary {
            assert!(history.len() < 250);
            assert!(!stack.llm_calls(Step::Summary).is_empty());
            return;
        }
    }
    panic!("the server's suggestion never led to continue-as-new");
}

#[tokio::test]
async fn llm_inputs_carry_only_a_bounded_window_of_history() {
    let stack = Stack::scripted(
        "bounded-window",
        vec![
            greeting(),
            accept_everything(),
            Rule::reply(json!({"next": "question", "response": "Noted."})).step(Step::Planner),
        ],
        &[("AGENT_HISTORY_WINDOW", "4")],
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;
    chat.wait_for_count(Actor::Agent, 1).await;
    for turn in 0..5 {
        chat.send(&format!("message {turn}")).await;
        chat.wait_for_count(Actor::Agent, turn + 2).await;
    }
    let last_call = stack.llm_calls(Step::Planner).pop().unwrap();
    let system = &last_call.messages[0].content;
    let start = system.find("<conversation_history>\n").unwrap() + "<conversation_history>\n".len();
    let end = system.find("\n</conversation_history>").unwrap();
    let window: ConversationHistory = serde_json::from_str(&system[start..end]).unwrap();
    assert_eq!(window.len(), 4, "{window:?}");
    assert_eq!(window.messages[3].response, "message 4");
    assert_eq!(
        chat.history().await.unwrap().len(),
        11,
        "the workflow keeps everything"
    );
}
