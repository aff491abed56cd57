//! The chat UI in a real browser: Debian's Chromium, driven by `playwright-core`, from the
//! scripts in `frontend/e2e/`, against the real api (serving the built UI), the worker
//! binary, the demo model and a Temporal dev server (shared by the tests, each with its own
//! worker, task queue and api).
//!
//! - `trip.e2e.mjs` books the whole trip by typing and clicking Confirm three times, checks
//!   the conversation's tokens in the header and the invoice link, takes the screenshot the
//!   README shows, and checks that markup in an agent message renders as text.
//! - `live.e2e.mjs` watches replies grow as the demo model writes them slowly (their text
//!   travels over a real NATS server), and reloads the page in the middle of one.
//! - `goals.e2e.mjs` chooses the Travel Desk for a new chat and runs the bundled MCP server's
//!   tools through the UI, then lets the agent picker hand a chat over to it.
//! - `retry.e2e.mjs` sends a prompt whose model call fails three times: the chat shows each
//!   attempt of the retry in place of the thinking indicator, then the reply.
//! - `decline.e2e.mjs` declines a proposal with a reason: the declined entry shows, nothing
//!   runs, the agent answers. `edit.e2e.mjs` edits a proposal's arguments before it runs.
//! - `sidebar.e2e.mjs` reopens an older chat from the past-chats list, on a desktop and
//!   through the drawer on a phone. `together.e2e.mjs` confirms two searches proposed on one
//!   card, then says goodbye.
//! - `polish.e2e.mjs` checks what a person reads, on a desktop and a 390×844 phone: cards in
//!   words (no field names), flights and the invoice as cards, a half-typed message kept over
//!   a reload, Enter in the empty box confirming, broken and unknown links offering a new
//!   chat, and no serious or critical axe-core violation on any of it.
//! - `auth.e2e.mjs` runs against an api with `API_AUTH=tokens`: the token prompt, a wrong token
//!   refused, the right one opening a chat whose replies come over a stream opened with a
//!   ticket, a reload staying signed in. `oidc.e2e.mjs` runs against `API_AUTH=jwt` with a
//!   fake issuer: the UI signs in there with PKCE, comes back, and chats.

use std::{path::PathBuf, time::Duration};

use e2e::{browser_prerequisites, run_browser_script};
use serde_json::Value;
use testkit::{
    ApiProcess, NatsServer, Stack, cargo_binary,
    demo_llm::{Config, Fault, LlmServer, Step},
    wait_until, workspace_root,
};

/// Runs `frontend/<script>` in Chromium against `api`, with the script's settings `env`;
/// panics with the script's output and the servers' logs when it fails. Returns the
/// script's output.
async fn run_in_chromium(
    script: &str,
    stack: &Stack,
    api: &ApiProcess,
    env: &[(&str, &str)],
) -> String {
    let frontend = workspace_root().join("frontend");
    let chromium = browser_prerequisites(&frontend);
    let screenshots = screenshots();
    let run = tokio::task::spawn_blocking({
        let base_url = api.base_url();
        let script = script.to_owned();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|&(name, value)| (name.into(), value.into()))
            .collect();
        move || run_browser_script(&frontend, &script, &base_url, &screenshots, &chromium, &env)
    })
    .await
    .unwrap();
    assert!(
        run.success,
        "the browser run of {script} failed:\n{}\n{}\n{}",
        run.log,
        api.process.log_tail(30),
        stack.worker_log()
    );
    run.log
}

/// Where the scripts save their screenshots.
fn screenshots() -> PathBuf {
    let dir = workspace_root().join("test-output/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The api for `stack`, serving the built UI, with `env` on top.
async fn api_for(stack: &Stack, env: &[(&str, &str)]) -> ApiProcess {
    let dist = workspace_root().join("frontend/dist");
    let mut settings = vec![("FRONTEND_DIST", dist.to_str().unwrap())];
    settings.extend_from_slice(env);
    ApiProcess::start(&stack.address, &stack.task_queue, &settings)
        .await
        .expect("the api starts")
}

/// Starts conversation `id` through `api` and waits until the agent has greeted.
async fn start_and_wait_for_the_greeting(api: &ApiProcess, id: &str) {
    let http = reqwest::Client::new();
    let base = api.base_url();
    http.post(format!("{base}/start-workflow"))
        .query(&[("workflow_id", id)])
        .send()
        .await
        .and_then(|response| response.error_for_status())
        .expect("the conversation starts");
    wait_until("the greeting", Duration::from_secs(60), || async {
        let history: Value = match http
            .get(format!("{base}/get-conversation-history"))
            .query(&[("workflow_id", id)])
            .send()
            .await
        {
            Ok(response) => response.json().await.unwrap_or(Value::Null),
            Err(err) => return (None, err.to_string()),
        };
        let greeted = history["messages"]
            .as_array()
            .is_some_and(|messages| messages.iter().any(|m| m["actor"] == "agent"));
        (greeted.then_some(()), history.to_string())
    })
    .await;
}

#[tokio::test]
async fn whole_trip_in_chromium_with_the_demo_model() {
    let stack = Stack::demo("browser").await;
    let api = api_for(&stack, &[]).await;
    let _ = std::fs::remove_file(screenshots().join("trip.png"));

    let log = run_in_chromium("e2e/trip.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("CreateInvoice"), "{log}");
    assert!(
        screenshots().join("trip.png").exists(),
        "no screenshot in {}",
        screenshots().display()
    );
}

#[tokio::test]
async fn replies_grow_as_the_model_writes_and_continue_after_a_reload_in_chromium() {
    let nats = NatsServer::start().await.expect("nats-server starts");
    let nats_url = nats.url();
    // About 25 tokens a second: a greeting takes a few seconds to write, the list of events
    // longer, so the page can be sampled and reloaded while a reply is being written.
    let llm = LlmServer::start(Config {
        token_interval: Duration::from_millis(40),
        ..Config::default()
    })
    .await
    .expect("LLM server");
    let stack = Stack::start("browser-live", llm, &[("NATS_URL", &nats_url)]).await;
    let api = api_for(&stack, &[("NATS_URL", &nats_url)]).await;
    let _ = std::fs::remove_file(screenshots().join("live.png"));

    let log = run_in_chromium("e2e/live.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    assert!(
        screenshots().join("live.png").exists(),
        "no screenshot of a reply being written in {}",
        screenshots().display()
    );
}

#[tokio::test]
async fn travel_desk_chosen_for_a_new_chat_runs_mcp_tools_in_chromium() {
    // The bundled MCP server as the worker's child process, keeping its notes here.
    let dir = std::env::temp_dir().join(format!("browser-goals-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let notes = dir.join("notes.jsonl");
    let config = dir.join("mcp.json");
    let servers = serde_json::json!({"mcpServers": {"travel": {
        "command": cargo_binary("mcp-tools"),
        "args": [],
        "env": {"MCP_TOOLS_NOTES_FILE": notes},
    }}});
    std::fs::write(&config, servers.to_string()).unwrap();

    let llm = LlmServer::start(Config::default())
        .await
        .expect("LLM server");
    let stack = Stack::start(
        "browser-goals",
        llm,
        &[("MCP_CONFIG", config.to_str().unwrap())],
    )
    .await;
    let api = api_for(&stack, &[]).await;

    let log = run_in_chromium("e2e/goals.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    // The note confirmed in the browser is in the MCP server's file, once.
    let saved = std::fs::read_to_string(&notes).unwrap_or_default();
    let lines: Vec<&str> = saved.lines().collect();
    assert_eq!(lines.len(), 1, "{saved}");
    assert!(lines[0].contains("hotel check-in"), "{saved}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_retried_model_call_shows_each_attempt_then_the_reply_in_chromium() {
    let llm = LlmServer::start(Config::default())
        .await
        .expect("LLM server");
    let stack = Stack::start("browser-retry", llm, testkit::VISIBLE_RETRIES).await;
    let api = api_for(&stack, &[]).await;
    // Greeted first, so only the planning of the prompt the page sends fails.
    let id = "browser-retry-chat";
    start_and_wait_for_the_greeting(&api, id).await;
    stack.llm.inject(Fault::fail(3, 500).on_step(Step::Planner));

    let log = run_in_chromium("e2e/retry.e2e.mjs", &stack, &api, &[("CONVERSATION", id)]).await;

    assert!(log.contains("PASS"), "{log}");
}

/// The histories of the conversations `api` lists (`GET /conversations`), newest first.
async fn listed_histories(api: &ApiProcess) -> Vec<Value> {
    let http = reqwest::Client::new();
    let base = api.base_url();
    let page: Value = http
        .get(format!("{base}/conversations"))
        .send()
        .await
        .and_then(|response| response.error_for_status())
        .expect("the conversations are listed")
        .json()
        .await
        .expect("the list is JSON");
    let mut histories = Vec::new();
    for conversation in page["conversations"].as_array().expect("a list") {
        let id = conversation["workflow_id"].as_str().expect("an id");
        let history: Value = http
            .get(format!("{base}/get-conversation-history"))
            .query(&[("workflow_id", id)])
            .send()
            .await
            .and_then(|response| response.error_for_status())
            .expect("the history is read")
            .json()
            .await
            .expect("the history is JSON");
        histories.push(history);
    }
    histories
}

/// The actors of `history`'s messages, in order.
fn actors(history: &Value) -> Vec<&str> {
    history["messages"]
        .as_array()
        .map(|messages| {
            messages
                .iter()
                .filter_map(|m| m["actor"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// `decline.e2e.mjs`: the FindEvents card declined with a reason; the chat shows the decline
/// and the agent's answer, and the tool never ran.
#[tokio::test]
async fn a_declined_proposal_runs_nothing_and_the_agent_answers_in_chromium() {
    let stack = Stack::demo("browser-decline").await;
    let api = api_for(&stack, &[]).await;

    let log = run_in_chromium("e2e/decline.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    let histories = listed_histories(&api).await;
    assert_eq!(histories.len(), 1, "{histories:?}");
    let history = &histories[0];
    let actors = actors(history);
    assert!(actors.contains(&"user_declined_tool_run"), "{history}");
    assert!(!actors.contains(&"tool_result"), "{history}");
    assert!(!actors.contains(&"user_confirmed_tool_run"), "{history}");
    let declined = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["actor"] == "user_declined_tool_run")
        .unwrap();
    assert_eq!(
        declined["response"]["reason"], "Too expensive for us",
        "{history}"
    );
    assert_eq!(actors.last(), Some(&"agent"), "{history}");
}

/// `edit.e2e.mjs`: the FindEvents card's city and month edited to Denver and March before it
/// runs; the result in the chat, and in the history, is Denver's.
#[tokio::test]
async fn an_edited_proposal_runs_with_the_arguments_the_user_gave_in_chromium() {
    let stack = Stack::demo("browser-edit").await;
    let api = api_for(&stack, &[]).await;

    let log = run_in_chromium("e2e/edit.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    let histories = listed_histories(&api).await;
    assert_eq!(histories.len(), 1, "{histories:?}");
    let history = &histories[0];
    let results: Vec<&Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["actor"] == "tool_result")
        .collect();
    assert_eq!(results.len(), 1, "{history}");
    let events = results[0]["response"]["events"].as_array().expect("events");
    assert!(!events.is_empty(), "{history}");
    assert!(events.iter().all(|e| e["city"] == "Denver"), "{history}");
}

/// `sidebar.e2e.mjs`: chats A and B started in the browser, A reopened from the list of past
/// chats; then on a 390×844 screen B reopened from the drawer.
#[tokio::test]
async fn past_chats_reopen_from_the_list_and_from_the_phone_drawer_in_chromium() {
    let stack = Stack::demo("browser-sidebar").await;
    let api = api_for(&stack, &[]).await;

    let log = run_in_chromium("e2e/sidebar.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    assert_eq!(listed_histories(&api).await.len(), 2);
}

/// `together.e2e.mjs`: two FindEvents proposed together on one card, run by one Confirm; then
/// a goodbye ends the chat.
#[tokio::test]
async fn tools_proposed_together_run_on_one_confirm_and_a_goodbye_ends_the_chat_in_chromium() {
    let stack = Stack::demo("browser-together").await;
    let api = api_for(&stack, &[]).await;

    let log = run_in_chromium("e2e/together.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    let histories = listed_histories(&api).await;
    assert_eq!(histories.len(), 1, "{histories:?}");
    let history = &histories[0];
    let results = actors(history)
        .into_iter()
        .filter(|actor| *actor == "tool_result")
        .count();
    assert_eq!(results, 2, "{history}");
    let last = history["messages"].as_array().unwrap().last().unwrap();
    assert_eq!(last["response"]["next"], "done", "{history}");
}

/// `polish.e2e.mjs`: the trip booked with the keyboard, read in words on a desktop and a phone,
/// with axe-core finding nothing serious; broken links offer a new chat. Only the one trip is
/// started: the unknown id typed into the URL is not.
#[tokio::test]
async fn the_chat_reads_in_words_keeps_drafts_and_passes_axe_on_desktop_and_phone_in_chromium() {
    let stack = Stack::demo("browser-polish").await;
    let api = api_for(&stack, &[]).await;
    for shot in ["polish-chat.png", "polish-chat-phone.png"] {
        let _ = std::fs::remove_file(screenshots().join(shot));
    }

    let log = run_in_chromium("e2e/polish.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    let histories = listed_histories(&api).await;
    assert_eq!(histories.len(), 1, "{histories:?}");
    for shot in ["polish-chat.png", "polish-chat-phone.png"] {
        assert!(
            screenshots().join(shot).exists(),
            "no {shot} in {}",
            screenshots().display()
        );
    }
}

/// A tokens file in a fresh folder with one line for `user`, from `api new-token`; returns the
/// folder, the file and the token.
fn tokens_file_for(user: &str) -> (PathBuf, PathBuf, String) {
    let output = std::process::Command::new(cargo_binary("api"))
        .args(["new-token", user])
        .output()
        .expect("the api binary runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    let [token, line] = lines[..] else {
        panic!("`api new-token` printed {stdout:?}, not a token and a line");
    };
    assert!(line.starts_with(&format!("{user}:")), "{line}");
    let dir = std::env::temp_dir().join(format!("browser-auth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    (dir, file, token.to_owned())
}

/// `GET /conversations` with `token` (none: no header); the status and the body.
async fn conversations_with(api: &ApiProcess, token: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}/conversations", api.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the api answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `auth.e2e.mjs` on an api with `API_AUTH=tokens`: the token prompt, a wrong token refused,
/// the right one opening a chat that works over a ticketed stream, a reload keeping it. The
/// api still refuses a call without the token, and lists the chat for the token's user.
#[tokio::test]
async fn the_ui_asks_for_a_token_refuses_a_wrong_one_and_chats_with_the_right_one_in_chromium() {
    let stack = Stack::demo("browser-auth").await;
    let (dir, file, token) = tokens_file_for("alice");
    let api = api_for(
        &stack,
        &[
            ("API_AUTH", "tokens"),
            ("API_TOKENS_FILE", file.to_str().unwrap()),
        ],
    )
    .await;

    let log = run_in_chromium("e2e/auth.e2e.mjs", &stack, &api, &[("AUTH_TOKEN", &token)]).await;

    assert!(log.contains("PASS"), "{log}");
    let (status, body) = conversations_with(&api, None).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = conversations_with(&api, Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    let listed = body["conversations"].as_array().expect("a list");
    assert_eq!(listed.len(), 1, "{body}");
    // Neither the token nor the stream tickets it bought reach the api's log.
    let api_log = api.process.log_tail(usize::MAX);
    assert!(api_log.contains("request finished"), "{api_log}");
    assert!(!api_log.contains(&token), "the token is in the api's log");
    assert!(!api_log.contains("ticket="), "a ticket is in the api's log");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `oidc.e2e.mjs` on an api with `API_AUTH=jwt` and a fake issuer's sign-in page: the UI goes
/// there and back, trades the code with its PKCE verifier, and the chat works. The chat is
/// the signed-in user's: listed for a token of theirs.
#[tokio::test]
async fn the_ui_signs_in_at_the_issuer_with_pkce_and_chats_in_chromium() {
    let audience = "agent-api";
    let issuer = testkit::oidc::FakeIssuer::start(audience).await;
    let stack = Stack::demo("browser-oidc").await;
    let (jwt_issuer, jwks_url) = (issuer.issuer(), issuer.jwks_url());
    let (authorization_url, token_url) = (issuer.authorization_url(), issuer.token_url());
    let api = api_for(
        &stack,
        &[
            ("API_AUTH", "jwt"),
            ("JWT_ISSUER", &jwt_issuer),
            ("JWT_AUDIENCE", audience),
            ("JWKS_URL", &jwks_url),
            ("OIDC_AUTHORIZATION_URL", &authorization_url),
            ("OIDC_TOKEN_URL", &token_url),
            ("OIDC_CLIENT_ID", "agent-ui"),
        ],
    )
    .await;

    let log = run_in_chromium("e2e/oidc.e2e.mjs", &stack, &api, &[]).await;

    assert!(log.contains("PASS"), "{log}");
    let (status, body) = conversations_with(&api, None).await;
    assert_eq!(status, 401, "{body}");
    let token = issuer.mint(testkit::oidc::OIDC_USER);
    let (status, body) = conversations_with(&api, Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["conversations"].as_array().expect("a list").len(),
        1,
        "{body}"
    );
}
