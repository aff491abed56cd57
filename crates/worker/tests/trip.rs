//! The whole trip, end to end: a real dev server, the real worker binary, our demo LLM
//! over HTTP, keyless flights, and invoices through the real Stripe client against a
//! loopback fake.

use fakes::FakeStripe;
use models::{Actor, NextStep, PlannerDecision};
use serde_json::Value;
use testkit::{
    Stack, actors, assert_conversation_replays,
    demo_llm::{Config, LlmServer},
};

const STARTER: &str = "### Greet the user, say what you can do, and ask for a city and a month.";

fn agent_tool_data(response: &Value) -> PlannerDecision {
    serde_json::from_value(response.clone()).expect("agent messages are PlannerDecision")
}

#[tokio::test]
async fn whole_trip_finds_an_event_searches_flights_and_invoices() {
    let stripe = FakeStripe::start("sk_test_trip")
        .await
        .expect("fake Stripe");
    let llm = LlmServer::start(Config::default()).await.expect("demo LLM");
    let stack = Stack::start(
        "whole-trip",
        llm,
        &[
            ("STRIPE_API_KEY", "sk_test_trip"),
            ("STRIPE_BASE_URL", stripe.base_url()),
        ],
    )
    .await;
    let chat = stack.conversation("chat", &[STARTER]).await;

    let greeting = chat.wait_for_count(Actor::Agent, 1).await;
    assert_eq!(
        agent_tool_data(&greeting.messages[0].response).next,
        NextStep::Question
    );

    chat.send("I'd like to see something in Austin in December")
        .await;
    let proposal = chat.wait_for_count(Actor::Agent, 2).await;
    let find = agent_tool_data(&proposal.messages.last().unwrap().response);
    assert_eq!(
        (find.next, find.tool.as_deref()),
        (NextStep::Confirm, Some("FindEvents"))
    );
    assert_eq!(find.args["city"], "Austin");
    assert_eq!(find.args["month"], "December");
    assert!(find.force_confirm, "confirmation is on by default");

    chat.confirm().await;
    chat.wait_for_count(Actor::Agent, 3).await;
    chat.send("I'll fly from Chicago").await;
    let proposal = chat.wait_for_count(Actor::Agent, 4).await;
    let flights = agent_tool_data(&proposal.messages.last().unwrap().response);
    assert_eq!(
        (flights.next, flights.tool.as_deref()),
        (NextStep::Confirm, Some("SearchFlights"))
    );
    assert_eq!(flights.args["destination"], "Austin");

    chat.confirm().await;
    chat.wait_for_count(Actor::Agent, 5).await;
    chat.send("Yes, please invoice the cheapest one").await;
    let proposal = chat.wait_for_count(Actor::Agent, 6).await;
    let invoice = agent_tool_data(&proposal.messages.last().unwrap().response);
    assert_eq!(
        (invoice.next, invoice.tool.as_deref()),
        (NextStep::Confirm, Some("CreateInvoice"))
    );

    chat.confirm().await;
    let result = chat
        .result()
        .await
        .expect("the workflow completes with the history");

    use Actor::*;
    assert_eq!(
        actors(&result),
        [
            Agent, // greeting
            User,
            Agent,
            UserConfirmedToolRun,
            ToolResult,
            Agent, // events
            User,
            Agent,
            UserConfirmedToolRun,
            ToolResult,
            Agent, // flights
            User,
            Agent,
            UserConfirmedToolRun,
            ToolResult,
            Agent, // invoice, done
        ]
    );
    let tool_results: Vec<&Value> = result
        .messages
        .iter()
        .filter(|m| m.actor == ToolResult)
        .map(|m| &m.response)
        .collect();
    assert_eq!(tool_results[0]["tool"], "FindEvents");
    let events = tool_results[0]["events"].as_array().expect("events list");
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["city"] == "Austin"));
    assert_eq!(tool_results[1]["tool"], "SearchFlights");
    assert!(
        tool_results[1]["origin"]
            .as_str()
            .unwrap()
            .contains("Chicago")
    );
    let cheapest = tool_results[1]["results"][0]["price"].as_f64().unwrap();
    assert_eq!(tool_results[2]["tool"], "CreateInvoice");
    assert!(
        tool_results[2]["invoiceURL"]
            .as_str()
            .unwrap()
            .starts_with("http")
    );
    assert!(tool_results[2]["reference"].is_string());

    let done = agent_tool_data(&result.messages.last().unwrap().response);
    assert_eq!(done.next, NextStep::Done);

    // The invoice went through the real Stripe client: one customer, item, invoice.
    let counters = stripe.counters();
    assert_eq!(counters.invoices_created, 1);
    assert_eq!(counters.invoices_finalized, 1);
    assert_eq!(counters.invoice_items_created, 1);
    let items = stripe.invoice_items();
    assert_eq!(
        items[0]["amount"],
        (cheapest * 100.0).round() as i64,
        "amount in cents"
    );

    // Every confirmed-run message is the proposal with next = user_confirmed_tool_run.
    for message in result
        .messages
        .iter()
        .filter(|m| m.actor == UserConfirmedToolRun)
    {
        assert_eq!(message.response["next"], "user_confirmed_tool_run");
    }

    assert_conversation_replays("whole_trip", &chat).await;
}
