#!/usr/bin/env bash
# The project's test command: formatting, lints, and every test (unit, integration
# against a real Temporal dev server, and more as the product grows).
# Installs what the tests need first (the Temporal CLI into .tools/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Temporal CLI"
scripts/install-temporal.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo build (binaries the integration tests run)"
cargo build --workspace --bins --locked

step "cargo test"
TESTKIT_SKIP_BUILD=1 cargo test --workspace --locked -- --test-threads "${TEST_THREADS:-4}"
