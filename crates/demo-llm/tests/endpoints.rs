//! The non-chat endpoints, request validation, the admin API and the request log.

mod common;

use std::{net::SocketAddr, time::Duration};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use demo_llm::{AnsweredBy, AppState, Config, Step, router};
use models::ConversationHistory;
use serde_json::{Value, json};
use tower::ServiceExt;

#[tokio::test]
async fn models_and_health_describe_the_server() {
    let server = start_with(Config {
        models: vec!["demo-trip-agent".into(), "demo-large".into()],
        ..Config::default()
    })
    .await;
    assert!(server.base_url().ends_with("/v1"));
    assert_eq!(server.base_url(), format!("http://{}/v1", server.addr()));

    let models = get(&format!("{}/models", server.base_url())).await.json();
    assert_eq!(models["object"], "list");
    let ids: Vec<_> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    assert_eq!(ids, [json!("demo-trip-agent"), json!("demo-large")]);
    assert_eq!(models["data"][0]["object"], "model");

    let one = get(&format!("{}/models/demo-large", server.base_url())).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["id"], "demo-large");
    let missing = get(&format!("{}/models/gpt-9", server.base_url())).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["type"], "invalid_request_error");

    let health = get(&format!("{}/health", server.root_url())).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["mode"], "demo");

    let nowhere = get(&format!("{}/v2/everything", server.root_url())).await;
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.json()["error"]["message"].is_string());
}

#[tokio::test]
async fn completions_have_the_openai_shape_and_echo_the_model() {
    let server = start().await;
    let reply = chat(&server, "planner", &ConversationHistory::default(), "hi").await;
    let body = reply.json();
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(body["object"], "chat.completion");
    assert!(body["created"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(body["model"], "demo-trip-agent");
    assert_eq!(body["choices"][0]["index"], 0);
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let usage = &body["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
    // A request without a model gets the configured one.
    let reply = post_chat(
        &server,
        None,
        &json!({"messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(reply.json()["model"], "demo-trip-agent");
}

#[tokio::test]
async fn malformed_requests_get_400s_in_openai_shape() {
    let server = start().await;
    let cases = [
        (Some("planner"), json!("not an object"), None),
        (Some("planner"), json!({"messages": []}), Some("messages")),
        (
            Some("plan"),
            json!({"messages": [{"role": "user", "content": "hi"}]}),
            None,
        ),
    ];
    for (step, body, param) in cases {
        let reply = post_chat(&server, step, &body).await;
        assert_eq!(reply.status, 400, "{body}");
        let error = &reply.json()["error"];
        assert_eq!(error["type"], "invalid_request_error");
        assert_eq!(error["param"], json!(param));
        assert!(error["message"].as_str().unwrap().len() > 10);
    }
    let raw = reqwest::Client::new()
        .post(format!("{}/chat/completions", server.base_url()))
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let recorded = server.requests();
    assert_eq!(recorded.len(), 4);
    assert!(
        recorded
            .iter()
            .all(|r| matches!(r.answered_by, AnsweredBy::InvalidRequest { .. }))
    );
}

#[tokio::test]
async fn recording_notes_the_authorization_header_but_never_its_value() {
    let server = start().await;
    let secret = "sk-test-do-not-store-4242";
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", server.base_url()))
        .header("Authorization", format!("Bearer {secret}"))
        .header("X-Agent-Step", "validator")
        .json(&request_body(
            &ConversationHistory::default(),
            "Austin in December",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    post_chat(
        &server,
        Some("summary"),
        &request_body(&ConversationHistory::default(), "Summarize"),
    )
    .await;

    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    assert!(recorded[0].has_authorization);
    assert!(!recorded[1].has_authorization);
    assert_eq!(recorded[0].step, Step::Validator);
    assert_eq!(recorded[1].step, Step::Summary);
    assert_eq!(recorded[0].model.as_deref(), Some("demo-trip-agent"));
    assert_eq!(recorded[0].messages[1].content, "Austin in December");
    assert_eq!(recorded[0].status, 200);
    assert!(recorded[1].seq > recorded[0].seq);
    assert!(!format!("{recorded:?}").contains(secret));

    let over_http = get(&format!("{}/admin/requests", server.root_url())).await;
    assert!(!over_http.text.contains(secret));
    assert_eq!(over_http.json()[0]["has_authorization"], true);
}

#[tokio::test]
async fn admin_endpoints_round_trip() {
    let server = start().await;
    let admin = |path: &str| format!("{}/admin/{path}", server.root_url());
    let http = reqwest::Client::new();

    // Rules: replace, inspect, append; a bad rule is refused.
    let put = http
        .put(admin("rules"))
        .json(
            &json!({"rules": [{"step": "planner", "prompt_contains": "austin", "times": 1,
                                  "reply": {"next": "question", "response": "scripted"}}],
                      "fallback": "demo"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let view: Value = put.json().await.unwrap();
    assert_eq!(view["mode"], "scripted");
    assert_eq!(view["fallback"], "demo");
    assert_eq!(view["rules"][0]["remaining"], 1);
    let pushed = http
        .post(admin("rules"))
        .json(&json!({"reply": "second", "name": "extra"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pushed.json::<Value>().await.unwrap()["rules"][1]["name"],
        "extra"
    );
    let bad = http
        .put(admin("rules"))
        .json(&json!([{"step": "planner"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("reply or a status"));

    let empty = ConversationHistory::default();
    let scripted = chat(&server, "planner", &empty, "Austin").await.content();
    assert_eq!(scripted, r#"{"next":"question","response":"scripted"}"#);
    let rules: Value = http
        .get(admin("rules"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rules["rules"][0]["remaining"], 0);
    assert_eq!(rules["rules"][0]["used"], 1);

    // Faults: one or many; pending list; clear.
    let added = http
        .post(admin("faults"))
        .json(
            &json!([{"kind": "fail", "count": 1, "status": 429, "retry_after": "2"},
                      {"kind": "prose", "count": 1, "text": "hello there"}]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        added.json::<Value>().await.unwrap()["pending"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let limited = chat(&server, "planner", &empty, "hi").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "2");
    assert_eq!(
        chat(&server, "planner", &empty, "hi").await.content(),
        "hello there"
    );
    http.post(admin("faults"))
        .json(&json!({"kind": "fail", "count": 9}))
        .send()
        .await
        .unwrap();
    let cleared = http.delete(admin("faults")).send().await.unwrap();
    assert_eq!(cleared.status(), 204);
    assert_eq!(chat(&server, "planner", &empty, "hi").await.status, 200);
    let bad = http
        .post(admin("faults"))
        .json(&json!({"kind": "fail", "status": 200}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Latency.
    let set = http
        .post(admin("latency"))
        .json(&json!({"ms": 120}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.json::<Value>().await.unwrap()["ms"], 120);
    assert_eq!(server.state().latency().as_millis(), 120);
    http.post(admin("latency"))
        .json(&json!({"ms": 0}))
        .send()
        .await
        .unwrap();

    // The request log, then clearing it.
    let log: Vec<Value> = http
        .get(admin("requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(
        log[0]["answered_by"],
        json!({"by": "rule", "index": 0, "name": null})
    );
    assert_eq!(
        log[1]["answered_by"],
        json!({"by": "fail_fault", "status": 429})
    );
    assert_eq!(log[2]["answered_by"], json!({"by": "prose_fault"}));
    assert_eq!(
        log[3]["answered_by"],
        json!({"by": "rule", "index": 1, "name": "extra"})
    );
    let cleared: Value = http
        .delete(admin("requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["cleared"], 4);
    assert!(server.requests().is_empty());
}

fn admin_request(peer: Option<SocketAddr>, forwarded: bool) -> Request<Body> {
    let mut request = Request::get("/admin/requests");
    if forwarded {
        request = request.header("X-Forwarded-For", "203.0.113.9");
    }
    let mut request = request.body(Body::empty()).unwrap();
    if let Some(peer) = peer {
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    request
}

#[tokio::test]
async fn admin_answers_loopback_peers_only() {
    let app = router(AppState::new(&Config::default()));
    let status = |request: Request<Body>| {
        let app = app.clone();
        async move { app.oneshot(request).await.unwrap().status() }
    };
    let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
    let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
    let remote: SocketAddr = "198.51.100.7:5000".parse().unwrap();
    assert_eq!(
        status(admin_request(Some(local), false)).await,
        StatusCode::OK
    );
    assert_eq!(
        status(admin_request(Some(mapped), false)).await,
        StatusCode::OK
    );
    assert_eq!(
        status(admin_request(Some(remote), false)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(admin_request(Some(local), true)).await,
        StatusCode::FORBIDDEN
    );
    // Mounted without connection info, the peer is unknown: refused.
    assert_eq!(
        status(admin_request(None, false)).await,
        StatusCode::FORBIDDEN
    );
    // The chat endpoint itself is open to everyone.
    let chat = Request::post("/v1/chat/completions")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"messages": [{"role": "user", "content": "hi"}]}"#,
        ))
        .unwrap();
    assert_eq!(status(chat).await, StatusCode::OK);
}

#[tokio::test]
async fn shutdown_frees_the_port() {
    let server = start().await;
    let addr = server.addr();
    assert_eq!(get(&format!("http://{addr}/health")).await.status, 200);
    server.shutdown().await;
    assert!(reqwest::get(format!("http://{addr}/health")).await.is_err());

    let dropped = start().await;
    let addr = dropped.addr();
    drop(dropped);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(reqwest::get(format!("http://{addr}/health")).await.is_err());
}

/// The `data:` payloads of a server-sent response, in order.
fn sse_payloads(text: &str) -> Vec<String> {
    text.split("\n\n")
        .filter_map(|frame| frame.strip_prefix("data: "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_streamed_answer_comes_in_paced_chunks_that_join_to_the_whole_answer() {
    let interval = Duration::from_millis(20);
    let server = start_with(Config {
        token_interval: interval,
        ..Config::default()
    })
    .await;
    let whole = chat(&server, "planner", &ConversationHistory::default(), "hi")
        .await
        .content();

    let mut body = request_body(&ConversationHistory::default(), "hi");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let started = std::time::Instant::now();
    let reply = post_chat(&server, Some("planner"), &body).await;
    let took = started.elapsed();
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.headers["content-type"], "text/event-stream");

    let payloads = sse_payloads(&reply.text);
    assert_eq!(payloads.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = payloads[..payloads.len() - 1]
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    assert!(
        chunks
            .iter()
            .all(|c| c["object"] == "chat.completion.chunk")
    );
    let pieces: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert!(pieces.len() > 5, "the answer came in pieces: {pieces:?}");
    assert_eq!(pieces.concat(), whole, "joined, the pieces are the answer");
    // The pieces were paced, one interval apart.
    let minimum = interval * u32::try_from(pieces.len() - 1).unwrap();
    assert!(took >= minimum, "{took:?} < {minimum:?}");

    // The closing chunk says why it stopped; the last one carries the usage, no choices.
    let closing = chunks
        .iter()
        .find(|c| c["choices"][0]["finish_reason"] == "stop");
    assert!(closing.is_some());
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(chunks.last().unwrap()["choices"], json!([]));
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 0);
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );

    // Without include_usage there is no usage chunk.
    body["stream_options"] = json!(null);
    let plain = post_chat(&server, Some("planner"), &body).await;
    assert!(
        sse_payloads(&plain.text)
            .iter()
            .filter(|p| *p != "[DONE]")
            .all(|p| serde_json::from_str::<Value>(p).unwrap()["usage"].is_null())
    );
}
