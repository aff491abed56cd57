//! `mcp-tools`: the product's own MCP server, a small set of travel helpers that need no
//! network and no API key.
//!
//! The worker connects to the MCP servers listed in `MCP_CONFIG`, discovers their tools and
//! runs each call as a Temporal activity. This server is the one the product ships: the offline
//! travel-helper goal uses it, and the integration tests use it as a real MCP server over both
//! transports. Its tools:
//!
//! | tool | does | side effect |
//! | --- | --- | --- |
//! | `convert_currency` | converts with dated reference rates ([`currency`]) | none |
//! | `time_in_zone` | local time in an IANA zone, now or at an instant ([`zones`]) | none |
//! | `city_time_zone` | the IANA zone of a North American city ([`cities`]) | none |
//! | `save_trip_note` | appends a note to a JSON Lines file ([`notes`]) | one line per call |
//!
//! The handler is [`TravelTools`] ([`tools_server`]); [`serve_stdio`] and [`serve_http`] put it
//! on a transport. The `mcp-tools` binary only parses arguments and calls them. Two
//! environment variables shape every tool call ([`ToolOptions::from_env`]):
//! `MCP_TOOLS_NOTES_FILE` (default `notes.jsonl` in the working directory) and
//! `MCP_TOOLS_DELAY_MS` (default 0), a wait before each call's work so tests can stop the
//! server mid-call.

pub mod cities;
pub mod currency;
mod error;
pub mod notes;
mod options;
mod serve;
mod server;
pub mod zones;

pub use error::ToolError;
pub use options::{DEFAULT_NOTES_FILE, HeaderError, HttpOptions, RequiredHeader, ToolOptions};
pub use serve::{MCP_PATH, RunningServer, ServeError, serve_http, serve_stdio};
pub use server::{
    CityTimeZoneArgs, ConvertCurrencyArgs, INSTRUCTIONS, SERVER_NAME, SaveTripNoteArgs,
    TimeInZoneArgs, TravelTools, tools_server,
};
