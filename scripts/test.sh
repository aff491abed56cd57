#!/usr/bin/env bash
# The project's test command: formatting, lints, and every test: Rust unit tests,
# integration tests against a real Temporal dev server, the UI's unit tests, the browser
# end-to-end run in Chromium, the one-command run and the deployment files.
# Installs what the tests need first: the Temporal CLI into .tools/, Chromium (apt, as
# root) and the UI's Node packages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Temporal CLI"
scripts/install-temporal.sh

step "Chromium and UI packages"
scripts/install-browser.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "Unused dependencies (cargo machete)"
if ! cargo machete --version >/dev/null 2>&1; then
  cargo install --locked --quiet cargo-machete --version "${CARGO_MACHETE_VERSION:-0.9.2}"
fi
cargo machete

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "UI: type check, unit tests, build"
(cd frontend && npm test && npm run build)

step "cargo build (binaries the integration tests run)"
cargo build --workspace --bins --locked

# Doc tests first: the run-command test builds a fresh copy of the repository into this
# target dir, which replaces the workspace's own libraries with the copy's (same names,
# different source paths), and doc tests link against those libraries after the fact.
step "cargo test (doc tests)"
cargo test --workspace --locked --doc

step "cargo test"
TESTKIT_SKIP_BUILD=1 cargo test --workspace --locked --all-targets -- --test-threads "${TEST_THREADS:-4}"
