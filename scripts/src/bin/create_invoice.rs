//! Runs `CreateInvoice` for 150.00 USD and prints the answer.
//!
//! With `STRIPE_API_KEY` set (use a test-mode key) this creates a real Stripe invoice;
//! without it the invoice is generated: `cargo run -p scripts --bin create_invoice`.
//! Each run is a new call (its id includes the time), so Stripe's idempotency keys do not
//! replay an earlier run's invoice.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;
use settings::Env;
use tools::{ToolCall, ToolRegistry, ToolSettings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let registry = ToolRegistry::new(ToolSettings::from_env(&Env::load())?)?;
    let args = json!({
        "amount": "150.00",
        "tripDetails": "Round trip ORD to DFW for the State Fair of Texas, economy, 1 adult",
        "userConfirmation": true,
    });
    let run_id = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let call = ToolCall::new("scripts", run_id.to_string(), "create-invoice");
    let result = registry.run("CreateInvoice", args, &call).await?;
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}
