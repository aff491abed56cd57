//! The email assistant through the api: a real Temporal dev server, the real worker binary
//! with a scripted LLM and the keyless outbox, the api in-process, driven over HTTP. Covers
//! every endpoint's answer and every error rule (400, 404, 409, 413, 503).

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{AppOptions, TestApp};
use testkit::{
    DevServer, Stack,
    demo_llm::{Rule, Step},
    free_port, wait_until,
};

/// The scripted assistant: one request writes and schedules an email an hour ahead.
fn compose_rule() -> Rule {
    Rule::reply(json!({
        "recipient": "ana@example.com",
        "subject": "Lunch on Friday",
        "body": "Hi Ana,\n\nLunch on Friday?\n\nBest,\nBo",
        "send_time": "in 1 hour",
        "cancel": false,
        "response": "Here is your email to Ana."
    }))
    .step(Step::Email)
    .prompt_contains("lunch")
}

/// A worker serving emails, writing to its own outbox.
async fn email_stack(name: &str, outbox: &tempfile::TempDir) -> Stack {
    let dir = outbox.path().display().to_string();
    Stack::scripted(
        name,
        vec![compose_rule()],
        &[("EMAIL_OUTBOX_DIR", dir.as_str())],
    )
    .await
}

/// Polls `/email/describe` until `done` holds for the email.
async fn wait_for_email(
    app: &TestApp,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    wait_until(what, Duration::from_secs(60), || async {
        let (status, body) = app.get("/email/describe", &[("workflow_id", id)]).await;
        if status == StatusCode::OK && done(&body) {
            (Some(body), String::new())
        } else {
            (None, format!("{status}: {body}"))
        }
    })
    .await
}

fn detail(body: &Value) -> &str {
    body["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("an error body: {body}"))
}

/// A script starts an email and sends its request in the next breath, before the worker has
/// checked how email is delivered: the request is taken and the email gets scheduled.
#[tokio::test]
async fn a_request_right_after_the_start_is_taken() {
    let outbox = tempfile::tempdir().unwrap();
    let stack = email_stack("api-email-at-once", &outbox).await;
    let app = TestApp::for_stack(&stack).await;
    for round in 0..3 {
        let (status, started) = app.post_json("/email/start", &[], &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        let id = started["workflow_id"].as_str().unwrap().to_owned();
        let (status, requested) = app
            .post_json(
                "/email/request",
                &[("workflow_id", &id)],
                &json!({"text": "write to ana@example.com about lunch, send it in an hour"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "round {round}: {requested}");
        assert!(
            ["processing", "scheduled"].contains(&requested["status"].as_str().unwrap()),
            "{requested}"
        );
        let scheduled = wait_for_email(&app, &id, "the scheduled email", |e| {
            e["status"] == "scheduled"
        })
        .await;
        assert_eq!(scheduled["recipient"], "ana@example.com");
        app.post_json("/email/cancel", &[("workflow_id", &id)], &json!({}))
            .await;
    }
}

#[tokio::test]
async fn an_email_is_started_drafted_requested_followed_and_canceled() {
    let outbox = tempfile::tempdir().unwrap();
    let stack = email_stack("api-email-flow", &outbox).await;
    let app = TestApp::for_stack(&stack).await;

    let (status, started) = app
        .post_json("/email/start", &[], &json!({"time_zone": "Europe/Berlin"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let id = started["workflow_id"].as_str().expect("an id").to_owned();
    assert!(id.starts_with("email-"), "{started}");
    assert_eq!(started["time_zone"], "Europe/Berlin");
    assert!(
        ["initialized", "waiting"].contains(&started["status"].as_str().unwrap()),
        "{started}"
    );
    let waiting = wait_for_email(&app, &id, "the email to wait for a request", |e| {
        e["status"] == "waiting"
    })
    .await;
    assert_eq!(waiting["setup"]["channel"], "outbox", "{waiting}");

    // The draft is saved as typed and read back.
    let (status, saved) = app
        .post_json(
            "/email/save-draft",
            &[("workflow_id", &id)],
            &json!({"text": "write to ana about lü"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved, json!({"saved": true, "bytes": 22}));
    let (_, view) = app.get("/email/describe", &[("workflow_id", &id)]).await;
    assert_eq!(view["draft"], "write to ana about lü");

    let mut events = app.event_stream("/email/events", &id).await;
    let first = events
        .wait_for("the email on connect", Duration::from_secs(30), |e| {
            e.event == "email"
        })
        .await;
    assert_eq!(first.data["workflow_id"], id.as_str());

    let (status, requested) = app
        .post_json(
            "/email/request",
            &[("workflow_id", &id)],
            &json!({"text": "  write to ana@example.com about lunch, send it in an hour "}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{requested}");
    assert_eq!(
        requested["request"],
        "write to ana@example.com about lunch, send it in an hour"
    );
    assert_eq!(requested["draft"], "", "sending a request clears the draft");

    let scheduled = events
        .wait_for("the scheduled email", Duration::from_secs(60), |e| {
            e.event == "email" && e.data["status"] == "scheduled"
        })
        .await
        .data;
    assert_eq!(scheduled["recipient"], "ana@example.com");
    assert_eq!(scheduled["subject"], "Lunch on Friday");
    let reply = scheduled["reply"].as_str().unwrap();
    assert!(reply.starts_with("Here is your email"), "{reply}");
    let at = scheduled["scheduled_at"].as_i64().expect("a send time");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (at - now - 3600).abs() < 120,
        "about an hour ahead: {at} vs {now}"
    );

    // Starting it again changes nothing.
    let (status, again) = app
        .post_json("/email/start", &[("workflow_id", &id)], &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "scheduled", "{again}");
    assert_eq!(again["scheduled_at"], at);

    let (status, canceled) = app.post("/email/cancel", &[("workflow_id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{canceled}");
    assert_eq!(canceled["status"], "canceled", "{canceled}");
    events
        .wait_for("the finished status", Duration::from_secs(30), |e| {
            e.event == "status" && e.data["state"] == "finished"
        })
        .await;

    // A finished email refuses changes with the workflow's reason.
    let (status, body) = app
        .post_json(
            "/email/request",
            &[("workflow_id", &id)],
            &json!({"text": "send it now"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(detail(&body), "This email was canceled.");
    let (status, body) = app
        .post_json(
            "/email/save-draft",
            &[("workflow_id", &id)],
            &json!({"text": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(detail(&body), "This email was canceled.");
    let (status, body) = app.post("/email/cancel", &[("workflow_id", &id)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, view) = app.get("/email/describe", &[("workflow_id", &id)]).await;
    assert_eq!(
        (status, &view["status"]),
        (StatusCode::OK, &json!("canceled"))
    );
    assert_eq!(
        std::fs::read_dir(outbox.path())
            .unwrap()
            .filter(|entry| entry
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|ext| ext == "eml"))
            .count(),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_request_while_the_email_is_not_waiting_is_409_with_the_reason() {
    let outbox = tempfile::tempdir().unwrap();
    // The assistant answers slowly, so the email stays `processing` for a while.
    let dir = outbox.path().display().to_string();
    let slow = Rule::reply(json!({"recipient": null, "response": "Who should receive it?"}))
        .step(Step::Email);
    let stack = Stack::scripted(
        "api-email-busy",
        vec![slow],
        &[("EMAIL_OUTBOX_DIR", dir.as_str())],
    )
    .await;
    stack.llm.set_latency(Duration::from_secs(3));
    let app = TestApp::for_stack(&stack).await;
    let id = "api-email-busy-1";
    app.post_ok("/email/start", &[("workflow_id", id)]).await;
    wait_for_email(&app, id, "waiting", |e| e["status"] == "waiting").await;

    let (status, body) = app
        .post_json(
            "/email/request",
            &[("workflow_id", id)],
            &json!({"text": "hello"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post_json(
            "/email/request",
            &[("workflow_id", id)],
            &json!({"text": "again"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(detail(&body).contains("still working"), "{body}");
    let answered = wait_for_email(&app, id, "the assistant's answer", |e| {
        e["status"] == "waiting"
    })
    .await;
    assert_eq!(answered["reply"], "Who should receive it?");
}

#[tokio::test]
async fn bad_input_is_400_or_413_and_unknown_emails_are_404() {
    let outbox = tempfile::tempdir().unwrap();
    let stack = email_stack("api-email-errors", &outbox).await;
    let app = TestApp::for_stack(&stack).await;

    // Ids are checked like conversation ids; the email endpoints need one.
    for path in ["/email/describe", "/email/events"] {
        let (status, body) = app.get(path, &[("workflow_id", "a b")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(detail(&body).contains("workflow_id"), "{body}");
        let (status, body) = app.get(path, &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
    }
    for path in ["/email/start", "/email/cancel"] {
        let (status, body) = app.post(path, &[("workflow_id", "-flag")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
    }
    let (status, body) = app.post("/email/cancel", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // Unknown time zones, bodies that are not JSON.
    let (status, body) = app
        .post_json("/email/start", &[], &json!({"time_zone": "Mars/Olympus"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(detail(&body).contains("Mars/Olympus"), "{body}");
    let response = app
        .http
        .post(app.url("/email/start"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(detail(&body).starts_with("bad request body"), "{body}");

    // A real email for the text rules.
    let id = "api-email-errors-1";
    let started = app.post_ok("/email/start", &[("workflow_id", id)]).await;
    assert_eq!(started["time_zone"], "UTC", "no body: the default zone");
    let big = "é".repeat(4097);
    for (path, text, expected) in [
        ("/email/request", "", StatusCode::BAD_REQUEST),
        ("/email/request", " \n\t ", StatusCode::BAD_REQUEST),
        (
            "/email/request",
            big.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "/email/save-draft",
            big.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let (status, body) = app
            .post_json(path, &[("workflow_id", id)], &json!({"text": text}))
            .await;
        assert_eq!(status, expected, "{path} {:?}: {body}", text.len());
        assert!(body["detail"].is_string(), "{body}");
    }
    for path in ["/email/request", "/email/save-draft"] {
        let (status, body) = app
            .post_json(path, &[("workflow_id", id)], &json!({"words": "hi"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let (status, body) = app.post(path, &[("workflow_id", id)]).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{path} without a body: {body}"
        );
    }
    // An empty draft is fine: it clears the draft.
    wait_for_email(&app, id, "waiting", |e| e["status"] == "waiting").await;
    let (status, body) = app
        .post_json(
            "/email/save-draft",
            &[("workflow_id", id)],
            &json!({"text": ""}),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"saved": true, "bytes": 0}))
    );

    // Emails that do not exist.
    let unknown = "api-email-never-started";
    let (status, body) = app
        .get("/email/describe", &[("workflow_id", unknown)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(detail(&body).contains(unknown), "{body}");
    for path in ["/email/request", "/email/save-draft"] {
        let (status, body) = app
            .post_json(path, &[("workflow_id", unknown)], &json!({"text": "hi"}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, body) = app.post("/email/cancel", &[("workflow_id", unknown)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let mut events = app.event_stream("/email/events", unknown).await;
    let status = events
        .wait_for("a status event", Duration::from_secs(30), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "not_found", "{:?}", status.data);

    // The document lists the endpoints.
    let (status, doc) = app.get("/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/email/request"]["post"].is_object());
    assert!(doc["components"]["schemas"]["EmailView"].is_object());
}

#[tokio::test]
async fn without_a_worker_emails_start_but_reads_are_404_until_one_comes() {
    let address = DevServer::shared_address();
    let queue = "api-email-no-worker-queue";
    let mut options = AppOptions::new(&address, queue);
    options.query_timeout = Duration::from_secs(1);
    let app = TestApp::spawn(options).await;
    app.wait_until_connected().await;
    let id = "api-email-no-worker-1";

    let (status, started) = app
        .post_json(
            "/email/start",
            &[("workflow_id", id)],
            &json!({"time_zone": "Asia/Tokyo"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(started["status"], "initialized", "{started}");
    assert_eq!(started["time_zone"], "Asia/Tokyo");
    assert_eq!(started["workflow_id"], id);

    let (status, body) = app.get("/email/describe", &[("workflow_id", id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(detail(&body).contains("worker"), "{body}");
    assert!(detail(&body).contains(queue), "{body}");
    let (status, body) = app
        .post_json(
            "/email/request",
            &[("workflow_id", id)],
            &json!({"text": "hi"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(detail(&body).contains("worker"), "{body}");

    let mut events = app.event_stream("/email/events", id).await;
    let status = events
        .wait_for("a status event", Duration::from_secs(30), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(
        status.data["state"], "worker_unavailable",
        "{:?}",
        status.data
    );

    // A worker arrives on the queue: the stream recovers.
    let outbox = tempfile::tempdir().unwrap();
    let _stack = email_stack("api-email-no-worker", &outbox).await;
    events
        .wait_for("the running status", Duration::from_secs(30), |e| {
            e.event == "status" && e.data["state"] == "running"
        })
        .await;
    events
        .wait_for(
            "the email to wait for a request",
            Duration::from_secs(60),
            |e| e.event == "email" && e.data["status"] == "waiting",
        )
        .await;
}

#[tokio::test]
async fn without_temporal_the_email_endpoints_are_503() {
    let address = format!("127.0.0.1:{}", free_port());
    let app = TestApp::spawn(AppOptions::new(&address, "api-email-late-queue")).await;
    let (status, body) = app.post("/email/start", &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        detail(&body),
        format!("Temporal is not reachable at {address} yet; retrying")
    );
    let (status, _) = app
        .get("/email/describe", &[("workflow_id", "email-x")])
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _) = app
        .post_json(
            "/email/request",
            &[("workflow_id", "email-x")],
            &json!({"text": "hi"}),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let mut events = app.event_stream("/email/events", "email-x").await;
    let status = events
        .wait_for("a status event", Duration::from_secs(10), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "worker_unavailable");
}

#[tokio::test]
async fn a_conversation_id_is_not_an_email_and_is_404() {
    let outbox = tempfile::tempdir().unwrap();
    let stack = email_stack("api-email-not-chat", &outbox).await;
    let app = TestApp::for_stack(&stack).await;
    let id = "api-email-not-chat-1";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let (status, body) = app.get("/email/describe", &[("workflow_id", id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(detail(&body).contains("not an email"), "{body}");
    let (status, body) = app
        .post_json(
            "/email/request",
            &[("workflow_id", id)],
            &json!({"text": "hi"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(detail(&body).contains("not an email"), "{body}");
}
