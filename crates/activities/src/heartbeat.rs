//! Heartbeats while an activity waits on the outside world.
//!
//! A worker that dies mid-call stops heartbeating, so Temporal notices within the
//! heartbeat timeout (seconds) instead of the start-to-close timeout, and retries the call
//! on another worker. Heartbeats also carry cancellation back to the activity.

use std::{future::Future, pin::pin, time::Duration};

use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// How often a waiting activity tells Temporal the worker is alive.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);

/// Drives `work` while heartbeating; gives up (as cancelled) if Temporal cancels the attempt.
///
/// The first heartbeat goes out after [`HEARTBEAT_EVERY`], not at once: the attempt's start
/// already told Temporal the worker is alive (its heartbeat timeout counts from there), and
/// most calls end before a heartbeat is due. A heartbeat at once would cost a round trip to
/// the server, and a write to the workflow's state there, on every model call and tool run;
/// the SDK also waits for that heartbeat before reporting the result.
pub(crate) async fn heartbeating<F: Future>(
    ctx: &ActivityContext,
    work: F,
) -> Result<F::Output, ActivityError> {
    let first = tokio::time::Instant::now() + HEARTBEAT_EVERY;
    heartbeat_while(ctx, first, (), work).await
}

/// Like [`heartbeating`], with `details` in every heartbeat, the first one at once: a later
/// attempt reads them back (the email send records how far it got, so a retry can tell a
/// delivered email), even when this attempt dies in its first seconds.
pub(crate) async fn heartbeating_with<F, D>(
    ctx: &ActivityContext,
    details: D,
    work: F,
) -> Result<F::Output, ActivityError>
where
    F: Future,
    D: serde::Serialize + Clone + 'static,
{
    heartbeat_while(ctx, tokio::time::Instant::now(), details, work).await
}

async fn heartbeat_while<F, D>(
    ctx: &ActivityContext,
    first: tokio::time::Instant,
    details: D,
    work: F,
) -> Result<F::Output, ActivityError>
where
    F: Future,
    D: serde::Serialize + Clone + 'static,
{
    let mut work = pin!(work);
    let mut ticker = tokio::time::interval_at(first, HEARTBEAT_EVERY);
    loop {
        tokio::select! {
            output = &mut work => return Ok(output),
            _ = ticker.tick() => {
                // A failed heartbeat only means Temporal hears from us later; keep working.
                let _ = ctx.record_heartbeat(details.clone()).await;
            }
            _ = ctx.cancelled() => return Err(ActivityError::cancelled()),
        }
    }
}
