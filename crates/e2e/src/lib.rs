//! End-to-end tests of the product as its users run it; the tests live in `tests/`:
//!
//! - `browser.rs`: the chat UI in Debian's Chromium (driven by `playwright-core`) against
//!   the real api, worker, demo model and Temporal: a whole trip, with the conversation's
//!   tokens in the header; a reply growing as the model streams it over NATS, and continuing
//!   after a reload mid-reply; choosing an agent at a new chat and running the Travel Desk's
//!   MCP tools; a model call that fails and is retried, each attempt shown in the chat.
//! - `email_browser.rs`: the Email page in the same browser against the same stack with the
//!   keyless outbox: a draft survives a reload, an email is scheduled and canceled, another
//!   is sent.
//! - `run_command.rs`: `scripts/run.sh` from a fresh copy of the repository: it starts
//!   everything (NATS included, so replies stream), a conversation works, Ctrl-C leaves
//!   nothing behind, data survives.
//! - `deployment.rs`: `docker-compose.yml` and the `Dockerfile` are wired as documented
//!   (there is no Docker engine here to start them).
//!
//! What the browser tests share lives here: checking that the built UI, the Node packages and
//! Chromium are in place, and running one of `frontend/e2e/*.e2e.mjs`.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// Panics with `hint` when `path` does not exist.
pub fn require(path: &Path, hint: &str) {
    assert!(path.exists(), "{} not found: {hint}", path.display());
}

/// Checks that `frontend` is built and has its packages, and that Chromium is installed;
/// returns the Chromium binary (`CHROMIUM_PATH`, default Debian's `/usr/bin/chromium`).
pub fn browser_prerequisites(frontend: &Path) -> PathBuf {
    require(
        &frontend.join("dist/index.html"),
        "the UI is not built: scripts/install-ui-packages.sh && (cd frontend && npm run build)",
    );
    require(
        &frontend.join("node_modules/playwright-core"),
        "frontend packages are missing: scripts/install-ui-packages.sh",
    );
    let chromium = PathBuf::from(
        std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    require(
        &chromium,
        "Chromium is missing: scripts/install-browser.sh installs Debian's chromium",
    );
    chromium
}

/// How a browser script ended: its exit status and everything it printed.
pub struct BrowserRun {
    pub success: bool,
    pub log: String,
}

/// Runs `frontend/<script>` with Node against the api at `base_url`, saving screenshots
/// into `screenshots`, with the script's own settings `env` on top. Blocks until the script
/// ends (call it from `spawn_blocking`).
pub fn run_browser_script(
    frontend: &Path,
    script: &str,
    base_url: &str,
    screenshots: &Path,
    chromium: &Path,
    env: &[(String, String)],
) -> BrowserRun {
    let output = Command::new("node")
        .arg(script)
        .current_dir(frontend)
        .env("BASE_URL", base_url)
        .env("SCREENSHOT_DIR", screenshots)
        .env("CHROMIUM_PATH", chromium)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .output()
        .expect("node runs");
    BrowserRun {
        success: output.status.success(),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}
