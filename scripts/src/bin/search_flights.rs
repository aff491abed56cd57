//! Runs `SearchFlights` from ORD to DFW, leaving in three weeks for four days, and prints
//! the answer.
//!
//! With `RAPIDAPI_KEY` set (in `.env` or the environment) this calls the Sky-Scrapper API;
//! without it the flights are generated: `cargo run -p scripts --bin search_flights`.

use chrono::{Days, Utc};
use serde_json::json;
use settings::Env;
use tools::{ToolCall, ToolRegistry, ToolSettings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let registry = ToolRegistry::new(ToolSettings::from_env(&Env::load())?)?;
    let depart = Utc::now().date_naive() + Days::new(21);
    let back = depart + Days::new(4);
    let args = json!({
        "origin": "ORD",
        "destination": "DFW",
        "dateDepart": depart.to_string(),
        "dateReturn": back.to_string(),
        "userConfirmation": true,
    });
    let result = registry
        .run(
            "SearchFlights",
            args,
            &ToolCall::new("scripts", "local", "search-flights"),
        )
        .await?;
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}
