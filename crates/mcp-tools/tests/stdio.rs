//! The server over stdio, as the worker's MCP client sees it: the built binary spawned as a
//! child process, speaking JSON-RPC on stdin/stdout.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{BINARY, PROMPTLY, Scratch, call, checks, connect_stdio, try_call};
use rmcp::ServiceExt;
use rmcp::transport::TokioChildProcess;
use serde_json::json;
use tokio::io::AsyncReadExt;

#[tokio::test]
async fn lists_tools_with_schemas_and_annotations_over_stdio() {
    let scratch = Scratch::new();
    let (client, _pid) = connect_stdio(&scratch, &[]).await;
    checks::introduces_itself(&client);
    checks::lists_the_four_tools_with_schemas_and_annotations(&client).await;
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn every_tool_answers_over_stdio() {
    let scratch = Scratch::new();
    let (client, _pid) = connect_stdio(&scratch, &[]).await;
    checks::converts_currency(&client).await;
    checks::unknown_currency_is_a_tool_error(&client).await;
    checks::answers_times_and_zones(&client).await;
    checks::malformed_calls_are_refused(&client).await;
    checks::every_note_call_appends_exactly_one_line(&client, &scratch).await;
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn notes_go_to_the_working_directory_when_no_file_is_configured() {
    let scratch = Scratch::new();
    let mut command = tokio::process::Command::new(BINARY);
    command
        .current_dir(scratch.dir.path())
        .env_remove("MCP_TOOLS_NOTES_FILE");
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = ().serve(transport).await.unwrap();
    call(
        &client,
        "save_trip_note",
        json!({"title": "Default", "text": "here"}),
    )
    .await;
    client.cancel().await.unwrap();
    let notes = common::read_notes(&scratch.dir.path().join("notes.jsonl"));
    assert_eq!(notes.len(), 1);
}

#[tokio::test]
async fn delay_variable_holds_every_call_at_least_that_long() {
    let scratch = Scratch::new();
    let (client, _pid) = connect_stdio(&scratch, &[("MCP_TOOLS_DELAY_MS", "400")]).await;
    let started = Instant::now();
    let result = call(
        &client,
        "convert_currency",
        json!({"amount": 1, "from": "USD", "to": "CAD"}),
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(result.is_error, Some(false));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_server_killed_during_the_delay_saves_no_note() {
    let scratch = Scratch::new();
    let (client, pid) = connect_stdio(&scratch, &[("MCP_TOOLS_DELAY_MS", "5000")]).await;
    let pending = tokio::spawn(async move {
        let outcome = try_call(
            &client,
            "save_trip_note",
            json!({"title": "Lost", "text": "never written"}),
        )
        .await;
        (outcome, client)
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    common::signal(pid, "KILL");

    let (outcome, _client) = tokio::time::timeout(PROMPTLY, pending)
        .await
        .expect("the call fails once the server is gone")
        .unwrap();
    assert!(outcome.is_err(), "{outcome:?}");
    assert!(scratch.notes().is_empty());
}

#[tokio::test]
async fn a_call_the_client_gives_up_on_during_the_delay_saves_no_note() {
    let scratch = Scratch::new();
    let (client, _pid) = connect_stdio(&scratch, &[("MCP_TOOLS_DELAY_MS", "1500")]).await;
    // Dropping the pending call makes rmcp's client send notifications/cancelled.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(300),
        try_call(
            &client,
            "save_trip_note",
            json!({"title": "Abandoned", "text": "never written"}),
        ),
    )
    .await;
    assert!(gave_up.is_err(), "the call was still waiting");

    // Well past the delay, the server is still up and the note was never written.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let result = call(&client, "city_time_zone", json!({"city": "Boston"})).await;
    assert_eq!(result.is_error, Some(false));
    assert!(scratch.notes().is_empty(), "{:?}", scratch.notes());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn logs_go_to_stderr_and_leave_stdout_to_the_protocol() {
    let scratch = Scratch::new();
    let mut command = tokio::process::Command::new(BINARY);
    command
        .current_dir(scratch.dir.path())
        .env("MCP_TOOLS_NOTES_FILE", scratch.notes_file())
        .env("RUST_LOG", "debug");
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = ().serve(transport).await.unwrap();
    // Debug logging is chatty; had any of it reached stdout, the client could not have
    // parsed the replies.
    let result = call(&client, "city_time_zone", json!({"city": "Chicago"})).await;
    assert_eq!(result.is_error, Some(false));
    client.cancel().await.unwrap();

    let mut logs = String::new();
    tokio::time::timeout(PROMPTLY, stderr.unwrap().read_to_string(&mut logs))
        .await
        .expect("stderr closes when the server exits")
        .unwrap();
    assert!(logs.contains("starting"), "{logs}");
    assert!(logs.contains("city_time_zone"), "{logs}");
}
