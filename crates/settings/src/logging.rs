//! Logs to standard output with `tracing`. `RUST_LOG` (from the environment or `.env`) picks what is
//! shown; the default is `info`. Colour only for a person at a terminal.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt};

use crate::Env;

pub fn init_logging(env: &Env) {
    let filter = env
        .get("RUST_LOG")
        .and_then(|directives| EnvFilter::try_new(directives).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}
