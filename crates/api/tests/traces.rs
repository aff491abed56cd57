//! Traces end to end: the api and worker binaries export to an OTLP/HTTP receiver this test
//! runs, and one turn is one trace, from the HTTP request through the signal, the workflow's
//! turn and each activity to the model call, with no prompt text on any span; a worker
//! restarted mid-conversation replays the history without sending its spans again.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, body::Bytes, extract::State, routing};
use opentelemetry_proto::tonic::{
    collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse},
    common::v1::any_value::Value as AnyValue,
};
use prost::Message as _;
use serde_json::Value;
use testkit::{ApiProcess, Stack, demo_llm::LlmServer, wait_until};

/// One received span.
#[derive(Debug, Clone)]
struct Span {
    service: String,
    name: String,
    trace_id: Vec<u8>,
    span_id: Vec<u8>,
    parent_span_id: Vec<u8>,
    attributes: HashMap<String, String>,
}

type Received = Arc<Mutex<Vec<Span>>>;

/// An OTLP/HTTP trace receiver on loopback; returns its base URL.
async fn receiver(received: Received) -> String {
    async fn export(State(received): State<Received>, body: Bytes) -> Vec<u8> {
        let request = ExportTraceServiceRequest::decode(body).expect("an OTLP trace export");
        let mut spans = received.lock().unwrap();
        for resource in request.resource_spans {
            let service = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| text(kv.value.as_ref()?.value.as_ref()?))
                .unwrap_or_default();
            for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                spans.push(Span {
                    service: service.clone(),
                    name: span.name,
                    trace_id: span.trace_id,
                    span_id: span.span_id,
                    parent_span_id: span.parent_span_id,
                    attributes: span
                        .attributes
                        .into_iter()
                        .filter_map(|kv| Some((kv.key, text(kv.value?.value.as_ref()?)?)))
                        .collect(),
                });
            }
        }
        ExportTraceServiceResponse::default().encode_to_vec()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/v1/traces", routing::post(export))
        .with_state(received);
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn text(value: &AnyValue) -> Option<String> {
    match value {
        AnyValue::StringValue(s) => Some(s.clone()),
        AnyValue::IntValue(n) => Some(n.to_string()),
        AnyValue::BoolValue(b) => Some(b.to_string()),
        AnyValue::DoubleValue(d) => Some(d.to_string()),
        _ => None,
    }
}

async fn agent_messages(http: &reqwest::Client, base: &str, id: &str) -> usize {
    let history: Value = http
        .get(format!("{base}/get-conversation-history"))
        .query(&[("workflow_id", id)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or_default();
    history["messages"]
        .as_array()
        .map_or(0, |m| m.iter().filter(|m| m["actor"] == "agent").count())
}

async fn until_agent_messages(http: &reqwest::Client, base: &str, id: &str, count: usize) {
    wait_until("the agent's reply", Duration::from_secs(60), || async {
        let seen = agent_messages(http, base, id).await;
        (
            (seen >= count).then_some(()),
            format!("{seen} agent messages"),
        )
    })
    .await;
}

async fn post(http: &reqwest::Client, base: &str, path: &str, query: &[(&str, &str)]) {
    http.post(format!("{base}{path}"))
        .query(query)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// The spans received so far.
fn spans(received: &Received) -> Vec<Span> {
    received.lock().unwrap().clone()
}

/// Waits for a span called `name` whose trace holds every one of `with`; returns that trace.
async fn trace_of(received: &Received, name: &str, with: &[&str]) -> Vec<Span> {
    let mut found = Vec::new();
    wait_until(
        &format!("the trace of {name}"),
        Duration::from_secs(60),
        || {
            let all = spans(received);
            let result = all
                .iter()
                .filter(|span| span.name == name)
                .map(|root| {
                    all.iter()
                        .filter(|s| s.trace_id == root.trace_id)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .find(|trace| with.iter().all(|w| trace.iter().any(|s| s.name == *w)));
            let summary = format!(
                "{} spans: {:?}",
                all.len(),
                all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>()
            );
            if let Some(trace) = &result {
                found = trace.clone();
            }
            async move { (result.map(|_| ()), summary) }
        },
    )
    .await;
    found
}

fn named<'a>(trace: &'a [Span], name: &str) -> &'a Span {
    trace
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name} span"))
}

fn parent_of<'a>(trace: &'a [Span], span: &Span) -> &'a Span {
    trace
        .iter()
        .find(|s| s.span_id == span.parent_span_id)
        .unwrap_or_else(|| panic!("the parent of {} is not in its trace", span.name))
}

#[tokio::test]
async fn a_turn_is_one_trace_from_the_request_to_the_model_call() {
    let received = Received::default();
    let endpoint = receiver(received.clone()).await;
    let llm = LlmServer::start(Default::default()).await.unwrap();
    let otel = [("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str())];
    let mut stack = Stack::start("api-traces", llm, &otel).await;
    let api = ApiProcess::start(&stack.address, &stack.task_queue, &otel)
        .await
        .unwrap();
    let base = api.base_url();
    let http = reqwest::Client::new();
    let id = "api-traces-chat";
    let prompt = "Austin in December";

    post(&http, &base, "/start-workflow", &[("workflow_id", id)]).await;
    until_agent_messages(&http, &base, id, 1).await;
    post(
        &http,
        &base,
        "/send-prompt",
        &[("workflow_id", id), ("prompt", prompt)],
    )
    .await;
    until_agent_messages(&http, &base, id, 2).await;

    let model_span = "chat demo/trip-agent";
    let trace = trace_of(
        &received,
        "POST /send-prompt",
        &[
            "SignalWithStartWorkflow:AgentGoalWorkflow",
            "HandleSignal:user_prompt",
            "RunActivity:agent_toolPlanner",
            "RunActivity:agent_validatePrompt",
            model_span,
        ],
    )
    .await;
    // The links: request -> signal -> the workflow's handler -> scheduling the planner ->
    // running it -> the model call.
    let request = named(&trace, "POST /send-prompt");
    assert_eq!(request.service, "agent-api");
    assert!(
        request.parent_span_id.is_empty(),
        "the request starts the trace"
    );
    let signal = named(&trace, "SignalWithStartWorkflow:AgentGoalWorkflow");
    assert_eq!(parent_of(&trace, signal).name, request.name);
    let handler = named(&trace, "HandleSignal:user_prompt");
    assert_eq!(handler.service, "agent-worker");
    assert_eq!(parent_of(&trace, handler).name, signal.name);
    let planner = named(&trace, "RunActivity:agent_toolPlanner");
    let scheduled = parent_of(&trace, planner);
    assert_eq!(scheduled.name, "StartActivity:agent_toolPlanner");
    assert_eq!(parent_of(&trace, scheduled).name, handler.name);
    let call = trace
        .iter()
        .find(|s| s.name == model_span && parent_of(&trace, s).name == planner.name)
        .expect("the planner's model call");
    assert_eq!(call.attributes["gen_ai.request.model"], "demo/trip-agent");
    assert_eq!(call.attributes["agent.step"], "planner");
    for attribute in [
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "agent.latency_ms",
    ] {
        assert!(
            call.attributes.contains_key(attribute),
            "{attribute}: {call:?}"
        );
    }
    // No span carries the prompt's text unless OTEL_RECORD_PROMPTS says so.
    for span in spans(&received) {
        for (key, value) in &span.attributes {
            assert!(!value.contains(prompt), "{} {key}={value}", span.name);
        }
    }

    // A new worker replays the conversation for the next turn: the old turn's spans are
    // not sent again, and the new turn is a trace of its own.
    stack.restart_worker(&otel).await;
    post(
        &http,
        &base,
        "/send-prompt",
        &[("workflow_id", id), ("prompt", "Denver in March")],
    )
    .await;
    until_agent_messages(&http, &base, id, 3).await;
    trace_of(
        &received,
        "POST /send-prompt",
        &["HandleSignal:user_prompt", "RunActivity:agent_toolPlanner"],
    )
    .await;
    wait_until("both turns' traces", Duration::from_secs(30), || {
        let all = spans(&received);
        let turns = all
            .iter()
            .filter(|s| s.name == "HandleSignal:user_prompt")
            .count();
        async move {
            (
                (turns >= 2).then_some(()),
                format!("{turns} signal handlers"),
            )
        }
    })
    .await;
    // Give a late export from the replaying worker the chance to arrive, then count.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let all = spans(&received);
    let mut ids: Vec<_> = all.iter().map(|s| (&s.trace_id, &s.span_id)).collect();
    ids.sort();
    let total = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), total, "a span was sent twice");
    let handlers = all
        .iter()
        .filter(|s| s.name == "HandleSignal:user_prompt")
        .count();
    assert_eq!(
        handlers, 2,
        "one handler span per prompt, none from the replay"
    );
    let requests: Vec<_> = all
        .iter()
        .filter(|s| s.name == "POST /send-prompt")
        .map(|s| &s.trace_id)
        .collect();
    assert_eq!(requests.len(), 2);
    assert_ne!(requests[0], requests[1], "each turn is its own trace");
}
