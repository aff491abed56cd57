//! Who may call the api, and how much (docs/ARCHITECTURE.md, Authentication).
//!
//! `API_AUTH` picks the mode: `none` (anyone who reaches the api, allowed only on a loopback
//! address), `tokens` (static bearer tokens, [`tokens`]) or `jwt` (bearer JWTs of an OIDC
//! issuer, [`jwt`]). [`authenticate`] runs before every endpoint but the public ones (`/`,
//! `/health`, `/ui-config`, `/openapi.json`, `/metrics` and the UI's files): it turns the
//! request's token into a [`Caller`], applies the caller's request rate ([`limits`]) and
//! hands the caller to the handler. Event streams also take a short-lived [`tickets`]
//! ticket in the URL, since browsers cannot set headers on an `EventSource`.
//!
//! Whatever is wrong with a token (missing, malformed, unknown, expired, wrong issuer), the
//! answer is the same 401, and no token is ever logged.

pub mod jwt;
pub mod limits;
pub mod tickets;
pub mod tokens;

use std::{fmt, net::IpAddr, path::PathBuf};

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use settings::{Env, SettingsError};
use utoipa::ToSchema;

use crate::{AppState, domain::WorkflowId, error::ApiError};

/// The search attribute that records who started a workflow (a `Keyword`).
pub const OWNER_ATTRIBUTE: &str = "AgentOwner";

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// Auth is off (`API_AUTH=none`): every caller is the same, and sees everything.
    Anyone,
    /// The user a token or ticket names.
    User(UserId),
}

impl Caller {
    /// The user, when auth is on.
    pub fn user(&self) -> Option<&UserId> {
        match self {
            Caller::Anyone => None,
            Caller::User(user) => Some(user),
        }
    }

    /// The key the caller's limits are counted under.
    fn limit_key(&self) -> &str {
        match self {
            Caller::Anyone => "",
            Caller::User(user) => user.as_str(),
        }
    }

    /// Whether the caller may see a workflow whose owner is `owner` (`None`: no owner was
    /// recorded). With auth off everything is visible; with auth on only one's own.
    pub fn may_see(&self, owner: Option<&str>) -> bool {
        match self {
            Caller::Anyone => true,
            Caller::User(user) => owner == Some(user.as_str()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Set by `authenticate`; a route outside it has no caller to speak of.
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

/// A user id, as a token file line or a JWT's `sub` gives it: 1–128 characters of letters,
/// digits and `.`, `_`, `-`, `@`, `|`, `+`, `:`. Those are safe inside a Temporal visibility
/// query, which the id is compared in.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    pub fn parse(raw: &str) -> Option<Self> {
        let fine = !raw.is_empty()
            && raw.len() <= 128
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@|+:".contains(c));
        fine.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserId({})", self.0)
    }
}

/// `API_AUTH` and what each mode needs.
#[derive(Debug, Clone)]
pub enum AuthMode {
    None,
    /// `API_TOKENS_FILE`: one `user-id:sha256-of-token` per line.
    Tokens {
        file: PathBuf,
    },
    Jwt(jwt::JwtSettings),
}

impl AuthMode {
    pub fn name(&self) -> AuthModeName {
        match self {
            AuthMode::None => AuthModeName::None,
            AuthMode::Tokens { .. } => AuthModeName::Tokens,
            AuthMode::Jwt(_) => AuthModeName::Jwt,
        }
    }

    pub fn is_on(&self) -> bool {
        !matches!(self, AuthMode::None)
    }
}

/// The mode's name, as `/ui-config` tells the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthModeName {
    None,
    Tokens,
    Jwt,
}

/// Where the UI sends people to sign in when `API_AUTH=jwt` (`OIDC_*`): an authorization
/// code flow with PKCE, run by the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OidcSettings {
    /// `OIDC_AUTHORIZATION_URL`: the issuer's authorization endpoint.
    pub authorization_url: String,
    /// `OIDC_TOKEN_URL`: the issuer's token endpoint (it must allow the UI's origin).
    pub token_url: String,
    /// `OIDC_CLIENT_ID`: the UI's client id at the issuer (a public client).
    pub client_id: String,
    /// `OIDC_SCOPE` (default `openid`).
    pub scope: String,
}

/// Everything about who may call, as configured.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub mode: AuthMode,
    pub oidc: Option<OidcSettings>,
    /// `STREAM_TICKET_SECRET`: signs event stream tickets, so that every replica of the api
    /// accepts the others' (default: a random key per process).
    pub ticket_secret: Option<SecretString>,
    pub limits: limits::LimitSettings,
}

#[derive(Deserialize)]
struct AuthEnv {
    api_auth: Option<String>,
    api_auth_none_i_understand: Option<String>,
    api_tokens_file: Option<PathBuf>,
    jwt_issuer: Option<String>,
    jwt_audience: Option<String>,
    jwks_url: Option<String>,
    oidc_authorization_url: Option<String>,
    oidc_token_url: Option<String>,
    oidc_client_id: Option<String>,
    oidc_scope: Option<String>,
    stream_ticket_secret: Option<SecretString>,
}

impl AuthSettings {
    /// Reads the `API_AUTH`, `API_TOKENS_FILE`, `JWT_*`, `JWKS_URL`, `OIDC_*`,
    /// `STREAM_TICKET_SECRET` and `RATE_LIMIT_*` variables. `host` is where the api listens:
    /// `none` anywhere but a loopback address is refused unless acknowledged.
    pub fn from_env(env: &Env, host: &str) -> Result<Self, SettingsError> {
        // `Env` trims every value and counts an empty one as unset (as compose passes them).
        let raw: AuthEnv = env.parse()?;
        let ticket_secret = raw.stream_ticket_secret;
        if ticket_secret
            .as_ref()
            .is_some_and(|secret| secret.expose_secret().len() < 32)
        {
            return Err(SettingsError::new(
                "STREAM_TICKET_SECRET",
                "use at least 32 characters (e.g. `openssl rand -hex 32`)",
            ));
        }
        let mode = match raw.api_auth.as_deref().unwrap_or("none") {
            "none" => AuthMode::None,
            "tokens" => AuthMode::Tokens {
                file: raw.api_tokens_file.ok_or_else(|| {
                    SettingsError::new(
                        "API_TOKENS_FILE",
                        "API_AUTH=tokens needs a tokens file (`api new-token <user-id>` makes its lines)",
                    )
                })?,
            },
            "jwt" => AuthMode::Jwt(jwt::JwtSettings {
                issuer: required(raw.jwt_issuer, "JWT_ISSUER")?,
                audience: required(raw.jwt_audience, "JWT_AUDIENCE")?,
                jwks_url: http_url(required(raw.jwks_url, "JWKS_URL")?, "JWKS_URL")?,
            }),
            other => {
                return Err(SettingsError::new(
                    "API_AUTH",
                    format!("{other:?} is not a mode: use none, tokens or jwt"),
                ));
            }
        };
        let acknowledged = raw
            .api_auth_none_i_understand
            .is_some_and(|value| matches!(value.as_str(), "1" | "true" | "yes"));
        if matches!(mode, AuthMode::None) && !is_loopback(host) && !acknowledged {
            return Err(SettingsError::new(
                "API_AUTH",
                format!(
                    "the api would listen on {host} with no authentication, so anyone who can \
                     reach it could read and drive every conversation. Set API_AUTH=tokens (with \
                     API_TOKENS_FILE; `api new-token <user-id>` makes a token) or API_AUTH=jwt \
                     (with JWT_ISSUER, JWT_AUDIENCE, JWKS_URL), or listen on 127.0.0.1. To run \
                     without authentication anyway, set API_AUTH_NONE_I_UNDERSTAND=1."
                ),
            ));
        }
        let oidc = match (raw.oidc_authorization_url, raw.oidc_token_url) {
            (None, None) => None,
            (authorization, token) => {
                if !matches!(mode, AuthMode::Jwt(_)) {
                    return Err(SettingsError::new(
                        "OIDC_AUTHORIZATION_URL",
                        "a login redirect needs API_AUTH=jwt",
                    ));
                }
                Some(OidcSettings {
                    authorization_url: http_url(
                        required(authorization, "OIDC_AUTHORIZATION_URL")?,
                        "OIDC_AUTHORIZATION_URL",
                    )?,
                    token_url: http_url(required(token, "OIDC_TOKEN_URL")?, "OIDC_TOKEN_URL")?,
                    client_id: required(raw.oidc_client_id, "OIDC_CLIENT_ID")?,
                    scope: raw.oidc_scope.unwrap_or_else(|| "openid".to_owned()),
                })
            }
        };
        Ok(Self {
            limits: limits::LimitSettings::from_env(env, mode.is_on())?,
            mode,
            oidc,
            ticket_secret,
        })
    }
}

fn required(value: Option<String>, name: &str) -> Result<String, SettingsError> {
    value.ok_or_else(|| SettingsError::new(name, "required with API_AUTH=jwt"))
}

fn http_url(value: String, name: &str) -> Result<String, SettingsError> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value)
    } else {
        Err(SettingsError::new(name, "expected an http(s) URL"))
    }
}

/// True for `localhost` and loopback IP addresses.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The running side of [`AuthSettings`]: the verifier of the chosen mode, the ticket key and
/// the limits.
pub struct Auth {
    verifier: Verifier,
    pub tickets: tickets::Tickets,
    pub limits: limits::Limits,
    mode: AuthModeName,
    oidc: Option<OidcSettings>,
}

enum Verifier {
    None,
    Tokens(tokens::TokenFile),
    Jwt(jwt::JwtVerifier),
}

impl Auth {
    /// Reads the tokens file (`tokens` mode); a `jwt` issuer's keys are fetched on first use.
    pub fn new(settings: &AuthSettings) -> anyhow::Result<Self> {
        let verifier = match &settings.mode {
            AuthMode::None => Verifier::None,
            AuthMode::Tokens { file } => Verifier::Tokens(tokens::TokenFile::open(file)?),
            AuthMode::Jwt(jwt) => Verifier::Jwt(jwt::JwtVerifier::new(jwt.clone())?),
        };
        Ok(Self {
            verifier,
            tickets: tickets::Tickets::new(settings.ticket_secret.as_ref()),
            limits: limits::Limits::new(&settings.limits),
            mode: settings.mode.name(),
            oidc: settings.oidc.clone(),
        })
    }

    pub fn mode(&self) -> AuthModeName {
        self.mode
    }

    pub fn is_on(&self) -> bool {
        self.mode != AuthModeName::None
    }

    pub fn oidc(&self) -> Option<&OidcSettings> {
        self.oidc.as_ref()
    }

    /// The caller a bearer token names; `None` for anything not accepted.
    async fn verify(&self, bearer: Option<&str>) -> Option<Caller> {
        match &self.verifier {
            Verifier::None => Some(Caller::Anyone),
            Verifier::Tokens(file) => file.verify(bearer?).map(Caller::User),
            Verifier::Jwt(jwt) => jwt.verify(bearer?).await.map(Caller::User),
        }
    }

    /// How many times the issuer's keys were fetched (`jwt` mode).
    pub fn key_fetches(&self) -> u64 {
        match &self.verifier {
            Verifier::Jwt(jwt) => jwt.fetches(),
            _ => 0,
        }
    }
}

/// The token of `Authorization: Bearer <token>`, if the header is there and well formed.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The paths whose requests may carry a stream ticket instead of a bearer token.
const STREAM_PATHS: [&str; 2] = ["/events", "/email/events"];

/// Authenticates the request, applies the caller's request rate, and hands the [`Caller`]
/// to the handler.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let auth = state.auth.clone();
    let caller = match stream_ticket(&request) {
        Some((ticket, id)) if auth.is_on() => auth.tickets.verify(&ticket, &id),
        _ => auth.verify(bearer(request.headers())).await,
    };
    let Some(caller) = caller else {
        return ApiError::Unauthorized.into_response();
    };
    if let Err(refused) = auth.limits.check_request(&caller) {
        return refused.into_response();
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// A stream request's `ticket` and the `workflow_id` it is for. A ticket on any other path
/// is ignored (the request then needs a bearer token).
fn stream_ticket(request: &Request) -> Option<(String, Option<WorkflowId>)> {
    if !STREAM_PATHS.contains(&request.uri().path()) {
        return None;
    }
    #[derive(Deserialize)]
    struct TicketParams {
        ticket: Option<String>,
        workflow_id: Option<String>,
    }
    let axum::extract::Query(params) =
        axum::extract::Query::<TicketParams>::try_from_uri(request.uri()).ok()?;
    let ticket = params.ticket?;
    // As the endpoints read it: no `workflow_id` is the default conversation.
    let id = match params.workflow_id {
        Some(raw) => WorkflowId::parse(&raw).ok(),
        None => Some(WorkflowId::default_id()),
    };
    Some((ticket, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth_settings(vars: &[(&str, &str)], host: &str) -> Result<AuthSettings, SettingsError> {
        AuthSettings::from_env(&Env::from_pairs(vars.iter().copied()), host)
    }

    #[test]
    fn no_auth_is_refused_off_loopback_unless_acknowledged() {
        assert!(auth_settings(&[], "127.0.0.1").is_ok());
        assert!(auth_settings(&[], "localhost").is_ok());
        assert!(auth_settings(&[], "::1").is_ok());
        let err = auth_settings(&[], "0.0.0.0").unwrap_err();
        assert_eq!(err.variable, "API_AUTH");
        assert!(err.to_string().contains("API_AUTH=tokens"), "{err}");
        assert!(
            auth_settings(&[("API_AUTH_NONE_I_UNDERSTAND", "1")], "0.0.0.0").is_ok(),
            "acknowledged"
        );
        assert!(
            auth_settings(
                &[("API_AUTH", "tokens"), ("API_TOKENS_FILE", "/x")],
                "0.0.0.0"
            )
            .is_ok()
        );
    }

    #[test]
    fn each_mode_names_what_it_misses() {
        for (vars, missing) in [
            (&[("API_AUTH", "tokens")][..], "API_TOKENS_FILE"),
            (&[("API_AUTH", "jwt")][..], "JWT_ISSUER"),
            (
                &[
                    ("API_AUTH", "jwt"),
                    ("JWT_ISSUER", "https://id.example.com/"),
                    ("JWT_AUDIENCE", "agent"),
                ][..],
                "JWKS_URL",
            ),
            (&[("API_AUTH", "password")][..], "API_AUTH"),
            (
                &[("OIDC_AUTHORIZATION_URL", "https://id.example.com/authorize")][..],
                "OIDC_AUTHORIZATION_URL",
            ),
        ] {
            let err = auth_settings(vars, "127.0.0.1").unwrap_err();
            assert_eq!(err.variable, missing, "{vars:?}: {err}");
        }
    }

    #[test]
    fn empty_variables_count_as_unset_and_a_short_ticket_secret_is_refused() {
        let empty = auth_settings(
            &[
                ("API_AUTH", ""),
                ("OIDC_AUTHORIZATION_URL", ""),
                ("OIDC_TOKEN_URL", ""),
                ("STREAM_TICKET_SECRET", ""),
            ],
            "127.0.0.1",
        )
        .unwrap();
        assert!(matches!(empty.mode, AuthMode::None));
        assert!(empty.oidc.is_none() && empty.ticket_secret.is_none());
        let err = auth_settings(&[("STREAM_TICKET_SECRET", "short")], "127.0.0.1").unwrap_err();
        assert_eq!(err.variable, "STREAM_TICKET_SECRET");
    }

    #[test]
    fn user_ids_keep_to_characters_safe_in_a_visibility_query() {
        for fine in ["alice", "auth0|5f1c", "bob@example.com", "svc:ci-1"] {
            assert!(UserId::parse(fine).is_some(), "{fine}");
        }
        for bad in ["", "a'b", "a b", "a\\b", "\"x\"", &"x".repeat(129)] {
            assert!(UserId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header_only_when_well_formed() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, "bearer  abc ".parse().unwrap());
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
