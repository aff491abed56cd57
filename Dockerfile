# Multi-stage build for a real deployment (docker-compose.yml): one image per binary.
# The Rust stage builds the same binaries, with the same command, as scripts/run.sh.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p worker -p api -p demo-llm -p mcp-tools

FROM node:20-bookworm AS ui
WORKDIR /ui
COPY frontend/package.json frontend/package-lock.json frontend/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM debian:bookworm-slim AS runtime
# /data belongs to the service user, so a volume mounted there (the email outbox and its
# delivery receipts, the trip notes of the bundled MCP server) starts out writable.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app agent \
 && mkdir -p /data/outbox \
 && chown -R agent /data
WORKDIR /app
USER agent

FROM runtime AS worker
COPY --from=build /src/target/release/worker /usr/local/bin/worker
COPY --from=build /src/target/release/mcp-tools /usr/local/bin/mcp-tools
COPY goals /app/goals
COPY deploy/mcp.json /app/mcp.json
ENV GOALS_DIR=/app/goals MCP_CONFIG=/app/mcp.json
CMD ["worker"]

FROM runtime AS api
COPY --from=build /src/target/release/api /usr/local/bin/api
COPY --from=ui /ui/dist /app/frontend/dist
COPY goals /app/goals
ENV API_HOST=0.0.0.0 API_PORT=8000 FRONTEND_DIST=/app/frontend/dist GOALS_DIR=/app/goals
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8000/health || exit 1
CMD ["api"]

FROM runtime AS demo-llm
COPY --from=build /src/target/release/demo-llm /usr/local/bin/demo-llm
EXPOSE 8100
CMD ["demo-llm", "--host", "0.0.0.0", "--port", "8100"]
