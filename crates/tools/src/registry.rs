//! The list of tools, the settings they run with, and the one entry point that runs them.
//!
//! The worker registers one Temporal activity per name in [`ToolRegistry::names`] and each
//! activity calls [`ToolRegistry::run`]. Adding a tool means writing its module and adding
//! its [`ToolEntry`] to [`TOOLS`]; nothing else in the workspace changes.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Instant;

use chrono::NaiveDate;
use models::ToolDefinition;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use settings::{Env, SecretString, SettingsError};
use tracing::Instrument;
use url::Url;

use crate::ToolError;
use crate::agents::{self, OfferedAgent};
use crate::args::Args;
use crate::create_invoice::{self, StripeInvoices};
use crate::find_events::{self, EventCatalog};
use crate::search_flights::{self, SkyScrapper};
use crate::stable_hash::StableHasher;

/// Every built-in tool: the trip goal's, in the order it uses them, then the agent picker's.
/// Each is one entry; the worker runs each as an activity named after it.
const TOOLS: &[ToolEntry] = &[
    find_events::TOOL,
    search_flights::TOOL,
    create_invoice::TOOL,
    agents::LIST,
    agents::SWITCH,
];

/// The default RapidAPI host of the Sky-Scrapper flights API.
pub const DEFAULT_RAPIDAPI_HOST_FLIGHTS: &str = "sky-scrapper.p.rapidapi.com";

/// The tool definitions the planner sees, without needing a configured registry.
pub fn tool_definitions() -> Vec<ToolDefinition> {
    TOOLS.iter().map(|tool| (tool.definition)()).collect()
}

/// The name of the built-in tool at `position` in the registry's list.
pub fn tool_name(position: usize) -> Option<&'static str> {
    TOOLS.get(position).map(|tool| tool.name)
}

/// The built-in tools' names, which are also the Temporal activity types that run them.
pub fn tool_names() -> Vec<&'static str> {
    TOOLS.iter().map(|tool| tool.name).collect()
}

/// `spec` with its built-in tools resolved, in the order the file lists them; `None` when
/// it names a tool that is not built in (an MCP tool, which only the worker can resolve).
pub fn goal_with_builtin_tools(spec: &goals::GoalSpec) -> Option<models::AgentGoal> {
    let definitions = tool_definitions();
    let tools = spec
        .tools
        .iter()
        .map(|tool| match tool {
            goals::ToolRef::Builtin(name) => definitions.iter().find(|d| &d.name == name).cloned(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some(spec.resolved(tools))
}

/// Everything the tools read from the environment, read once at worker start.
///
/// A missing key switches the tool to its generated (offline) answers, so the whole agent
/// runs without any third-party account. Field names are the variables' names in lower case
/// (`settings::Env::parse`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ToolSettings {
    /// `FIND_EVENTS_DATA`: an events file to use instead of the embedded data set.
    pub find_events_data: Option<PathBuf>,
    /// `RAPIDAPI_KEY`: enables live flight search.
    pub rapidapi_key: Option<SecretString>,
    /// `RAPIDAPI_HOST_FLIGHTS`: the RapidAPI host of the flights API.
    pub rapidapi_host_flights: String,
    /// `RAPIDAPI_BASE_URL`: overrides `https://<host>` (tests point it at a fake).
    pub rapidapi_base_url: Option<Url>,
    /// `STRIPE_API_KEY`: enables real Stripe invoices.
    pub stripe_api_key: Option<SecretString>,
    /// `STRIPE_BASE_URL`: overrides Stripe's API address (tests point it at a fake).
    pub stripe_base_url: Option<Url>,
}

impl Default for ToolSettings {
    fn default() -> Self {
        Self {
            find_events_data: None,
            rapidapi_key: None,
            rapidapi_host_flights: DEFAULT_RAPIDAPI_HOST_FLIGHTS.to_string(),
            rapidapi_base_url: None,
            stripe_api_key: None,
            stripe_base_url: None,
        }
    }
}

impl ToolSettings {
    /// Reads the tools' variables.
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        env.parse()
    }
}

/// Which tool call this is: the workflow, its run, and the call's id within the run (the
/// activity id). A retried activity keeps all three, so anything derived from them — Stripe
/// idempotency keys, generated invoice references — is the same on every attempt.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ToolCall {
    pub workflow_id: String,
    pub run_id: String,
    pub call_id: String,
}

impl ToolCall {
    pub fn new(
        workflow_id: impl Into<String>,
        run_id: impl Into<String>,
        call_id: impl Into<String>,
    ) -> Self {
        Self {
            workflow_id: workflow_id.into(),
            run_id: run_id.into(),
            call_id: call_id.into(),
        }
    }

    /// A stable key for this call (43 characters), the base of its idempotency keys.
    pub fn idempotency_base(&self) -> String {
        let hash = StableHasher::new()
            .field(&self.workflow_id)
            .field(&self.run_id)
            .field(&self.call_id)
            .finish128();
        format!("agent-tool-{hash:032x}")
    }
}

/// One tool: its name, its definition for the planner, and how to run it.
pub(crate) struct ToolEntry {
    pub(crate) name: &'static str,
    pub(crate) definition: fn() -> ToolDefinition,
    pub(crate) run: for<'a> fn(&'a ToolContext, Args, &'a ToolCall) -> ToolFuture<'a>,
}

pub(crate) type ToolFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Value, ToolError>> + Send + 'a>>;

/// What the tools run against, built once from the settings.
pub(crate) struct ToolContext {
    pub(crate) events: EventCatalog,
    /// Live flight search, when a RapidAPI key is configured.
    pub(crate) flights: Option<SkyScrapper>,
    /// Real invoices, when a Stripe key is configured.
    pub(crate) invoices: Option<StripeInvoices>,
    /// The agents the picker offers.
    pub(crate) agents: Vec<OfferedAgent>,
    fixed_today: Option<NaiveDate>,
}

impl ToolContext {
    /// Today's date (UTC), unless a test fixed it.
    pub(crate) fn today(&self) -> NaiveDate {
        self.fixed_today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

/// Runs tools by name.
pub struct ToolRegistry {
    context: ToolContext,
}

impl fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolRegistry")
            .field("tools", &self.names())
            .field("event_cities", &self.context.events.len())
            .field("live_flights", &self.context.flights.is_some())
            .field("live_invoices", &self.context.invoices.is_some())
            .finish()
    }
}

impl ToolRegistry {
    /// Loads the events data and builds the HTTP clients. Fails on unreadable data or an
    /// unusable base URL, so a misconfigured worker stops at startup.
    pub fn new(settings: ToolSettings) -> Result<Self, ToolError> {
        let events = match &settings.find_events_data {
            Some(path) => EventCatalog::from_file(path)?,
            None => EventCatalog::embedded()?,
        };
        let flights = match &settings.rapidapi_key {
            Some(key) => Some(SkyScrapper::new(
                key.clone(),
                &settings.rapidapi_host_flights,
                settings.rapidapi_base_url.as_ref().map(Url::as_str),
            )?),
            None => None,
        };
        let invoices = match &settings.stripe_api_key {
            Some(key) => Some(StripeInvoices::new(
                key,
                settings.stripe_base_url.as_ref().map(Url::as_str),
            )?),
            None => None,
        };
        tracing::info!(
            event_cities = events.len(),
            live_flights = flights.is_some(),
            live_invoices = invoices.is_some(),
            "tool registry ready"
        );
        Ok(Self {
            context: ToolContext {
                events,
                flights,
                invoices,
                agents: Vec::new(),
                fixed_today: None,
            },
        })
    }

    /// The agents `ListAgents` offers and `SwitchAgent` switches to.
    pub fn with_agents(mut self, agents: Vec<OfferedAgent>) -> Self {
        self.context.agents = agents;
        self
    }

    /// Pins "today" (for tests and reproducible demos); `FindEvents` uses it.
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.context.fixed_today = Some(today);
        self
    }

    pub fn definitions(&self) -> Vec<ToolDefinition> {
        tool_definitions()
    }

    /// Tool names, which are also the Temporal activity types that run them.
    pub fn names(&self) -> Vec<&'static str> {
        tool_names()
    }

    /// Runs the tool `name` with the planner's `args`.
    ///
    /// `Ok` carries the tool's answer, including user-facing problems as `{"error": ...}`;
    /// `Err` means the tool failed and [`ToolError::is_retryable`] says whether to retry.
    pub async fn run(&self, name: &str, args: Value, call: &ToolCall) -> Result<Value, ToolError> {
        let tool = TOOLS
            .iter()
            .find(|tool| tool.name == name)
            .ok_or_else(|| ToolError::UnknownTool(name.to_string()))?;
        let span = tracing::info_span!(
            "tool",
            tool = tool.name,
            workflow_id = %call.workflow_id,
            call_id = %call.call_id,
        );
        async {
            let started = Instant::now();
            let outcome = (tool.run)(&self.context, Args::new(args), call).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &outcome {
                Ok(result) => tracing::info!(
                    elapsed_ms,
                    user_facing_error = result.get("error").is_some(),
                    "tool finished"
                ),
                Err(error) => tracing::warn!(
                    elapsed_ms,
                    retryable = error.is_retryable(),
                    %error,
                    "tool failed"
                ),
            }
            outcome
        }
        .instrument(span)
        .await
    }
}

#[cfg(test)]
mod tests {
    use settings::ExposeSecret;

    use super::*;

    #[test]
    fn settings_debug_never_shows_keys() {
        let settings = ToolSettings {
            rapidapi_key: Some("rapid-secret-123".into()),
            stripe_api_key: Some("sk_test_secret_456".into()),
            ..ToolSettings::default()
        };
        let debug = format!("{settings:?} {settings:#?}");
        assert!(!debug.contains("rapid-secret-123"), "{debug}");
        assert!(!debug.contains("sk_test_secret_456"), "{debug}");
    }

    #[test]
    fn settings_from_environment_ignore_blank_values_and_default_the_host() {
        let env = Env::from_pairs([
            ("RAPIDAPI_KEY", "  "),
            ("STRIPE_API_KEY", "sk_test_1"),
            ("FIND_EVENTS_DATA", "/tmp/events.json"),
        ]);
        let settings = ToolSettings::from_env(&env).unwrap();
        assert!(settings.rapidapi_key.is_none());
        assert_eq!(
            settings.rapidapi_host_flights,
            DEFAULT_RAPIDAPI_HOST_FLIGHTS
        );
        assert_eq!(
            settings
                .stripe_api_key
                .map(|key| key.expose_secret().to_owned()),
            Some("sk_test_1".to_owned())
        );
        assert_eq!(
            settings.find_events_data,
            Some(PathBuf::from("/tmp/events.json"))
        );
        assert!(settings.stripe_base_url.is_none());
        let err =
            ToolSettings::from_env(&Env::from_pairs([("STRIPE_BASE_URL", "nope")])).unwrap_err();
        assert_eq!(err.variable, "STRIPE_BASE_URL");
    }

    #[test]
    fn idempotency_base_is_stable_short_and_uses_every_field() {
        let call = ToolCall::new("agent-workflow", "run-1", "7");
        assert_eq!(call.idempotency_base(), call.clone().idempotency_base());
        assert!(call.idempotency_base().len() <= 100);
        // Pinned: a change here would break idempotency for calls already in flight.
        assert_eq!(
            call.idempotency_base(),
            "agent-tool-ca95fc7b9fe9eff068706f3da6513208"
        );
        let others = [
            ToolCall::new("agent-workflow-2", "run-1", "7"),
            ToolCall::new("agent-workflow", "run-2", "7"),
            ToolCall::new("agent-workflow", "run-1", "8"),
        ];
        for other in others {
            assert_ne!(
                other.idempotency_base(),
                call.idempotency_base(),
                "{other:?}"
            );
        }
        let long = ToolCall::new("w".repeat(500), "r".repeat(500), "c".repeat(500));
        assert!(long.idempotency_base().len() <= 100);
    }

    #[test]
    fn registry_can_be_shared_across_worker_threads() {
        fn shared<T: Send + Sync>() {}
        fn sendable<T: Send>(_: &T) {}
        shared::<ToolRegistry>();
        let registry = ToolRegistry::new(ToolSettings::default()).unwrap();
        let call = ToolCall::new("w", "r", "c");
        let running = registry.run("FindEvents", Value::Null, &call);
        sendable(&running);
    }

    #[test]
    fn every_tool_entry_matches_its_definition_name() {
        for tool in TOOLS {
            assert_eq!((tool.definition)().name, tool.name);
        }
        let names: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "FindEvents",
                "SearchFlights",
                "CreateInvoice",
                "ListAgents",
                "SwitchAgent"
            ]
        );
    }

    #[test]
    fn tool_definitions_name_every_argument_with_type_and_description() {
        for definition in tool_definitions() {
            assert!(!definition.description.is_empty());
            for argument in &definition.arguments {
                assert!(!argument.arg_type.is_empty() && !argument.description.is_empty());
            }
        }
    }
}
