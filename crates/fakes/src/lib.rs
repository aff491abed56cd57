//! Stand-ins for the third-party services the agents talk to, for tests.
//!
//! Each fake is a real HTTP server on a free loopback port (axum on `127.0.0.1:0`), so the
//! code under test uses its real HTTP client and real configuration — only the base URL
//! changes. A fake records what it received, counts what it created, can be told to fail the
//! next requests, and stops when its handle is dropped or shut down.
//!
//! - [`FakeStripe`]: customers, invoice items, invoices and finalization, with idempotency keys.
//! - [`FakeSkyScrapper`]: the two Sky-Scrapper endpoints of RapidAPI used for flight search.
//! - [`FakeSmtp`]: an SMTP sink (plain TCP, not HTTP) that keeps every email the email
//!   assistant sends, with its envelope and the time it arrived.

mod server;
mod sky_scrapper;
mod smtp;
mod stripe;

pub use sky_scrapper::{FakeSkyScrapper, RapidApiRequest, SKY_SCRAPPER_HOST, SkyScrapperCounters};
pub use smtp::{FakeSmtp, SmtpMessage};
pub use stripe::{FakeStripe, StripeCounters, StripeRequest};
