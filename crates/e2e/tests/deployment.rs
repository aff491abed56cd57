//! The deployment files, checked without a Docker engine: every service, port, variable
//! and dependency of `docker-compose.yml` is wired as the binaries expect, and the
//! `Dockerfile` builds exactly the binaries the one-command run builds; the local dev
//! servers start with the settings the tests and the bench run against.

use std::{collections::BTreeSet, time::Duration};

use serde_norway::Value;
use testkit::{LOW_LATENCY_CONFIG, workspace_root};

/// The deployment settings (docs/ARCHITECTURE.md, Configuration), which `.env.example` must document.
const SETTINGS: &[&str] = &[
    "LLM_MODEL",
    "LLM_KEY",
    "LLM_BASE_URL",
    "SHOW_CONFIRM",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "TEMPORAL_TLS_CERT",
    "TEMPORAL_TLS_KEY",
    "TEMPORAL_API_KEY",
    "RAPIDAPI_KEY",
    "RAPIDAPI_HOST_FLIGHTS",
    "STRIPE_API_KEY",
    "API_HOST",
    "API_PORT",
    "CORS_ORIGINS",
    "TEMPORAL_UI_URL",
    "NATS_URL",
    "SPECULATIVE_PLANNING",
    "WORKER_METRICS_ADDR",
    "LLM_PRICES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "API_AUTH_NONE_I_UNDERSTAND",
    "OIDC_SCOPE",
    "RATE_LIMIT_REQUESTS_PER_SECOND",
    "RATE_LIMIT_BURST",
    "RATE_LIMIT_STARTS_PER_HOUR",
    "RATE_LIMIT_RUNNING",
];

/// What the worker needs from a deployment.
const WORKER_SETTINGS: &[&str] = &[
    "LLM_MODEL",
    "LLM_KEY",
    "LLM_BASE_URL",
    "SHOW_CONFIRM",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "TEMPORAL_TLS_CERT",
    "TEMPORAL_TLS_KEY",
    "TEMPORAL_API_KEY",
    "RAPIDAPI_KEY",
    "RAPIDAPI_HOST_FLIGHTS",
    "STRIPE_API_KEY",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_TLS",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_FROM",
    "EMAIL_OUTBOX_DIR",
    "AGENT_GOAL",
    "GOAL_CATEGORIES",
    "NATS_URL",
    "SPECULATIVE_PLANNING",
    "WORKER_METRICS_ADDR",
    "LLM_PRICES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// Who may call the api: in `.env.example` and passed to the api by compose.
const AUTH_SETTINGS: &[&str] = &[
    "API_AUTH",
    "API_TOKENS_FILE",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWKS_URL",
    "OIDC_AUTHORIZATION_URL",
    "OIDC_TOKEN_URL",
    "OIDC_CLIENT_ID",
    "STREAM_TICKET_SECRET",
];

/// What the api needs from a deployment.
const API_SETTINGS: &[&str] = &[
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "TEMPORAL_TLS_CERT",
    "TEMPORAL_TLS_KEY",
    "TEMPORAL_API_KEY",
    "LLM_MODEL",
    "API_HOST",
    "API_PORT",
    "CORS_ORIGINS",
    "TEMPORAL_UI_URL",
    "AGENT_GOAL",
    "GOAL_CATEGORIES",
    "NATS_URL",
    "LLM_PRICES",
];

fn compose() -> Value {
    let text = std::fs::read_to_string(workspace_root().join("docker-compose.yml")).unwrap();
    serde_norway::from_str(&text).expect("docker-compose.yml is valid YAML")
}

fn service<'a>(compose: &'a Value, name: &str) -> &'a Value {
    compose["services"]
        .get(name)
        .unwrap_or_else(|| panic!("no service {name}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn env<'a>(service: &'a Value, name: &str) -> &'a str {
    service["environment"][name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not set"))
}

fn depends_on(service: &Value) -> BTreeSet<String> {
    match &service["depends_on"] {
        Value::Sequence(names) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        Value::Mapping(map) => map
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect(),
        _ => BTreeSet::new(),
    }
}

#[test]
fn compose_runs_temporal_on_postgres_with_its_web_ui() {
    let compose = compose();
    let names: BTreeSet<&str> = compose["services"]
        .as_mapping()
        .unwrap()
        .keys()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "postgresql",
            "temporal",
            "temporal-ui",
            "nats",
            "demo-llm",
            "worker",
            "api",
            "prometheus",
            "grafana",
            "jaeger"
        ])
    );

    let postgres = service(&compose, "postgresql");
    assert!(postgres["image"].as_str().unwrap().starts_with("postgres:"));
    assert!(postgres["healthcheck"]["test"].as_sequence().is_some());

    let temporal = service(&compose, "temporal");
    assert_eq!(depends_on(temporal), BTreeSet::from(["postgresql".into()]));
    assert_eq!(
        temporal["depends_on"]["postgresql"]["condition"],
        "service_healthy"
    );
    assert_eq!(env(temporal, "DB"), "postgres12");
    assert_eq!(env(temporal, "POSTGRES_SEEDS"), "postgresql");
    assert_eq!(strings(&temporal["ports"]), ["7233:7233"]);

    let ui = service(&compose, "temporal-ui");
    assert_eq!(env(ui, "TEMPORAL_ADDRESS"), "temporal:7233");
    assert_eq!(strings(&ui["ports"]), ["8233:8080"]);
}

#[test]
fn compose_wires_worker_and_api_to_temporal_with_every_setting() {
    let compose = compose();
    let worker = service(&compose, "worker");
    assert_eq!(worker["build"]["target"], "worker");
    assert_eq!(
        depends_on(worker),
        BTreeSet::from(["temporal".into(), "nats".into()])
    );
    assert!(
        worker["deploy"]["replicas"].as_u64().unwrap() >= 2,
        "the worker scales out"
    );
    assert!(worker.get("ports").is_none(), "a worker serves no port");
    for name in WORKER_SETTINGS {
        env(worker, name);
    }
    assert_eq!(env(worker, "TEMPORAL_ADDRESS"), "temporal:7233");
    assert_eq!(env(worker, "DEMO_LLM_URL"), "http://demo-llm:8100/v1");
    assert!(
        env(worker, "LLM_KEY").starts_with("${LLM_KEY"),
        "the key comes from .env, never the file"
    );
    for secret in [
        "SMTP_PASSWORD",
        "STRIPE_API_KEY",
        "RAPIDAPI_KEY",
        "TEMPORAL_API_KEY",
    ] {
        assert!(
            env(worker, secret).starts_with(&format!("${{{secret}")),
            "{secret} comes from .env, never the file"
        );
    }
    // The outbox (and its delivery receipts) lives on a volume the replicas share.
    let outbox = env(worker, "EMAIL_OUTBOX_DIR");
    let volumes = strings(&worker["volumes"]);
    let data = volumes
        .iter()
        .find_map(|volume| volume.split_once(':'))
        .filter(|(_, mount)| outbox.starts_with(mount))
        .unwrap_or_else(|| panic!("no volume holds {outbox}: {volumes:?}"));
    assert!(compose["volumes"].get(data.0).is_some());

    let api = service(&compose, "api");
    assert_eq!(api["build"]["target"], "api");
    assert_eq!(
        depends_on(api),
        BTreeSet::from(["temporal".into(), "nats".into()])
    );
    assert_eq!(strings(&api["ports"]), ["8000:8000"]);
    for name in API_SETTINGS.iter().chain(AUTH_SETTINGS) {
        env(api, name);
    }
    assert_eq!(env(api, "TEMPORAL_ADDRESS"), "temporal:7233");
    assert_eq!(env(api, "API_HOST"), "0.0.0.0");
    // Listening openly, the api wants a sign-in; its tokens file is mounted from the repo.
    assert_eq!(env(api, "API_AUTH"), "${API_AUTH:-tokens}");
    assert_eq!(env(api, "API_TOKENS_FILE"), "/config/api-tokens");
    assert!(
        strings(&api["volumes"]).contains(&"./deploy/api-tokens:/config/api-tokens:ro".to_owned())
    );
    assert!(workspace_root().join("deploy/api-tokens").is_file());
    assert_eq!(env(api, "API_PORT"), "8000");
    assert_eq!(env(api, "TEMPORAL_UI_URL"), "http://localhost:8233");
    // Worker and api must agree on where conversations live.
    assert_eq!(
        env(worker, "TEMPORAL_TASK_QUEUE"),
        env(api, "TEMPORAL_TASK_QUEUE")
    );
    assert_eq!(
        env(worker, "TEMPORAL_NAMESPACE"),
        env(api, "TEMPORAL_NAMESPACE")
    );

    let demo = service(&compose, "demo-llm");
    assert_eq!(demo["build"]["target"], "demo-llm");
    assert_eq!(strings(&demo["ports"]), ["8100:8100"]);
    assert!(
        strings(&demo["command"]).contains(&"--token-ms".to_owned()),
        "the demo model streams at a readable pace"
    );
}

#[test]
fn compose_carries_live_replies_over_nats_with_jetstream() {
    let compose = compose();
    let nats = service(&compose, "nats");
    let command = strings(&nats["command"]);
    assert!(command.contains(&"--jetstream".to_owned()), "{command:?}");
    // JetStream's store outlives a restart of the container.
    let store = command
        .iter()
        .position(|arg| arg == "--store_dir")
        .map(|at| command[at + 1].clone())
        .expect("a store directory");
    let volumes = strings(&nats["volumes"]);
    let (volume, _) = volumes
        .iter()
        .find_map(|volume| volume.split_once(':').filter(|(_, mount)| *mount == store))
        .unwrap_or_else(|| panic!("no volume holds {store}: {volumes:?}"));
    assert!(compose["volumes"].get(volume).is_some());
    assert!(nats["healthcheck"].is_mapping());
    // Both sides of the reply stream meet on the same server.
    for side in ["worker", "api"] {
        assert_eq!(env(service(&compose, side), "NATS_URL"), "nats://nats:4222");
    }
}

#[test]
fn compose_scrapes_worker_and_api_into_prometheus_with_a_grafana_dashboard() {
    let root = workspace_root();
    let compose = compose();
    // Prometheus reads the scrape config the repo ships and scrapes every worker replica on
    // the port the worker serves its metrics on, and the api.
    let prometheus = service(&compose, "prometheus");
    let mounts = strings(&prometheus["volumes"]);
    assert!(
        mounts
            .iter()
            .any(|m| m.starts_with("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml")),
        "{mounts:?}"
    );
    let worker_port = env(service(&compose, "worker"), "WORKER_METRICS_ADDR")
        .rsplit_once(':')
        .unwrap()
        .1
        .to_owned();
    let scrape: Value = serde_norway::from_str(
        &std::fs::read_to_string(root.join("deploy/prometheus.yml")).unwrap(),
    )
    .expect("deploy/prometheus.yml is valid YAML");
    let job = |name: &str| {
        scrape["scrape_configs"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|job| job["job_name"] == name)
            .unwrap_or_else(|| panic!("no {name} job"))
            .clone()
    };
    let worker = job("worker");
    assert_eq!(worker["dns_sd_configs"][0]["names"][0], "worker");
    assert_eq!(
        worker["dns_sd_configs"][0]["port"]
            .as_u64()
            .unwrap()
            .to_string(),
        worker_port
    );
    assert_eq!(job("api")["static_configs"][0]["targets"][0], "api:8000");

    // Grafana gets the datasource and the dashboard from the repo's files.
    let grafana = service(&compose, "grafana");
    assert!(depends_on(grafana).contains("prometheus"));
    for mount in strings(&grafana["volumes"]) {
        let local = mount.split(':').next().unwrap();
        assert!(root.join(local).exists(), "{local} is mounted but missing");
    }
    let datasource: Value = serde_norway::from_str(
        &std::fs::read_to_string(
            root.join("deploy/grafana/provisioning/datasources/prometheus.yml"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        datasource["datasources"][0]["url"],
        "http://prometheus:9090"
    );
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("deploy/grafana/dashboards/agent.json")).unwrap(),
    )
    .expect("the dashboard is JSON");
    let titles: Vec<&str> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    for wanted in [
        "Turn latency",
        "Model call latency",
        "Model call errors",
        "Tokens per hour",
        "Cost per hour",
        "Tool runs",
        "Temporal task latencies",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(wanted)),
            "no {wanted} panel: {titles:?}"
        );
    }
    // Every family of ours a panel queries is one the code defines.
    let sources = [
        "crates/activities/src/metrics.rs",
        "crates/api/src/metrics.rs",
    ]
    .map(|file| std::fs::read_to_string(root.join(file)).unwrap())
    .join("\n");
    let text = dashboard.to_string();
    let mut checked = 0;
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if !(word.starts_with("agent_") || word.starts_with("api_")) || word == "agent_toolPlanner"
        {
            continue;
        }
        let family = ["_bucket", "_count", "_sum"]
            .iter()
            .find_map(|suffix| word.strip_suffix(suffix))
            .unwrap_or(word);
        let defined = family.strip_suffix("_total").unwrap_or(family);
        assert!(
            sources.contains(&format!("\"{defined}\"")) || sources.contains(&format!("`{family}`")),
            "the dashboard queries {word}, which no code defines"
        );
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

#[test]
fn compose_sends_the_api_and_worker_traces_to_jaeger() {
    let compose = compose();
    let jaeger = service(&compose, "jaeger");
    assert!(
        jaeger["image"]
            .as_str()
            .unwrap()
            .starts_with("jaegertracing/")
    );
    assert_eq!(env(jaeger, "COLLECTOR_OTLP_ENABLED"), "true");
    assert!(strings(&jaeger["ports"]).contains(&"16686:16686".to_owned()));
    for side in ["worker", "api"] {
        assert_eq!(
            env(service(&compose, side), "OTEL_EXPORTER_OTLP_ENDPOINT"),
            "http://jaeger:4318",
            "{side}"
        );
    }
}

#[test]
fn dockerfile_builds_the_binaries_the_run_command_builds() {
    let root = workspace_root();
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let run_script = std::fs::read_to_string(root.join("scripts/run.sh")).unwrap();
    let binaries = "--locked -p worker -p api -p demo-llm -p mcp-tools";
    let release = format!("cargo build --release {binaries}");
    assert!(
        dockerfile.contains(&format!("RUN {release}")),
        "the Dockerfile runs {release:?}"
    );
    // The run command builds the same binaries, with the profile BUILD_PROFILE names.
    let local = format!("cargo build --profile \"$profile\" {binaries}");
    assert!(run_script.contains(&local), "scripts/run.sh runs {local:?}");

    let stages: BTreeSet<&str> = dockerfile
        .lines()
        .filter_map(|line| line.strip_prefix("FROM "))
        .filter_map(|from| from.split(" AS ").nth(1))
        .map(str::trim)
        .collect();
    for target in ["worker", "api", "demo-llm"] {
        assert!(stages.contains(target), "no {target} stage in {stages:?}");
        assert!(
            dockerfile.contains(&format!(
                "/src/target/release/{target} /usr/local/bin/{target}"
            )),
            "the {target} stage copies the built {target} binary"
        );
    }
    assert!(dockerfile.contains("COPY --from=ui /ui/dist /app/frontend/dist"));
    assert!(
        dockerfile.contains("chown -R agent /data"),
        "the outbox volume's mount point belongs to the service user"
    );
    assert!(
        dockerfile.contains("RUN npm ci"),
        "the UI installs from its lockfile"
    );
    let mcp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("deploy/mcp.json")).unwrap())
            .unwrap();
    let command = mcp["mcpServers"]["travel"]["command"].as_str().unwrap();
    assert!(
        dockerfile.contains(&format!("/src/target/release/mcp-tools {command}")),
        "the worker image holds the MCP server deploy/mcp.json starts"
    );
    assert!(dockerfile.contains("FRONTEND_DIST=/app/frontend/dist"));

    let compose = compose();
    for service in ["worker", "api", "demo-llm"] {
        let target = compose["services"][service]["build"]["target"]
            .as_str()
            .unwrap();
        assert!(
            stages.contains(target),
            "compose builds stage {target}, which the Dockerfile lacks"
        );
    }
}

#[test]
fn env_example_documents_every_setting() {
    let example = std::fs::read_to_string(workspace_root().join(".env.example")).unwrap();
    let documented: BTreeSet<&str> = example
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
        .collect();
    for name in SETTINGS.iter().chain(AUTH_SETTINGS) {
        assert!(documented.contains(name), ".env.example lacks {name}");
    }
    for line in example
        .lines()
        .filter(|l| l.starts_with("LLM_KEY=") || l.ends_with("_API_KEY="))
    {
        assert!(
            line.ends_with('='),
            "no secret values in .env.example: {line}"
        );
    }
}

#[test]
fn local_dev_servers_start_with_the_settings_the_tests_and_bench_use() {
    let root = workspace_root();
    for file in ["scripts/run.sh", "Makefile"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for (key, value) in LOW_LATENCY_CONFIG {
            let flag = format!("--dynamic-config-value {key}={value}");
            assert!(
                text.contains(&flag),
                "{file} starts the dev server without {flag}"
            );
        }
    }
}

/// `cp .env.example .env` and start the worker: it must stay up and serve, with the demo
/// model standing in for the keyless `openai/gpt-4o` the file names. Only the server's
/// address and the task queue come from the process environment (the file's `localhost:7233`
/// is not where the test server listens).
#[tokio::test]
async fn a_worker_started_with_the_example_env_file_stays_up() {
    let root = workspace_root();
    let dir = std::env::temp_dir().join(format!("env-example-worker-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(root.join(".env.example"), dir.join(".env")).unwrap();
    // As in a checkout: the goal files next to the .env file.
    std::fs::create_dir_all(dir.join("goals")).unwrap();
    for goal in std::fs::read_dir(root.join("goals")).unwrap() {
        let goal = goal.unwrap().path();
        std::fs::copy(&goal, dir.join("goals").join(goal.file_name().unwrap())).unwrap();
    }

    let mut command = std::process::Command::new(testkit::cargo_binary("worker"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TEMPORAL_ADDRESS", testkit::DevServer::shared_address())
        .env("TEMPORAL_TASK_QUEUE", "env-example-queue")
        .current_dir(&dir);
    let mut worker = testkit::ChildProcess::spawn(command, "env-example-worker").unwrap();

    let log = testkit::wait_until("the worker to poll", Duration::from_secs(60), || {
        let log = worker.log_tail(200);
        let polling = log.contains("worker polling");
        async move { (polling.then(|| log.clone()), log) }
    })
    .await;
    assert!(
        log.contains("read .env") && log.contains("demo model answers instead"),
        "the worker should say it uses the demo model:\n{log}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        worker.is_running(),
        "the worker exited:\n{}",
        worker.log_tail(200)
    );
    worker.stop().await;
}
