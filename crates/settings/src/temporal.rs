//! How to reach Temporal: the same binaries reach a local dev server, a self-hosted cluster
//! or Temporal Cloud (mTLS or API key) by environment alone (docs/ARCHITECTURE.md,
//! Configuration).

use std::{fmt, path::PathBuf, time::Duration};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use temporalio_client::{
    Client, ClientOptions, ClientTlsOptions, Connection, ConnectionOptions, TlsOptions,
};
use url::Url;

use crate::{Env, SettingsError};

/// Where Temporal is and how to authenticate.
#[derive(Debug, Clone)]
pub struct TemporalSettings {
    /// `TEMPORAL_ADDRESS`, host:port (default `localhost:7233`).
    pub address: String,
    /// `TEMPORAL_NAMESPACE` (default `default`).
    pub namespace: String,
    /// `TEMPORAL_TASK_QUEUE` (default `agent-task-queue`).
    pub task_queue: String,
    /// `TEMPORAL_TLS_CERT` and `TEMPORAL_TLS_KEY`: PEM files for mTLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// `TEMPORAL_API_KEY`; implies TLS.
    pub api_key: Option<SecretString>,
    /// Carry trace context through Temporal (on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set).
    pub traces: bool,
}

/// The variables, as they come.
#[derive(Deserialize)]
struct TemporalEnv {
    #[serde(default = "default_address")]
    temporal_address: String,
    #[serde(default = "default_namespace")]
    temporal_namespace: String,
    #[serde(default = "default_task_queue")]
    temporal_task_queue: String,
    temporal_tls_cert: Option<PathBuf>,
    temporal_tls_key: Option<PathBuf>,
    temporal_api_key: Option<SecretString>,
}

fn default_address() -> String {
    "localhost:7233".into()
}

fn default_namespace() -> String {
    "default".into()
}

fn default_task_queue() -> String {
    "agent-task-queue".into()
}

/// Why the connection to Temporal could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("could not connect to Temporal at {address}: {message}")]
    Connect { address: String, message: String },
}

impl TemporalSettings {
    pub fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let raw: TemporalEnv = env.parse()?;
        let client_cert = match (raw.temporal_tls_cert, raw.temporal_tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (Some(_), None) => {
                return Err(SettingsError::new(
                    "TEMPORAL_TLS_KEY",
                    "TEMPORAL_TLS_CERT is set but this is not: mTLS needs both a certificate and a key",
                ));
            }
            (None, Some(_)) => {
                return Err(SettingsError::new(
                    "TEMPORAL_TLS_CERT",
                    "TEMPORAL_TLS_KEY is set but this is not: mTLS needs both a certificate and a key",
                ));
            }
            (None, None) => None,
        };
        let settings = Self {
            address: raw.temporal_address,
            namespace: raw.temporal_namespace,
            task_queue: raw.temporal_task_queue,
            client_cert,
            api_key: raw.temporal_api_key,
            traces: crate::TraceSettings::from_env(env)?.enabled(),
        };
        settings.url()?;
        Ok(settings)
    }

    /// TLS is on with a client certificate or an API key.
    pub fn uses_tls(&self) -> bool {
        self.client_cert.is_some() || self.api_key.is_some()
    }

    /// The gRPC URL for the address: https when TLS is on.
    pub fn url(&self) -> Result<Url, SettingsError> {
        let address = self
            .address
            .trim_start_matches("http://")
            .trim_start_matches("https://");
        let scheme = if self.uses_tls() { "https" } else { "http" };
        let bad = || {
            SettingsError::new(
                "TEMPORAL_ADDRESS",
                format!("{:?} is not a valid host:port", self.address),
            )
        };
        let url = Url::parse(&format!("{scheme}://{address}")).map_err(|_| bad())?;
        if url.host_str().is_none() || url.port().is_none() {
            return Err(bad());
        }
        Ok(url)
    }

    fn tls_options(&self) -> Result<Option<TlsOptions>, SettingsError> {
        let Some((cert, key)) = &self.client_cert else {
            return Ok(None);
        };
        let read = |variable: &str, path: &PathBuf| {
            std::fs::read(path).map_err(|err| {
                SettingsError::new(variable, format!("cannot read {}: {err}", path.display()))
            })
        };
        let client = ClientTlsOptions::builder()
            .client_cert(read("TEMPORAL_TLS_CERT", cert)?)
            .client_private_key(read("TEMPORAL_TLS_KEY", key)?)
            .build();
        Ok(Some(
            TlsOptions::builder().client_tls_options(client).build(),
        ))
    }

    /// Connects once; fails fast if Temporal cannot be reached.
    pub async fn connect(&self, identity: &str) -> Result<Client, ConnectError> {
        let options = ConnectionOptions::new(self.url()?)
            .identity(identity.to_owned())
            .maybe_tls_options(self.tls_options()?)
            .maybe_api_key(
                self.api_key
                    .as_ref()
                    .map(|key| key.expose_secret().to_owned()),
            )
            .connect_timeout(Duration::from_secs(5))
            .build();
        let connect_error = |err: &dyn fmt::Display| ConnectError::Connect {
            address: self.address.clone(),
            message: err.to_string(),
        };
        let connection = Connection::connect(options)
            .await
            .map_err(|err| connect_error(&err))?;
        let options = ClientOptions::new(self.namespace.clone());
        let options = if self.traces {
            options.plugin(crate::temporal_plugin()).build()
        } else {
            options.build()
        };
        Client::new(connection, options).map_err(|err| connect_error(&err))
    }

    /// Connects, retrying with backoff (capped at 10 s) until Temporal answers, logging
    /// each failure: a worker started before the server simply waits for it.
    pub async fn connect_with_retry(&self, identity: &str) -> Client {
        let mut delay = Duration::from_millis(250);
        loop {
            match self.connect(identity).await {
                Ok(client) => return client,
                Err(err) => {
                    tracing::warn!(error = %err, retry_in = ?delay, "Temporal is not reachable yet");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<TemporalSettings, SettingsError> {
        TemporalSettings::from_env(&Env::from_pairs(vars.iter().copied()))
    }

    #[test]
    fn defaults_point_at_a_local_dev_server() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.address, "localhost:7233");
        assert_eq!(s.namespace, "default");
        assert_eq!(s.task_queue, "agent-task-queue");
        assert!(!s.uses_tls());
        assert_eq!(s.url().unwrap().as_str(), "http://localhost:7233/");
    }

    #[test]
    fn api_key_or_certificate_turns_tls_on() {
        let cloud = settings(&[
            ("TEMPORAL_ADDRESS", "my-ns.a1b2c.tmprl.cloud:7233"),
            ("TEMPORAL_API_KEY", "secret-api-key"),
        ])
        .unwrap();
        assert!(cloud.uses_tls());
        assert_eq!(cloud.url().unwrap().scheme(), "https");
        let mtls = settings(&[
            ("TEMPORAL_TLS_CERT", "a.pem"),
            ("TEMPORAL_TLS_KEY", "a.key"),
        ])
        .unwrap();
        assert!(mtls.uses_tls());
    }

    #[test]
    fn half_a_certificate_names_the_missing_half() {
        let err = settings(&[("TEMPORAL_TLS_CERT", "a.pem")]).unwrap_err();
        assert_eq!(err.variable, "TEMPORAL_TLS_KEY");
    }

    #[test]
    fn missing_pem_files_are_reported_with_their_variable() {
        let s = settings(&[
            ("TEMPORAL_TLS_CERT", "/nonexistent/client.pem"),
            ("TEMPORAL_TLS_KEY", "/nonexistent/client.key"),
        ])
        .unwrap();
        assert_eq!(s.tls_options().unwrap_err().variable, "TEMPORAL_TLS_CERT");
    }

    #[test]
    fn bad_addresses_are_rejected_at_once() {
        for address in ["no port here", "localhost"] {
            let err = settings(&[("TEMPORAL_ADDRESS", address)]).unwrap_err();
            assert_eq!(err.variable, "TEMPORAL_ADDRESS");
        }
    }

    #[test]
    fn debug_output_hides_the_api_key() {
        let s = settings(&[("TEMPORAL_API_KEY", "secret-api-key")]).unwrap();
        assert!(!format!("{s:?}").contains("secret-api-key"));
    }
}
