//! The registry as the worker uses it: configured from settings, tools run by name, no keys
//! (generated flights and invoices).

use chrono::NaiveDate;
use serde_json::{Value, json};
use tools::{ToolCall, ToolError, ToolRegistry, ToolSettings};

fn fixture() -> std::path::PathBuf {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events.json").into()
}

fn offline_registry() -> ToolRegistry {
    ToolRegistry::new(ToolSettings {
        find_events_data: Some(fixture()),
        ..ToolSettings::default()
    })
    .expect("registry")
    .with_today(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
}

fn call(id: &str) -> ToolCall {
    ToolCall::new("agent-workflow", "run-1", id)
}

#[tokio::test]
async fn find_events_reads_the_configured_file_and_pinned_date() {
    let registry = offline_registry();

    let result = registry
        .run(
            "FindEvents",
            json!({"city": "austin", "month": "DEC"}),
            &call("1"),
        )
        .await
        .unwrap();

    let events = result["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{result}");
    assert_eq!(events[0]["eventName"], "Trail of Lights");
    assert_eq!(events[0]["dateFrom"], "2025-12-08");
    assert_eq!(events[0]["month"], "requested month");
}

#[tokio::test]
async fn tool_args_are_read_leniently() {
    let registry = offline_registry();
    let as_string = json!("{\"city\": \"Toronto\", \"month\": 1, \"extra\": null}");

    let result = registry
        .run("FindEvents", as_string, &call("1"))
        .await
        .unwrap();

    assert_eq!(
        result["events"][0]["eventName"], "Winter Lights",
        "{result}"
    );
    let bad_month = registry
        .run(
            "FindEvents",
            json!({"city": "Toronto", "month": null}),
            &call("2"),
        )
        .await
        .unwrap();
    assert_eq!(bad_month, json!({"error": "Invalid month provided."}));
}

#[tokio::test]
async fn unknown_tool_is_a_non_retryable_error() {
    let error = offline_registry()
        .run("BookHotel", json!({}), &call("1"))
        .await
        .unwrap_err();
    assert!(matches!(error, ToolError::UnknownTool(ref name) if name == "BookHotel"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn without_keys_flights_and_invoices_are_generated_deterministically() {
    let registry = offline_registry();
    let flights_args = json!({
        "origin": "ORD", "destination": "DFW", "dateDepart": "2026-03-05",
        "dateReturn": "2026-03-09", "userConfirmation": true
    });
    let first = registry
        .run("SearchFlights", flights_args.clone(), &call("1"))
        .await
        .unwrap();
    let again = registry
        .run("SearchFlights", flights_args, &call("2"))
        .await
        .unwrap();
    assert_eq!(first, again);
    assert!((3..=4).contains(&first["results"].as_array().unwrap().len()));

    let invoice_args = json!({"amount": 150.0, "tripDetails": "ORD-DFW", "userConfirmation": true});
    let invoice = registry
        .run("CreateInvoice", invoice_args.clone(), &call("3"))
        .await
        .unwrap();
    let retried = registry
        .run("CreateInvoice", invoice_args, &call("3"))
        .await
        .unwrap();
    assert_eq!(invoice, retried, "a retried call gets the same invoice");
    assert_eq!(invoice["invoiceStatus"], "generated");
    assert_eq!(invoice["amount"], 150.0);
}

#[tokio::test]
async fn user_facing_problems_are_ok_answers_with_an_error() {
    let registry = offline_registry();
    let cases: [(&str, Value); 3] = [
        ("FindEvents", json!({"city": "Austin", "month": "Smarch"})),
        ("SearchFlights", json!({"destination": "DFW"})),
        ("CreateInvoice", json!({"amount": "0"})),
    ];
    for (tool, args) in cases {
        let result = registry.run(tool, args, &call("1")).await.unwrap();
        assert!(result["error"].is_string(), "{tool}: {result}");
    }
}

#[test]
fn names_definitions_and_goal_agree() {
    let registry = offline_registry();
    let names: Vec<String> = registry.definitions().into_iter().map(|d| d.name).collect();
    assert_eq!(names, registry.names());
    let catalog = goals::GoalCatalog::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../goals"),
        goals::Categories::default(),
    )
    .unwrap();
    let trip = tools::goal_with_builtin_tools(catalog.get(goals::DEFAULT_GOAL).unwrap()).unwrap();
    assert_eq!(trip.tools, registry.definitions()[..3]);
}

#[test]
fn unreadable_events_file_fails_at_startup() {
    let settings = ToolSettings {
        find_events_data: Some("/nonexistent/events.json".into()),
        ..ToolSettings::default()
    };
    let error = ToolRegistry::new(settings).unwrap_err();
    assert!(matches!(error, ToolError::EventsData(_)), "{error:?}");
}

#[test]
fn unusable_base_url_stops_the_worker_naming_the_variable() {
    let env = settings::Env::from_pairs([
        ("STRIPE_API_KEY", "sk_test_1"),
        ("STRIPE_BASE_URL", "not a url"),
    ]);
    let error = ToolSettings::from_env(&env).unwrap_err();
    assert_eq!(error.variable, "STRIPE_BASE_URL");
    assert!(!error.to_string().contains("sk_test_1"));
}
