//! The api when things are missing or wrong: no worker, a terminated run, unknown
//! conversations, Temporal down at startup; and the parts that need no conversation at all
//! (the UI, CORS, OpenAPI, health).

mod support;

use std::time::{Duration, Instant};

use reqwest::{StatusCode, header};
use serde_json::json;
use support::{AppOptions, TestApp, UI_ORIGIN};
use temporalio_client::{
    Client, NamespacedClient, RetryOptions, RpcOptions, WorkflowQueryOptions,
    WorkflowTerminateOptions,
    errors::WorkflowQueryError,
    grpc::WorkflowService,
    tonic::{Code, IntoRequest},
};
use temporalio_common::protos::temporal::api::{
    taskqueue::v1::TaskQueue,
    workflowservice::v1::{PollWorkflowTaskQueueRequest, RespondWorkflowTaskCompletedRequest},
};
use testkit::{
    Conversation, DevServer, DevServerOptions, Stack, client_for, free_port, trip_input, wait_until,
};
use workflows::AgentGoalWorkflow;

/// An address where nothing listens.
fn nowhere() -> String {
    format!("127.0.0.1:{}", free_port())
}

#[tokio::test]
async fn without_a_worker_queries_are_404_and_events_say_so_until_a_worker_comes() {
    let name = "api-no-worker";
    let address = DevServer::shared_address();
    let queue = format!("{name}-queue");
    let mut options = AppOptions::new(&address, &queue);
    options.query_timeout = Duration::from_secs(1);
    let app = TestApp::spawn(options).await;
    app.wait_until_connected().await;
    let id = "api-no-worker-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;

    let (status, body) = app.history(id).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("worker"), "{detail}");
    assert!(detail.contains(&queue), "{detail}");
    let (status, body) = app
        .get("/get-latest-tool-data", &[("workflow_id", id)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = app.post("/confirm", &[("workflow_id", id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("worker"),
        "{body}"
    );

    let mut events = app.events(id).await;
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

    // The worker arrives on the queue the conversation waits on: everything recovers.
    let _stack = Stack::demo(name).await;
    events
        .wait_for(
            "the state to return to running",
            Duration::from_secs(60),
            |e| e.event == "status" && e.data["state"] == "running",
        )
        .await;
    events
        .wait_for("the greeting", Duration::from_secs(60), |e| {
            e.event == "history"
                && e.data["messages"]
                    .as_array()
                    .is_some_and(|m| m.iter().any(|m| m["actor"] == "agent"))
        })
        .await;
    let (status, body) = app.history(id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Takes the next workflow task of `queue` the way a worker would, and holds it.
async fn take_workflow_task(client: &Client, queue: &str) -> Vec<u8> {
    let request = PollWorkflowTaskQueueRequest {
        namespace: client.namespace(),
        task_queue: Some(TaskQueue {
            name: queue.to_owned(),
            ..Default::default()
        }),
        identity: "edges-test-poller".to_owned(),
        ..Default::default()
    };
    let task =
        WorkflowService::poll_workflow_task_queue(&mut client.clone(), request.into_request())
            .await
            .expect("a workflow task")
            .into_inner();
    assert!(!task.task_token.is_empty(), "the poll returned no task");
    task.task_token
}

#[tokio::test]
async fn a_reader_queued_behind_a_busy_workflow_task_is_not_an_error() {
    // Temporal keeps one query per workflow waiting for a running workflow task and refuses
    // a second one ("query buffer is full"); the api asks again within its query timeout,
    // and a task that never finishes reads as a worker problem (404), not a server error.
    let address = DevServer::shared_address();
    let queue = "api-busy-task-queue";
    let mut options = AppOptions::new(&address, queue);
    options.query_timeout = Duration::from_secs(2);
    let app = TestApp::spawn(options).await;
    app.wait_until_connected().await;
    let client = client_for(&address).await.expect("a client");
    let id = "api-busy-task-chat";
    let conversation = Conversation::start(&client, queue, id, trip_input(&[]))
        .await
        .expect("started");

    // This test plays the worker: the first task completes (queries need one), the task a
    // signal brings is taken and held.
    let token = take_workflow_task(&client, queue).await;
    let done = RespondWorkflowTaskCompletedRequest {
        namespace: client.namespace(),
        task_token: token,
        identity: "edges-test-poller".to_owned(),
        ..Default::default()
    };
    WorkflowService::respond_workflow_task_completed(&mut client.clone(), done.into_request())
        .await
        .expect("first task completed");
    conversation.send("hello").await;
    let _held = take_workflow_task(&client, queue).await;

    // A first reader waits in Temporal's buffer for the held task, so a second one is
    // refused at once, in the words the api recognises. Which of two readers takes the
    // buffer is a race; until the refusal is seen, a reader that lost it starts again.
    let query = |timeout: Duration| {
        let handle = conversation.handle();
        async move {
            let options = WorkflowQueryOptions::builder()
                .rpc_options(
                    RpcOptions::builder()
                        .timeout(timeout)
                        .retry_options(RetryOptions::no_retries())
                        .build(),
                )
                .build();
            handle
                .query(AgentGoalWorkflow::get_conversation_history, (), options)
                .await
        }
    };
    let mut waiting = tokio::spawn(query(Duration::from_secs(30)));
    let deadline = Instant::now() + Duration::from_secs(30);
    let refusal = loop {
        if waiting.is_finished() {
            waiting = tokio::spawn(query(Duration::from_secs(30)));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        match query(Duration::from_millis(500)).await {
            Err(WorkflowQueryError::Rpc(status)) if status.code() == Code::ResourceExhausted => {
                break status;
            }
            other if Instant::now() > deadline => {
                panic!("no second query was refused; the last one ended with {other:?}")
            }
            _ => {}
        }
    };
    assert!(
        refusal.message().contains("query buffer is full"),
        "{refusal:?}"
    );

    // Through the api: asked again until the query timeout, then named a worker problem.
    let (status, body) = app.history(id).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("worker"), "{detail}");
    assert!(detail.contains(queue), "{detail}");

    conversation
        .handle()
        .terminate(WorkflowTerminateOptions::builder().reason("test").build())
        .await
        .expect("terminated");
    waiting.abort();
}

#[tokio::test]
async fn a_terminated_conversation_reads_as_empty() {
    let address = DevServer::shared_address();
    let app = TestApp::spawn(AppOptions::new(&address, "api-terminated-queue")).await;
    app.wait_until_connected().await;
    let id = "api-terminated-chat";
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    let client = client_for(&address).await.expect("a client");
    client
        .get_workflow_handle::<AgentGoalWorkflow>(id)
        .terminate(WorkflowTerminateOptions::builder().reason("test").build())
        .await
        .expect("terminated");

    let (status, body) = app.history(id).await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    let (status, body) = app
        .get("/get-latest-tool-data", &[("workflow_id", id)])
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(null)));
    let (status, _) = app.post("/end-chat", &[("workflow_id", id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let mut events = app.events(id).await;
    let status = events
        .wait_for("a status event", Duration::from_secs(30), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "failed", "{:?}", status.data);
    assert!(
        status.data["detail"]
            .as_str()
            .unwrap()
            .contains("terminated")
    );
    let history = events
        .wait_for("a history event", Duration::from_secs(10), |e| {
            e.event == "history"
        })
        .await;
    assert_eq!(history.data, json!({"messages": []}));
}

#[tokio::test]
async fn signals_to_unknown_conversations_are_404_and_events_say_not_found() {
    let address = DevServer::shared_address();
    let app = TestApp::spawn(AppOptions::new(&address, "api-unknown-queue")).await;
    app.wait_until_connected().await;
    let id = "api-never-started";
    for (path, query) in [
        ("/confirm", vec![("workflow_id", id)]),
        ("/decline", vec![("workflow_id", id)]),
        ("/end-chat", vec![("workflow_id", id)]),
    ] {
        let (status, body) = app.post(path, &query).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} {query:?}: {body}");
        assert!(body["detail"].as_str().unwrap().contains(id), "{body}");
    }
    let (status, body) = app
        .get("/get-latest-tool-data", &[("workflow_id", id)])
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(null)));

    let mut events = app.events(id).await;
    let status = events
        .wait_for("a status event", Duration::from_secs(30), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "not_found", "{:?}", status.data);
    // Starting it through the api wakes the watcher at once.
    app.post_ok("/start-workflow", &[("workflow_id", id)]).await;
    events
        .wait_for("the conversation to appear", Duration::from_secs(30), |e| {
            e.event == "status" && e.data["state"] != "not_found"
        })
        .await;
}

#[tokio::test]
async fn api_starts_without_temporal_and_recovers_when_temporal_appears() {
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let app = TestApp::spawn(AppOptions::new(&address, "api-late-queue")).await;

    let (status, body) = app.get("/", &[]).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"message": "Temporal AI Agent!"}))
    );
    let (status, health) = app.get("/health", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        health,
        json!({"status": "ok", "temporal": "unavailable", "streaming": "off"})
    );
    let (status, body) = app.history("api-late-chat").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        body["detail"],
        format!("Temporal is not reachable at {address} yet; retrying")
    );
    let (status, _) = app
        .post(
            "/send-prompt",
            &[("workflow_id", "api-late-chat"), ("prompt", "hi")],
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let mut events = app.events("api-late-chat").await;
    let waiting = events
        .wait_for("a status event", Duration::from_secs(10), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(waiting.data["state"], "worker_unavailable");
    assert!(
        waiting.data["detail"]
            .as_str()
            .unwrap()
            .contains("Temporal is not reachable"),
        "{:?}",
        waiting.data
    );

    let _server = DevServer::start_with(DevServerOptions {
        port: Some(port),
        ..Default::default()
    })
    .await
    .expect("a dev server on the api's address");
    wait_until(
        "the api to reach Temporal",
        Duration::from_secs(30),
        || async {
            let (status, body) = app.history("api-late-chat").await;
            (
                (status == StatusCode::OK).then_some(body.clone()),
                format!("{status}: {body}"),
            )
        },
    )
    .await;
    let (_, health) = app.get("/health", &[]).await;
    assert_eq!(health["temporal"], "connected");
    // The history request started the conversation (no worker serves it here), and the
    // event stream now reports on it rather than on Temporal.
    events
        .wait_for("Temporal to be reached", Duration::from_secs(30), |e| {
            e.event == "status"
                && !e.data["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("Temporal is not reachable")
        })
        .await;
}

#[tokio::test]
async fn shutdown_closes_event_streams_and_stops_the_server() {
    let address = DevServer::shared_address();
    let app = TestApp::spawn(AppOptions::new(&address, "api-shutdown-queue")).await;
    app.wait_until_connected().await;
    let mut events = app.events("api-shutdown-chat").await;
    events
        .wait_for("a status event", Duration::from_secs(30), |e| {
            e.event == "status"
        })
        .await;
    let url = app.url("/health");
    app.stop(Duration::from_secs(10))
        .await
        .expect("a clean shutdown");
    tokio::time::timeout(Duration::from_secs(5), async {
        while events.next().await.is_some() {}
    })
    .await
    .expect("the event stream ends");
    assert!(reqwest::get(url).await.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn root_answers_json_to_clients_and_the_ui_to_browsers() {
    let dist = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>agent ui</title>",
    )
    .unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    std::fs::write(dist.path().join("assets/app.js"), "console.log('ui')").unwrap();
    let address = nowhere();
    let mut options = AppOptions::new(&address, "unused-queue");
    options.frontend_dist = Some(dist.path());
    let app = TestApp::spawn(options).await;

    let (status, body) = app.get("/", &[]).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"message": "Temporal AI Agent!"}))
    );

    let get_html = |path: &str| {
        app.http
            .get(app.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
    };
    let page = get_html("/").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("agent ui"));

    let script = app
        .http
        .get(app.url("/assets/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(
        script.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable"),
        "hashed assets are cached for good"
    );
    let last_modified = script.headers()[header::LAST_MODIFIED].clone();
    assert_eq!(script.text().await.unwrap(), "console.log('ui')");

    // A browser revalidating its cached copy gets 304, not a 404.
    let revalidated = app
        .http
        .get(app.url("/assets/app.js"))
        .header(header::IF_MODIFIED_SINCE, last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    // A browser navigating to a client-side route gets the UI; an API client a JSON 404.
    let deep = get_html("/chat/some-conversation").await.unwrap();
    assert_eq!(deep.status(), StatusCode::OK);
    assert!(deep.text().await.unwrap().contains("agent ui"));
    let (status, body) = app.get("/chat/some-conversation", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().is_some(), "{body}");
    let (status, _) = app.get("/assets/missing.js", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn root_is_json_even_for_browsers_when_the_ui_is_not_built() {
    let address = nowhere();
    let app = TestApp::spawn(AppOptions::new(&address, "unused-queue")).await;
    let page = app
        .http
        .get(app.url("/"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let body: serde_json::Value = page.json().await.unwrap();
    assert_eq!(body, json!({"message": "Temporal AI Agent!"}));
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_errors() {
    let address = nowhere();
    let app = TestApp::spawn(AppOptions::new(&address, "unused-queue")).await;
    let (status, body) = app.get("/no-such-endpoint", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("/no-such-endpoint")
    );
    let (status, body) = app.get("/confirm", &[]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body["detail"].as_str().is_some(), "{body}");
    let (status, _) = app.post("/no-such-endpoint", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn openapi_document_lists_every_endpoint() {
    let address = nowhere();
    let app = TestApp::spawn(AppOptions::new(&address, "unused-queue")).await;
    let (status, doc) = app.get("/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with('3'),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/", "get"),
        ("/health", "get"),
        ("/ui-config", "get"),
        ("/openapi.json", "get"),
        ("/metrics", "get"),
        ("/start-workflow", "post"),
        ("/send-prompt", "post"),
        ("/confirm", "post"),
        ("/decline", "post"),
        ("/conversations", "get"),
        ("/end-chat", "post"),
        ("/get-conversation-history", "get"),
        ("/get-latest-tool-data", "get"),
        ("/get-conversation-usage", "get"),
        ("/events", "get"),
        ("/email/start", "post"),
        ("/email/describe", "get"),
        ("/email/request", "post"),
        ("/email/save-draft", "post"),
        ("/email/cancel", "post"),
        ("/email/events", "get"),
        ("/events/ticket", "post"),
        ("/goals", "get"),
    ] {
        let operation = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing"))[method];
        assert!(operation.is_object(), "{method} {path} is missing");
        if path != "/"
            && ![
                "/health",
                "/ui-config",
                "/openapi.json",
                "/metrics",
                "/goals",
                "/conversations",
            ]
            .contains(&path)
        {
            let params = operation["parameters"].to_string();
            assert!(params.contains("workflow_id"), "{path} lacks workflow_id");
        }
    }
    assert_eq!(paths.len(), 23, "every documented path is an endpoint");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "ErrorBody",
        "ConversationHistory",
        "PlannerDecision",
        "Status",
        "UiConfig",
        "EmailView",
        "EmailStreamStatus",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
}

#[tokio::test]
async fn cors_preflight_allows_only_the_configured_origin() {
    let address = nowhere();
    let app = TestApp::spawn(AppOptions::new(&address, "unused-queue")).await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/send-prompt"))
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .send()
    };
    let allowed = preflight(UI_ORIGIN).await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        UI_ORIGIN
    );
    let methods = allowed.headers()[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );

    let other = preflight("http://evil.example").await.unwrap();
    assert!(
        other
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );

    let simple = app
        .http
        .get(app.url("/"))
        .header(header::ORIGIN, UI_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        simple.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        UI_ORIGIN
    );
}

#[tokio::test]
async fn ui_config_describes_the_deployment() {
    let address = nowhere();
    let app = TestApp::spawn(AppOptions::new(&address, "config-queue")).await;
    let (status, config) = app.get("/ui-config", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        config,
        json!({
            "temporal_ui_url": "http://localhost:8233",
            "namespace": "default",
            "task_queue": "config-queue",
            "model": "demo/trip-agent",
            "demo_model": true,
            "default_workflow_id": "agent-workflow",
            "auth": {"mode": "none", "oidc": null},
        })
    );
}
