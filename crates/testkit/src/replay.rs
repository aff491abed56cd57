//! Replaying recorded histories against the current workflow code.
//!
//! A workflow change that would break running conversations (a reordered activity, a new
//! timer) shows up here as a nondeterminism error instead of in production.

use std::path::{Path, PathBuf};

use temporalio_client::WorkflowHistory;
use temporalio_common::protos::temporal::api::history::v1::{History, HistoryEvent};
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};
use workflows::AgentGoalWorkflow;

use crate::{binaries::workspace_root, conversation::Conversation};

/// Where recorded histories live: replayed by the workflows crate's tests without a server.
pub fn histories_dir() -> PathBuf {
    workspace_root().join("crates/workflows/tests/histories")
}

/// Replays `events` with the current `AgentGoalWorkflow`; panics with the replay error.
pub async fn assert_replays_events(name: &str, events: Vec<HistoryEvent>) {
    let replayer = WorkflowReplayer::new(
        WorkflowReplayerOptions::new()
            .register_workflow::<AgentGoalWorkflow>()
            .expect("AgentGoalWorkflow registers")
            .build(),
    )
    .expect("a replayer");
    if let Err(err) = replayer
        .replay_workflow(WorkflowHistory::from(History { events }))
        .await
    {
        panic!("history {name} does not replay: {err}");
    }
}

/// Replays every run of `conversation` (the first run and the latest one). With
/// `RECORD_HISTORIES=1` in the environment the histories are also written to
/// [`histories_dir`] as `<name>.json` (and `<name>-continued.json`) for the replay fixtures.
pub async fn assert_conversation_replays(name: &str, conversation: &Conversation) {
    let first = conversation
        .events(None)
        .await
        .expect("first run's history");
    let latest_run = conversation
        .handle()
        .describe(Default::default())
        .await
        .expect("describe")
        .run_id()
        .to_owned();
    let mut runs = vec![(name.to_owned(), first)];
    if latest_run != conversation.first_run_id {
        let latest = conversation
            .events(Some(&latest_run))
            .await
            .expect("latest run's history");
        runs.push((format!("{name}-continued"), latest));
    }
    for (run_name, events) in runs {
        if std::env::var_os("RECORD_HISTORIES").is_some() {
            record(&histories_dir(), &run_name, &events);
        }
        assert_replays_events(&run_name, events).await;
    }
}

fn record(dir: &Path, name: &str, events: &[HistoryEvent]) {
    std::fs::create_dir_all(dir).expect("histories dir");
    let json = serde_json::to_vec_pretty(&History {
        events: events.to_vec(),
    })
    .expect("history serializes");
    std::fs::write(dir.join(format!("{name}.json")), json).expect("history written");
}
