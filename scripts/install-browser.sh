#!/usr/bin/env bash
# Makes sure the browser end-to-end test can run: Debian's Chromium (as root, with apt) and
# the UI's Node packages. Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: installing Debian's chromium" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "install-browser: $chromium is missing; install Debian's chromium package (sudo apt-get install chromium)" >&2
    exit 1
  fi
fi
"$chromium" --version >&2

"$root/scripts/install-ui-packages.sh"
