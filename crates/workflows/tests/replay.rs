//! Replays recorded conversation histories against today's workflow code.
//!
//! The files in `tests/histories/` are real histories recorded by the worker's integration
//! tests (`RECORD_HISTORIES=1 cargo test -p worker`). Conversations that are running in
//! production were started by older code; if a change to `AgentGoalWorkflow` would make
//! their histories unreplayable, this test fails before the change ships.

use std::path::Path;

use temporalio_client::WorkflowHistory;
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};
use workflows::AgentGoalWorkflow;

#[tokio::test]
async fn recorded_histories_replay_with_the_current_workflow() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/histories");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/histories exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "expected the recorded histories in {}, found {}",
        dir.display(),
        files.len()
    );

    let replayer = WorkflowReplayer::new(
        WorkflowReplayerOptions::new()
            .register_workflow::<AgentGoalWorkflow>()
            .expect("AgentGoalWorkflow registers")
            .build(),
    )
    .expect("a replayer");
    for file in files {
        let bytes = std::fs::read(&file).expect("history file readable");
        let history = WorkflowHistory::from_json(&bytes)
            .unwrap_or_else(|err| panic!("{} is not a history: {err}", file.display()));
        if let Err(err) = replayer.replay_workflow(history).await {
            panic!("{} no longer replays: {err}", file.display());
        }
    }
}
