#!/usr/bin/env bash
# Installs the UI's Node packages exactly as package-lock.json lists them (`npm ci`), so the
# lockfile is never rewritten. Skips the install when node_modules already holds this
# lockfile's packages (a stamp of the lockfile is kept in node_modules). Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frontend="$root/frontend"
stamp="$frontend/node_modules/.installed-lockfile"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-ui-packages: npm is missing; install Node.js 20 or newer" >&2
  exit 1
fi
if [[ -f "$stamp" ]] && cmp -s "$stamp" "$frontend/package-lock.json"; then
  exit 0
fi
(cd "$frontend" && npm ci --no-audit --no-fund --loglevel=error >&2)
cp "$frontend/package-lock.json" "$stamp"
