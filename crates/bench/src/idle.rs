//! Idle capacity: many open conversations, each greeted and waiting for the user.
//!
//! A fresh worker and api; `N` conversations started through `POST /start-workflow`; once
//! each shows its greeting (`GET /get-conversation-history`), the worker's and the api's
//! memory are read. Then one event stream per conversation is opened, as N open browser
//! tabs would, and the memory is read again. Everything is bounded by the idle time cap.

use std::{
    collections::HashSet,
    time::{Duration, Instant},
};

use futures::{StreamExt, stream};

use crate::{
    config::BenchConfig,
    driver::Target,
    report::{IdleFigures, MIB},
    run::progress,
    sse::EventStream,
    stack::{Mode, Model, Stack},
    trip::agent_replies,
};

/// Requests in flight at once while opening conversations.
const PARALLEL: usize = 16;
/// Time for memory to settle before it is read.
const SETTLE: Duration = Duration::from_secs(2);

pub async fn measure(
    config: &BenchConfig,
    stack: &Stack,
    tag: &str,
) -> anyhow::Result<IdleFigures> {
    let queue = format!("bench-{tag}-idle");
    let services = stack
        .services(Mode::Agent, Model::Instant, &queue, None)
        .await?;
    let target = Target::new(&services.base_url())?;
    let deadline = Instant::now() + Duration::from_secs_f64(config.idle_max_seconds);
    let ids: Vec<String> = (0..config.idle).map(|i| format!("{queue}-{i}")).collect();

    let opening = Instant::now();
    let started: Vec<String> = stream::iter(ids.iter().cloned())
        .map(|id| {
            let target = target.clone();
            async move { target.start(&id).await.ok().map(|_| id) }
        })
        .buffer_unordered(PARALLEL)
        .filter_map(|id| async move { id })
        .collect()
        .await;

    let mut waiting: HashSet<String> = started.iter().cloned().collect();
    while !waiting.is_empty() && Instant::now() < deadline {
        let greeted: Vec<String> = stream::iter(waiting.iter().cloned())
            .map(|id| {
                let target = target.clone();
                async move {
                    let history = target.history(&id).await.ok().flatten();
                    history.filter(|h| !agent_replies(h).is_empty()).map(|_| id)
                }
            })
            .buffer_unordered(PARALLEL)
            .filter_map(|id| async move { id })
            .collect()
            .await;
        for id in greeted {
            waiting.remove(&id);
        }
        if !waiting.is_empty() {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let seconds_to_open = opening.elapsed().as_secs_f64();
    let greeted = started.len() - waiting.len();
    progress(&format!(
        "  {greeted} of {} conversations greeted in {seconds_to_open:.1} s",
        config.idle
    ));
    tokio::time::sleep(SETTLE).await;
    let quiet = services.read(stack);

    let mut streams: Vec<EventStream> = Vec::new();
    if config.idle_streams {
        streams = stream::iter(started.iter().cloned())
            .map(|id| {
                let target = target.clone();
                async move {
                    let remaining = deadline.saturating_duration_since(Instant::now());
                    tokio::time::timeout(remaining, open_with_history(&target, &id))
                        .await
                        .ok()
                        .flatten()
                }
            })
            .buffer_unordered(PARALLEL * 4)
            .filter_map(|s| async move { s })
            .collect()
            .await;
        progress(&format!("  {} event streams open", streams.len()));
        tokio::time::sleep(SETTLE).await;
    }
    let watched = services.read(stack);
    let streams_open = streams.len();
    drop(streams);
    services.stop().await;

    let mib = |bytes: Option<u64>| bytes.map_or(0.0, |b| b as f64 / MIB);
    Ok(IdleFigures {
        requested: config.idle,
        started: started.len(),
        greeted,
        seconds_to_open,
        worker_rss_mib: mib(quiet.worker.map(|s| s.rss_bytes)),
        worker_peak_rss_mib: mib(watched.worker.map(|s| s.peak_rss_bytes)),
        api_rss_mib: mib(quiet.api.map(|s| s.rss_bytes)),
        api_peak_rss_mib: mib(watched.api.map(|s| s.peak_rss_bytes)),
        streams_open,
        api_rss_with_streams_mib: mib(watched.api.map(|s| s.rss_bytes)),
        worker_rss_with_streams_mib: mib(watched.worker.map(|s| s.rss_bytes)),
        temporal_rss_mib: watched.temporal.map(|s| s.rss_bytes as f64 / MIB),
    })
}

/// An event stream that has delivered the conversation's history with its greeting.
async fn open_with_history(target: &Target, id: &str) -> Option<EventStream> {
    let mut events = target.events(id).await.ok()?;
    loop {
        let event = events.next().await.ok()??;
        if event.event == "history"
            && serde_json::from_str::<models::ConversationHistory>(&event.data)
                .is_ok_and(|h| !agent_replies(&h).is_empty())
        {
            return Some(events);
        }
    }
}
