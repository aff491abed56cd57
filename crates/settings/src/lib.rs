//! Settings every binary shares: how to reach Temporal, `.env` loading and logging.
//!
//! The worker and the api read the same variables (SPEC §7), so they are parsed here once
//! into typed structs. The same binaries reach a local dev server, a self-hosted cluster or
//! Temporal Cloud (mTLS or API key) by environment alone. Secrets never reach `Debug`
//! output or logs.

use std::{fmt, path::PathBuf, time::Duration};

use temporalio_client::{
    Client, ClientOptions, ClientTlsOptions, Connection, ConnectionOptions, TlsOptions,
};
use url::Url;

/// Where Temporal is and how to authenticate.
#[derive(Clone)]
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
    pub api_key: Option<String>,
}

impl fmt::Debug for TemporalSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporalSettings")
            .field("address", &self.address)
            .field("namespace", &self.namespace)
            .field("task_queue", &self.task_queue)
            .field("client_cert", &self.client_cert)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{0} is set but {1} is not: mTLS needs both a certificate and a key")]
    HalfTls(&'static str, &'static str),
    #[error("could not read {name} from {path}: {source}")]
    ReadPem {
        name: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("TEMPORAL_ADDRESS {0:?} is not a valid host:port")]
    Address(String),
    #[error("could not connect to Temporal at {address}: {message}")]
    Connect { address: String, message: String },
}

impl TemporalSettings {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConnectError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let client_cert = match (get("TEMPORAL_TLS_CERT"), get("TEMPORAL_TLS_KEY")) {
            (Some(cert), Some(key)) => Some((PathBuf::from(cert), PathBuf::from(key))),
            (Some(_), None) => {
                return Err(ConnectError::HalfTls(
                    "TEMPORAL_TLS_CERT",
                    "TEMPORAL_TLS_KEY",
                ));
            }
            (None, Some(_)) => {
                return Err(ConnectError::HalfTls(
                    "TEMPORAL_TLS_KEY",
                    "TEMPORAL_TLS_CERT",
                ));
            }
            (None, None) => None,
        };
        Ok(Self {
            address: get("TEMPORAL_ADDRESS").unwrap_or_else(|| "localhost:7233".into()),
            namespace: get("TEMPORAL_NAMESPACE").unwrap_or_else(|| "default".into()),
            task_queue: get("TEMPORAL_TASK_QUEUE").unwrap_or_else(|| "agent-task-queue".into()),
            client_cert,
            api_key: get("TEMPORAL_API_KEY"),
        })
    }

    pub fn from_env() -> Result<Self, ConnectError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// TLS is on with a client certificate or an API key.
    pub fn uses_tls(&self) -> bool {
        self.client_cert.is_some() || self.api_key.is_some()
    }

    /// The gRPC URL for the address: https when TLS is on.
    pub fn url(&self) -> Result<Url, ConnectError> {
        let address = self
            .address
            .trim_start_matches("http://")
            .trim_start_matches("https://");
        let scheme = if self.uses_tls() { "https" } else { "http" };
        let url = Url::parse(&format!("{scheme}://{address}"))
            .map_err(|_| ConnectError::Address(self.address.clone()))?;
        if url.host_str().is_none() || url.port().is_none() {
            return Err(ConnectError::Address(self.address.clone()));
        }
        Ok(url)
    }

    fn tls_options(&self) -> Result<Option<TlsOptions>, ConnectError> {
        let Some((cert, key)) = &self.client_cert else {
            return Ok(None);
        };
        let read = |name, path: &PathBuf| {
            std::fs::read(path).map_err(|source| ConnectError::ReadPem {
                name,
                path: path.clone(),
                source,
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
            .maybe_api_key(self.api_key.clone())
            .connect_timeout(Duration::from_secs(5))
            .build();
        let connect_error = |err: &dyn fmt::Display| ConnectError::Connect {
            address: self.address.clone(),
            message: err.to_string(),
        };
        let connection = Connection::connect(options)
            .await
            .map_err(|err| connect_error(&err))?;
        Client::new(
            connection,
            ClientOptions::new(self.namespace.clone()).build(),
        )
        .map_err(|err| connect_error(&err))
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

/// Loads `.env` from the working directory (or its parents) if there is one. Variables
/// already in the process environment win.
pub fn load_dotenv() -> Option<PathBuf> {
    dotenvy::dotenv().ok()
}

/// Logs to stderr with `tracing`; `RUST_LOG` picks the level (default `info`).
pub fn init_logging() {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<TemporalSettings, ConnectError> {
        let vars: HashMap<_, _> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TemporalSettings::from_lookup(|name| vars.get(name).cloned())
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
    fn half_a_certificate_is_an_error() {
        assert!(matches!(
            settings(&[("TEMPORAL_TLS_CERT", "a.pem")]),
            Err(ConnectError::HalfTls("TEMPORAL_TLS_CERT", _))
        ));
    }

    #[test]
    fn missing_pem_files_are_reported_with_their_variable() {
        let s = settings(&[
            ("TEMPORAL_TLS_CERT", "/nonexistent/client.pem"),
            ("TEMPORAL_TLS_KEY", "/nonexistent/client.key"),
        ])
        .unwrap();
        let err = s.tls_options().unwrap_err();
        assert!(err.to_string().contains("TEMPORAL_TLS_CERT"));
    }

    #[test]
    fn bad_addresses_are_rejected() {
        assert!(
            settings(&[("TEMPORAL_ADDRESS", "no port here")])
                .unwrap()
                .url()
                .is_err()
        );
        assert!(
            settings(&[("TEMPORAL_ADDRESS", "localhost")])
                .unwrap()
                .url()
                .is_err()
        );
    }

    #[test]
    fn debug_output_hides_the_api_key() {
        let s = settings(&[("TEMPORAL_API_KEY", "secret-api-key")]).unwrap();
        assert!(!format!("{s:?}").contains("secret-api-key"));
    }
}
