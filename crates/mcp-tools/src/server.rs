//! The MCP server itself: four tools, their schemas and annotations, and the server's identity.
//!
//! rmcp's `#[tool_router]` collects the `#[tool]` methods below into a router; `call_tool` is
//! written by hand so that every call passes through one place, which logs it and waits the
//! configured delay before the tool does its work (giving up if the client cancels the call). Each tool returns a result with structured
//! content (matching its declared output schema) and one human-readable text line; a tool that
//! cannot answer returns a [`ToolError`], which reaches the caller as `isError: true`.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::{ToolCallContext, schema_for_output};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ServerCapabilities, ServerConfig,
};
use rmcp::schemars::{self, JsonSchema};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use serde::{Deserialize, Serialize};

use crate::cities::{CITIES, City};
use crate::currency::{Conversion, RATES};
use crate::error::ToolError;
use crate::notes::{NotesFile, SavedNote};
use crate::options::ToolOptions;
use crate::zones::{self, ZoneTime};

/// The server's name in `initialize`; also the binary's name.
pub const SERVER_NAME: &str = "mcp-tools";

/// Sent to clients in `initialize`, for the model that will choose among the tools.
pub const INSTRUCTIONS: &str = "\
Travel helper tools for planning trips in North America. \
convert_currency converts an amount between currencies with dated reference rates (not live \
quotes), so say that prices are approximate. \
city_time_zone gives the IANA time zone of a North American city; pass that zone to \
time_in_zone to learn the local time there, now or at an RFC 3339 instant. \
save_trip_note stores a note for the traveller and is the only tool that changes anything: \
each call adds a new note, so do not repeat a call that already succeeded.";

const CONVERT_CURRENCY: &str = "\
Convert an amount of money from one currency to another, using a table of dated reference \
rates shipped with the server (about thirty common currencies, ISO 4217 codes in any letter \
case). The answer is indicative, for budgeting; it is not a live quote. Returns the converted \
amount rounded to the target currency's usual decimals, the rate used and its date.";

const TIME_IN_ZONE: &str = "\
Tell the local time in an IANA time zone (for example America/Chicago), either now or at a \
given RFC 3339 instant, with the UTC offset, the zone abbreviation, whether daylight saving \
time applies, and the weekday. To find a city's zone, call city_time_zone first.";

const CITY_TIME_ZONE: &str = "\
Find the IANA time zone of a city in the United States, Canada or Mexico (for example \
Austin, Toronto, Mexico City), together with its state or province and country. Unknown \
names get a list of close matches.";

const SAVE_TRIP_NOTE: &str = "\
Save a note for the traveller (a reminder, a booking reference, a plan) with a short title. \
Every call stores a new note and returns its id, even when the same note was saved before, \
so call it once per note.";

/// Arguments of `convert_currency`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
pub struct ConvertCurrencyArgs {
    /// The amount of money to convert, in the `from` currency.
    pub amount: f64,
    /// ISO 4217 code of the currency the amount is in, e.g. "USD".
    pub from: String,
    /// ISO 4217 code of the currency to convert to, e.g. "EUR".
    pub to: String,
}

/// Arguments of `time_in_zone`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
pub struct TimeInZoneArgs {
    /// IANA time zone name, e.g. "America/Chicago".
    pub zone: String,
    /// The instant to convert, RFC 3339 (e.g. "2026-12-24T18:30:00Z"). Omit for now.
    #[serde(default)]
    pub at: Option<String>,
}

/// Arguments of `city_time_zone`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
pub struct CityTimeZoneArgs {
    /// The city's name, e.g. "Austin" or "Montréal".
    pub city: String,
}

/// Arguments of `save_trip_note`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
pub struct SaveTripNoteArgs {
    /// A short title for the note, e.g. "Austin flights".
    pub title: String,
    /// The note itself.
    pub text: String,
}

/// The handler one MCP session talks to. Cheap to clone: HTTP sessions share the notes file.
#[derive(Debug, Clone)]
pub struct TravelTools {
    options: ToolOptions,
    notes: Arc<NotesFile>,
    tool_router: ToolRouter<TravelTools>,
}

/// The handler for one server: every session made from it (or its clones) appends to the
/// same notes file.
pub fn tools_server(options: ToolOptions) -> TravelTools {
    TravelTools::new(options)
}

#[tool_router]
impl TravelTools {
    pub fn new(options: ToolOptions) -> Self {
        TravelTools {
            notes: Arc::new(NotesFile::new(options.notes_file.clone())),
            options,
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        description = CONVERT_CURRENCY,
        title = "Convert currency",
        output_schema = schema_for_output::<Conversion>(),
        annotations(
            title = "Convert currency",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn convert_currency(
        &self,
        Parameters(args): Parameters<ConvertCurrencyArgs>,
    ) -> Result<CallToolResult, ToolError> {
        let conversion = RATES.convert(args.amount, &args.from, &args.to)?;
        Ok(answer(RATES.describe(&conversion), &conversion))
    }

    #[tool(
        description = TIME_IN_ZONE,
        title = "Time in a time zone",
        output_schema = schema_for_output::<ZoneTime>(),
        annotations(
            title = "Time in a time zone",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn time_in_zone(
        &self,
        Parameters(args): Parameters<TimeInZoneArgs>,
    ) -> Result<CallToolResult, ToolError> {
        let time = zones::time_in_zone(&args.zone, args.at.as_deref(), Utc::now())?;
        Ok(answer(time.describe(), &time))
    }

    #[tool(
        description = CITY_TIME_ZONE,
        title = "Time zone of a city",
        output_schema = schema_for_output::<City>(),
        annotations(
            title = "Time zone of a city",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn city_time_zone(
        &self,
        Parameters(args): Parameters<CityTimeZoneArgs>,
    ) -> Result<CallToolResult, ToolError> {
        let city = CITIES.lookup(&args.city)?;
        let line = format!(
            "{}, {}, {} is in the {} time zone",
            city.name, city.region, city.country, city.zone
        );
        Ok(answer(line, city))
    }

    #[tool(
        description = SAVE_TRIP_NOTE,
        title = "Save a trip note",
        output_schema = schema_for_output::<SavedNote>(),
        annotations(
            title = "Save a trip note",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn save_trip_note(
        &self,
        Parameters(args): Parameters<SaveTripNoteArgs>,
    ) -> Result<CallToolResult, ToolError> {
        let saved = self
            .notes
            .append(&args.title, &args.text, Utc::now())
            .await?;
        tracing::info!(note_id = %saved.id, file = %self.notes.path().display(), "note saved");
        let line = format!("Saved note {:?} with id {}", saved.title, saved.id);
        Ok(answer(line, &saved))
    }
}

/// A successful result: the structured value, and one line of text saying the same for
/// people and for clients that do not read structured content.
fn answer(line: String, value: &impl Serialize) -> CallToolResult {
    let structured = serde_json::to_value(value).expect("tool answers always serialise");
    let mut result = CallToolResult::success(vec![ContentBlock::text(line)]);
    result.structured_content = Some(structured);
    result
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for TravelTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION"))
                    .with_title("Travel helper tools"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let tool = request.name.clone();
        let started = Instant::now();
        // A call the client cancels while waiting never does its work: a note the client gave
        // up on must not appear later.
        tokio::select! {
            () = tokio::time::sleep(self.options.delay) => {}
            () = context.ct.cancelled() => {
                tracing::info!(%tool, "tool call cancelled before it ran");
                return Err(ErrorData::internal_error("the call was cancelled before the tool ran", None));
            }
        }
        let response = self
            .tool_router
            .call(ToolCallContext::new(self, request, context))
            .await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &response {
            Ok(CallToolResponse::Complete(result)) if result.is_error == Some(true) => {
                tracing::info!(%tool, elapsed_ms, "tool answered with an error result");
            }
            Ok(_) => tracing::info!(%tool, elapsed_ms, "tool call done"),
            Err(error) => {
                tracing::warn!(%tool, elapsed_ms, code = error.code.0, "tool call refused");
            }
        }
        response
    }
}
