//! End-to-end tests of the product as its users run it; the tests live in `tests/`:
//!
//! - `browser.rs`: the chat UI in Debian's Chromium (driven by `playwright-core`) against
//!   the real api, worker, demo model and Temporal, through a whole trip.
//! - `run_command.rs`: `scripts/run.sh` from a fresh copy of the repository: it starts
//!   everything, a conversation works, Ctrl-C leaves nothing behind, data survives.
//! - `deployment.rs`: `docker-compose.yml` and the `Dockerfile` are wired as documented
//!   (there is no Docker engine here to start them).
