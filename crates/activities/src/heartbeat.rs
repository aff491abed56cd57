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
pub(crate) async fn heartbeating<F: Future>(
    ctx: &ActivityContext,
    work: F,
) -> Result<F::Output, ActivityError> {
    heartbeating_with(ctx, (), work).await
}

/// Like [`heartbeating`], with `details` in every heartbeat: a later attempt reads them back
/// (the email send records how far it got, so a retry can tell a delivered email).
pub(crate) async fn heartbeating_with<F, D>(
    ctx: &ActivityContext,
    details: D,
    work: F,
) -> Result<F::Output, ActivityError>
where
    F: Future,
    D: serde::Serialize + Clone + 'static,
{
    let mut work = pin!(work);
    let mut ticker = tokio::time::interval(HEARTBEAT_EVERY);
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
