#!/usr/bin/env bash
# Deletes the one-command run's data (Temporal's database with every conversation, and the
# logs). Refuses while scripts/run.sh is running.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${AGENT_DATA_DIR:-$root/.data}"
if [[ -f "$data_dir/run.pid" ]] && kill -0 "$(cat "$data_dir/run.pid")" 2>/dev/null; then
  echo "scripts/run.sh is running; stop it first (Ctrl-C in its terminal)." >&2
  exit 1
fi
rm -rf "$data_dir"
echo "Removed $data_dir: conversations and logs are gone."
