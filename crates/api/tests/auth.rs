//! Who may call the api: each `API_AUTH` mode against a real Temporal (and, for the
//! conversations, the real worker with the demo model), two users who must not see each
//! other's conversations, emails or event streams, per-user limits, and the api binary
//! refusing to listen openly without auth.

mod support;

use std::{path::Path, time::Duration};

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::{AppOptions, EventReader, TestApp, open_stream};
use temporalio_client::WorkflowDescribeOptions;
use temporalio_common::search_attributes::SearchAttributeKey;
use testkit::{DevServer, Stack, cargo_binary, free_port, oidc::FakeIssuer, wait_until};
use workflows::AgentGoalWorkflow;

/// Someone calling the api with a token (or none).
struct Caller<'a> {
    app: &'a TestApp,
    token: Option<String>,
}

impl<'a> Caller<'a> {
    fn new(app: &'a TestApp, token: &str) -> Self {
        Self {
            app,
            token: Some(token.to_owned()),
        }
    }

    fn anonymous(app: &'a TestApp) -> Self {
        Self { app, token: None }
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let request = self
            .app
            .http
            .request(method, self.app.url(path))
            .query(query);
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        answer(self.request(method, path, query)).await
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
        self.call(Method::GET, path, query).await
    }

    async fn post(&self, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
        self.call(Method::POST, path, query).await
    }

    async fn post_json(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: Value,
    ) -> (StatusCode, Value) {
        answer(self.request(Method::POST, path, query).json(&body)).await
    }

    /// A stream ticket for `id`.
    async fn ticket(&self, id: &str) -> String {
        let (status, body) = self.post("/events/ticket", &[("workflow_id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["ticket"].as_str().expect("a ticket").to_owned()
    }

    /// `path`'s event stream for `id`, opened with a ticket as a browser does.
    async fn stream(&self, path: &str, id: &str) -> EventReader {
        let ticket = self.ticket(id).await;
        open_stream(
            self.app
                .http
                .get(self.app.url(path))
                .query(&[("workflow_id", id), ("ticket", &ticket)]),
        )
        .await
    }
}

async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("the api answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// A tokens file with a new token for each user; returns the tokens in order.
fn tokens_file(path: &Path, users: &[&str]) -> Vec<String> {
    let mut lines = vec!["# who may call the api".to_owned()];
    let tokens = users
        .iter()
        .map(|user| {
            let (token, line) =
                api::auth::tokens::new_token(&api::auth::UserId::parse(user).unwrap());
            lines.push(line);
            token
        })
        .collect();
    std::fs::write(path, lines.join("\n")).unwrap();
    tokens
}

async fn app_with(address: &str, task_queue: &str, env: &[(&str, &str)]) -> TestApp {
    let mut options = AppOptions::new(address, task_queue);
    options.env = env.iter().map(|&(k, v)| (k, v.to_owned())).collect();
    let app = TestApp::spawn(options).await;
    app.wait_until_connected().await;
    app
}

/// True when no workflow has the id: a refused request started nothing.
async fn never_started(client: &temporalio_client::Client, id: &str) -> bool {
    client
        .get_workflow_handle::<AgentGoalWorkflow>(id)
        .describe(WorkflowDescribeOptions::default())
        .await
        .is_err()
}

/// An api for `task_queue` with tokens from `file` and the limits `limits`.
async fn limited_app(
    address: &str,
    task_queue: &str,
    file: &Path,
    limits: &[(&str, &str)],
) -> TestApp {
    let mut env = vec![
        ("API_AUTH", "tokens"),
        ("API_TOKENS_FILE", file.to_str().unwrap()),
    ];
    env.extend_from_slice(limits);
    app_with(address, task_queue, &env).await
}

/// The same answer with one id put for another: what a stranger gets must be what an
/// unused id gets.
fn with_id(value: &Value, from: &str, to: &str) -> Value {
    serde_json::from_str(&value.to_string().replace(from, to)).unwrap()
}

/// Every way to be refused gets the same 401, with `WWW-Authenticate`.
async fn assert_refused(request: reqwest::RequestBuilder, why: &str) -> Value {
    let response = request.send().await.expect("the api answers");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{why}");
    assert_eq!(
        response.headers()[header::WWW_AUTHENTICATE],
        r#"Bearer realm="agent""#,
        "{why}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["detail"],
        "sign in first: send Authorization: Bearer <token> with a token this api accepts",
        "{why}"
    );
    body
}

/// Two users with tokens: each works with their own conversations and emails, and every
/// endpoint of the other's answers as for an id nobody uses.
#[tokio::test]
async fn with_tokens_two_users_see_only_their_own_conversations_emails_and_streams() {
    // Runs of four messages: the chat continues as new after its first answer, and its
    // owner must carry over.
    let llm = testkit::demo_llm::LlmServer::start(Default::default())
        .await
        .unwrap();
    let stack = Stack::start("auth-tokens", llm, &[("AGENT_MAX_HISTORY_MESSAGES", "4")]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    let tokens = tokens_file(&file, &["alice", "bob"]);
    let app = app_with(
        &stack.address,
        &stack.task_queue,
        &[
            ("API_AUTH", "tokens"),
            ("API_TOKENS_FILE", file.to_str().unwrap()),
        ],
    )
    .await;
    let alice = Caller::new(&app, &tokens[0]);
    let bob = Caller::new(&app, &tokens[1]);

    // Public endpoints need nothing; the UI learns the mode.
    let nobody = Caller::anonymous(&app);
    for path in ["/health", "/ui-config", "/openapi.json"] {
        assert_eq!(nobody.get(path, &[]).await.0, StatusCode::OK, "{path}");
    }
    assert_eq!(
        nobody.get("/ui-config", &[]).await.1["auth"],
        json!({"mode": "tokens", "oidc": null})
    );
    assert_eq!(
        app.http
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // No token, a bad one, a malformed header: one and the same 401, everywhere.
    for path in [
        "/conversations",
        "/goals",
        "/get-conversation-history",
        "/events",
    ] {
        assert_refused(
            app.http.get(app.url(path)),
            &format!("{path} without a token"),
        )
        .await;
        assert_refused(
            app.http
                .get(app.url(path))
                .bearer_auth(format!("{}x", tokens[0])),
            &format!("{path} with a bad token"),
        )
        .await;
    }
    assert_refused(
        app.http
            .get(app.url("/conversations"))
            .header(header::AUTHORIZATION, format!("Basic {}", tokens[0])),
        "another scheme",
    )
    .await;
    assert_refused(
        app.http
            .post(app.url("/send-prompt"))
            .query(&[("workflow_id", "auth-chat-x"), ("prompt", "hi")]),
        "a prompt without a token",
    )
    .await;

    // Alice starts a chat and an email.
    let chat = "auth-chat-alice";
    let (status, body) = alice
        .post(
            "/send-prompt",
            &[("workflow_id", chat), ("prompt", "Austin in December")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut alices_stream = alice.stream("/events", chat).await;
    alices_stream
        .wait_for("the agent's proposal", Duration::from_secs(60), |event| {
            event.event == "history"
                && event.data["messages"].as_array().is_some_and(|messages| {
                    messages.iter().filter(|m| m["actor"] == "agent").count() >= 2
                })
        })
        .await;
    let (status, body) = alice.post("/confirm", &[("workflow_id", chat)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let history = alices_stream
        .wait_for(
            "alice's chat in its second run, which starts with a summary",
            Duration::from_secs(60),
            |event| {
                event.event == "history"
                    && event.data["messages"][0]["actor"] == "conversation_summary"
            },
        )
        .await;
    let messages = history.data["messages"].as_array().unwrap().len();
    let email = "auth-email-alice";
    let (status, body) = alice.post("/email/start", &[("workflow_id", email)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The owner is recorded on the workflow, for the operator too.
    let description = stack
        .client
        .get_workflow_handle::<AgentGoalWorkflow>(chat)
        .describe(WorkflowDescribeOptions::default())
        .await
        .unwrap();
    let owner: Option<String> = description
        .raw_description
        .workflow_execution_info
        .as_ref()
        .and_then(|info| info.search_attributes.as_ref())
        .and_then(|attributes| {
            temporalio_common::search_attributes::SearchAttributes::from_proto(attributes)
                .get(&SearchAttributeKey::keyword("AgentOwner"))
        });
    assert_eq!(
        owner.as_deref(),
        Some("alice"),
        "the second run keeps its owner"
    );
    assert!(
        description
            .raw_description
            .workflow_execution_info
            .as_ref()
            .unwrap()
            .first_run_id
            != description.run_id(),
        "the chat continued as new"
    );

    // Bob gets, for each of Alice's, exactly what an id nobody uses gets.
    let unused_chat = "auth-chat-nobody";
    let unused_email = "auth-email-nobody";
    for (method, path, extra) in [
        (Method::GET, "/get-conversation-history", vec![]),
        (Method::GET, "/get-latest-tool-data", vec![]),
        (Method::GET, "/get-conversation-usage", vec![]),
        (Method::POST, "/end-chat", vec![]),
        (Method::POST, "/confirm", vec![]),
        (Method::POST, "/decline", vec![("reason", "no")]),
    ] {
        let mut query = vec![("workflow_id", chat)];
        query.extend(extra.iter().copied());
        let (status, body) = bob.call(method.clone(), path, &query).await;
        query[0].1 = unused_chat;
        let (unused_status, unused_body) = bob.call(method, path, &query).await;
        assert_eq!(status, unused_status, "{path}: {body}");
        assert_eq!(with_id(&body, chat, unused_chat), unused_body, "{path}");
    }
    for (method, path) in [
        (Method::GET, "/email/describe"),
        (Method::POST, "/email/cancel"),
    ] {
        let (status, body) = bob
            .call(method.clone(), path, &[("workflow_id", email)])
            .await;
        let (unused_status, unused_body) = bob
            .call(method, path, &[("workflow_id", unused_email)])
            .await;
        assert_eq!(
            (status, unused_status),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            "{path}: {body}"
        );
        assert_eq!(with_id(&body, email, unused_email), unused_body, "{path}");
    }
    for path in ["/email/request", "/email/save-draft"] {
        let (status, body) = bob
            .post_json(
                path,
                &[("workflow_id", email)],
                json!({"text": "send it to me"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    // Nor can Bob take the ids over by starting them.
    for (path, id) in [("/start-workflow", chat), ("/email/start", email)] {
        let (status, body) = bob.post(path, &[("workflow_id", id)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, _) = bob
        .post(
            "/send-prompt",
            &[("workflow_id", chat), ("prompt", "Hi, it is Bob")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Bob's streams of Alice's ids show what an unused id shows; his ticket opens nothing
    // else, and Alice's ticket is no good for another id.
    let mut bobs = bob.stream("/events", chat).await;
    let status = bobs
        .wait_for("bob's status", Duration::from_secs(10), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "not_found");
    let history = bobs
        .wait_for("bob's history", Duration::from_secs(10), |e| {
            e.event == "history"
        })
        .await;
    assert_eq!(history.data, json!({"messages": []}));
    let mut bobs_email = bob.stream("/email/events", email).await;
    let status = bobs_email
        .wait_for("bob's email status", Duration::from_secs(10), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "not_found", "{}", status.data);
    let alices_ticket = alice.ticket(chat).await;
    assert_refused(
        app.http.get(app.url("/events")).query(&[
            ("workflow_id", "auth-chat-other"),
            ("ticket", &alices_ticket),
        ]),
        "a ticket for another id",
    )
    .await;
    assert_refused(
        app.http.get(app.url("/events")).query(&[
            ("workflow_id", chat),
            ("ticket", &format!("{alices_ticket}x")),
        ]),
        "a tampered ticket",
    )
    .await;
    assert_refused(
        app.http
            .get(app.url("/conversations"))
            .query(&[("workflow_id", chat), ("ticket", &alices_ticket)]),
        "a ticket anywhere but a stream",
    )
    .await;

    // Lists: Alice's has her chat, Bob's has nothing.
    let (_, page) = alice.get("/conversations", &[]).await;
    let ids: Vec<&str> = page["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["workflow_id"].as_str())
        .collect();
    assert_eq!(ids, [chat], "{page}");
    let (status, page) = bob.get("/conversations", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["conversations"], json!([]), "{page}");

    // Nothing Bob did changed Alice's chat; she still reads and drives it, with a bearer
    // header on the stream too (as curl would).
    let (_, history) = alice
        .get("/get-conversation-history", &[("workflow_id", chat)])
        .await;
    assert_eq!(
        history["messages"].as_array().unwrap().len(),
        messages,
        "{history}"
    );
    assert!(!history.to_string().contains("Bob"), "{history}");
    let mut curl =
        open_stream(alice.request(Method::GET, "/events", &[("workflow_id", chat)])).await;
    let status = curl
        .wait_for("alice's status", Duration::from_secs(10), |e| {
            e.event == "status"
        })
        .await;
    assert_eq!(status.data["state"], "running");
    let (status, body) = alice.post("/end-chat", &[("workflow_id", chat)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// JWTs: a good one works; a wrong issuer, audience, expiry or signature, or no key id, gets
/// the same 401; a rotated key is fetched once.
#[tokio::test]
async fn with_jwts_only_good_tokens_pass_and_a_rotated_key_is_fetched_once() {
    let issuer = FakeIssuer::start("agent-api").await;
    let app = app_with(
        &DevServer::shared_address(),
        "auth-jwt-queue",
        &[
            ("API_AUTH", "jwt"),
            ("JWT_ISSUER", &issuer.issuer()),
            ("JWT_AUDIENCE", "agent-api"),
            ("JWKS_URL", &issuer.jwks_url()),
            ("OIDC_AUTHORIZATION_URL", &issuer.authorization_url()),
            ("OIDC_TOKEN_URL", &issuer.token_url()),
            ("OIDC_CLIENT_ID", "agent-ui"),
        ],
    )
    .await;
    let (_, config) = Caller::anonymous(&app).get("/ui-config", &[]).await;
    assert_eq!(config["auth"]["mode"], "jwt");
    assert_eq!(config["auth"]["oidc"]["client_id"], "agent-ui");
    assert_eq!(config["auth"]["oidc"]["scope"], "openid");

    let good = issuer.mint("carol");
    let (status, body) = Caller::new(&app, &good).get("/conversations", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.state.auth.key_fetches(), 1);
    assert_eq!(issuer.jwks_fetches(), 1);

    let now = chrono::Utc::now().timestamp();
    let mut bad = Vec::new();
    for (why, change) in [
        (
            "wrong issuer",
            json!({"iss": "https://elsewhere.example.com/"}),
        ),
        ("wrong audience", json!({"aud": "another-api"})),
        ("expired", json!({"exp": now - 120})),
        ("not yet valid", json!({"nbf": now + 600})),
    ] {
        let mut claims = issuer.claims("carol");
        for (key, value) in change.as_object().unwrap() {
            claims[key] = value.clone();
        }
        bad.push((why, issuer.sign(&claims, true)));
    }
    bad.push(("a forged signature", issuer.forge(&issuer.claims("carol"))));
    bad.push(("no key id", issuer.sign(&issuer.claims("carol"), false)));
    let mut claims = issuer.claims("carol");
    claims.as_object_mut().unwrap().remove("sub");
    bad.push(("no subject", issuer.sign(&claims, true)));
    bad.push(("not a JWT", "abc.def.ghi".to_owned()));
    for (why, token) in &bad {
        assert_refused(
            app.http.get(app.url("/conversations")).bearer_auth(token),
            why,
        )
        .await;
    }
    assert_eq!(issuer.jwks_fetches(), 1, "known key ids need no fetch");

    // The issuer rotates: the first token with the new key id fetches the set once (a while
    // after the last fetch, as rotations go).
    tokio::time::sleep(api::auth::jwt::REFETCH_GAP).await;
    let kid = issuer.rotate();
    assert_eq!(issuer.current_kid(), kid);
    let rotated = issuer.mint("carol");
    let (status, body) = Caller::new(&app, &rotated).get("/conversations", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(issuer.jwks_fetches(), 2);
    // A made-up key id right after that fetch fetches nothing.
    let made_up = issuer.sign_as(&issuer.claims("carol"), "no-such-key");
    assert_refused(
        app.http
            .get(app.url("/conversations"))
            .bearer_auth(&made_up),
        "a key id the issuer never published",
    )
    .await;
    assert_eq!(issuer.jwks_fetches(), 2);
    // More tokens with the new key, and one signed before the rotation (its key is still
    // published), need no fetch either.
    for token in [issuer.mint("carol"), issuer.mint("dan"), good] {
        let (status, body) = Caller::new(&app, &token).get("/conversations", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(issuer.jwks_fetches(), 2);
}

/// Over a limit the answer is 429 with `Retry-After`, and nothing is started.
#[tokio::test]
async fn limits_refuse_bursts_and_extra_starts_with_429_and_start_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    let tokens = tokens_file(&file, &["dave", "erin"]);
    let address = DevServer::shared_address();
    let task_queue = "auth-limits-queue";
    let app = limited_app(
        &address,
        task_queue,
        &file,
        &[
            ("RATE_LIMIT_REQUESTS_PER_SECOND", "1"),
            ("RATE_LIMIT_BURST", "4"),
            ("RATE_LIMIT_STARTS_PER_HOUR", "100"),
        ],
    )
    .await;
    let dave = Caller::new(&app, &tokens[0]);
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..8 {
        let response = dave
            .request(Method::GET, "/goals", &[])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        }
    }
    // The burst of four, and at most one more if a second passed on a busy machine.
    let passed = statuses.iter().filter(|&&s| s == 200).count();
    assert!((4..=5).contains(&passed), "{statuses:?}");
    assert_eq!(&statuses[..4], [200; 4], "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        8 - passed,
        "{statuses:?}"
    );
    let seconds: u64 = retry_after
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&seconds), "{seconds}");
    // A prompt over the rate starts nothing.
    let (status, body) = dave
        .post(
            "/send-prompt",
            &[("workflow_id", "auth-limits-burst"), ("prompt", "hi")],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let client = testkit::client_for(&address).await.unwrap();
    assert!(
        never_started(&client, "auth-limits-burst").await,
        "the refused prompt started nothing"
    );
    // Erin has her own budget.
    assert_eq!(
        Caller::new(&app, &tokens[1]).get("/goals", &[]).await.0,
        StatusCode::OK
    );
    app.stop(Duration::from_secs(10)).await.unwrap();

    // Starts per hour, and the running cap, with a steady request rate.
    let app = limited_app(
        &address,
        task_queue,
        &file,
        &[("RATE_LIMIT_STARTS_PER_HOUR", "2")],
    )
    .await;
    let dave = Caller::new(&app, &tokens[0]);
    let mut answers = Vec::new();
    for n in 0..4 {
        let id = format!("auth-limits-start-{n}");
        let response = dave
            .request(
                Method::POST,
                "/send-prompt",
                &[("workflow_id", &id), ("prompt", "hi")],
            )
            .send()
            .await
            .unwrap();
        answers.push((
            response.status(),
            response.headers().get(header::RETRY_AFTER).cloned(),
        ));
    }
    assert_eq!(
        answers.iter().map(|(s, _)| s.as_u16()).collect::<Vec<_>>(),
        [200, 200, 429, 429]
    );
    let wait: u64 = answers[2]
        .1
        .as_ref()
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 60, "the next start is half an hour away: {wait}");
    for n in 2..4 {
        let id = format!("auth-limits-start-{n}");
        assert!(never_started(&client, &id).await, "{id} was not started");
    }
    // A prompt to a running conversation starts nothing, so it is not counted.
    let (status, body) = dave
        .post(
            "/send-prompt",
            &[("workflow_id", "auth-limits-start-0"), ("prompt", "again")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.stop(Duration::from_secs(10)).await.unwrap();

    let app = limited_app(&address, task_queue, &file, &[("RATE_LIMIT_RUNNING", "2")]).await;
    let dave = Caller::new(&app, &tokens[0]);
    // Dave has two running from above: a third is refused, and not started.
    wait_until(
        "dave's two conversations in the list",
        Duration::from_secs(30),
        || async {
            let (_, page) = dave.get("/conversations", &[]).await;
            let running = page["conversations"]
                .as_array()
                .is_some_and(|c| c.iter().filter(|c| c["status"] == "running").count() == 2);
            (running.then_some(()), page.to_string())
        },
    )
    .await;
    let (status, body) = dave
        .post("/start-workflow", &[("workflow_id", "auth-limits-third")])
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("2 conversations running"),
        "{body}"
    );
    assert!(
        never_started(&client, "auth-limits-third").await,
        "the third was not started"
    );
    let erin = Caller::new(&app, &tokens[1]);
    assert_eq!(
        erin.post("/start-workflow", &[("workflow_id", "auth-limits-erin")])
            .await
            .0,
        StatusCode::OK
    );
    for id in ["auth-limits-start-0", "auth-limits-start-1"] {
        assert_eq!(
            dave.post("/end-chat", &[("workflow_id", id)]).await.0,
            StatusCode::OK
        );
    }
}

/// The api adds the owner search attribute to a namespace that lacks it, so starts work.
#[tokio::test]
async fn the_api_adds_the_owner_attribute_to_a_namespace_without_it() {
    let address = DevServer::shared_address();
    let namespace = "auth-fresh";
    let created = tokio::process::Command::new(testkit::temporal_cli())
        .args([
            "operator",
            "namespace",
            "create",
            "--namespace",
            namespace,
            "--address",
        ])
        .arg(&address)
        .output()
        .await
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    let tokens = tokens_file(&file, &["frank"]);
    let mut options = AppOptions::new(&address, "auth-fresh-queue");
    options.env = vec![
        ("API_AUTH", "tokens".to_owned()),
        ("API_TOKENS_FILE", file.display().to_string()),
        ("TEMPORAL_NAMESPACE", namespace.to_owned()),
    ];
    let app = TestApp::spawn(options).await;
    let frank = Caller::new(&app, &tokens[0]);
    wait_until(
        "a start in the new namespace",
        Duration::from_secs(60),
        || async {
            let (status, body) = frank
                .post("/start-workflow", &[("workflow_id", "auth-fresh-chat")])
                .await;
            (
                (status == StatusCode::OK).then_some(()),
                format!("{status} {body}"),
            )
        },
    )
    .await;
    wait_until("frank's list", Duration::from_secs(30), || async {
        let (_, page) = frank.get("/conversations", &[]).await;
        let listed = page["conversations"]
            .as_array()
            .is_some_and(|c| c.len() == 1);
        (listed.then_some(()), page.to_string())
    })
    .await;
}

/// The binary: `API_AUTH=none` on a non-loopback address stops at start, before listening,
/// saying how to turn auth on; `new-token` prints a token and its line.
#[tokio::test]
async fn the_binary_refuses_to_listen_openly_without_auth_and_makes_tokens() {
    let port = free_port();
    let output = tokio::process::Command::new(cargo_binary("api"))
        .env("API_HOST", "0.0.0.0")
        .env("API_PORT", port.to_string())
        .env_remove("API_AUTH")
        .env_remove("API_AUTH_NONE_I_UNDERSTAND")
        .env("TEMPORAL_ADDRESS", "127.0.0.1:1")
        .output();
    let output = tokio::time::timeout(Duration::from_secs(30), output)
        .await
        .expect("the api stops by itself")
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("API_AUTH=tokens") && said.contains("API_AUTH_NONE_I_UNDERSTAND"),
        "{said}"
    );
    assert!(!said.contains("api listening"), "{said}");

    let output = tokio::process::Command::new(cargo_binary("api"))
        .args(["new-token", "grace"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    let users = api::auth::tokens::parse(lines[1]).unwrap();
    assert_eq!(
        users
            .get(&api::auth::tokens::hash_hex(lines[0]))
            .map(|u| u.as_str()),
        Some("grace")
    );
    let refused = tokio::process::Command::new(cargo_binary("api"))
        .args(["new-token", "not a user"])
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success());
}

/// Bodies and query strings over the limits are refused before anything reads them.
#[tokio::test]
async fn oversized_bodies_and_query_strings_are_refused() {
    let app = app_with(&DevServer::shared_address(), "auth-sizes-queue", &[]).await;
    let (status, body) = answer(
        app.http
            .post(app.url("/email/save-draft"))
            .query(&[("workflow_id", "auth-sizes")])
            .body(vec![b' '; api::MAX_BODY_BYTES + 1]),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let long = "x".repeat(api::MAX_QUERY_BYTES + 1);
    let (status, body) = answer(
        app.http
            .get(app.url("/goals"))
            .query(&[("q", long.as_str())]),
    )
    .await;
    assert_eq!(status, StatusCode::URI_TOO_LONG, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("query string"),
        "{body}"
    );
}
