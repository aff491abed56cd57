//! The api's configuration, read once at startup into one typed struct (docs/ARCHITECTURE.md,
//! Configuration).
//!
//! Every value comes from a [`settings::Env`] (the process environment over `.env`). Tests
//! build one from pairs, so nothing here reads global state behind their back.

use std::{path::PathBuf, time::Duration};

use serde::Deserialize;
use settings::{Env, LlmSettings, SettingsError, TemporalSettings};

/// What the api needs to know to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `TEMPORAL_*`: where Temporal is, the namespace and the task queue the worker polls.
    pub temporal: TemporalSettings,
    /// `API_HOST` (default `127.0.0.1`).
    pub host: String,
    /// `API_PORT` (default `8000`; `0` picks a free port).
    pub port: u16,
    /// `CORS_ORIGINS`: comma-separated origins a browser may call from.
    pub cors_origins: CorsOrigins,
    /// `TEMPORAL_UI_URL`: where the Temporal Web UI is, for links from our UI.
    pub temporal_ui_url: String,
    /// The model the worker answers with, as the worker reads it (`LLM_MODEL`, or the demo
    /// model without a key), only to tell the UI.
    pub llm_model: String,
    /// True when that is the bundled demo model.
    pub demo_model: bool,
    /// `FRONTEND_DIST`: the built UI (default `frontend/dist`, relative to the working dir).
    pub frontend_dist: PathBuf,
    /// How long a query may take before the worker counts as unavailable (5 s).
    pub query_timeout: Duration,
    /// `GOALS_DIR` (default `goals`): the goal files conversations are started with.
    pub goals_dir: PathBuf,
    /// `GOAL_CATEGORIES`: the categories offered (default: all).
    pub goal_categories: goals::Categories,
    /// `AGENT_GOAL`: the goal of a conversation started without `goal=`.
    pub default_goal: String,
    /// `NATS_URL` and the reply stream's limits: where live reply text comes from.
    pub bus: reply_bus::BusSettings,
    /// The price of each model (`data/model_prices.json`, `LLM_PRICES`).
    pub prices: crate::prices::PriceTable,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: where traces go, if anywhere.
    pub traces: settings::TraceSettings,
    /// `API_AUTH` and the rest of who may call, and how much.
    pub auth: crate::auth::AuthSettings,
}

/// The origins allowed to call the api from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// `*`: any origin (for deployments behind their own gateway).
    Any,
    /// Exactly these origins, e.g. `http://localhost:5173`.
    List(Vec<String>),
}

/// The Vite dev server's origin: where the UI runs during development.
pub const DEFAULT_CORS_ORIGIN: &str = "http://localhost:5173";
/// The default query timeout (docs/ARCHITECTURE.md, HTTP API).
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(5);

/// The api's own variables, as they come.
#[derive(Deserialize)]
struct ApiEnv {
    #[serde(default = "default_host")]
    api_host: String,
    #[serde(default = "default_port")]
    api_port: u16,
    #[serde(default = "default_cors_origins")]
    cors_origins: String,
    #[serde(default = "default_temporal_ui_url")]
    temporal_ui_url: String,
    #[serde(default = "default_frontend_dist")]
    frontend_dist: PathBuf,
    goals_dir: Option<PathBuf>,
    goal_categories: Option<String>,
    agent_goal: Option<String>,
    llm_prices: Option<String>,
}

fn default_host() -> String {
    "127.0.0.1".into()
}

fn default_port() -> u16 {
    8000
}

fn default_cors_origins() -> String {
    DEFAULT_CORS_ORIGIN.into()
}

fn default_temporal_ui_url() -> String {
    "http://localhost:8233".into()
}

fn default_frontend_dist() -> PathBuf {
    PathBuf::from("frontend/dist")
}

impl Settings {
    /// Reads the goal files (`GOALS_DIR`) and checks that `AGENT_GOAL` names one of them.
    pub fn load_goals(&self) -> Result<goals::GoalCatalog, goals::GoalError> {
        let catalog = goals::GoalCatalog::load(&self.goals_dir, self.goal_categories.clone())?;
        catalog.check_default(&self.default_goal)?;
        Ok(catalog)
    }

    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let raw: ApiEnv = env.parse()?;
        let temporal_ui_url = raw.temporal_ui_url.trim_end_matches('/').to_owned();
        if !is_http_url(&temporal_ui_url) {
            return Err(SettingsError::new(
                "TEMPORAL_UI_URL",
                "expected an http(s) URL such as http://localhost:8233",
            ));
        }
        let llm = LlmSettings::from_env(env)?;
        Ok(Self {
            temporal: TemporalSettings::from_env(env)?,
            host: raw.api_host.clone(),
            port: raw.api_port,
            cors_origins: parse_origins(&raw.cors_origins)?,
            temporal_ui_url,
            demo_model: llm.is_demo(),
            llm_model: llm.model,
            frontend_dist: raw.frontend_dist,
            query_timeout: DEFAULT_QUERY_TIMEOUT,
            goals_dir: raw.goals_dir.unwrap_or_else(|| PathBuf::from("goals")),
            goal_categories: goals::Categories::parse(raw.goal_categories.as_deref()),
            default_goal: raw
                .agent_goal
                .unwrap_or_else(|| goals::DEFAULT_GOAL.to_owned()),
            bus: reply_bus::BusSettings::from_env(env)?,
            prices: crate::prices::PriceTable::new(raw.llm_prices.as_deref())?,
            traces: settings::TraceSettings::from_env(env)?,
            auth: crate::auth::AuthSettings::from_env(env, &raw.api_host)?,
        })
    }
}

fn parse_origins(raw: &str) -> Result<CorsOrigins, SettingsError> {
    let entries: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    if entries == ["*"] {
        return Ok(CorsOrigins::Any);
    }
    entries
        .into_iter()
        .map(|entry| {
            // Browsers send the origin without a trailing slash; accept one in the setting.
            let origin = entry.trim_end_matches('/');
            let host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            match host {
                Some(host) if !host.is_empty() && !host.contains(['/', ' ', '*']) => {
                    Ok(origin.to_owned())
                }
                _ => Err(SettingsError::new(
                    "CORS_ORIGINS",
                    format!("{entry:?} is not an origin such as http://localhost:5173"),
                )),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(CorsOrigins::List)
}

fn is_http_url(value: &str) -> bool {
    value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.contains(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_env(&Env::from_pairs(vars.iter().copied()))
    }

    #[test]
    fn defaults_match_the_local_development_setup() {
        let s = settings(&[]).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 8000));
        assert_eq!(
            s.cors_origins,
            CorsOrigins::List(vec!["http://localhost:5173".into()])
        );
        assert_eq!(s.temporal_ui_url, "http://localhost:8233");
        assert_eq!(s.frontend_dist, PathBuf::from("frontend/dist"));
        assert_eq!(s.query_timeout, Duration::from_secs(5));
        assert_eq!(s.temporal.task_queue, "agent-task-queue");
    }

    #[test]
    fn origins_are_a_trimmed_comma_separated_list() {
        let s = settings(&[(
            "CORS_ORIGINS",
            " http://localhost:5173/ , https://agent.example.com",
        )])
        .unwrap();
        assert_eq!(
            s.cors_origins,
            CorsOrigins::List(vec![
                "http://localhost:5173".into(),
                "https://agent.example.com".into()
            ])
        );
        assert_eq!(
            settings(&[("CORS_ORIGINS", "*")]).unwrap().cors_origins,
            CorsOrigins::Any
        );
    }

    #[test]
    fn malformed_values_are_named_in_the_error() {
        for (name, value) in [
            ("CORS_ORIGINS", "localhost:5173"),
            ("API_PORT", "eighty"),
            ("TEMPORAL_UI_URL", "localhost:8233"),
            ("TEMPORAL_ADDRESS", "nowhere"),
        ] {
            let err = settings(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name, "{err}");
        }
    }

    #[test]
    fn the_ui_is_told_the_model_the_worker_uses() {
        let demo = settings(&[("LLM_MODEL", "demo/trip-agent")]).unwrap();
        assert!(demo.demo_model);
        assert_eq!(demo.llm_model, "demo/trip-agent");
        let keyless = settings(&[("LLM_MODEL", "openai/gpt-4o")]).unwrap();
        assert!(
            keyless.demo_model,
            "no key: the worker falls back to the demo model"
        );
        let keyed = settings(&[("LLM_MODEL", "openai/gpt-4o"), ("LLM_KEY", "sk-x")]).unwrap();
        assert!(!keyed.demo_model);
        assert_eq!(keyed.llm_model, "openai/gpt-4o");
    }
}
