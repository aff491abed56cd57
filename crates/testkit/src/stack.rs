//! The whole agent backend for one test: dev server, LLM server, worker process, client.

use std::collections::HashMap;

use demo_llm::{Config, LlmServer, RecordedRequest, Rule, Step};
use temporalio_client::Client;

use crate::{
    conversation::{Conversation, trip_input},
    dev_server::{DevServer, client_for},
    process::WorkerProcess,
};

/// A retry policy slow enough to watch: two seconds before each of up to five retries, so
/// each retry state outlasts the api's one-second look at pending activities.
pub const VISIBLE_RETRIES: &[(&str, &str)] = &[
    ("LLM_RETRY_INITIAL_INTERVAL_MS", "2000"),
    ("LLM_RETRY_BACKOFF", "1.0"),
    ("LLM_RETRY_MAX_INTERVAL_MS", "2000"),
    ("LLM_RETRY_MAX_ATTEMPTS", "6"),
];

/// A worker serving its own task queue on the shared dev server, talking to its own LLM
/// server. Tests share the Temporal server but nothing else, so they run in parallel.
pub struct Stack {
    pub name: String,
    pub address: String,
    pub task_queue: String,
    pub client: Client,
    pub llm: LlmServer,
    pub worker: WorkerProcess,
    env: Vec<(String, String)>,
}

impl Stack {
    /// Demo-mode LLM (the keyless agent), default worker settings.
    pub async fn demo(name: &str) -> Self {
        Self::start(
            name,
            LlmServer::start(Config::default())
                .await
                .expect("LLM server"),
            &[],
        )
        .await
    }

    /// Scripted LLM answering with `rules`; no fallback, so an unexpected call fails loudly.
    pub async fn scripted(name: &str, rules: Vec<Rule>, env: &[(&str, &str)]) -> Self {
        let llm = LlmServer::start(Config {
            rules,
            ..Config::default()
        })
        .await
        .expect("LLM server");
        Self::start(name, llm, env).await
    }

    /// Starts a worker on the shared dev server with `env` on top of the test defaults
    /// (fast LLM retries, so failure paths finish in seconds).
    pub async fn start(name: &str, llm: LlmServer, env: &[(&str, &str)]) -> Self {
        let address = DevServer::shared_address();
        Self::start_on(name, &address, llm, env).await
    }

    pub async fn start_on(name: &str, address: &str, llm: LlmServer, env: &[(&str, &str)]) -> Self {
        let task_queue = format!("{name}-queue");
        let mut settings: Vec<(String, String)> = vec![
            ("LLM_RETRY_INITIAL_INTERVAL_MS".into(), "100".into()),
            ("LLM_RETRY_MAX_INTERVAL_MS".into(), "500".into()),
            ("LLM_RETRY_MAX_ATTEMPTS".into(), "3".into()),
        ];
        settings.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let worker = spawn_worker(address, &task_queue, &llm.base_url(), &settings);
        let client = client_for(address)
            .await
            .expect("client for the dev server");
        Self {
            name: name.to_owned(),
            address: address.to_owned(),
            task_queue,
            client,
            llm,
            worker,
            env: settings,
        }
    }

    /// Starts a conversation with the trip goal and `prompts` queued.
    pub async fn conversation(&self, id: &str, prompts: &[&str]) -> Conversation {
        Conversation::start(
            &self.client,
            &self.task_queue,
            &format!("{}-{id}", self.name),
            trip_input(prompts),
        )
        .await
        .expect("conversation starts")
    }

    /// Starts a conversation pursuing the goal `goal_id` of the repository's goal files, as
    /// the api does: its starter prompt queued, its tools resolved by the worker.
    pub async fn conversation_with_goal(&self, id: &str, goal_id: &str) -> Conversation {
        let goal = crate::goal_catalog()
            .get(goal_id)
            .unwrap_or_else(|| panic!("no goal {goal_id}"))
            .unresolved();
        Conversation::start(
            &self.client,
            &self.task_queue,
            &format!("{}-{id}", self.name),
            models::AgentWorkflowInput::new_conversation(goal),
        )
        .await
        .expect("conversation starts")
    }

    /// Replaces the worker with a fresh one; `env` overrides this stack's settings.
    pub async fn restart_worker(&mut self, env: &[(&str, &str)]) {
        self.worker.stop().await;
        for (key, value) in env {
            self.env.retain(|(k, _)| k != key);
            self.env.push((key.to_string(), value.to_string()));
        }
        self.worker = spawn_worker(
            &self.address,
            &self.task_queue,
            &self.llm.base_url(),
            &self.env,
        );
    }

    /// The LLM calls of one step, in order.
    pub fn llm_calls(&self, step: Step) -> Vec<RecordedRequest> {
        self.llm
            .requests()
            .into_iter()
            .filter(|r| r.step == step)
            .collect()
    }

    /// The worker's recent output, for failure messages.
    pub fn worker_log(&self) -> String {
        self.worker.process.log_tail(40)
    }
}

fn spawn_worker(
    address: &str,
    task_queue: &str,
    llm_base_url: &str,
    settings: &[(String, String)],
) -> WorkerProcess {
    let mut env: HashMap<&str, &str> = HashMap::from([
        ("TEMPORAL_ADDRESS", address),
        ("TEMPORAL_TASK_QUEUE", task_queue),
        ("LLM_MODEL", "demo/trip-agent"),
        ("LLM_BASE_URL", llm_base_url),
    ]);
    env.extend(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    WorkerProcess::start_with_env(&env, task_queue).expect("worker starts")
}

/// What a recorded LLM call asked the model to answer: the workflow's event, or the user's message.
pub fn prompt_of(request: &RecordedRequest) -> &str {
    // The workflow's event travels as a system message after the instructions.
    let event = request
        .messages
        .iter()
        .skip(1)
        .find(|m| m.role == "system")
        .map(|m| m.content.as_str());
    event.unwrap_or_else(|| {
        request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == "user")
            .map(|m| m.content.as_str())
            .unwrap_or_default()
    })
}
