//! Where every setting comes from: the process environment over `.env`, read once.
//!
//! One rule for every variable: the value is trimmed, and an empty value counts as unset (so a
//! blank line in `.env.example` means "use the default"). Each binary describes its settings as
//! serde structs whose field names are the variables' names in lower case, and
//! [`Env::parse`] fills one in through `figment`. A value that does not fit its field fails with
//! a [`SettingsError`] that names the variable; the value itself is never repeated, so a
//! mistyped secret does not end up in a log.

use std::{collections::BTreeMap, path::PathBuf};

use figment::{Figment, providers::Serialized};
use serde::de::DeserializeOwned;

/// The variables a binary runs with.
#[derive(Clone, Default)]
pub struct Env {
    /// Name (as written, upper case) to trimmed, non-empty value.
    vars: BTreeMap<String, String>,
    /// The `.env` file that was read, if any.
    dotenv: Option<PathBuf>,
}

/// A setting that cannot be used, and which variable to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct SettingsError {
    /// The environment variable, e.g. `API_PORT`.
    pub variable: String,
    /// What is wrong with it, in words.
    pub problem: String,
}

impl SettingsError {
    pub fn new(variable: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            variable: variable.into(),
            problem: problem.into(),
        }
    }
}

impl Env {
    /// The process environment over `.env` (found in the working directory or a parent).
    /// Reading `.env` never changes the process environment.
    pub fn load() -> Self {
        let mut env = Self::default();
        if let Some(path) = find_dotenv()
            && let Ok(entries) = dotenvy::from_path_iter(&path)
        {
            env.extend(entries.flatten());
            env.dotenv = Some(path);
        }
        env.extend(std::env::vars());
        env
    }

    /// Exactly these variables (tests, tools that build settings by hand).
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut env = Self::default();
        env.extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        env
    }

    /// The `.env` file that was read, for the start-up log.
    pub fn dotenv_file(&self) -> Option<&PathBuf> {
        self.dotenv.as_ref()
    }

    /// A variable's trimmed value; `None` when unset or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// True when the variable has a non-blank value.
    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// Fills `T`, a struct whose fields are variable names in lower case (`api_port` for
    /// `API_PORT`). Numbers and booleans are read from their text; missing fields take
    /// their serde defaults.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, SettingsError> {
        let values: BTreeMap<String, &str> = self
            .vars
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str()))
            .collect();
        Figment::from(Serialized::defaults(values))
            .extract_lossy()
            .map_err(|err| {
                let variable = err
                    .path
                    .first()
                    .map(|field| field.to_ascii_uppercase())
                    .unwrap_or_else(|| "environment".to_owned());
                SettingsError::new(variable, describe(&err.kind))
            })
    }

    fn extend(&mut self, pairs: impl IntoIterator<Item = (String, String)>) {
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                self.vars.remove(&name);
            } else {
                self.vars.insert(name, value.to_owned());
            }
        }
    }
}

/// `.env` in the working directory or the nearest parent that has one.
fn find_dotenv() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let candidate = dir.join(".env");
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// figment's reason without the offending value.
fn describe(kind: &figment::error::Kind) -> String {
    use figment::error::Kind;
    match kind {
        Kind::InvalidType(_, expected) => format!("expected {expected}"),
        Kind::InvalidValue(_, expected) => format!("expected {expected}"),
        Kind::MissingField(field) => format!("{} is required", field.to_ascii_uppercase()),
        Kind::Message(message) => message.clone(),
        other => other.to_string(),
    }
}

impl std::fmt::Debug for Env {
    /// Names only: values may be secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("variables", &self.vars.keys().collect::<Vec<_>>())
            .field("dotenv", &self.dotenv)
            .finish()
    }
}
