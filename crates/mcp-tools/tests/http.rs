//! The server over streamable HTTP, as the worker's MCP client sees it: started in-process on a
//! free loopback port, and as the binary with `--http`.

mod common;

use std::time::{Duration, Instant};

use common::{PROMPTLY, Scratch, call, checks, connect_http, start_http};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

#[tokio::test]
async fn lists_tools_with_schemas_and_annotations_over_http() {
    let scratch = Scratch::new();
    let server = start_http(scratch.tool_options(), None).await;
    let client = connect_http(&server.url(), &[]).await.unwrap();
    checks::introduces_itself(&client);
    checks::lists_the_four_tools_with_schemas_and_annotations(&client).await;
    client.cancel().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn every_tool_answers_over_http() {
    let scratch = Scratch::new();
    let server = start_http(scratch.tool_options(), None).await;
    let client = connect_http(&server.url(), &[]).await.unwrap();
    checks::converts_currency(&client).await;
    checks::unknown_currency_is_a_tool_error(&client).await;
    checks::answers_times_and_zones(&client).await;
    checks::malformed_calls_are_refused(&client).await;
    checks::every_note_call_appends_exactly_one_line(&client, &scratch).await;
    client.cancel().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn sessions_of_one_server_share_the_notes_file() {
    let scratch = Scratch::new();
    let server = start_http(scratch.tool_options(), None).await;
    let first = connect_http(&server.url(), &[]).await.unwrap();
    let second = connect_http(&server.url(), &[]).await.unwrap();
    let note = json!({"title": "Shared", "text": "from a session"});
    call(&first, "save_trip_note", note.clone()).await;
    call(&second, "save_trip_note", note).await;
    assert_eq!(scratch.notes().len(), 2);
    first.cancel().await.unwrap();
    second.cancel().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn required_header_refuses_clients_without_it_and_admits_those_with_it() {
    let scratch = Scratch::new();
    let server = start_http(scratch.tool_options(), Some("X-Api-Key: trip-secret")).await;

    let refused = connect_http(&server.url(), &[]).await;
    let error = refused.expect_err("a client without the header is refused");
    assert!(error.to_string().contains("401"), "{error}");

    let wrong = connect_http(&server.url(), &[("x-api-key", "guess")]).await;
    assert!(wrong.is_err(), "a wrong value is refused too");

    let client = connect_http(&server.url(), &[("x-api-key", "trip-secret")])
        .await
        .unwrap();
    let result = call(&client, "city_time_zone", json!({"city": "Seattle"})).await;
    assert_eq!(result.is_error, Some(false));
    client.cancel().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn configured_delay_holds_every_call_over_http() {
    let scratch = Scratch::new();
    let mut options = scratch.tool_options();
    options.delay = Duration::from_millis(300);
    let server = start_http(options, None).await;
    let client = connect_http(&server.url(), &[]).await.unwrap();
    let started = Instant::now();
    call(&client, "city_time_zone", json!({"city": "Miami"})).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    client.cancel().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn binary_prints_its_url_serves_http_and_stops_on_sigterm() {
    let scratch = Scratch::new();
    let mut child = tokio::process::Command::new(common::BINARY)
        .args(["--http", "127.0.0.1:0"])
        .current_dir(scratch.dir.path())
        .env("MCP_TOOLS_NOTES_FILE", scratch.notes_file())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(PROMPTLY, stdout.read_line(&mut line))
        .await
        .expect("the server says where it listens")
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/mcp"),
        "{url}"
    );

    let client = connect_http(&url, &[]).await.unwrap();
    let result = call(
        &client,
        "save_trip_note",
        json!({"title": "Binary", "text": "over HTTP"}),
    )
    .await;
    assert_eq!(result.is_error, Some(false));
    assert_eq!(scratch.notes().len(), 1);
    client.cancel().await.unwrap();

    common::signal(child.id().unwrap(), "TERM");
    let status = tokio::time::timeout(PROMPTLY, child.wait())
        .await
        .expect("the server stops on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "stdout carries only the listening line");
}
