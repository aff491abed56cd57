//! A fake OIDC issuer on a loopback port, for the api's `API_AUTH=jwt` mode: it publishes
//! Ed25519 signing keys (JWKS), signs tokens, rotates keys on request, and runs the
//! authorization code flow with PKCE the UI follows, signing everyone in as
//! [`OIDC_USER`] without asking.
//!
//! Keys are made fresh each run; nothing secret is kept in the repository.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use aws_lc_rs::{
    digest,
    rand::SystemRandom,
    signature::{Ed25519KeyPair, KeyPair},
};
use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::{Value, json};

/// The user the authorization endpoint signs in.
pub const OIDC_USER: &str = "oidc-user";

/// A running fake issuer; stops when dropped.
pub struct FakeIssuer {
    base_url: String,
    state: Arc<IssuerState>,
    server: tokio::task::JoinHandle<()>,
}

struct IssuerState {
    issuer: String,
    audience: String,
    /// Published keys; the last one signs.
    keys: Mutex<Vec<SigningKey>>,
    jwks_fetches: AtomicUsize,
    /// Authorization codes not yet exchanged: code → (PKCE challenge, redirect URI).
    codes: Mutex<HashMap<String, (String, String)>>,
}

struct SigningKey {
    kid: String,
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

impl SigningKey {
    fn generate(kid: String) -> Self {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("a key pair");
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("a key pair");
        Self {
            kid,
            public: pair.public_key().as_ref().to_vec(),
            pkcs8: pkcs8.as_ref().to_vec(),
        }
    }

    fn jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "use": "sig",
            "alg": "EdDSA",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(&self.public),
        })
    }

    fn sign(&self, claims: &Value, kid: Option<&str>) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&self.pkcs8))
            .expect("a token")
    }
}

impl FakeIssuer {
    /// Starts the issuer with one signing key; its tokens carry `aud: audience`.
    pub async fn start(audience: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        let state = Arc::new(IssuerState {
            issuer: format!("{base_url}/"),
            audience: audience.to_owned(),
            keys: Mutex::new(vec![SigningKey::generate("key-1".into())]),
            jwks_fetches: AtomicUsize::new(0),
            codes: Mutex::default(),
        });
        let app = Router::new()
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url,
            state,
            server,
        }
    }

    /// The `iss` of its tokens (`JWT_ISSUER`).
    pub fn issuer(&self) -> String {
        self.state.issuer.clone()
    }

    /// `JWKS_URL`.
    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.base_url)
    }

    /// `OIDC_AUTHORIZATION_URL`.
    pub fn authorization_url(&self) -> String {
        format!("{}/authorize", self.base_url)
    }

    /// `OIDC_TOKEN_URL`.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url)
    }

    /// How many times the key set was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.state.jwks_fetches.load(Ordering::SeqCst)
    }

    /// A good token for `sub`, valid for ten minutes, signed with the current key.
    pub fn mint(&self, sub: &str) -> String {
        self.sign(&self.claims(sub), true)
    }

    /// The claims [`FakeIssuer::mint`] signs, to change one before [`FakeIssuer::sign`].
    pub fn claims(&self, sub: &str) -> Value {
        self.state.claims(sub)
    }

    /// `claims` signed with the current key, naming it (`with_kid`) or not.
    pub fn sign(&self, claims: &Value, with_kid: bool) -> String {
        let kid = with_kid.then(|| self.current_kid());
        self.state.sign(claims, kid.as_deref())
    }

    /// `claims` signed with the current key, under another key id (one never published).
    pub fn sign_as(&self, claims: &Value, kid: &str) -> String {
        self.state.sign(claims, Some(kid))
    }

    /// `claims` signed with a key the issuer never published, under the current key's id.
    pub fn forge(&self, claims: &Value) -> String {
        let kid = self.current_kid();
        SigningKey::generate(kid.clone()).sign(claims, Some(&kid))
    }

    /// Publishes a new key, which signs from now on; the old ones stay published. Returns
    /// its id.
    pub fn rotate(&self) -> String {
        let mut keys = self.state.keys.lock().expect("keys lock");
        let kid = format!("key-{}", keys.len() + 1);
        keys.push(SigningKey::generate(kid.clone()));
        kid
    }

    pub fn current_kid(&self) -> String {
        self.state.current_kid()
    }
}

impl Drop for FakeIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl IssuerState {
    fn current_kid(&self) -> String {
        let keys = self.keys.lock().expect("keys lock");
        keys.last().expect("a key").kid.clone()
    }

    /// `claims` signed with the current key, under key id `kid` (none: no `kid`).
    fn sign(&self, claims: &Value, kid: Option<&str>) -> String {
        let keys = self.keys.lock().expect("keys lock");
        keys.last().expect("a key").sign(claims, kid)
    }

    fn claims(&self, sub: &str) -> Value {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        json!({
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "iat": now,
            "exp": now + 600,
        })
    }
}

fn cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

async fn jwks(State(state): State<Arc<IssuerState>>) -> Response {
    state.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<Value> = state
        .keys
        .lock()
        .expect("keys lock")
        .iter()
        .map(SigningKey::jwk)
        .collect();
    cors(Json(json!({ "keys": keys })).into_response())
}

#[derive(Deserialize)]
struct AuthorizeParams {
    response_type: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    code_challenge_method: String,
}

/// Signs the visitor in as [`OIDC_USER`] at once and sends them back with a code.
async fn authorize(
    State(state): State<Arc<IssuerState>>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    if params.response_type != "code" || params.code_challenge_method != "S256" {
        return (StatusCode::BAD_REQUEST, "code flow with S256 PKCE only").into_response();
    }
    let code = URL_SAFE_NO_PAD.encode(digest::digest(
        &digest::SHA256,
        format!("{}{}", params.code_challenge, params.redirect_uri).as_bytes(),
    ));
    state.codes.lock().expect("codes lock").insert(
        code.clone(),
        (params.code_challenge, params.redirect_uri.clone()),
    );
    let separator = if params.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let mut target = format!("{}{separator}code={code}", params.redirect_uri);
    if let Some(value) = params.state {
        target.push_str("&state=");
        target
            .push_str(&url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>());
    }
    Redirect::to(&target).into_response()
}

/// Exchanges a code for tokens once, if the PKCE verifier and redirect URI match. The body
/// is a form (`application/x-www-form-urlencoded`).
async fn token(State(state): State<Arc<IssuerState>>, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let issued = state
        .codes
        .lock()
        .expect("codes lock")
        .remove(field("code"));
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(
        &digest::SHA256,
        field("code_verifier").as_bytes(),
    ));
    let fine = field("grant_type") == "authorization_code"
        && issued.is_some_and(|(expected, redirect)| {
            expected == challenge && redirect == field("redirect_uri")
        });
    if !fine {
        return cors(
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant"})),
            )
                .into_response(),
        );
    }
    let token = state.sign(&state.claims(OIDC_USER), Some(&state.current_kid()));
    cors(
        Json(json!({
            "access_token": token,
            "id_token": token,
            "token_type": "Bearer",
            "expires_in": 600,
        }))
        .into_response(),
    )
}
