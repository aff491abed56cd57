//! `CreateInvoice` against a loopback Stripe: the real `async-stripe` client, real HTTP,
//! real idempotency keys; only the base URL points at [`FakeStripe`].

use fakes::FakeStripe;
use serde_json::{Value, json};
use tools::{ToolCall, ToolError, ToolRegistry, ToolSettings};

const KEY: &str = "sk_test_fake_key_123";

fn events_fixture() -> std::path::PathBuf {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events.json").into()
}

fn registry(stripe: &FakeStripe, key: &str) -> ToolRegistry {
    ToolRegistry::new(ToolSettings {
        find_events_data: Some(events_fixture()),
        stripe_api_key: Some(key.into()),
        stripe_base_url: Some(stripe.base_url().parse().unwrap()),
        ..ToolSettings::default()
    })
    .expect("registry")
}

fn invoice_args() -> Value {
    json!({
        "amount": "$150.00",
        "tripDetails": "American Airlines AA1201/AA1202, ORD to DFW, 5-9 March, for the rodeo",
        "userConfirmation": true,
        "email": "ana@example.org",
    })
}

async fn create(registry: &ToolRegistry, args: Value, call: &ToolCall) -> Result<Value, ToolError> {
    registry.run("CreateInvoice", args, call).await
}

#[tokio::test]
async fn creates_customer_item_and_send_invoice_then_finalizes() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);
    let call = ToolCall::new("agent-workflow", "run-1", "5");

    let result = create(&registry, invoice_args(), &call).await.unwrap();

    let invoice = &stripe.invoices()[0];
    let invoice_id = invoice["id"].as_str().unwrap();
    assert_eq!(result["invoiceStatus"], "open");
    assert_eq!(result["reference"], "FAKE-0001");
    assert_eq!(
        result["invoiceURL"],
        format!("{}/i/{invoice_id}", stripe.base_url())
    );

    let counters = stripe.counters();
    assert_eq!(counters.customers_created, 1);
    assert_eq!(counters.invoice_items_created, 1);
    assert_eq!(counters.invoices_created, 1);
    assert_eq!(counters.invoices_finalized, 1);

    let customer = &stripe.customers()[0];
    assert_eq!(customer["email"], "ana@example.org");
    let item = &stripe.invoice_items()[0];
    assert_eq!(item["amount"], 15_000);
    assert_eq!(item["currency"], "usd");
    assert_eq!(item["customer"], customer["id"]);
    assert_eq!(item["description"], invoice_args()["tripDetails"]);
    assert_eq!(item["invoice"], invoice_id, "the item is on the invoice");

    assert_eq!(invoice["collection_method"], "send_invoice");
    assert_eq!(invoice["amount_due"], 15_000);
    let due_in = invoice["due_date"].as_i64().unwrap() - invoice["created"].as_i64().unwrap();
    assert_eq!(due_in, 7 * 86_400, "due in the default 7 days");
    assert_eq!(invoice["metadata"]["agent_workflow_id"], "agent-workflow");

    // Every write carries its own idempotency key derived from the call.
    let base = call.idempotency_base();
    let keys: Vec<String> = stripe
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            r.idempotency_key
                .clone()
                .expect("POST without Idempotency-Key")
        })
        .collect();
    assert_eq!(
        keys,
        ["customer", "invoice", "item", "finalize"].map(|step| format!("{base}-{step}"))
    );
    let lookup = &stripe.requests()[0];
    assert_eq!(
        (lookup.method.as_str(), lookup.path.as_str()),
        ("GET", "/v1/customers")
    );
    assert_eq!(lookup.query_value("email"), Some("ana@example.org"));
    assert_eq!(lookup.query_value("limit"), Some("1"));
}

#[tokio::test]
async fn another_conversations_pending_item_stays_off_this_invoice() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let customer = stripe.add_customer("ana@example.org");
    stripe.add_pending_item(&customer, 99_900);
    let registry = registry(&stripe, KEY);

    create(&registry, invoice_args(), &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap();

    let invoice = &stripe.invoices()[0];
    assert_eq!(invoice["amount_due"], 15_000, "only this trip's amount");
    let foreign = stripe
        .invoice_items()
        .into_iter()
        .find(|i| i["amount"] == 99_900)
        .unwrap();
    assert!(
        foreign["invoice"].is_null(),
        "the other item is still pending"
    );
}

#[tokio::test]
async fn existing_customer_is_found_by_email_and_due_days_are_honoured() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let existing = stripe.add_customer("ana@example.org");
    let registry = registry(&stripe, KEY);
    let mut args = invoice_args();
    args["days_until_due"] = json!("14");

    create(&registry, args, &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap();

    assert_eq!(stripe.counters().customers_created, 0);
    let invoice = &stripe.invoices()[0];
    assert_eq!(invoice["customer"], existing);
    let due_in = invoice["due_date"].as_i64().unwrap() - invoice["created"].as_i64().unwrap();
    assert_eq!(due_in, 14 * 86_400);
}

#[tokio::test]
async fn given_customer_id_skips_the_lookup() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let existing = stripe.add_customer("someone@example.org");
    let registry = registry(&stripe, KEY);
    let mut args = invoice_args();
    args["customer_id"] = json!(existing);

    create(&registry, args, &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap();

    assert!(stripe.requests().iter().all(|r| r.method == "POST"));
    assert_eq!(stripe.invoices()[0]["customer"], existing);
}

#[tokio::test]
async fn running_the_same_call_twice_creates_exactly_one_invoice() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);
    let call = ToolCall::new("agent-workflow", "run-1", "9");

    let first = create(&registry, invoice_args(), &call).await.unwrap();
    let second = create(&registry, invoice_args(), &call).await.unwrap();

    assert_eq!(first, second);
    let counters = stripe.counters();
    assert_eq!(counters.customers_created, 1);
    assert_eq!(counters.invoice_items_created, 1);
    assert_eq!(counters.invoices_created, 1);
    assert_eq!(counters.invoices_finalized, 1);
    let replayed = stripe.requests().iter().filter(|r| r.replayed).count();
    assert_eq!(replayed, 3, "item, invoice and finalize were replayed");
}

#[tokio::test]
async fn a_retry_after_a_failed_finalize_completes_the_same_invoice() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);
    let call = ToolCall::new("agent-workflow", "run-1", "11");
    stripe.fail_next_at("/finalize", 1, 503);

    let failed = create(&registry, invoice_args(), &call).await.unwrap_err();
    assert!(failed.is_retryable(), "{failed}");
    let retried = create(&registry, invoice_args(), &call).await.unwrap();

    assert_eq!(retried["invoiceStatus"], "open");
    let counters = stripe.counters();
    assert_eq!(counters.invoice_items_created, 1);
    assert_eq!(counters.invoices_created, 1);
    assert_eq!(counters.invoices_finalized, 1);
}

#[tokio::test]
async fn a_different_call_creates_a_second_invoice() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);

    let first = create(&registry, invoice_args(), &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap();
    let second = create(&registry, invoice_args(), &ToolCall::new("wf", "run", "2"))
        .await
        .unwrap();

    assert_ne!(first["reference"], second["reference"]);
    let counters = stripe.counters();
    assert_eq!(
        counters.customers_created, 1,
        "the customer is found by e-mail"
    );
    assert_eq!(counters.invoice_items_created, 2);
    assert_eq!(counters.invoices_created, 2);
    assert_eq!(counters.invoices_finalized, 2);
}

#[tokio::test]
async fn server_errors_are_retryable_and_bad_requests_are_not() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);
    let call = ToolCall::new("wf", "run", "1");

    stripe.fail_next(1, 500);
    let error = create(&registry, invoice_args(), &call).await.unwrap_err();
    assert_eq!(error.upstream_status(), Some(500));
    assert!(error.is_retryable(), "{error}");

    stripe.fail_next(1, 429);
    let error = create(&registry, invoice_args(), &call).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");

    stripe.fail_next(1, 400);
    let error = create(&registry, invoice_args(), &call).await.unwrap_err();
    assert_eq!(error.upstream_status(), Some(400));
    assert!(!error.is_retryable(), "{error}");
    assert_eq!(stripe.counters().invoices_created, 0);
}

#[tokio::test]
async fn wrong_key_is_refused_and_never_appears_in_the_error() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, "sk_test_wrong_secret_999");

    let error = create(&registry, invoice_args(), &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap_err();

    assert_eq!(error.upstream_status(), Some(401));
    assert!(!error.is_retryable());
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("sk_test_wrong_secret_999"), "{shown}");
    assert_eq!(stripe.counters().customers_created, 0);
}

#[tokio::test]
async fn unreachable_stripe_is_a_retryable_error() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);
    stripe.shutdown().await;

    let error = create(&registry, invoice_args(), &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap_err();

    assert!(matches!(error, ToolError::Connection { .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn bad_amount_is_answered_without_calling_stripe() {
    let stripe = FakeStripe::start(KEY).await.unwrap();
    let registry = registry(&stripe, KEY);
    let mut args = invoice_args();
    args["amount"] = json!("a lot");

    let result = create(&registry, args, &ToolCall::new("wf", "run", "1"))
        .await
        .unwrap();

    assert_eq!(
        result,
        json!({"error": "Invalid amount provided. Please confirm the amount."})
    );
    assert!(stripe.requests().is_empty());
}
