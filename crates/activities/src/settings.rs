//! Typed settings for the activities, read once from the environment at worker start.
//!
//! Everything is parsed up front so a bad value stops the worker with a clear message
//! instead of failing a conversation later. Secrets are kept out of `Debug` output.

use std::{fmt, time::Duration};

use models::{LlmRetrySettings, WorkflowSettings};

use crate::email::EmailSettings;

/// Where the LLM lives and how to reach it.
#[derive(Clone)]
pub struct LlmSettings {
    /// `LLM_MODEL` as given, e.g. `openai/gpt-4o`.
    pub model: String,
    pub provider: Provider,
    /// The model id sent to the provider: `LLM_MODEL` without its provider prefix.
    pub model_name: String,
    /// `LLM_KEY`; never printed.
    pub api_key: Option<String>,
    /// `LLM_BASE_URL`, or the provider's OpenAI-compatible endpoint.
    pub base_url: String,
    /// Time one HTTP call to the model may take.
    pub request_timeout: Duration,
    /// Answers that are not usable JSON are retried this many times in all before the
    /// failure is reported to the user (`LLM_MAX_INVALID_ANSWERS`).
    pub max_invalid_answers: u32,
}

impl fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmSettings")
            .field("model", &self.model)
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("request_timeout", &self.request_timeout)
            .field("max_invalid_answers", &self.max_invalid_answers)
            .finish()
    }
}

/// LLM providers reached through their OpenAI-compatible chat-completions endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    OpenAi,
    Anthropic,
    Gemini,
    DeepSeek,
    Ollama,
    /// The bundled demo server (`demo-llm`), no key needed.
    Demo,
    /// Any other OpenAI-compatible server; needs `LLM_BASE_URL`.
    Custom(String),
}

/// Where the bundled demo server listens unless `LLM_BASE_URL` says otherwise.
pub const DEMO_BASE_URL: &str = "http://127.0.0.1:8100/v1";

impl Provider {
    fn parse(name: &str) -> Provider {
        match name.to_ascii_lowercase().as_str() {
            "openai" => Provider::OpenAi,
            "anthropic" => Provider::Anthropic,
            "gemini" | "google" => Provider::Gemini,
            "deepseek" => Provider::DeepSeek,
            "ollama" => Provider::Ollama,
            "demo" => Provider::Demo,
            other => Provider::Custom(other.to_owned()),
        }
    }

    fn default_base_url(&self) -> Option<&'static str> {
        match self {
            Provider::OpenAi => Some("https://api.openai.com/v1"),
            Provider::Anthropic => Some("https://api.anthropic.com/v1"),
            Provider::Gemini => Some("https://generativelanguage.googleapis.com/v1beta/openai"),
            Provider::DeepSeek => Some("https://api.deepseek.com/v1"),
            Provider::Ollama => Some("http://localhost:11434/v1"),
            Provider::Demo => Some(DEMO_BASE_URL),
            Provider::Custom(_) => None,
        }
    }

    fn needs_key(&self) -> bool {
        matches!(
            self,
            Provider::OpenAi | Provider::Anthropic | Provider::Gemini | Provider::DeepSeek
        )
    }
}

/// All settings the activities need.
#[derive(Debug, Clone)]
pub struct AgentSettings {
    pub llm: LlmSettings,
    /// Handed to the workflow by `get_wf_env_vars`.
    pub workflow: WorkflowSettings,
    /// How the email assistant delivers (SMTP or the outbox).
    pub email: EmailSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{name} has an invalid value {value:?}: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "LLM_KEY is not set, and provider {0} needs one. Set LLM_KEY, or try the bundled demo model with LLM_MODEL=demo/trip-agent (no key)."
    )]
    MissingKey(String),
    #[error(
        "LLM_MODEL names provider {0:?}, which has no known endpoint: set LLM_BASE_URL to its OpenAI-compatible URL"
    )]
    UnknownProvider(String),
}

impl AgentSettings {
    /// Reads the settings through `lookup` (the process environment in production).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let workflow_defaults = WorkflowSettings::default();
        let retry_defaults = LlmRetrySettings::default();
        let workflow = WorkflowSettings {
            show_confirm: get("SHOW_CONFIRM").is_none_or(|v| !v.eq_ignore_ascii_case("false")),
            max_history_messages: number(
                &get,
                "AGENT_MAX_HISTORY_MESSAGES",
                workflow_defaults.max_history_messages,
            )?,
            history_window: number(
                &get,
                "AGENT_HISTORY_WINDOW",
                workflow_defaults.history_window,
            )?,
            confirm_timeout_secs: number(
                &get,
                "CONFIRM_TIMEOUT_SECS",
                workflow_defaults.confirm_timeout_secs,
            )?,
            llm_timeout_secs: number(&get, "LLM_TIMEOUT_SECS", workflow_defaults.llm_timeout_secs)?,
            llm_retry: LlmRetrySettings {
                initial_interval_ms: number(
                    &get,
                    "LLM_RETRY_INITIAL_INTERVAL_MS",
                    retry_defaults.initial_interval_ms,
                )?,
                backoff_coefficient: number(
                    &get,
                    "LLM_RETRY_BACKOFF",
                    retry_defaults.backoff_coefficient,
                )?,
                maximum_interval_ms: number(
                    &get,
                    "LLM_RETRY_MAX_INTERVAL_MS",
                    retry_defaults.maximum_interval_ms,
                )?,
                maximum_attempts: number(
                    &get,
                    "LLM_RETRY_MAX_ATTEMPTS",
                    retry_defaults.maximum_attempts,
                )?,
            },
        };
        positive(
            "AGENT_MAX_HISTORY_MESSAGES",
            workflow.max_history_messages as f64,
        )?;
        positive("AGENT_HISTORY_WINDOW", workflow.history_window as f64)?;
        positive("LLM_TIMEOUT_SECS", workflow.llm_timeout_secs as f64)?;
        if workflow.llm_retry.backoff_coefficient < 1.0 {
            return Err(SettingsError::Invalid {
                name: "LLM_RETRY_BACKOFF",
                value: workflow.llm_retry.backoff_coefficient.to_string(),
                reason: "must be at least 1".into(),
            });
        }

        let model = get("LLM_MODEL").unwrap_or_else(|| "openai/gpt-4o".to_owned());
        let (provider, model_name) = match model.split_once('/') {
            Some((provider, name)) if !name.is_empty() => {
                (Provider::parse(provider), name.to_owned())
            }
            _ => (Provider::OpenAi, model.clone()),
        };
        let api_key = get("LLM_KEY");
        let base_url = match (get("LLM_BASE_URL"), provider.default_base_url()) {
            (Some(url), _) => url,
            // Where a deployment runs the bundled demo server (docker-compose.yml).
            (None, _) if provider == Provider::Demo && get("DEMO_LLM_URL").is_some() => {
                get("DEMO_LLM_URL").unwrap_or_default()
            }
            (None, Some(url)) => url.to_owned(),
            (None, None) => {
                let Provider::Custom(name) = &provider else {
                    unreachable!("only custom providers lack a default endpoint")
                };
                return Err(SettingsError::UnknownProvider(name.clone()));
            }
        };
        url::Url::parse(&base_url).map_err(|err| SettingsError::Invalid {
            name: "LLM_BASE_URL",
            value: base_url.clone(),
            reason: err.to_string(),
        })?;
        if api_key.is_none() && provider.needs_key() {
            return Err(SettingsError::MissingKey(
                model.split('/').next().unwrap_or("openai").to_owned(),
            ));
        }
        // The HTTP call ends a little before Temporal's start-to-close timeout, so a slow
        // model is reported as our own timeout (retryable) rather than a lost attempt.
        let request_timeout = Duration::from_secs(workflow.llm_timeout_secs)
            .saturating_sub(Duration::from_secs(2))
            .max(Duration::from_secs(1));
        let llm = LlmSettings {
            model,
            provider,
            model_name,
            api_key,
            base_url: base_url.trim_end_matches('/').to_owned(),
            request_timeout,
            max_invalid_answers: number(&get, "LLM_MAX_INVALID_ANSWERS", 3)?,
        };
        positive("LLM_MAX_INVALID_ANSWERS", llm.max_invalid_answers as f64)?;
        let email = EmailSettings::from_lookup(&lookup).map_err(|err| SettingsError::Invalid {
            name: err.name,
            value: err.value,
            reason: err.reason,
        })?;
        Ok(AgentSettings {
            llm,
            workflow,
            email,
        })
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

fn number<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, SettingsError>
where
    T::Err: fmt::Display,
{
    match get(name) {
        None => Ok(default),
        Some(value) => value.parse().map_err(|err: T::Err| SettingsError::Invalid {
            name,
            reason: err.to_string(),
            value,
        }),
    }
}

fn positive(name: &'static str, value: f64) -> Result<(), SettingsError> {
    if value > 0.0 {
        Ok(())
    } else {
        Err(SettingsError::Invalid {
            name,
            value: value.to_string(),
            reason: "must be greater than zero".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<AgentSettings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        AgentSettings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_need_an_openai_key() {
        let err = settings(&[]).unwrap_err();
        assert!(matches!(err, SettingsError::MissingKey(ref p) if p == "openai"));
        assert!(err.to_string().contains("LLM_MODEL=demo/trip-agent"));
        let ok = settings(&[("LLM_KEY", "sk-test")]).unwrap();
        assert_eq!(ok.llm.provider, Provider::OpenAi);
        assert_eq!(ok.llm.model_name, "gpt-4o");
        assert_eq!(ok.llm.base_url, "https://api.openai.com/v1");
        assert!(ok.workflow.show_confirm);
    }

    #[test]
    fn providers_map_to_their_endpoints() {
        let cases = [
            (
                "anthropic/claude-sonnet-4-5",
                "https://api.anthropic.com/v1",
                "claude-sonnet-4-5",
            ),
            (
                "gemini/gemini-2.0-flash",
                "https://generativelanguage.googleapis.com/v1beta/openai",
                "gemini-2.0-flash",
            ),
            (
                "deepseek/deepseek-chat",
                "https://api.deepseek.com/v1",
                "deepseek-chat",
            ),
        ];
        for (model, url, name) in cases {
            let s = settings(&[("LLM_MODEL", model), ("LLM_KEY", "k")]).unwrap();
            assert_eq!(s.llm.base_url, url);
            assert_eq!(s.llm.model_name, name);
        }
        let ollama = settings(&[("LLM_MODEL", "ollama/llama3.1")]).unwrap();
        assert_eq!(ollama.llm.base_url, "http://localhost:11434/v1");
        let demo = settings(&[("LLM_MODEL", "demo/trip-agent")]).unwrap();
        assert_eq!(demo.llm.provider, Provider::Demo);
        assert_eq!(demo.llm.base_url, DEMO_BASE_URL);
        let deployed = settings(&[
            ("LLM_MODEL", "demo/trip-agent"),
            ("DEMO_LLM_URL", "http://demo-llm:8100/v1"),
        ])
        .unwrap();
        assert_eq!(deployed.llm.base_url, "http://demo-llm:8100/v1");
        let openai = settings(&[
            ("LLM_MODEL", "openai/gpt-4o"),
            ("LLM_KEY", "k"),
            ("DEMO_LLM_URL", "http://demo-llm:8100/v1"),
        ])
        .unwrap();
        assert_eq!(
            openai.llm.base_url, "https://api.openai.com/v1",
            "only the demo uses it"
        );
    }

    #[test]
    fn base_url_overrides_and_custom_providers_need_one() {
        let s = settings(&[
            ("LLM_MODEL", "demo/trip-agent"),
            ("LLM_BASE_URL", "http://127.0.0.1:9999/v1/"),
        ])
        .unwrap();
        assert_eq!(s.llm.base_url, "http://127.0.0.1:9999/v1");
        assert!(matches!(
            settings(&[("LLM_MODEL", "acme/model-x")]),
            Err(SettingsError::UnknownProvider(_))
        ));
        let custom = settings(&[
            ("LLM_MODEL", "acme/model-x"),
            ("LLM_BASE_URL", "http://127.0.0.1:1/v1"),
        ])
        .unwrap();
        assert_eq!(custom.llm.provider, Provider::Custom("acme".into()));
        assert!(settings(&[("LLM_MODEL", "demo/x"), ("LLM_BASE_URL", "not a url")]).is_err());
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
            let s = settings(&[("LLM_MODEL", "demo/x"), ("SHOW_CONFIRM", value)]).unwrap();
            assert_eq!(s.workflow.show_confirm, expected, "SHOW_CONFIRM={value}");
        }
    }

    #[test]
    fn numbers_are_checked() {
        let s = settings(&[
            ("LLM_MODEL", "demo/x"),
            ("AGENT_MAX_HISTORY_MESSAGES", "6"),
            ("CONFIRM_TIMEOUT_SECS", "5"),
            ("LLM_RETRY_INITIAL_INTERVAL_MS", "100"),
            ("LLM_RETRY_MAX_ATTEMPTS", "4"),
        ])
        .unwrap();
        assert_eq!(s.workflow.max_history_messages, 6);
        assert_eq!(s.workflow.confirm_timeout_secs, 5);
        assert_eq!(s.workflow.llm_retry.initial_interval_ms, 100);
        assert_eq!(s.workflow.llm_retry.maximum_attempts, 4);
        let err =
            settings(&[("LLM_MODEL", "demo/x"), ("AGENT_HISTORY_WINDOW", "lots")]).unwrap_err();
        assert!(err.to_string().contains("AGENT_HISTORY_WINDOW"));
        assert!(settings(&[("LLM_MODEL", "demo/x"), ("AGENT_HISTORY_WINDOW", "0")]).is_err());
        assert!(settings(&[("LLM_MODEL", "demo/x"), ("LLM_RETRY_BACKOFF", "0.5")]).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let s = settings(&[("LLM_KEY", "sk-very-secret-value")]).unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains("sk-very-secret-value"));
        assert!(printed.contains("<redacted>"));
    }
}
