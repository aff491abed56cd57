//! Behaviour every transport must show, written once and run over stdio and over HTTP.

use mcp_tools::currency::RATES;
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Value, json};

use super::{Client, Scratch, call, text_of, try_call};

/// The annotations each tool must declare, as (name, read-only, destructive, idempotent).
/// None of the tools reaches outside the server, so `openWorldHint` is false for all.
const EXPECTED: [(&str, bool, bool, bool); 4] = [
    ("convert_currency", true, false, true),
    ("time_in_zone", true, false, true),
    ("city_time_zone", true, false, true),
    ("save_trip_note", false, false, false),
];

/// `tools/list` names the four tools with descriptions, argument and result schemas, and
/// truthful annotations.
pub async fn lists_the_four_tools_with_schemas_and_annotations(client: &Client) {
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "city_time_zone",
            "convert_currency",
            "save_trip_note",
            "time_in_zone"
        ]
    );
    for (name, read_only, destructive, idempotent) in EXPECTED {
        let tool = tools.iter().find(|tool| tool.name == name).unwrap();
        assert!(
            tool.description.as_deref().is_some_and(|d| d.len() > 40),
            "{name} needs a real description"
        );
        let annotations = tool.annotations.clone().unwrap_or_default();
        let expected = ToolAnnotations::new()
            .read_only(read_only)
            .destructive(destructive)
            .idempotent(idempotent)
            .open_world(false);
        assert_eq!(
            (
                annotations.read_only_hint,
                annotations.destructive_hint,
                annotations.idempotent_hint,
                annotations.open_world_hint
            ),
            (
                expected.read_only_hint,
                expected.destructive_hint,
                expected.idempotent_hint,
                expected.open_world_hint
            ),
            "annotations of {name}"
        );
        assert!(
            tool.output_schema.is_some(),
            "{name} declares its result's shape"
        );
    }

    let convert = input_schema(&tools, "convert_currency");
    assert_eq!(convert["type"], "object");
    assert_eq!(convert["properties"]["amount"]["type"], "number");
    assert_eq!(convert["properties"]["from"]["type"], "string");
    assert_eq!(required(&convert), ["amount", "from", "to"]);
    assert_eq!(required(&input_schema(&tools, "time_in_zone")), ["zone"]);
    assert_eq!(required(&input_schema(&tools, "city_time_zone")), ["city"]);
    assert_eq!(
        required(&input_schema(&tools, "save_trip_note")),
        ["text", "title"]
    );
}

fn input_schema(tools: &[Tool], name: &str) -> Value {
    let tool = tools.iter().find(|tool| tool.name == name).unwrap();
    Value::Object(tool.input_schema.as_ref().clone())
}

fn required(schema: &Value) -> Vec<String> {
    let mut names: Vec<String> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|name| name.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The server introduces itself by name and version, with instructions for the model.
pub fn introduces_itself(client: &Client) {
    let info = client.peer_info().expect("initialised");
    let server = info.server_info.as_ref().expect("server info");
    assert_eq!(server.name, "mcp-tools");
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
    let instructions = info.instructions.as_deref().unwrap_or_default();
    assert!(instructions.contains("save_trip_note"), "{instructions}");
    assert!(info.capabilities.tools.is_some());
}

/// `convert_currency` answers with structured content and one text line.
pub async fn converts_currency(client: &Client) {
    let result = call(
        client,
        "convert_currency",
        json!({"amount": 150, "from": "usd", "to": "EUR"}),
    )
    .await;
    assert_eq!(result.is_error, Some(false));
    let expected = RATES.convert(150.0, "USD", "EUR").unwrap();
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(structured, serde_json::to_value(&expected).unwrap());
    for field in ["amount", "from", "to", "converted", "rate", "as_of"] {
        assert!(structured.get(field).is_some(), "{field} missing");
    }
    assert_eq!(text_of(&result), RATES.describe(&expected));
    assert!(
        text_of(&result).starts_with("150.00 USD = "),
        "{}",
        text_of(&result)
    );
}

/// An unknown currency is a tool result marked as an error, naming the code and the
/// supported ones, not a protocol error.
pub async fn unknown_currency_is_a_tool_error(client: &Client) {
    let result = call(
        client,
        "convert_currency",
        json!({"amount": 5, "from": "USD", "to": "XYZ"}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    let text = text_of(&result);
    assert!(text.contains("XYZ"), "{text}");
    assert!(text.contains("EUR") && text.contains("CAD"), "{text}");
    assert!(result.structured_content.is_none());
}

/// `time_in_zone` and `city_time_zone` answer, and refuse unknown names as tool errors.
pub async fn answers_times_and_zones(client: &Client) {
    let result = call(client, "city_time_zone", json!({"city": "austin"})).await;
    assert_eq!(result.is_error, Some(false));
    let city = result.structured_content.clone().unwrap();
    assert_eq!(city["name"], "Austin");
    assert_eq!(city["zone"], "America/Chicago");
    assert!(text_of(&result).contains("America/Chicago"));

    let result = call(
        client,
        "time_in_zone",
        json!({"zone": city["zone"], "at": "2026-12-03T20:05:00Z"}),
    )
    .await;
    assert_eq!(result.is_error, Some(false));
    let time = result.structured_content.clone().unwrap();
    assert_eq!(time["local_time"], "2026-12-03T14:05:00-06:00");
    assert_eq!(time["abbreviation"], "CST");
    assert_eq!(
        text_of(&result),
        "Thursday 2026-12-03 14:05 CST (UTC-06:00) in America/Chicago"
    );

    let now = call(client, "time_in_zone", json!({"zone": "America/Toronto"})).await;
    assert_eq!(now.is_error, Some(false));

    let unknown = call(client, "city_time_zone", json!({"city": "Vancuver"})).await;
    assert_eq!(unknown.is_error, Some(true));
    assert!(
        text_of(&unknown).contains("Vancouver"),
        "{}",
        text_of(&unknown)
    );

    let unknown = call(client, "time_in_zone", json!({"zone": "Mars/Olympus"})).await;
    assert_eq!(unknown.is_error, Some(true));
    assert!(text_of(&unknown).contains("Mars/Olympus"));
}

/// Arguments that do not fit the schema get a tool error the model can correct from (rmcp
/// turns the deserialisation failure into `isError: true`); a tool that does not exist is a
/// protocol error (JSON-RPC invalid params).
pub async fn malformed_calls_are_refused(client: &Client) {
    let missing = call(
        client,
        "convert_currency",
        json!({"amount": 5, "from": "USD"}),
    )
    .await;
    assert_eq!(missing.is_error, Some(true));
    assert!(text_of(&missing).contains("`to`"), "{}", text_of(&missing));
    let wrong_type = call(
        client,
        "convert_currency",
        json!({"amount": "five", "from": "USD", "to": "EUR"}),
    )
    .await;
    assert_eq!(wrong_type.is_error, Some(true));

    match try_call(client, "book_flight", json!({})).await {
        Err(rmcp::ServiceError::McpError(error)) => assert_eq!(error.code.0, -32602, "{error:?}"),
        other => panic!("expected invalid params, got {other:?}"),
    }
}

/// Each `save_trip_note` call appends exactly one line, with the id the call returned; the
/// read-only tools write nothing.
pub async fn every_note_call_appends_exactly_one_line(client: &Client, scratch: &Scratch) {
    call(client, "city_time_zone", json!({"city": "Denver"})).await;
    assert!(scratch.notes().is_empty(), "read-only tools wrote notes");

    let mut ids = Vec::new();
    for n in 1..=3 {
        let result = call(
            client,
            "save_trip_note",
            json!({"title": "Austin trip", "text": format!("Reminder {n}")}),
        )
        .await;
        assert_eq!(result.is_error, Some(false));
        let saved = result.structured_content.clone().unwrap();
        let id = saved["id"].as_str().unwrap().to_owned();
        assert!(text_of(&result).contains(&id));
        ids.push(id);

        let notes = scratch.notes();
        assert_eq!(notes.len(), n, "one line per call");
        let last = notes.last().unwrap();
        assert_eq!(last["id"], saved["id"]);
        assert_eq!(last["title"], "Austin trip");
        assert_eq!(last["text"], format!("Reminder {n}"));
        assert_eq!(last["created_at"], saved["created_at"]);
    }
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 3, "every call gets a new id");

    let empty = call(client, "save_trip_note", json!({"title": " ", "text": "x"})).await;
    assert_eq!(empty.is_error, Some(true));
    assert_eq!(scratch.notes().len(), 3, "a refused note writes nothing");
}
