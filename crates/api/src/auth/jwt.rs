//! `API_AUTH=jwt`: bearer JWTs signed by an OIDC issuer, checked against the issuer's
//! published keys (`JWKS_URL`) with `jsonwebtoken`.
//!
//! A token is accepted when its header names a key (`kid`) of the issuer, its signature
//! verifies with that key under the key's own algorithm (never the one the token claims
//! alone), and its `iss`, `aud`, `exp` (and `nbf`, if present) are right, with
//! [`LEEWAY`] for clock skew. The user is its `sub`.
//!
//! Keys are cached. A token naming a key the cache lacks makes one fetch of the key set
//! (the issuer rotated its keys); fetches are at least [`REFETCH_GAP`] apart, so tokens
//! with made-up key ids cannot make the api hammer the issuer.

use std::{
    collections::HashMap,
    str::FromStr,
    sync::{
        RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse},
};
use serde::Deserialize;
use tokio::{sync::Mutex, time::Instant};

use super::UserId;

/// Clock skew allowed on `exp` and `nbf`.
pub const LEEWAY: u64 = 30;
/// The least time between two fetches of the key set.
pub const REFETCH_GAP: Duration = Duration::from_secs(3);
/// How long a fetch of the key set may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// `JWT_ISSUER`, `JWT_AUDIENCE`, `JWKS_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtSettings {
    /// The `iss` tokens must carry, exactly.
    pub issuer: String,
    /// An `aud` tokens must carry.
    pub audience: String,
    /// Where the issuer publishes its keys (`jwks_uri` of its OIDC discovery document).
    pub jwks_url: String,
}

/// Checks tokens against the issuer's keys, fetched when needed.
pub struct JwtVerifier {
    settings: JwtSettings,
    http: reqwest::Client,
    keys: RwLock<HashMap<String, VerifyingKey>>,
    /// Held while fetching; holds when the last fetch began.
    last_fetch: Mutex<Option<Instant>>,
    fetches: AtomicU64,
}

#[derive(Clone)]
struct VerifyingKey {
    key: DecodingKey,
    algorithm: Algorithm,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
}

impl JwtVerifier {
    pub fn new(settings: JwtSettings) -> anyhow::Result<Self> {
        Ok(Self {
            settings,
            http: reqwest::Client::builder().timeout(FETCH_TIMEOUT).build()?,
            keys: RwLock::default(),
            last_fetch: Mutex::new(None),
            fetches: AtomicU64::new(0),
        })
    }

    /// The token's user, if the token is good.
    pub async fn verify(&self, token: &str) -> Option<UserId> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        let kid = header.kid?;
        let key = match self.key(&kid) {
            Some(key) => key,
            None => {
                self.refresh_for(&kid).await;
                self.key(&kid)?
            }
        };
        let mut validation = Validation::new(key.algorithm);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &key.key, &validation).ok()?;
        UserId::parse(&data.claims.sub)
    }

    /// How many times the key set was fetched.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn key(&self, kid: &str) -> Option<VerifyingKey> {
        self.keys.read().expect("keys lock").get(kid).cloned()
    }

    /// Fetches the key set, unless another request just did (and found `kid` or not).
    async fn refresh_for(&self, kid: &str) {
        let mut last = self.last_fetch.lock().await;
        if self.key(kid).is_some() || last.is_some_and(|at| at.elapsed() < REFETCH_GAP) {
            return;
        }
        *last = Some(Instant::now());
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match self.fetch().await {
            Ok(keys) => {
                tracing::info!(keys = keys.len(), "fetched the issuer's signing keys");
                *self.keys.write().expect("keys lock") = keys;
            }
            Err(err) => {
                tracing::warn!(url = %self.settings.jwks_url, error = %err, "could not fetch the issuer's signing keys");
            }
        }
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, VerifyingKey>> {
        let set: JwkSet = self
            .http
            .get(&self.settings.jwks_url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, verifying_key(jwk)?)))
            .collect())
    }
}

/// A signing key of the set, with the one algorithm it verifies; `None` for encryption
/// keys, shared secrets and kinds we do not take.
fn verifying_key(jwk: &Jwk) -> Option<VerifyingKey> {
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return None;
    }
    let algorithm = match (&jwk.common.key_algorithm, &jwk.algorithm) {
        (_, AlgorithmParameters::OctetKey(_) | AlgorithmParameters::Other(_)) => return None,
        (Some(declared), _) => Algorithm::from_str(&declared.to_string()).ok()?,
        (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
        (None, AlgorithmParameters::EllipticCurve(ec)) => match ec.curve {
            EllipticCurve::P256 => Algorithm::ES256,
            EllipticCurve::P384 => Algorithm::ES384,
            _ => return None,
        },
        (None, AlgorithmParameters::OctetKeyPair(_)) => Algorithm::EdDSA,
        (None, _) => return None,
    };
    if matches!(
        algorithm,
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
    ) {
        return None;
    }
    Some(VerifyingKey {
        key: DecodingKey::from_jwk(jwk).ok()?,
        algorithm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_secrets_and_encryption_keys_are_never_used_to_verify() {
        let set: JwkSet = serde_json::from_value(serde_json::json!({"keys": [
            {"kty": "oct", "kid": "s", "k": "c2VjcmV0"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc",
             "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "sig",
             "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        ]}))
        .unwrap();
        let usable: Vec<_> = set
            .keys
            .iter()
            .filter(|jwk| verifying_key(jwk).is_some())
            .filter_map(|jwk| jwk.common.key_id.clone())
            .collect();
        assert_eq!(usable, ["sig"]);
        assert_eq!(
            verifying_key(&set.keys[2]).unwrap().algorithm,
            Algorithm::EdDSA
        );
    }
}
