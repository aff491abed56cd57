//! Runs `FindEvents` for Austin in December and prints the answer.
//!
//! Uses the same settings as the worker (`.env`, then the environment), so
//! `FIND_EVENTS_DATA` is honoured: `cargo run -p scripts --bin find_events`.

use serde_json::json;
use settings::Env;
use tools::{ToolCall, ToolRegistry, ToolSettings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let registry = ToolRegistry::new(ToolSettings::from_env(&Env::load())?)?;
    let args = json!({"city": "Austin", "month": "December"});
    let result = registry
        .run(
            "FindEvents",
            args,
            &ToolCall::new("scripts", "local", "find-events"),
        )
        .await?;
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}
