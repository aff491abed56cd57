//! Which language model the agents use, and how to reach it.
//!
//! `LLM_MODEL` is `provider/model`; the provider picks the OpenAI-compatible endpoint unless
//! `LLM_BASE_URL` names another. The worker calls the model with these settings; the api reads
//! the same ones only to tell the UI which model answers. A provider that needs a key, with no
//! `LLM_KEY` and no `LLM_BASE_URL` of its own, falls back to the bundled demo model, so a fresh
//! checkout (or `.env.example` copied as is) runs instead of stopping.

use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use crate::{Env, SettingsError};

/// Where the bundled demo server listens unless `DEMO_LLM_URL` says otherwise.
pub const DEMO_BASE_URL: &str = "http://127.0.0.1:8100/v1";
/// The model used when `LLM_MODEL` is unset.
pub const DEFAULT_MODEL: &str = "openai/gpt-4o";
/// The demo model's name.
pub const DEMO_MODEL: &str = "demo/trip-agent";

/// Where the LLM lives and how to reach it.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    /// The model in use as `provider/model`: `LLM_MODEL`, or the demo model it fell back to.
    pub model: String,
    pub provider: Provider,
    /// The model id sent to the provider: `model` without its provider prefix.
    pub model_name: String,
    /// `LLM_KEY`.
    pub api_key: Option<SecretString>,
    /// `LLM_BASE_URL`, or the provider's OpenAI-compatible endpoint, without a trailing `/`.
    pub base_url: String,
    /// Time one HTTP call to the model may take: a little under `LLM_TIMEOUT_SECS`, Temporal's
    /// limit for the attempt, so a slow model is reported as our own (retryable) timeout.
    pub request_timeout: Duration,
    /// `LLM_TIMEOUT_SECS`: Temporal's limit for one attempt of an LLM activity.
    pub attempt_timeout: Duration,
    /// `LLM_MAX_INVALID_ANSWERS`: answers that are not usable JSON are retried this many
    /// times in all before the failure is reported to the user.
    pub max_invalid_answers: u32,
    /// Set when `LLM_MODEL` needed a key that is missing and the demo model answers instead:
    /// the model that was asked for.
    pub fell_back_from: Option<String>,
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

    /// Hosted providers refuse calls without a key.
    pub fn needs_key(&self) -> bool {
        matches!(
            self,
            Provider::OpenAi | Provider::Anthropic | Provider::Gemini | Provider::DeepSeek
        )
    }
}

/// The variables, as they come.
#[derive(Deserialize)]
struct LlmEnv {
    llm_model: Option<String>,
    llm_key: Option<SecretString>,
    llm_base_url: Option<Url>,
    /// Where a deployment runs the bundled demo server (`docker-compose.yml`).
    demo_llm_url: Option<Url>,
    #[serde(default = "default_timeout_secs")]
    llm_timeout_secs: u64,
    #[serde(default = "default_max_invalid_answers")]
    llm_max_invalid_answers: u32,
}

fn default_timeout_secs() -> u64 {
    30
}

fn default_max_invalid_answers() -> u32 {
    3
}

impl LlmSettings {
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let raw: LlmEnv = env.parse()?;
        if raw.llm_timeout_secs == 0 {
            return Err(SettingsError::new(
                "LLM_TIMEOUT_SECS",
                "must be greater than zero",
            ));
        }
        if raw.llm_max_invalid_answers == 0 {
            return Err(SettingsError::new(
                "LLM_MAX_INVALID_ANSWERS",
                "must be greater than zero",
            ));
        }
        let asked = raw.llm_model.unwrap_or_else(|| DEFAULT_MODEL.to_owned());
        let (mut provider, mut model_name) = split_model(&asked);
        let mut model = asked.clone();
        let mut fell_back_from = None;
        if provider.needs_key() && raw.llm_key.is_none() && raw.llm_base_url.is_none() {
            (provider, model_name) = split_model(DEMO_MODEL);
            model = DEMO_MODEL.to_owned();
            fell_back_from = Some(asked);
        }
        let base_url = match (&raw.llm_base_url, provider.default_base_url()) {
            (Some(url), _) => url.as_str().to_owned(),
            (None, _) if provider == Provider::Demo && raw.demo_llm_url.is_some() => raw
                .demo_llm_url
                .as_ref()
                .map(Url::to_string)
                .unwrap_or_default(),
            (None, Some(url)) => url.to_owned(),
            (None, None) => {
                return Err(SettingsError::new(
                    "LLM_BASE_URL",
                    format!(
                        "LLM_MODEL names provider {:?}, which has no known endpoint: set LLM_BASE_URL to its OpenAI-compatible URL",
                        model.split('/').next().unwrap_or_default()
                    ),
                ));
            }
        };
        let attempt_timeout = Duration::from_secs(raw.llm_timeout_secs);
        Ok(Self {
            model,
            provider,
            model_name,
            api_key: raw.llm_key,
            base_url: base_url.trim_end_matches('/').to_owned(),
            request_timeout: attempt_timeout
                .saturating_sub(Duration::from_secs(2))
                .max(Duration::from_secs(1)),
            attempt_timeout,
            max_invalid_answers: raw.llm_max_invalid_answers,
            fell_back_from,
        })
    }

    /// True when the bundled demo model answers.
    pub fn is_demo(&self) -> bool {
        self.provider == Provider::Demo
    }
}

/// `openai/gpt-4o` → (OpenAI, `gpt-4o`); a name without a provider is OpenAI's.
fn split_model(model: &str) -> (Provider, String) {
    match model.split_once('/') {
        Some((provider, name)) if !name.is_empty() => (Provider::parse(provider), name.to_owned()),
        _ => (Provider::OpenAi, model.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<LlmSettings, SettingsError> {
        LlmSettings::from_env(&Env::from_pairs(vars.iter().copied()))
    }

    #[test]
    fn a_keyless_hosted_model_falls_back_to_the_demo_model() {
        let s = settings(&[("LLM_MODEL", "openai/gpt-4o"), ("LLM_KEY", "  ")]).unwrap();
        assert_eq!(s.provider, Provider::Demo);
        assert_eq!(s.model, DEMO_MODEL);
        assert_eq!(s.base_url, DEMO_BASE_URL);
        assert_eq!(s.fell_back_from.as_deref(), Some("openai/gpt-4o"));
        let deployed = settings(&[("DEMO_LLM_URL", "http://demo-llm:8100/v1")]).unwrap();
        assert_eq!(deployed.base_url, "http://demo-llm:8100/v1");
    }

    #[test]
    fn a_key_keeps_the_model_and_its_endpoint() {
        let s = settings(&[("LLM_KEY", "sk-test")]).unwrap();
        assert_eq!(s.provider, Provider::OpenAi);
        assert_eq!(s.model_name, "gpt-4o");
        assert_eq!(s.base_url, "https://api.openai.com/v1");
        assert_eq!(s.fell_back_from, None);
        assert_eq!(s.api_key.unwrap().expose_secret(), "sk-test");
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
            assert_eq!((s.base_url.as_str(), s.model_name.as_str()), (url, name));
        }
        let ollama = settings(&[("LLM_MODEL", "ollama/llama3.1")]).unwrap();
        assert_eq!(ollama.base_url, "http://localhost:11434/v1");
        assert_eq!(ollama.fell_back_from, None, "ollama needs no key");
        let openai = settings(&[
            ("LLM_KEY", "k"),
            ("DEMO_LLM_URL", "http://demo-llm:8100/v1"),
        ])
        .unwrap();
        assert_eq!(
            openai.base_url, "https://api.openai.com/v1",
            "only the demo uses it"
        );
    }

    #[test]
    fn a_base_url_is_taken_as_is_and_custom_providers_need_one() {
        let proxy = settings(&[("LLM_BASE_URL", "http://127.0.0.1:9999/v1/")]).unwrap();
        assert_eq!(proxy.base_url, "http://127.0.0.1:9999/v1");
        assert_eq!(
            proxy.provider,
            Provider::OpenAi,
            "a keyless proxy is not the demo"
        );
        let err = settings(&[("LLM_MODEL", "acme/model-x")]).unwrap_err();
        assert_eq!(err.variable, "LLM_BASE_URL");
        let custom = settings(&[
            ("LLM_MODEL", "acme/model-x"),
            ("LLM_BASE_URL", "http://127.0.0.1:1/v1"),
        ])
        .unwrap();
        assert_eq!(custom.provider, Provider::Custom("acme".into()));
        let err = settings(&[("LLM_BASE_URL", "not a url")]).unwrap_err();
        assert_eq!(err.variable, "LLM_BASE_URL");
    }

    #[test]
    fn numbers_are_checked_and_named() {
        let s = settings(&[("LLM_TIMEOUT_SECS", "10"), ("LLM_MAX_INVALID_ANSWERS", "5")]).unwrap();
        assert_eq!(s.attempt_timeout, Duration::from_secs(10));
        assert_eq!(s.request_timeout, Duration::from_secs(8));
        assert_eq!(s.max_invalid_answers, 5);
        let err = settings(&[("LLM_TIMEOUT_SECS", "soon")]).unwrap_err();
        assert_eq!(err.variable, "LLM_TIMEOUT_SECS");
        assert_eq!(
            settings(&[("LLM_MAX_INVALID_ANSWERS", "0")])
                .unwrap_err()
                .variable,
            "LLM_MAX_INVALID_ANSWERS"
        );
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let s = settings(&[("LLM_KEY", "sk-very-secret-value")]).unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains("sk-very-secret-value"), "{printed}");
    }
}
