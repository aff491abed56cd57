# Shortcuts for the scripts and cargo commands the README describes.

.PHONY: run test temporal demo-llm worker api ui-dev reset-data

# Everything at once: Temporal, demo model (without LLM_KEY), worker, api + UI.
run:
	scripts/run.sh

# The test command (what CI runs).
test:
	scripts/test.sh

# Only the Temporal dev server, with the same database, Web UI and settings as `make run`.
temporal:
	mkdir -p .data && $$(scripts/install-temporal.sh) server start-dev --db-filename .data/temporal.db --ui-port 8233 \
		--search-attribute AgentOwner=Keyword \
		--dynamic-config-value history.transferProcessorMaxPollRPS=1000

# Only the bundled demo model on 127.0.0.1:8100.
demo-llm:
	cargo run -p demo-llm

# Only the worker (reads .env).
worker:
	cargo run -p worker

# Only the api on 127.0.0.1:8000, serving frontend/dist if it is built (reads .env).
api:
	cargo run -p api

# The UI with hot reload on http://localhost:5173 (proxies to the api on 8000).
ui-dev:
	scripts/install-ui-packages.sh && cd frontend && npm run dev

# Delete the conversations and logs of `make run`.
reset-data:
	scripts/reset-data.sh

# The benchmark (BENCHMARKS.md): agent vs a bare-Temporal floor at C = 1, 8, 32, 128 and
# 1,000 idle conversations, on a stack of its own; results in bench-results/<timestamp>/.
# The release build comes first (the same build the bench would make), so the run itself is
# only the measurement. Extra options: make bench BENCH_ARGS="--concurrency 1,8 --idle 0".
.PHONY: bench
bench:
	cargo build --release --locked -p worker -p api -p bench --bins
	"$${CARGO_TARGET_DIR:-target}/release/bench" --no-build $(BENCH_ARGS)
