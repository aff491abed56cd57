//! A loopback Stripe with just enough of the API to create and finalize invoices.
//!
//! It speaks like the real service where our client can tell the difference: form-encoded
//! request bodies, `Authorization: Bearer <key>` (401 with Stripe's error shape otherwise),
//! Stripe's `{"error": {"type", "message", ...}}` bodies, ids with the real prefixes, and
//! response objects with the fields Stripe documents. It honours `Idempotency-Key` on POSTs:
//! a repeated key with the same parameters replays the first successful answer without
//! creating anything, and a key reused with different parameters is refused
//! (`idempotency_error`), as Stripe does. Injected failures ([`FakeStripe::fail_next`])
//! happen before any work and are not remembered under their key — like a request Stripe
//! never started executing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::server::LoopbackServer;

/// How many objects the fake created (replayed requests do not count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StripeCounters {
    pub customers_created: usize,
    pub invoice_items_created: usize,
    pub invoices_created: usize,
    pub invoices_finalized: usize,
}

/// One request the fake received, and how it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The form-encoded body, decoded.
    pub form: Vec<(String, String)>,
    pub idempotency_key: Option<String>,
    pub status: u16,
    /// True when the answer was replayed from an earlier request with the same key.
    pub replayed: bool,
}

impl StripeRequest {
    /// The first form field called `name`.
    pub fn form_value(&self, name: &str) -> Option<&str> {
        pairs_get(&self.form, name)
    }

    /// The first query parameter called `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        pairs_get(&self.query, name)
    }
}

/// A running fake Stripe. Stops when dropped.
#[derive(Debug)]
pub struct FakeStripe {
    server: LoopbackServer,
    state: Arc<Mutex<StripeState>>,
}

impl FakeStripe {
    /// Starts a fake that accepts `api_key` as its only valid secret key.
    pub async fn start(api_key: &str) -> std::io::Result<Self> {
        let state = Arc::new(Mutex::new(StripeState::new(api_key)));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let server = LoopbackServer::start(app).await?;
        lock(&state).base_url = server.base_url().to_string();
        Ok(Self { server, state })
    }

    /// `http://127.0.0.1:<port>`; the API lives under `/v1`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    pub fn counters(&self) -> StripeCounters {
        lock(&self.state).counters
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<StripeRequest> {
        lock(&self.state).requests.clone()
    }

    pub fn customers(&self) -> Vec<Value> {
        lock(&self.state).customers.clone()
    }

    pub fn invoice_items(&self) -> Vec<Value> {
        lock(&self.state).invoice_items.clone()
    }

    pub fn invoices(&self) -> Vec<Value> {
        lock(&self.state).invoices.clone()
    }

    /// Adds an existing customer (not counted as created); returns its id.
    pub fn add_customer(&self, email: &str) -> String {
        let mut state = lock(&self.state);
        let customer = state.new_customer(email);
        let id = customer["id"].as_str().unwrap_or_default().to_string();
        state.customers.push(customer);
        id
    }

    /// The next `count` authorized requests fail with `status` and a Stripe error body.
    pub fn fail_next(&self, count: usize, status: u16) {
        self.set_failures(count, status, None);
    }

    /// Like [`FakeStripe::fail_next`], for requests whose path contains `path_part` only
    /// (e.g. `"/finalize"`), to fail one step of a sequence.
    pub fn fail_next_at(&self, path_part: &str, count: usize, status: u16) {
        self.set_failures(count, status, Some(path_part.to_string()));
    }

    fn set_failures(&self, count: usize, status: u16, path_part: Option<String>) {
        let mut state = lock(&self.state);
        state.failures_left = count;
        state.failure_status = status;
        state.failure_path = path_part;
    }

    /// Answers to requests whose path contains `path_part` are held for `delay` after the
    /// work is done, as when a response is slow to arrive: lets a test kill the caller
    /// after Stripe acted but before the caller heard about it.
    pub fn hold_responses_at(&self, path_part: &str, delay: std::time::Duration) {
        lock(&self.state).hold = Some((path_part.to_string(), delay));
    }

    /// An invoice item for `customer_id` left pending by someone else (not counted as created).
    pub fn add_pending_item(&self, customer_id: &str, cents: i64) {
        let mut state = lock(&self.state);
        let id = state.id("ii");
        state.invoice_items.push(json!({
            "id": id, "object": "invoiceitem", "amount": cents, "currency": "usd",
            "customer": customer_id, "invoice": null, "description": "someone else's item",
        }));
    }

    /// How many answers are being held right now.
    pub fn held(&self) -> usize {
        lock(&self.state).held
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

fn lock(state: &Mutex<StripeState>) -> MutexGuard<'_, StripeState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn pairs_get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// What a POST with an idempotency key produced, to replay on a repeat.
#[derive(Debug)]
struct Remembered {
    fingerprint: (String, String, Vec<(String, String)>),
    status: u16,
    body: Value,
}

#[derive(Debug)]
struct StripeState {
    api_key: String,
    base_url: String,
    next_id: u64,
    customers: Vec<Value>,
    invoice_items: Vec<Value>,
    invoices: Vec<Value>,
    counters: StripeCounters,
    remembered: HashMap<String, Remembered>,
    failures_left: usize,
    failure_status: u16,
    failure_path: Option<String>,
    requests: Vec<StripeRequest>,
    hold: Option<(String, std::time::Duration)>,
    held: usize,
}

type Answer = (u16, Value);

impl StripeState {
    fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_string(),
            base_url: String::new(),
            next_id: 1,
            customers: Vec::new(),
            invoice_items: Vec::new(),
            invoices: Vec::new(),
            counters: StripeCounters::default(),
            remembered: HashMap::new(),
            failures_left: 0,
            failure_status: 500,
            failure_path: None,
            requests: Vec::new(),
            hold: None,
            held: 0,
        }
    }

    fn id(&mut self, prefix: &str) -> String {
        let id = format!("{prefix}_fake{:06}", self.next_id);
        self.next_id += 1;
        id
    }

    fn new_customer(&mut self, email: &str) -> Value {
        json!({
            "id": self.id("cus"),
            "object": "customer",
            "email": email,
            "created": now(),
            "livemode": false,
            "delinquent": false,
            "balance": 0,
            "metadata": {},
        })
    }

    /// Answers one request: auth, injected failure, idempotent replay, then the endpoint.
    fn answer(&mut self, request: &mut StripeRequest, authorization: Option<&str>) -> Answer {
        let expected = format!("Bearer {}", self.api_key);
        if authorization != Some(expected.as_str()) {
            return error(
                401,
                "invalid_request_error",
                None,
                "Invalid API Key provided.",
            );
        }
        let targeted = self
            .failure_path
            .as_deref()
            .is_none_or(|part| request.path.contains(part));
        if self.failures_left > 0 && targeted {
            self.failures_left -= 1;
            return injected_failure(self.failure_status);
        }

        let key = request
            .idempotency_key
            .clone()
            .filter(|_| request.method == "POST");
        // Stripe compares parameters, not their order in the body.
        let mut parameters = request.form.clone();
        parameters.sort();
        let fingerprint = (request.method.clone(), request.path.clone(), parameters);
        if let Some(remembered) = key.as_ref().and_then(|k| self.remembered.get(k)) {
            if remembered.fingerprint != fingerprint {
                return error(
                    400,
                    "idempotency_error",
                    None,
                    "Keys for idempotent requests can only be used with the same parameters \
                     they were first used with.",
                );
            }
            request.replayed = true;
            return (remembered.status, remembered.body.clone());
        }

        let (status, body) = self.route(request);
        if let Some(key) = key
            && (200..300).contains(&status)
        {
            self.remembered.insert(
                key,
                Remembered {
                    fingerprint,
                    status,
                    body: body.clone(),
                },
            );
        }
        (status, body)
    }

    fn route(&mut self, request: &StripeRequest) -> Answer {
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["v1", "customers"]) => self.list_customers(request),
            ("POST", ["v1", "customers"]) => self.create_customer(request),
            ("POST", ["v1", "invoiceitems"]) => self.create_invoice_item(request),
            ("POST", ["v1", "invoices"]) => self.create_invoice(request),
            ("POST", ["v1", "invoices", id, "finalize"]) => self.finalize_invoice(id),
            (method, _) => error(
                404,
                "invalid_request_error",
                None,
                &format!("Unrecognized request URL ({method}: {}).", request.path),
            ),
        }
    }

    fn list_customers(&mut self, request: &StripeRequest) -> Answer {
        let limit = request
            .query_value("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10usize);
        let email = request.query_value("email");
        let data: Vec<Value> = self
            .customers
            .iter()
            .rev() // newest first, like Stripe
            .filter(|c| email.is_none_or(|e| c["email"] == e))
            .take(limit)
            .cloned()
            .collect();
        (
            200,
            json!({"object": "list", "data": data, "has_more": false, "url": "/v1/customers"}),
        )
    }

    fn create_customer(&mut self, request: &StripeRequest) -> Answer {
        let email = request.form_value("email").unwrap_or_default().to_string();
        let mut customer = self.new_customer(&email);
        if let Some(name) = request.form_value("name") {
            customer["name"] = json!(name);
        }
        self.customers.push(customer.clone());
        self.counters.customers_created += 1;
        (200, customer)
    }

    fn customer_exists(&self, id: &str) -> bool {
        self.customers.iter().any(|c| c["id"] == id)
    }

    fn create_invoice_item(&mut self, request: &StripeRequest) -> Answer {
        let Some(customer) = request.form_value("customer") else {
            return missing_param("customer");
        };
        if !self.customer_exists(customer) {
            return no_such("customer", customer);
        }
        let Some(amount) = request.form_value("amount") else {
            return missing_param("amount");
        };
        let Ok(amount) = amount.parse::<i64>() else {
            return error(
                400,
                "invalid_request_error",
                Some("parameter_invalid_integer"),
                "Invalid integer: amount",
            );
        };
        let Some(currency) = request.form_value("currency") else {
            return missing_param("currency");
        };
        // An item may go straight onto a draft invoice of the same customer.
        let invoice = match request.form_value("invoice") {
            None => Value::Null,
            Some(id) => {
                let Some(invoice) = self.invoices.iter_mut().find(|i| i["id"] == id) else {
                    return no_such("invoice", id);
                };
                if invoice["customer"] != customer || invoice["status"] != "draft" {
                    return error(
                        400,
                        "invalid_request_error",
                        Some("invoice_not_editable"),
                        "Items can only be added to a draft invoice of the same customer.",
                    );
                }
                for field in ["amount_due", "amount_remaining", "subtotal", "total"] {
                    invoice[field] = json!(invoice[field].as_i64().unwrap_or(0) + amount);
                }
                json!(id)
            }
        };
        let item = json!({
            "id": self.id("ii"),
            "object": "invoiceitem",
            "amount": amount,
            "currency": currency,
            "customer": customer,
            "date": now(),
            "description": request.form_value("description"),
            "discountable": true,
            "invoice": invoice,
            "livemode": false,
            "metadata": {},
            "proration": false,
            "quantity": 1,
            "unit_amount": amount,
            "unit_amount_decimal": amount.to_string(),
        });
        self.invoice_items.push(item.clone());
        self.counters.invoice_items_created += 1;
        (200, item)
    }

    fn create_invoice(&mut self, request: &StripeRequest) -> Answer {
        let Some(customer) = request.form_value("customer") else {
            return missing_param("customer");
        };
        if !self.customer_exists(customer) {
            return no_such("customer", customer);
        }
        let collection = request
            .form_value("collection_method")
            .unwrap_or("charge_automatically")
            .to_string();
        let days_until_due = request
            .form_value("days_until_due")
            .and_then(|d| d.parse::<i64>().ok());
        if collection == "send_invoice" && days_until_due.is_none() {
            return missing_param("days_until_due");
        }
        let id = self.id("in");
        let include = matches!(
            request.form_value("pending_invoice_items_behavior"),
            Some("include") | Some("include_and_require")
        );
        let mut total = 0;
        if include {
            for item in &mut self.invoice_items {
                if item["customer"] == customer && item["invoice"].is_null() {
                    item["invoice"] = json!(id);
                    total += item["amount"].as_i64().unwrap_or(0);
                }
            }
        }
        let metadata: serde_json::Map<String, Value> = request
            .form
            .iter()
            .filter_map(|(key, value)| {
                let name = key.strip_prefix("metadata[")?.strip_suffix(']')?;
                Some((name.to_string(), json!(value)))
            })
            .collect();
        let created = now();
        let email = self
            .customers
            .iter()
            .find(|c| c["id"] == customer)
            .map(|c| c["email"].clone())
            .unwrap_or(Value::Null);
        let invoice = json!({
            "id": id,
            "object": "invoice",
            "customer": customer,
            "customer_email": email,
            "collection_method": collection,
            "currency": "usd",
            "amount_due": total,
            "amount_paid": 0,
            "amount_remaining": total,
            "subtotal": total,
            "total": total,
            "created": created,
            "due_date": days_until_due.map(|days| created + days * 86_400),
            "status": "draft",
            "number": null,
            "hosted_invoice_url": null,
            "livemode": false,
            "auto_advance": false,
            "metadata": metadata,
        });
        self.invoices.push(invoice.clone());
        self.counters.invoices_created += 1;
        (200, invoice)
    }

    fn finalize_invoice(&mut self, id: &str) -> Answer {
        let base_url = self.base_url.clone();
        let sequence = self.counters.invoices_finalized + 1;
        let Some(invoice) = self.invoices.iter_mut().find(|i| i["id"] == id) else {
            return no_such("invoice", id);
        };
        if invoice["status"] != "draft" {
            return error(
                400,
                "invalid_request_error",
                Some("invoice_not_editable"),
                "This invoice is already finalized.",
            );
        }
        invoice["status"] = json!("open");
        invoice["number"] = json!(format!("FAKE-{sequence:04}"));
        invoice["hosted_invoice_url"] = json!(format!("{base_url}/i/{id}"));
        let answer = invoice.clone();
        self.counters.invoices_finalized += 1;
        (200, answer)
    }
}

async fn handle(
    State(state): State<Arc<Mutex<StripeState>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let decode = |text: &[u8]| -> Vec<(String, String)> {
        url::form_urlencoded::parse(text)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut request = StripeRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: decode(uri.query().unwrap_or_default().as_bytes()),
        form: decode(&body),
        idempotency_key: header("idempotency-key").map(str::to_string),
        status: 0,
        replayed: false,
    };
    let hold = {
        let mut state = lock(&state);
        let (status, body) = state.answer(&mut request, header("authorization"));
        request.status = status;
        let hold = state
            .hold
            .as_ref()
            .filter(|(part, _)| request.path.contains(part.as_str()))
            .map(|(_, delay)| *delay);
        state.requests.push(request);
        if hold.is_some() {
            state.held += 1;
        }
        (status, body, hold)
    };
    let (status, body, hold) = hold;
    if let Some(delay) = hold {
        tokio::time::sleep(delay).await;
        lock(&state).held -= 1;
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn error(status: u16, kind: &str, code: Option<&str>, message: &str) -> Answer {
    let mut error = json!({"type": kind, "message": message});
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    (status, json!({"error": error}))
}

fn missing_param(name: &str) -> Answer {
    let (status, mut body) = error(
        400,
        "invalid_request_error",
        Some("parameter_missing"),
        &format!("Missing required param: {name}."),
    );
    body["error"]["param"] = json!(name);
    (status, body)
}

fn no_such(kind: &str, id: &str) -> Answer {
    error(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such {kind}: '{id}'"),
    )
}

fn injected_failure(status: u16) -> Answer {
    match status {
        429 => error(
            429,
            "rate_limit_error",
            None,
            "Too many requests hit the API too quickly.",
        ),
        500..=599 => error(
            status,
            "api_error",
            None,
            "Something went wrong on Stripe's end (injected by the fake).",
        ),
        _ => error(
            status,
            "invalid_request_error",
            None,
            "The request was refused (injected by the fake).",
        ),
    }
}
