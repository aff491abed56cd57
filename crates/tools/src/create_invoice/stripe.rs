//! The five Stripe API calls an invoice needs, on our own HTTP client.
//!
//! Why not a Stripe SDK: the maintained Rust clients generate types for Stripe's whole object
//! graph; the smallest build of the current one still costs about three minutes of compile
//! time on two cores (async-stripe 1.0's shared types alone take two), and the previous major
//! version five, for five calls. Each call here is written as Stripe's API reference
//! describes it: form-encoded parameters (`metadata[key]=value`), the secret key as a bearer
//! token, an `Idempotency-Key` on every write, the API version pinned so the fields we read
//! keep their meaning, and Stripe's `{"error": {"type", "message"}}` body on failure. Replies
//! are read into structs that name only the fields we use.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Deserialize, de::DeserializeOwned};
use settings::{ExposeSecret, SecretString};

use crate::ToolError;
use crate::error::scrub;

const SERVICE: &str = "Stripe";
/// Stripe's API, unless a base URL for tests replaces it.
const STRIPE_API: &str = "https://api.stripe.com";
/// The API version whose fields this module reads.
const API_VERSION: &str = "2023-10-16";
/// One HTTP request may take this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A Stripe customer id (`cus_...`); only [`CustomerId::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerId(String);

impl CustomerId {
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let valid = raw.strip_prefix("cus_").is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric())
        });
        valid.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The fields of an invoice we read.
#[derive(Debug, Clone, Deserialize)]
pub struct Invoice {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub hosted_invoice_url: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
}

#[derive(Deserialize)]
struct Customer {
    id: String,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    message: Option<String>,
}

/// A draft invoice to create.
pub struct NewInvoice<'a> {
    pub customer: &'a CustomerId,
    pub days_until_due: u32,
    /// Stored in the invoice's metadata, so it can be traced to its conversation.
    pub workflow_id: &'a str,
}

/// A line to add to a draft invoice.
pub struct NewInvoiceItem<'a> {
    pub customer: &'a CustomerId,
    pub invoice: &'a str,
    pub amount_cents: i64,
    pub description: &'a str,
}

/// Calls Stripe with one secret key.
pub struct StripeApi {
    http: reqwest::Client,
    base_url: String,
    key: SecretString,
}

type Form = Vec<(&'static str, String)>;

impl StripeApi {
    /// `base_url` overrides Stripe's address (tests point it at a fake).
    pub fn new(key: SecretString, base_url: Option<&str>) -> Result<Self, ToolError> {
        let base_url = base_url.unwrap_or(STRIPE_API);
        url::Url::parse(base_url)
            .map_err(|e| ToolError::Config(format!("STRIPE_BASE_URL {base_url:?}: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| ToolError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            key,
        })
    }

    /// The first customer with this email address, if any.
    pub async fn find_customer(&self, email: &str) -> Result<Option<CustomerId>, ToolError> {
        let query = [("email", email.to_owned()), ("limit", "1".to_owned())];
        let found: List<Customer> = self
            .call(Method::GET, "/v1/customers", &query, None)
            .await?;
        Ok(found.data.into_iter().next().map(|c| CustomerId(c.id)))
    }

    pub async fn create_customer(
        &self,
        email: &str,
        idempotency_key: &str,
    ) -> Result<CustomerId, ToolError> {
        let form: Form = vec![("email", email.to_owned())];
        let customer: Customer = self
            .call(Method::POST, "/v1/customers", &form, Some(idempotency_key))
            .await?;
        Ok(CustomerId(customer.id))
    }

    /// A draft invoice sent to the customer by email, with no pending items swept in.
    pub async fn create_invoice(
        &self,
        invoice: &NewInvoice<'_>,
        idempotency_key: &str,
    ) -> Result<Invoice, ToolError> {
        let form: Form = vec![
            ("customer", invoice.customer.as_str().to_owned()),
            ("collection_method", "send_invoice".to_owned()),
            ("days_until_due", invoice.days_until_due.to_string()),
            ("pending_invoice_items_behavior", "exclude".to_owned()),
            (
                "metadata[agent_workflow_id]",
                invoice.workflow_id.to_owned(),
            ),
        ];
        self.call(Method::POST, "/v1/invoices", &form, Some(idempotency_key))
            .await
    }

    pub async fn create_invoice_item(
        &self,
        item: &NewInvoiceItem<'_>,
        idempotency_key: &str,
    ) -> Result<(), ToolError> {
        let form: Form = vec![
            ("customer", item.customer.as_str().to_owned()),
            ("invoice", item.invoice.to_owned()),
            ("amount", item.amount_cents.to_string()),
            ("currency", "usd".to_owned()),
            ("description", item.description.to_owned()),
        ];
        let _: serde_json::Value = self
            .call(
                Method::POST,
                "/v1/invoiceitems",
                &form,
                Some(idempotency_key),
            )
            .await?;
        Ok(())
    }

    pub async fn finalize_invoice(
        &self,
        invoice_id: &str,
        idempotency_key: &str,
    ) -> Result<Invoice, ToolError> {
        let path = format!("/v1/invoices/{invoice_id}/finalize");
        self.call(Method::POST, &path, &[], Some(idempotency_key))
            .await
    }

    /// One request: GET parameters in the query, POST parameters as a form.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        idempotency_key: Option<&str>,
    ) -> Result<T, ToolError> {
        let key = self.key.expose_secret();
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base_url))
            .bearer_auth(key)
            .header("Stripe-Version", API_VERSION);
        request = if method == Method::GET {
            request.query(params)
        } else {
            request.form(params)
        };
        if let Some(idempotency_key) = idempotency_key {
            request = request.header("Idempotency-Key", idempotency_key);
        }
        let response = request.send().await.map_err(|e| transport_error(&e, key))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| transport_error(&e, key))?;
        if !status.is_success() {
            return Err(upstream_error(status, &body, key));
        }
        serde_json::from_str(&body).map_err(|e| ToolError::BadResponse {
            service: SERVICE,
            message: scrub(&e.to_string(), key),
        })
    }
}

fn upstream_error(status: StatusCode, body: &str, key: &str) -> ToolError {
    let message = match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody { error }) => format!(
            "{}: {}",
            error.kind,
            error.message.as_deref().unwrap_or("no message")
        ),
        Err(_) => body.to_owned(),
    };
    ToolError::Upstream {
        service: SERVICE,
        status: status.as_u16(),
        message: scrub(&message, key),
    }
}

fn transport_error(error: &reqwest::Error, key: &str) -> ToolError {
    if error.is_timeout() {
        ToolError::Timeout {
            service: SERVICE,
            after: REQUEST_TIMEOUT,
        }
    } else {
        ToolError::Connection {
            service: SERVICE,
            message: scrub(&error.to_string(), key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_ids_must_look_like_stripes() {
        assert_eq!(CustomerId::parse(" cus_123 ").unwrap().as_str(), "cus_123");
        for bad in ["123", "cus_", "cus_12 3", "sub_123", ""] {
            assert_eq!(CustomerId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn stripe_error_bodies_become_short_messages_without_the_key() {
        let body =
            r#"{"error": {"type": "invalid_request_error", "message": "No such key sk_test_abc"}}"#;
        let error = upstream_error(StatusCode::BAD_REQUEST, body, "sk_test_abc");
        assert_eq!(error.upstream_status(), Some(400));
        let shown = error.to_string();
        assert!(
            shown.contains("invalid_request_error: No such key [redacted]"),
            "{shown}"
        );
        let plain = upstream_error(StatusCode::BAD_GATEWAY, "<html>oops</html>", "k");
        assert!(plain.to_string().contains("<html>oops</html>"));
    }
}
