//! The api's configuration, read once at startup into one typed struct.
//!
//! Every value comes from the environment (a `.env` file is loaded first by `main`, and the
//! process environment wins over it). Tests build a [`Settings`] by hand or through
//! [`Settings::from_lookup`], so nothing here reads global state behind their back.

use std::{path::PathBuf, time::Duration};

use settings::{ConnectError, TemporalSettings};

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
    /// `LLM_MODEL`, only to tell the UI which model the worker is configured with.
    pub llm_model: String,
    /// `FRONTEND_DIST`: the built UI (default `frontend/dist`, relative to the working dir).
    pub frontend_dist: PathBuf,
    /// How long a query may take before the worker counts as unavailable (5 s).
    pub query_timeout: Duration,
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
/// The default query timeout; SPEC §6 fixes it at 5 s.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(5);
/// The model the worker uses when `LLM_MODEL` is unset (SPEC §4).
const DEFAULT_LLM_MODEL: &str = "openai/gpt-4o";

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Temporal(#[from] ConnectError),
    #[error("API_PORT {0:?} is not a port number")]
    Port(String),
    #[error("CORS_ORIGINS entry {0:?} is not an origin such as http://localhost:5173")]
    CorsOrigin(String),
    #[error("TEMPORAL_UI_URL {0:?} is not an http(s) URL")]
    TemporalUiUrl(String),
}

impl Settings {
    /// Reads the settings through `lookup` (the environment in production, a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let port = match get("API_PORT") {
            Some(raw) => raw.parse().map_err(|_| SettingsError::Port(raw))?,
            None => 8000,
        };
        let cors_origins = parse_origins(
            get("CORS_ORIGINS")
                .as_deref()
                .unwrap_or(DEFAULT_CORS_ORIGIN),
        )?;
        let temporal_ui_url = get("TEMPORAL_UI_URL")
            .unwrap_or_else(|| "http://localhost:8233".into())
            .trim_end_matches('/')
            .to_owned();
        if !is_http_url(&temporal_ui_url) {
            return Err(SettingsError::TemporalUiUrl(temporal_ui_url));
        }
        Ok(Self {
            temporal: TemporalSettings::from_lookup(&lookup)?,
            host: get("API_HOST").unwrap_or_else(|| "127.0.0.1".into()),
            port,
            cors_origins,
            temporal_ui_url,
            llm_model: get("LLM_MODEL").unwrap_or_else(|| DEFAULT_LLM_MODEL.into()),
            frontend_dist: get("FRONTEND_DIST")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("frontend/dist")),
            query_timeout: DEFAULT_QUERY_TIMEOUT,
        })
    }

    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// True when the worker is configured with the bundled demo model (provider `demo/`).
    pub fn demo_model(&self) -> bool {
        self.llm_model.starts_with("demo/")
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
                _ => Err(SettingsError::CorsOrigin(entry.to_owned())),
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
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
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
        assert!(!s.demo_model());
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
        let err = settings(&[("CORS_ORIGINS", "localhost:5173")]).unwrap_err();
        assert!(err.to_string().contains("localhost:5173"));
        let err = settings(&[("API_PORT", "eighty")]).unwrap_err();
        assert!(err.to_string().contains("eighty"));
        let err = settings(&[("TEMPORAL_UI_URL", "localhost:8233")]).unwrap_err();
        assert!(err.to_string().contains("TEMPORAL_UI_URL"));
    }

    #[test]
    fn the_demo_model_is_recognised_by_its_provider() {
        let s = settings(&[("LLM_MODEL", "demo/trip-agent")]).unwrap();
        assert!(s.demo_model());
        assert_eq!(s.llm_model, "demo/trip-agent");
    }
}
