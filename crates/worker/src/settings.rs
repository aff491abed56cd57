//! The worker's settings: everything it reads from the environment and `.env`, in one value
//! built once at start (docs/ARCHITECTURE.md, Configuration).
//!
//! Each part belongs to the crate that uses it (the LLM and Temporal parts are shared with the
//! api); this module puts them together and reads the agent's own knobs, which the workflows
//! receive through the `get_wf_env_vars` activity. A bad value stops the worker at once with
//! the variable to fix.

use std::{net::SocketAddr, path::PathBuf};

use activities::EmailSettings;
use goals::Categories;
use models::{LlmRetrySettings, WorkflowSettings};
use serde::Deserialize;
use settings::{Env, LlmSettings, PriceTable, SettingsError, TemporalSettings, TraceSettings};
use tools::ToolSettings;

/// Everything the worker runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub temporal: TemporalSettings,
    pub llm: LlmSettings,
    /// Handed to the workflows by `get_wf_env_vars`.
    pub workflow: WorkflowSettings,
    pub email: EmailSettings,
    pub tools: ToolSettings,
    pub goals: GoalSettings,
    /// `MCP_CONFIG`: the MCP servers file, if any.
    pub mcp_config: Option<PathBuf>,
    /// `NATS_URL` and the reply stream's limits: where live reply text goes.
    pub bus: reply_bus::BusSettings,
    /// `WORKER_METRICS_ADDR`: where Prometheus scrapes `/metrics` (off when unset).
    pub metrics_addr: Option<SocketAddr>,
    /// The model prices (`LLM_PRICES` over the shipped table) the cost metric uses.
    pub prices: PriceTable,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_RECORD_PROMPTS`: where traces go.
    pub traces: TraceSettings,
}

/// Where the goal files are, and which goals the agent picker offers.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSettings {
    /// `GOALS_DIR` (default `goals`, relative to the working directory).
    pub dir: PathBuf,
    /// `GOAL_CATEGORIES`: comma-separated categories the picker offers (default: all).
    pub categories: Categories,
}

#[derive(Deserialize)]
struct McpEnv {
    mcp_config: Option<PathBuf>,
}

#[derive(Deserialize)]
struct MetricsEnv {
    worker_metrics_addr: Option<String>,
    llm_prices: Option<String>,
}

/// `WORKER_METRICS_ADDR`, `host:port`; empty means off.
fn metrics_addr(env: &Env) -> Result<Option<SocketAddr>, SettingsError> {
    let raw: MetricsEnv = env.parse()?;
    raw.worker_metrics_addr
        .filter(|addr| !addr.trim().is_empty())
        .map(|addr| {
            addr.trim().parse().map_err(|_| {
                SettingsError::new(
                    "WORKER_METRICS_ADDR",
                    format!("{addr:?} is not an address to listen on, such as 127.0.0.1:9464"),
                )
            })
        })
        .transpose()
}

#[derive(Deserialize)]
struct GoalsEnv {
    goals_dir: Option<PathBuf>,
    goal_categories: Option<String>,
}

impl GoalSettings {
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let raw: GoalsEnv = env.parse()?;
        Ok(Self {
            dir: raw.goals_dir.unwrap_or_else(|| PathBuf::from("goals")),
            categories: Categories::parse(raw.goal_categories.as_deref()),
        })
    }
}

impl Settings {
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let llm = LlmSettings::from_env(env)?;
        Ok(Self {
            temporal: TemporalSettings::from_env(env)?,
            workflow: workflow_settings(env, &llm)?,
            email: EmailSettings::from_env(env)?,
            tools: ToolSettings::from_env(env)?,
            goals: GoalSettings::from_env(env)?,
            mcp_config: env.parse::<McpEnv>()?.mcp_config,
            bus: reply_bus::BusSettings::from_env(env)?,
            metrics_addr: metrics_addr(env)?,
            prices: PriceTable::new(env.parse::<MetricsEnv>()?.llm_prices.as_deref())?,
            traces: TraceSettings::from_env(env)?,
            llm,
        })
    }
}

/// The agent's knobs, as the variables come.
#[derive(Deserialize)]
struct AgentEnv {
    show_confirm: Option<String>,
    agent_max_history_messages: Option<usize>,
    agent_history_window: Option<usize>,
    confirm_timeout_secs: Option<u64>,
    llm_retry_initial_interval_ms: Option<u64>,
    llm_retry_backoff: Option<f64>,
    llm_retry_max_interval_ms: Option<u64>,
    llm_retry_max_attempts: Option<u32>,
    speculative_planning: Option<String>,
    idle_conversation_hours: Option<f64>,
}

fn workflow_settings(env: &Env, llm: &LlmSettings) -> Result<WorkflowSettings, SettingsError> {
    let raw: AgentEnv = env.parse()?;
    let defaults = WorkflowSettings::default();
    let retry = LlmRetrySettings::default();
    let settings = WorkflowSettings {
        // Only the word `false` (any case) turns confirmation off.
        show_confirm: raw
            .show_confirm
            .is_none_or(|value| !value.eq_ignore_ascii_case("false")),
        max_history_messages: raw
            .agent_max_history_messages
            .unwrap_or(defaults.max_history_messages),
        history_window: raw.agent_history_window.unwrap_or(defaults.history_window),
        confirm_timeout_secs: raw
            .confirm_timeout_secs
            .unwrap_or(defaults.confirm_timeout_secs),
        llm_timeout_secs: llm.attempt_timeout.as_secs(),
        llm_retry: LlmRetrySettings {
            initial_interval_ms: raw
                .llm_retry_initial_interval_ms
                .unwrap_or(retry.initial_interval_ms),
            backoff_coefficient: raw.llm_retry_backoff.unwrap_or(retry.backoff_coefficient),
            maximum_interval_ms: raw
                .llm_retry_max_interval_ms
                .unwrap_or(retry.maximum_interval_ms),
            maximum_attempts: raw.llm_retry_max_attempts.unwrap_or(retry.maximum_attempts),
        },
        speculative_planning: raw
            .speculative_planning
            .is_none_or(|value| !value.eq_ignore_ascii_case("false")),
        idle_timeout_secs: idle_timeout_secs(raw.idle_conversation_hours)?,
    };
    if settings.max_history_messages == 0 {
        return Err(SettingsError::new(
            "AGENT_MAX_HISTORY_MESSAGES",
            "must be greater than zero",
        ));
    }
    if settings.history_window == 0 {
        return Err(SettingsError::new(
            "AGENT_HISTORY_WINDOW",
            "must be greater than zero",
        ));
    }
    if settings.llm_retry.backoff_coefficient.is_nan()
        || settings.llm_retry.backoff_coefficient < 1.0
    {
        return Err(SettingsError::new(
            "LLM_RETRY_BACKOFF",
            "must be at least 1",
        ));
    }
    // Temporal refuses to schedule an activity whose retry policy waits longer before the
    // second attempt than between any two: every turn would fail.
    if settings.llm_retry.maximum_interval_ms < settings.llm_retry.initial_interval_ms {
        return Err(SettingsError::new(
            "LLM_RETRY_MAX_INTERVAL_MS",
            format!(
                "must be at least LLM_RETRY_INITIAL_INTERVAL_MS ({} ms)",
                settings.llm_retry.initial_interval_ms
            ),
        ));
    }
    Ok(settings)
}

/// `IDLE_CONVERSATION_HOURS` (fractions allowed, at least a second) in seconds.
fn idle_timeout_secs(hours: Option<f64>) -> Result<u64, SettingsError> {
    let Some(hours) = hours else {
        return Ok(WorkflowSettings::default().idle_timeout_secs);
    };
    let secs = (hours * 3600.0).round();
    if !secs.is_finite() || !(1.0..=10.0 * 365.0 * 86_400.0).contains(&secs) {
        return Err(SettingsError::new(
            "IDLE_CONVERSATION_HOURS",
            "must be a number of hours between 1 second and 10 years",
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(secs as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_env(&Env::from_pairs(vars.iter().copied()))
    }

    #[test]
    fn the_example_env_file_gives_a_working_worker() {
        let example =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example"))
                .unwrap();
        let pairs = example.lines().filter_map(|line| {
            let line = line.trim();
            (!line.starts_with('#'))
                .then(|| line.split_once('='))
                .flatten()
        });
        let s = Settings::from_env(&Env::from_pairs(pairs)).unwrap();
        assert!(s.llm.is_demo(), "no key: the demo model answers");
        assert!(s.workflow.show_confirm);
    }

    #[test]
    fn only_false_turns_confirmation_off() {
        for (value, expected) in [
            ("false", false),
            ("FALSE", false),
            ("no", true),
            ("0", true),
            ("true", true),
        ] {
            let s = settings(&[("SHOW_CONFIRM", value)]).unwrap();
            assert_eq!(s.workflow.show_confirm, expected, "SHOW_CONFIRM={value}");
        }
    }

    #[test]
    fn planning_alongside_validation_is_on_unless_turned_off() {
        assert!(settings(&[]).unwrap().workflow.speculative_planning);
        let off = settings(&[("SPECULATIVE_PLANNING", "false")]).unwrap();
        assert!(!off.workflow.speculative_planning);
    }

    #[test]
    fn numbers_are_checked_and_named() {
        let s = settings(&[
            ("AGENT_MAX_HISTORY_MESSAGES", "6"),
            ("CONFIRM_TIMEOUT_SECS", "5"),
            ("LLM_RETRY_INITIAL_INTERVAL_MS", "100"),
            ("LLM_RETRY_MAX_ATTEMPTS", "4"),
            ("LLM_TIMEOUT_SECS", "12"),
            ("IDLE_CONVERSATION_HOURS", "0.5"),
        ])
        .unwrap();
        assert_eq!(s.workflow.idle_timeout_secs, 1800);
        assert_eq!(settings(&[]).unwrap().workflow.idle_timeout_secs, 86_400);
        assert_eq!(s.workflow.max_history_messages, 6);
        assert_eq!(s.workflow.confirm_timeout_secs, 5);
        assert_eq!(s.workflow.llm_retry.initial_interval_ms, 100);
        assert_eq!(s.workflow.llm_retry.maximum_attempts, 4);
        assert_eq!(s.workflow.llm_timeout_secs, 12);
        for (name, value) in [
            ("AGENT_HISTORY_WINDOW", "lots"),
            ("AGENT_HISTORY_WINDOW", "0"),
            ("LLM_RETRY_BACKOFF", "0.5"),
            ("EMAIL_SEND_WINDOW_SECS", "soon"),
            ("RAPIDAPI_BASE_URL", "not a url"),
            ("WORKER_METRICS_ADDR", "localhost"),
            ("LLM_PRICES", "gpt-4o=1:2"),
            ("IDLE_CONVERSATION_HOURS", "0"),
            ("IDLE_CONVERSATION_HOURS", "-3"),
            ("IDLE_CONVERSATION_HOURS", "forever"),
        ] {
            let err = settings(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name, "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_retry_policy_temporal_would_refuse_stops_the_worker() {
        let err = settings(&[
            ("LLM_RETRY_INITIAL_INTERVAL_MS", "2000"),
            ("LLM_RETRY_MAX_INTERVAL_MS", "500"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "LLM_RETRY_MAX_INTERVAL_MS", "{err}");
        assert!(err.to_string().contains("2000 ms"), "{err}");
        assert!(
            settings(&[
                ("LLM_RETRY_INITIAL_INTERVAL_MS", "500"),
                ("LLM_RETRY_MAX_INTERVAL_MS", "500"),
            ])
            .is_ok()
        );
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let s = settings(&[
            ("LLM_KEY", "sk-very-secret-value"),
            ("TEMPORAL_API_KEY", "temporal-secret"),
            ("STRIPE_API_KEY", "sk_test_secret"),
            ("RAPIDAPI_KEY", "rapid-secret"),
            ("SMTP_HOST", "smtp.example.com"),
            ("SMTP_FROM", "me@example.com"),
            ("SMTP_USERNAME", "me"),
            ("SMTP_PASSWORD", "smtp-secret"),
        ])
        .unwrap();
        let printed = format!("{s:?} {s:#?}");
        for secret in [
            "sk-very-secret-value",
            "temporal-secret",
            "sk_test_secret",
            "rapid-secret",
            "smtp-secret",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }
}
