//! `CreateInvoice(amount, tripDetails, userConfirmation)`: bill the traveller for the flight.
//!
//! With `STRIPE_API_KEY` set, a real Stripe invoice is created through [`stripe`]: find
//! the customer by e-mail (or create it, or use `customer_id`), add an invoice item, create a
//! send-invoice invoice that takes the pending item, finalize it. Every write carries its own
//! Stripe `Idempotency-Key` derived from the [`ToolCall`], so when Temporal retries the
//! activity after a crash or timeout Stripe replays the earlier answers instead of billing
//! twice. Without a key the tool returns a generated invoice whose reference derives from the
//! same call, so a retry gives the same reference.
//!
//! Optional arguments the planner may add: `email`, `days_until_due` (default 7, 1–365) and
//! `customer_id`. They are not in the tool definition on purpose: listed arguments are ones
//! the planner must fill before it may propose the tool.

mod stripe;

use std::time::Duration;

use models::{ToolArgument, ToolDefinition};
use serde_json::{Value, json};
use settings::SecretString;

use crate::ToolError;
use crate::args::Args;
use crate::registry::{ToolCall, ToolContext, ToolEntry, ToolFuture};
use crate::stable_hash::StableHasher;

pub use stripe::CustomerId;
use stripe::{NewInvoice, NewInvoiceItem, StripeApi};

pub(crate) const NAME: &str = "CreateInvoice";

pub(crate) const TOOL: ToolEntry = ToolEntry {
    name: NAME,
    definition,
    run,
};

const INVALID_AMOUNT: &str = "Invalid amount provided. Please confirm the amount.";

/// Used when the planner gives no e-mail: invoices still work, on one shared demo customer.
pub const DEFAULT_CUSTOMER_EMAIL: &str = "traveller@example.com";

const DEFAULT_DAYS_UNTIL_DUE: u32 = 7;

/// Stripe's longest accepted description is 500 characters.
const MAX_DESCRIPTION_CHARS: usize = 500;

/// Stripe's longest accepted metadata value.
const MAX_METADATA_CHARS: usize = 500;

/// All Stripe calls of one invoice must finish within this, inside the activity's 30 s.
const STRIPE_DEADLINE: Duration = Duration::from_secs(25);

const SERVICE: &str = "Stripe";

fn definition() -> ToolDefinition {
    let argument = ToolArgument::new;
    ToolDefinition::builtin(
        NAME,
        "Create an invoice in USD for the chosen flight and return a link where the \
         traveller can pay it.",
        vec![
            argument(
                "amount",
                "number",
                "Total to bill in US dollars: the price of the chosen flight, e.g. 412.37.",
            ),
            argument(
                "tripDetails",
                "string",
                "One line describing the trip for the invoice: airline, flight codes, route \
                 and dates, and the event it is for.",
            ),
            argument(
                "userConfirmation",
                "bool",
                "The user's go-ahead to create the invoice, given after seeing the amount and \
                 trip details.",
            ),
        ],
    )
}

fn run<'a>(context: &'a ToolContext, args: Args, call: &'a ToolCall) -> ToolFuture<'a> {
    Box::pin(async move {
        let request = match InvoiceRequest::from_args(&args) {
            Ok(request) => request,
            Err(problem) => return Ok(problem),
        };
        match &context.invoices {
            Some(stripe) => stripe.create(&request, call).await,
            None => Ok(generated_invoice(&request, call)),
        }
    })
}

/// A positive amount of US cents that Stripe accepts; only [`InvoiceAmount::parse`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceAmount {
    cents: i64,
}

impl InvoiceAmount {
    /// Stripe's largest amount for a USD charge: $999,999.99.
    pub const MAX_CENTS: i64 = 99_999_999;

    /// Reads an amount as the planner sends it: `150`, `150.5`, `"150.00"`, `"$1,234.50"`,
    /// `"150.00 USD"`, `"150,50"`. Fractions of a cent are rounded half up. Anything else,
    /// zero, negative or too large is `None`.
    pub fn parse(value: &Value) -> Option<Self> {
        let cents = match value {
            Value::Number(number) => {
                let dollars = number.as_f64()?;
                if !dollars.is_finite() || dollars > (Self::MAX_CENTS / 100 + 1) as f64 {
                    return None;
                }
                (dollars * 100.0).round() as i64
            }
            Value::String(text) => parse_dollars_text(text)?,
            _ => return None,
        };
        (1..=Self::MAX_CENTS)
            .contains(&cents)
            .then_some(Self { cents })
    }

    pub fn cents(self) -> i64 {
        self.cents
    }

    /// The amount in dollars, for JSON answers (exact to the cent once printed).
    pub fn dollars(self) -> f64 {
        self.cents as f64 / 100.0
    }
}

/// Exact decimal parsing of a dollar amount written by a person.
fn parse_dollars_text(text: &str) -> Option<i64> {
    let mut cleaned = text.trim().to_lowercase();
    for noise in ["us$", "usd", "dollars", "dollar", "$"] {
        cleaned = cleaned.replace(noise, "");
    }
    let mut cleaned: String = cleaned.chars().filter(|c| !c.is_whitespace()).collect();
    // "150,50" uses a decimal comma; otherwise commas group thousands ("1,234.50").
    let decimal_comma = !cleaned.contains('.')
        && cleaned
            .rsplit_once(',')
            .is_some_and(|(_, tail)| (1..=2).contains(&tail.len()));
    if decimal_comma {
        cleaned = cleaned.replacen(',', ".", 1);
        if cleaned.contains(',') {
            return None;
        }
    } else {
        cleaned = cleaned.replace(',', "");
    }

    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    if whole.len() > 12 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut fraction_digits = fraction.bytes().map(|b| i64::from(b - b'0'));
    let tenths = fraction_digits.next().unwrap_or(0);
    let hundredths = fraction_digits.next().unwrap_or(0);
    let round_up = i64::from(fraction_digits.next().unwrap_or(0) >= 5);
    Some(whole * 100 + tenths * 10 + hundredths + round_up)
}

/// A validated `CreateInvoice` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRequest {
    pub amount: InvoiceAmount,
    /// The invoice item's description.
    pub trip_details: String,
    pub email: String,
    pub customer_id: Option<CustomerId>,
    pub days_until_due: u32,
}

impl InvoiceRequest {
    /// The request, or the `{"error"}` answer for the planner.
    fn from_args(args: &Args) -> Result<Self, Value> {
        let amount = args
            .value("amount")
            .and_then(InvoiceAmount::parse)
            .ok_or_else(|| json!({"error": INVALID_AMOUNT}))?;
        let trip_details: String = args
            .text("tripDetails")
            .unwrap_or_else(|| "Flight booking".to_string())
            .chars()
            .take(MAX_DESCRIPTION_CHARS)
            .collect();
        let email = match args.text("email") {
            Some(email) if looks_like_email(&email) => email,
            Some(email) => {
                return Err(json!({
                    "error": format!("\"{email}\" does not look like an e-mail address. Please confirm it.")
                }));
            }
            None => DEFAULT_CUSTOMER_EMAIL.to_string(),
        };
        let customer_id = match args.text("customer_id") {
            Some(id) => Some(CustomerId::parse(&id).ok_or_else(|| {
                json!({"error": format!("\"{id}\" is not a Stripe customer id (they start with cus_).")})
            })?),
            None => None,
        };
        let days_until_due = args
            .integer("days_until_due")
            .and_then(|days| u32::try_from(days).ok())
            .filter(|days| (1..=365).contains(days))
            .unwrap_or(DEFAULT_DAYS_UNTIL_DUE);
        Ok(Self {
            amount,
            trip_details,
            email,
            customer_id,
            days_until_due,
        })
    }
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// An invoice made up from the request, for running without Stripe. The reference depends
/// only on the call, so a retried call gets the same one.
pub fn generated_invoice(request: &InvoiceRequest, call: &ToolCall) -> Value {
    let hash = StableHasher::new()
        .field(&call.idempotency_base())
        .finish64();
    let reference = format!("INV-{:08X}", hash >> 32);
    json!({
        "invoiceStatus": "generated",
        "invoiceURL": format!("https://pay.example.com/invoices/{reference}"),
        "reference": reference,
        "amount": request.amount.dollars(),
        "currency": "USD",
        "tripDetails": request.trip_details,
        "daysUntilDue": request.days_until_due,
    })
}

/// Creates invoices through the Stripe API.
pub struct StripeInvoices {
    api: StripeApi,
}

impl StripeInvoices {
    /// `base_url` overrides Stripe's address (tests point it at a fake).
    pub fn new(key: &SecretString, base_url: Option<&str>) -> Result<Self, ToolError> {
        Ok(Self {
            api: StripeApi::new(key.clone(), base_url)?,
        })
    }

    /// Runs the customer, invoice, item and finalize steps for one tool call.
    pub async fn create(
        &self,
        request: &InvoiceRequest,
        call: &ToolCall,
    ) -> Result<Value, ToolError> {
        tokio::time::timeout(STRIPE_DEADLINE, self.create_steps(request, call))
            .await
            .unwrap_or(Err(ToolError::Timeout {
                service: SERVICE,
                after: STRIPE_DEADLINE,
            }))
    }

    async fn create_steps(
        &self,
        request: &InvoiceRequest,
        call: &ToolCall,
    ) -> Result<Value, ToolError> {
        let base = call.idempotency_base();
        // One key per step: Stripe rejects a key reused with different parameters.
        let key = |step: &str| format!("{base}-{step}");

        let customer = match &request.customer_id {
            Some(id) => id.clone(),
            None => match self.api.find_customer(&request.email).await? {
                Some(found) => found,
                None => {
                    self.api
                        .create_customer(&request.email, &key("customer"))
                        .await?
                }
            },
        };

        // The draft invoice comes first and the item is attached to it by id. Sweeping in
        // the customer's pending items instead could pick up another conversation's item
        // (conversations without an email share the default customer).
        let workflow_id: String = call.workflow_id.chars().take(MAX_METADATA_CHARS).collect();
        let draft = self
            .api
            .create_invoice(
                &NewInvoice {
                    customer: &customer,
                    days_until_due: request.days_until_due,
                    workflow_id: &workflow_id,
                },
                &key("invoice"),
            )
            .await?;
        self.api
            .create_invoice_item(
                &NewInvoiceItem {
                    customer: &customer,
                    invoice: &draft.id,
                    amount_cents: request.amount.cents(),
                    description: &request.trip_details,
                },
                &key("item"),
            )
            .await?;
        let invoice = self
            .api
            .finalize_invoice(&draft.id, &key("finalize"))
            .await?;
        tracing::info!(invoice_id = %invoice.id, "Stripe invoice finalized");
        Ok(json!({
            "invoiceStatus": invoice.status,
            "invoiceURL": invoice.hosted_invoice_url,
            "reference": invoice.number,
            "amount": request.amount.dollars(),
            "currency": "USD",
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(value: Value) -> Option<i64> {
        InvoiceAmount::parse(&value).map(InvoiceAmount::cents)
    }

    #[test]
    fn amounts_parse_from_numbers_and_human_text() {
        for (value, expected) in [
            (json!(150), 15_000),
            (json!(150.0), 15_000),
            (json!(150.1), 15_010),
            (json!(0.01), 1),
            (json!("150"), 15_000),
            (json!("150.00"), 15_000),
            (json!("$1,234.50"), 123_450),
            (json!("150.00 USD"), 15_000),
            (json!("USD 99.9"), 9_990),
            (json!(" $ 42 "), 4_200),
            (json!("150,50"), 15_050),
            (json!("1,234"), 123_400),
            (json!("19.999"), 2_000),
            (json!("19.994"), 1_999),
            (json!(".5"), 50),
            (json!("999999.99"), 99_999_999),
        ] {
            assert_eq!(cents(value.clone()), Some(expected), "{value}");
        }
    }

    #[test]
    fn unreadable_zero_negative_and_huge_amounts_are_refused() {
        for value in [
            json!("abc"),
            json!(""),
            json!("0"),
            json!(0),
            json!("0.001"),
            json!(-5),
            json!("-5"),
            json!("150 EUR"),
            json!("1.2.3"),
            json!("1,2,3"),
            json!(1_000_000),
            json!("1000000"),
            json!("99999999999999999999"),
            json!(null),
            json!(true),
            json!([150]),
        ] {
            assert_eq!(cents(value.clone()), None, "{value}");
        }
    }

    #[test]
    fn bad_amount_gives_the_planner_the_confirm_message() {
        for args in [json!({"amount": "lots"}), json!({}), json!({"amount": -1})] {
            let error = InvoiceRequest::from_args(&Args::new(args)).unwrap_err();
            assert_eq!(error, json!({"error": INVALID_AMOUNT}));
        }
    }

    #[test]
    fn optional_arguments_have_defaults_and_are_checked() {
        let request = InvoiceRequest::from_args(&Args::new(json!({
            "amount": "150.00", "tripDetails": "ORD-DFW", "userConfirmation": true
        })))
        .unwrap();
        assert_eq!(request.email, DEFAULT_CUSTOMER_EMAIL);
        assert_eq!(request.days_until_due, 7);
        assert_eq!(request.customer_id, None);

        let request = InvoiceRequest::from_args(&Args::new(json!({
            "amount": 10, "email": "ana@example.org", "days_until_due": "14",
            "customer_id": "cus_123"
        })))
        .unwrap();
        assert_eq!(request.email, "ana@example.org");
        assert_eq!(request.days_until_due, 14);
        assert_eq!(request.customer_id.unwrap().as_str(), "cus_123");
        assert_eq!(request.trip_details, "Flight booking");

        let out_of_range =
            InvoiceRequest::from_args(&Args::new(json!({"amount": 10, "days_until_due": 0})));
        assert_eq!(out_of_range.unwrap().days_until_due, 7);

        for bad in [
            json!({"amount": 10, "email": "not-an-email"}),
            json!({"amount": 10, "customer_id": "123"}),
        ] {
            let error = InvoiceRequest::from_args(&Args::new(bad.clone())).unwrap_err();
            assert!(error["error"].is_string(), "{bad}");
        }
    }

    #[test]
    fn generated_invoice_reference_derives_from_the_call() {
        let request = InvoiceRequest::from_args(&Args::new(json!({
            "amount": "150.00", "tripDetails": "AA1234 ORD-DFW"
        })))
        .unwrap();
        let call = ToolCall::new("wf", "run", "call-1");
        let first = generated_invoice(&request, &call);
        assert_eq!(first, generated_invoice(&request, &call.clone()));
        assert_eq!(first["invoiceStatus"], "generated");
        assert_eq!(first["amount"], 150.0);
        let reference = first["reference"].as_str().unwrap();
        assert!(
            reference.starts_with("INV-") && reference.len() == 12,
            "{reference}"
        );
        assert_eq!(
            first["invoiceURL"],
            format!("https://pay.example.com/invoices/{reference}")
        );
        let other = generated_invoice(&request, &ToolCall::new("wf", "run", "call-2"));
        assert_ne!(other["reference"], first["reference"]);
    }
}
