//! Workflow queries that do not stall when another reader got there first.
//!
//! A query that reaches Temporal while the workflow's task is running waits in a buffer
//! for that task to finish, so that it sees every event before it. The buffer holds one
//! query per workflow: a second reader at that moment (the event stream refreshing while a
//! browser reloads the history, two tabs, `curl`) is refused with `ResourceExhausted`
//! ("consistent query buffer is full"). The client would retry that, but after at least a
//! second, its backoff for an overloaded server, while the running task usually finishes
//! within milliseconds. So queries go out without the client's retries: a full buffer is
//! asked again after a few milliseconds, for as long as the caller's timeout allows, and
//! any other error the client would have retried gets one more attempt with the client's
//! own retries, as before.

use std::{future::Future, time::Duration};

use temporalio_client::{
    RetryOptions, WorkflowQueryOptions,
    errors::WorkflowQueryError,
    tonic::{self, Code},
};
use tokio::time::Instant;

/// What Temporal says when the one-query buffer of a busy workflow is taken.
const BUFFER_FULL: &str = "query buffer is full";
/// First pause before asking again; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(5);
const MAX_PAUSE: Duration = Duration::from_millis(80);

/// Temporal refused the query because another one is waiting for the same workflow task.
pub(crate) fn is_buffer_full(status: &tonic::Status) -> bool {
    status.code() == Code::ResourceExhausted && status.message().contains(BUFFER_FULL)
}

/// Errors the client retries on its own (transport trouble, a restarting server).
fn client_would_retry(status: &tonic::Status) -> bool {
    matches!(
        status.code(),
        Code::Unavailable
            | Code::ResourceExhausted
            | Code::Aborted
            | Code::Internal
            | Code::Unknown
            | Code::DataLoss
            | Code::OutOfRange
    )
}

/// Runs `query` with `options` within `timeout` (see the module docs). `query` is called
/// once per attempt with that attempt's options, which carry the time left as the RPC's
/// deadline. When the time runs out while the buffer stays full, the last refusal is
/// returned.
pub(crate) async fn query_within<T, Fut>(
    options: WorkflowQueryOptions,
    timeout: Duration,
    mut query: impl FnMut(WorkflowQueryOptions) -> Fut,
) -> Result<T, WorkflowQueryError>
where
    Fut: Future<Output = Result<T, WorkflowQueryError>>,
{
    let deadline = Instant::now() + timeout;
    let mut pause = FIRST_PAUSE;
    loop {
        let mut attempt = options.clone();
        attempt.rpc_options.timeout = Some(deadline.saturating_duration_since(Instant::now()));
        attempt.rpc_options.retry_options = Some(RetryOptions::no_retries());
        let status = match query(attempt).await {
            Err(WorkflowQueryError::Rpc(status)) => status,
            answer => return answer,
        };
        if is_buffer_full(&status) {
            if Instant::now() + pause >= deadline {
                return Err(WorkflowQueryError::Rpc(status));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_PAUSE);
            continue;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if !client_would_retry(&status) || left.is_zero() {
            return Err(WorkflowQueryError::Rpc(status));
        }
        let mut last = options.clone();
        last.rpc_options.timeout = Some(left);
        return query(last).await;
    }
}

#[cfg(test)]
mod tests {
    use std::{
        collections::VecDeque,
        sync::{Arc, Mutex},
    };

    use super::*;

    fn buffer_full() -> WorkflowQueryError {
        WorkflowQueryError::Rpc(tonic::Status::resource_exhausted(
            "consistent query buffer is full, this may be caused by too many queries and workflow not able to process query fast enough",
        ))
    }

    /// A query that answers from a script, one entry per attempt, and notes each
    /// attempt's options.
    struct Scripted {
        answers: Mutex<VecDeque<Result<&'static str, WorkflowQueryError>>>,
        attempts: Mutex<Vec<WorkflowQueryOptions>>,
    }

    impl Scripted {
        fn new(answers: Vec<Result<&'static str, WorkflowQueryError>>) -> Arc<Self> {
            Arc::new(Self {
                answers: Mutex::new(answers.into()),
                attempts: Mutex::new(Vec::new()),
            })
        }

        async fn run(
            self: &Arc<Self>,
            timeout: Duration,
        ) -> Result<&'static str, WorkflowQueryError> {
            let this = self.clone();
            query_within(WorkflowQueryOptions::default(), timeout, move |options| {
                let this = this.clone();
                async move {
                    this.attempts.lock().unwrap().push(options);
                    this.answers
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or_else(|| Err(buffer_full()))
                }
            })
            .await
        }

        fn attempts(&self) -> Vec<WorkflowQueryOptions> {
            self.attempts.lock().unwrap().clone()
        }
    }

    #[tokio::test]
    async fn a_full_buffer_is_asked_again_without_the_clients_retries() {
        let query = Scripted::new(vec![Err(buffer_full()), Err(buffer_full()), Ok("answer")]);
        let answer = query.run(Duration::from_secs(5)).await.unwrap();
        assert_eq!(answer, "answer");
        let attempts = query.attempts();
        assert_eq!(attempts.len(), 3);
        for attempt in &attempts {
            // The client's own retries would wait a second after ResourceExhausted.
            assert_eq!(
                attempt.rpc_options.retry_options,
                Some(RetryOptions::no_retries())
            );
            let deadline = attempt
                .rpc_options
                .timeout
                .expect("every attempt has a deadline");
            assert!(deadline <= Duration::from_secs(5), "{deadline:?}");
        }
    }

    #[tokio::test]
    async fn a_buffer_that_stays_full_gives_up_at_the_timeout_with_the_refusal() {
        let query = Scripted::new(Vec::new());
        let err = query.run(Duration::from_millis(150)).await.unwrap_err();
        match err {
            WorkflowQueryError::Rpc(status) => assert!(is_buffer_full(&status), "{status:?}"),
            other => panic!("expected the refusal, got {other:?}"),
        }
        // Asked again several times in between, each time with less time left.
        let attempts = query.attempts();
        assert!(attempts.len() >= 3, "{} attempts", attempts.len());
        let deadlines: Vec<_> = attempts
            .iter()
            .map(|a| a.rpc_options.timeout.unwrap())
            .collect();
        assert!(deadlines.windows(2).all(|w| w[1] < w[0]), "{deadlines:?}");
    }

    #[tokio::test]
    async fn other_transient_errors_get_one_attempt_with_the_clients_retries() {
        let query = Scripted::new(vec![
            Err(WorkflowQueryError::Rpc(tonic::Status::unavailable(
                "restarting",
            ))),
            Ok("answer"),
        ]);
        assert_eq!(query.run(Duration::from_secs(5)).await.unwrap(), "answer");
        let attempts = query.attempts();
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[1].rpc_options.retry_options, None);
        assert!(attempts[1].rpc_options.timeout.is_some());
    }

    #[tokio::test]
    async fn answers_and_final_errors_come_back_at_once() {
        let found = Scripted::new(vec![Ok("answer")]);
        assert_eq!(found.run(Duration::from_secs(5)).await.unwrap(), "answer");
        assert_eq!(found.attempts().len(), 1);

        let rejected = Scripted::new(vec![Err(WorkflowQueryError::Rejected { status: None })]);
        assert!(matches!(
            rejected.run(Duration::from_secs(5)).await,
            Err(WorkflowQueryError::Rejected { .. })
        ));
        assert_eq!(rejected.attempts().len(), 1);

        let no_handler = Scripted::new(vec![Err(WorkflowQueryError::Rpc(
            tonic::Status::invalid_argument("No query handler for 'describe'"),
        ))]);
        assert!(no_handler.run(Duration::from_secs(5)).await.is_err());
        assert_eq!(no_handler.attempts().len(), 1);
    }
}
