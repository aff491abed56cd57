//! What the binaries share: settings read once from the environment and `.env`, the
//! connection to Temporal, logging, and graceful shutdown.
//!
//! Each binary builds one typed settings value at start (`worker::Settings`,
//! `api::Settings`) from one [`Env`], the process environment over `.env` with one rule for
//! blank values. Each part of those settings is a serde struct filled by [`Env::parse`], and
//! every problem is a [`SettingsError`] naming the variable to fix (docs/ARCHITECTURE.md,
//! Configuration). Secrets are [`SecretString`]s: they never reach `Debug` output or logs.

mod env;
mod llm;
mod logging;
mod prices;
mod shutdown;
#[cfg(feature = "temporal")]
mod temporal;
#[cfg(feature = "temporal")]
mod traces;

pub use env::{Env, SettingsError};
pub use llm::{DEFAULT_MODEL, DEMO_BASE_URL, DEMO_MODEL, LlmSettings, Provider};
pub use logging::init_logging;
pub use prices::{Price, PriceTable};
pub use secrecy::{ExposeSecret, SecretString};
pub use shutdown::shutdown_signal;
#[cfg(feature = "temporal")]
pub use temporal::{ConnectError, TemporalSettings};
#[cfg(feature = "temporal")]
pub use traces::{TraceSettings, Traces, init_traces, temporal_plugin};

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Example {
        api_port: Option<u16>,
        #[serde(default)]
        show_confirm: Option<String>,
        token: Option<SecretString>,
        #[serde(default)]
        ratio: f64,
    }

    #[test]
    fn values_are_trimmed_and_blank_means_unset() {
        let env = Env::from_pairs([("API_PORT", " 8001 "), ("SHOW_CONFIRM", "   ")]);
        let parsed: Example = env.parse().unwrap();
        assert_eq!(parsed.api_port, Some(8001));
        assert_eq!(parsed.show_confirm, None);
        assert!(!env.is_set("SHOW_CONFIRM"));
    }

    #[test]
    fn numbers_and_text_are_read_from_their_text() {
        let env = Env::from_pairs([
            ("RATIO", "1.5"),
            ("SHOW_CONFIRM", "12345"),
            ("TOKEN", "007"),
        ]);
        let parsed: Example = env.parse().unwrap();
        assert_eq!(parsed.ratio, 1.5);
        assert_eq!(
            parsed.show_confirm.as_deref(),
            Some("12345"),
            "digits stay text"
        );
        assert_eq!(parsed.token.unwrap().expose_secret(), "007");
    }

    #[test]
    fn a_bad_value_names_its_variable_but_not_the_value() {
        let env = Env::from_pairs([("API_PORT", "eighty-secret")]);
        let err = env.parse::<Example>().unwrap_err();
        assert_eq!(err.variable, "API_PORT");
        assert!(!err.to_string().contains("eighty-secret"), "{err}");
        assert!(err.to_string().starts_with("API_PORT: "), "{err}");
    }

    #[test]
    fn debug_output_lists_names_only() {
        let env = Env::from_pairs([("LLM_KEY", "sk-secret")]);
        let printed = format!("{env:?}");
        assert!(printed.contains("LLM_KEY") && !printed.contains("sk-secret"));
    }
}
