#!/usr/bin/env bash
# Runs the whole product with one command: the Temporal dev server (with a persistent
# database and its Web UI), NATS with JetStream (replies stream live through it), the
# bundled demo model when no LLM key is configured, the worker, and the api serving the chat
# UI. Waits until each piece is healthy, prints the
# URLs, and on Ctrl-C stops every process it started (and nothing else).
#
# Settings come from the environment and .env (the environment wins). Ports can be moved
# with TEMPORAL_PORT, TEMPORAL_UI_PORT, API_PORT, DEMO_LLM_PORT, WORKER_METRICS_PORT and NATS_PORT (a NATS_URL of
# your own is used instead of starting one). BUILD_PROFILE picks the build: local (the
# default: unoptimized without debug information, the quickest first build), release
# (optimized, as the Dockerfile and the benchmark build it; a fresh build takes about three
# times as long) or dev (with debug information). AGENT_DATA_DIR moves the data.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# --- settings ------------------------------------------------------------------------

# A variable from the environment, else from .env, else the default. .env is read as
# plain KEY=VALUE lines, never executed.
setting() {
  local name="$1" default="${2-}"
  if [[ -n "${!name-}" ]]; then
    printf '%s' "${!name}"
    return
  fi
  if [[ -f .env ]]; then
    local line value
    line="$(grep -E "^[[:space:]]*${name}=" .env | tail -n 1 || true)"
    if [[ -n "$line" ]]; then
      value="${line#*=}"
      value="${value%%#*}"
      value="$(printf '%s' "$value" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/")"
      if [[ -n "$value" ]]; then
        printf '%s' "$value"
        return
      fi
    fi
  fi
  printf '%s' "$default"
}

data_dir="$(setting AGENT_DATA_DIR "$root/.data")"
temporal_port="$(setting TEMPORAL_PORT 7233)"
temporal_ui_port="$(setting TEMPORAL_UI_PORT 8233)"
api_port="$(setting API_PORT 8000)"
demo_llm_port="$(setting DEMO_LLM_PORT 8100)"
profile="$(setting BUILD_PROFILE local)"
llm_key="$(setting LLM_KEY)"
llm_model="$(setting LLM_MODEL openai/gpt-4o)"
llm_base_url="$(setting LLM_BASE_URL)"
mcp_config="$(setting MCP_CONFIG)"
nats_port="$(setting NATS_PORT 4222)"
nats_url="$(setting NATS_URL)"
worker_metrics_port="$(setting WORKER_METRICS_PORT 9464)"

logs="$data_dir/logs"
pid_file="$data_dir/run.pid"
chat_url="http://localhost:$api_port"
temporal_ui_url="http://localhost:$temporal_ui_port"

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }

# --- already running? ----------------------------------------------------------------

mkdir -p "$logs"
if [[ -f "$pid_file" ]]; then
  running="$(cat "$pid_file" 2>/dev/null || true)"
  if [[ -n "$running" ]] && kill -0 "$running" 2>/dev/null \
    && grep -q "run.sh" "/proc/$running/cmdline" 2>/dev/null; then
    say "The agent is already running (scripts/run.sh, pid $running)."
    say "  Chat UI:          $chat_url"
    say "  Temporal Web UI:  $temporal_ui_url"
    say "Stop it with Ctrl-C in its terminal (or: kill $running) before starting another."
    exit 0
  fi
  rm -f "$pid_file"
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("TEMPORAL_PORT:$temporal_port" "TEMPORAL_UI_PORT:$temporal_ui_port" "API_PORT:$api_port" "DEMO_LLM_PORT:$demo_llm_port" "WORKER_METRICS_PORT:$worker_metrics_port")
[[ -z "$nats_url" ]] && ports+=("NATS_PORT:$nats_port")
for entry in "${ports[@]}"; do
  name="${entry%%:*}" port="${entry#*:}"
  if port_busy "$port"; then
    say "Port $port ($name) is already in use by another program." >&2
    say "Stop that program, or pick another port, e.g. $name=$((port + 1)) scripts/run.sh" >&2
    exit 1
  fi
done
echo $$ > "$pid_file"

# --- children and cleanup -------------------------------------------------------------

children=()
names=()
stopping=0

cleanup() {
  local status=$?
  if (( stopping )); then return; fi
  stopping=1
  trap - INT TERM EXIT
  if (( ${#children[@]} )); then
    step "Stopping"
    local i pid
    for (( i=${#children[@]}-1; i>=0; i-- )); do
      pid="${children[$i]}"
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
      fi
    done
    for _ in $(seq 1 100); do
      local alive=0
      for pid in "${children[@]}"; do
        kill -0 "$pid" 2>/dev/null && alive=1
      done
      (( alive )) || break
      sleep 0.1
    done
    for (( i=0; i<${#children[@]}; i++ )); do
      pid="${children[$i]}"
      if kill -0 "$pid" 2>/dev/null; then
        say "  ${names[$i]} did not stop in 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
    wait 2>/dev/null || true
    say "Stopped. Conversations are kept in $data_dir (scripts/reset-data.sh clears them)."
  fi
  rm -f "$pid_file"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME LOGFILE COMMAND...: runs a child in the background, output to its log.
start() {
  local name="$1" log="$2"
  shift 2
  "$@" >"$log" 2>&1 &
  children+=("$!")
  names+=("$name")
}

# wait_for NAME SECONDS CHECK...: polls CHECK until it succeeds, showing progress.
wait_for() {
  local name="$1" seconds="$2" log="$3"
  shift 3
  printf '    waiting for %s ' "$name"
  local deadline=$((SECONDS + seconds)) i
  until "$@" >/dev/null 2>&1; do
    for (( i=0; i<${#children[@]}; i++ )); do
      if ! kill -0 "${children[$i]}" 2>/dev/null; then
        printf '\n'
        say "${names[$i]} exited. Last lines of its log (${logs}):" >&2
        tail -n 20 "$logs/${names[$i]}.log" >&2 || true
        exit 1
      fi
    done
    if (( SECONDS >= deadline )); then
      printf '\n'
      say "$name is not ready after ${seconds}s. Last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    printf '.'
    sleep 1
  done
  printf ' ready\n'
}

http_ok() { curl -fsS --max-time 2 "$1"; }

# --- install and build ---------------------------------------------------------------

step "Temporal CLI"
temporal="$(scripts/install-temporal.sh)"
say "    $temporal"

if [[ -z "$nats_url" ]]; then
  step "NATS server"
  nats_server="$(scripts/install-nats.sh)"
  say "    $nats_server"
fi

step "Building the binaries ($profile profile)"
case "$profile" in
  local|release|dev) ;;
  *)
    say "BUILD_PROFILE must be local (the default), release or dev, not \"$profile\"." >&2
    exit 1
    ;;
esac
cargo build --profile "$profile" --locked -p worker -p api -p demo-llm -p mcp-tools
# Cargo names the dev profile's folder `debug`.
bin="${CARGO_TARGET_DIR:-$root/target}/${profile/#dev/debug}"

step "Building the chat UI"
if ! command -v npm >/dev/null 2>&1; then
  say "    npm not found: the api will run without the chat UI (install Node.js 20+ for it)."
elif [[ -f frontend/dist/index.html ]] && [[ -z "$(find frontend/src frontend/index.html frontend/package.json -newer frontend/dist/index.html -print -quit)" ]]; then
  say "    up to date (frontend/dist)"
else
  scripts/install-ui-packages.sh && (cd frontend && npm run build --silent)
fi

# --- start ---------------------------------------------------------------------------

step "Starting"
# The dev server's one history shard hands new workflow tasks to workers only 20 times a
# second by default, which adds about 40 ms to every step of a turn; raise that cap
# (BENCHMARKS.md; the same setting as crates/testkit's LOW_LATENCY_CONFIG).
start temporal "$logs/temporal.log" "$temporal" server start-dev \
  --ip 127.0.0.1 --port "$temporal_port" --ui-port "$temporal_ui_port" \
  --db-filename "$data_dir/temporal.db" --log-level warn \
  --search-attribute AgentOwner=Keyword \
  --dynamic-config-value history.transferProcessorMaxPollRPS=1000
wait_for "Temporal" 90 "$logs/temporal.log" \
  "$temporal" operator cluster health --address "127.0.0.1:$temporal_port"

# Live replies: the worker publishes the text as the model writes it, the api relays it.
if [[ -z "$nats_url" ]]; then
  start nats "$logs/nats.log" "$nats_server" --jetstream --addr 127.0.0.1 --port "$nats_port" \
    --store_dir "$data_dir/nats"
  wait_for "NATS" 30 "$logs/nats.log" grep -q "Server is ready" "$logs/nats.log"
  nats_url="nats://127.0.0.1:$nats_port"
fi
export NATS_URL="$nats_url"

export TEMPORAL_ADDRESS="127.0.0.1:$temporal_port"
export TEMPORAL_UI_URL="$temporal_ui_url"
export API_PORT="$api_port"
export FRONTEND_DIST="$root/frontend/dist"

case "$llm_model" in
  demo/*|ollama/*) keyless_model=1 ;;
  *) keyless_model=0 ;;
esac
# A model behind its own LLM_BASE_URL (a proxy, vLLM) may need no key.
[[ -n "$llm_base_url" ]] && keyless_model=1
if [[ "$llm_model" == demo/* ]] || { [[ -z "$llm_key" ]] && (( ! keyless_model )); }; then
  if [[ "$llm_model" != demo/* ]]; then
    say "    No LLM_KEY is set, so the bundled demo model answers (it knows the trip goal)."
    say "    To use a real model, set LLM_MODEL (e.g. openai/gpt-4o) and LLM_KEY in .env; see README."
  fi
  export LLM_MODEL="demo/trip-agent"
  export LLM_BASE_URL="http://127.0.0.1:$demo_llm_port/v1"
  # It streams its replies at a readable pace, like a hosted model.
  start demo-llm "$logs/demo-llm.log" "$bin/demo-llm" --port "$demo_llm_port" --token-ms 30
  wait_for "the demo model" 30 "$logs/demo-llm.log" http_ok "http://127.0.0.1:$demo_llm_port/health"
else
  say "    Model: $llm_model"
fi

# The bundled MCP server (travel tools for the travel desk goal), unless MCP_CONFIG names
# servers of your own: started by the worker over stdio, its notes kept with the data.
if [[ -z "$mcp_config" ]]; then
  mcp_config="$data_dir/mcp.json"
  cat >"$mcp_config" <<JSON
{"mcpServers": {"travel": {"command": "$bin/mcp-tools", "args": [],
  "env": {"MCP_TOOLS_NOTES_FILE": "$data_dir/trip-notes.jsonl"}}}}
JSON
fi
export MCP_CONFIG="$mcp_config"
# Prometheus text: the worker's (Temporal SDK and agent metrics) here, the api's at /metrics.
export WORKER_METRICS_ADDR="127.0.0.1:$worker_metrics_port"

start worker "$logs/worker.log" "$bin/worker"
wait_for "the worker" 60 "$logs/worker.log" grep -q "worker polling" "$logs/worker.log"

start api "$logs/api.log" "$bin/api"
wait_for "the api" 60 "$logs/api.log" http_ok "http://127.0.0.1:$api_port/health"

printf '\nReady.\n'
say "  Chat UI:          $chat_url"
say "  Temporal Web UI:  $temporal_ui_url"
say "  Metrics:          http://localhost:$worker_metrics_port/metrics (worker), $chat_url/metrics (api)"
say "  Logs:             $logs"
say "Press Ctrl-C to stop everything."

# Runs until Ctrl-C, or until a child exits on its own.
set +e
wait -n "${children[@]}"
status=$?
set -e
for (( i=0; i<${#children[@]}; i++ )); do
  if ! kill -0 "${children[$i]}" 2>/dev/null; then
    say "${names[$i]} stopped unexpectedly (exit $status). Last lines of its log:" >&2
    tail -n 20 "$logs/${names[$i]}.log" >&2 || true
  fi
done
exit 1
