//! The api's only door to Temporal: the connection, and one method per conversation
//! operation.
//!
//! The connection is made in the background and retried until Temporal answers, so the api
//! listens (and answers `/health`) even when Temporal is down at startup; until then every
//! operation fails with [`ApiError::TemporalUnreachable`] (503). Each method speaks in terms
//! of [`WorkflowId`]s and models types, and maps Temporal's errors to [`ApiError`] here,
//! so handlers never look at gRPC status codes.

use std::{
    sync::{Arc, RwLock, Weak},
    time::Duration,
};

use futures::Stream;
use goals::{GoalCatalog, GoalSpec};
use models::{
    AgentGoal, AgentWorkflowInput, ConfirmRequest, ConversationHistory, ConversationUsage,
    DeclineRequest, PlannerDecision, ProposalOutcome,
};
use serde::{Deserialize, Serialize};
use settings::TemporalSettings;
use temporalio_client::{
    Client, NamespacedClient, QueryRejectCondition, RetryOptions, WorkflowDescribeOptions,
    WorkflowExecuteUpdateOptions, WorkflowExecutionInfo, WorkflowExecutionStatus,
    WorkflowFetchHistoryOptions, WorkflowHandle, WorkflowQueryOptions, WorkflowSignalOptions,
    WorkflowStartOptions, WorkflowStartUpdateOptions,
    errors::{
        WorkflowInteractionError, WorkflowQueryError, WorkflowStartError, WorkflowUpdateError,
    },
    grpc::WorkflowService,
    tonic::{self, Code, IntoRequest},
};
use temporalio_common::{
    protos::temporal::api::{
        history::v1::HistoryEvent, workflow::v1::PendingActivityInfo,
        workflowservice::v1::GetSystemInfoRequest,
    },
    search_attributes::{SearchAttributeKey, SearchAttributes},
};
use utoipa::ToSchema;
use workflows::{
    AgentGoalWorkflow,
    contracts::{ProposalRefused, RefusalKind},
};

mod email;
mod list;
mod owners;
mod query;

pub use list::{ConversationStatus, ConversationSummary, ConversationsPage};
pub use owners::Access;

use crate::{
    auth::{OWNER_ATTRIBUTE, UserId},
    domain::{UserPrompt, WorkflowId},
    error::ApiError,
};

/// Who started a workflow (with auth on); set once at start, never changed.
const OWNER: SearchAttributeKey<String> = SearchAttributeKey::keyword(OWNER_ATTRIBUTE);

/// The identity Temporal records for calls made by the api.
const IDENTITY: &str = "agent-api";
/// Longest a confirm waits for its tools to finish before answering 504 (they keep running).
const TOOLS_WAIT: Duration = Duration::from_secs(300);
/// Longest wait between two connection attempts.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(5);

/// A connection to Temporal (once one is made) and the conversation operations on it.
pub struct Temporal {
    settings: TemporalSettings,
    client: RwLock<Option<Client>>,
    goals: Goals,
    query_timeout: Duration,
    /// Auth is on: workflows record their owner, which needs the search attribute.
    records_owners: bool,
}

/// The goals conversations start with: the goal files, and the one used when a request
/// names none.
pub struct Goals {
    catalog: GoalCatalog,
    default: String,
}

impl Goals {
    pub fn new(catalog: GoalCatalog, default: &str) -> Self {
        Self {
            catalog,
            default: default.to_owned(),
        }
    }

    pub fn catalog(&self) -> &GoalCatalog {
        &self.catalog
    }

    pub fn default_id(&self) -> &str {
        &self.default
    }

    /// The goal `id` names, or the default one; 400 for an id no goal has.
    pub fn choose(&self, id: Option<&str>) -> Result<AgentGoal, ApiError> {
        let id = id.unwrap_or(&self.default);
        self.catalog
            .get(id)
            .map(GoalSpec::unresolved)
            .ok_or_else(|| ApiError::UnknownGoal(id.to_owned()))
    }
}

/// What `start` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// A new run of the conversation began.
    New,
    /// The conversation was already running; nothing changed.
    AlreadyRunning,
}

/// What reading a conversation's state found.
#[derive(Debug, Clone, PartialEq)]
pub enum Read<T> {
    /// The workflow answered (running, or completed cleanly).
    Found(T),
    /// The latest run was terminated, cancelled, failed or timed out: it has no answer.
    ClosedUncleanly,
    /// No workflow with this id exists.
    Missing,
}

/// A conversation's latest run, as Temporal describes it.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub run_id: String,
    pub status: WorkflowExecutionStatus,
    /// Events in the run's history so far; the id of the last one.
    pub history_length: i64,
    /// The pending activity furthest into its retries, if one has failed at least once.
    pub retrying: Option<ActivityRetry>,
    /// Who started it, when auth was on then.
    pub owner: Option<String>,
}

impl RunInfo {
    /// The run is open: it takes signals, and a prompt to it starts nothing.
    pub fn is_open(&self) -> bool {
        is_open_status(self.status)
    }
}

/// A run in `status` is open. A continued-as-new status is only a stale description: the
/// next describe finds the new run.
pub fn is_open_status(status: WorkflowExecutionStatus) -> bool {
    matches!(
        status,
        WorkflowExecutionStatus::Running
            | WorkflowExecutionStatus::Paused
            | WorkflowExecutionStatus::ContinuedAsNew
    )
}

/// An activity that failed and is being tried again (from the run's pending activities).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityRetry {
    /// The activity type, e.g. `agent_toolPlanner` or a tool's name.
    pub name: String,
    /// The attempt under way or next, from 2 up.
    pub attempt: u32,
    /// Why the last attempt failed.
    pub last_failure: Option<String>,
    /// When the next attempt starts, if it waits (RFC 3339).
    pub next_attempt_at: Option<String>,
}

impl ActivityRetry {
    /// The retried activity among a run's pending ones: the one with the most attempts.
    fn from_pending(pending: &[PendingActivityInfo]) -> Option<Self> {
        pending
            .iter()
            .filter(|activity| activity.attempt > 1)
            .max_by_key(|activity| activity.attempt)
            .map(|activity| Self {
                name: activity
                    .activity_type
                    .as_ref()
                    .map(|kind| kind.name.clone())
                    .unwrap_or_default(),
                attempt: activity.attempt as u32,
                last_failure: activity
                    .last_failure
                    .as_ref()
                    .map(|failure| failure.message.clone()),
                next_attempt_at: activity
                    .next_attempt_schedule_time
                    .as_ref()
                    .and_then(|at| {
                        chrono::DateTime::from_timestamp(at.seconds, at.nanos.max(0) as u32)
                    })
                    .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            })
    }
}

impl Temporal {
    /// Starts connecting in the background and returns at once. The reconnect loop stops
    /// when the returned value is dropped. With `records_owners`, workflows are started
    /// with their owner, and the connection makes sure the namespace has the search
    /// attribute for it.
    pub fn connect_in_background(
        settings: TemporalSettings,
        goals: Goals,
        query_timeout: Duration,
        records_owners: bool,
    ) -> Arc<Self> {
        let temporal = Arc::new(Self {
            settings,
            client: RwLock::new(None),
            goals,
            query_timeout,
            records_owners,
        });
        tokio::spawn(connect_loop(Arc::downgrade(&temporal)));
        temporal
    }

    pub fn address(&self) -> &str {
        &self.settings.address
    }

    pub fn namespace(&self) -> &str {
        &self.settings.namespace
    }

    pub fn task_queue(&self) -> &str {
        &self.settings.task_queue
    }

    pub fn query_timeout(&self) -> Duration {
        self.query_timeout
    }

    pub fn goals(&self) -> &Goals {
        &self.goals
    }

    pub fn is_connected(&self) -> bool {
        self.client.read().expect("client lock").is_some()
    }

    /// The client, or 503 while Temporal has not been reached yet.
    pub fn client(&self) -> Result<Client, ApiError> {
        self.client
            .read()
            .expect("client lock")
            .clone()
            .ok_or_else(|| self.unreachable())
    }

    /// True when Temporal answers a cheap call right now.
    pub async fn ping(&self) -> bool {
        let Ok(mut client) = self.client() else {
            return false;
        };
        let mut request = GetSystemInfoRequest::default().into_request();
        request.set_timeout(Duration::from_secs(2));
        tokio::time::timeout(
            Duration::from_secs(3),
            WorkflowService::get_system_info(&mut client, request),
        )
        .await
        .is_ok_and(|answer| answer.is_ok())
    }

    /// Starts a conversation pursuing `goal`, its starter prompt queued. A running
    /// conversation with this id is left alone; a closed one gets a new run.
    pub async fn start(
        &self,
        id: &WorkflowId,
        goal: AgentGoal,
        owner: Option<&UserId>,
    ) -> Result<Started, ApiError> {
        let options = self.start_options(id, &goal, owner);
        let started = self
            .client()?
            .start_workflow(
                AgentGoalWorkflow::run,
                AgentWorkflowInput::new_conversation(goal),
                options,
            )
            .await;
        match started {
            Ok(_) => {
                tracing::info!(workflow_id = %id, "conversation started");
                Ok(Started::New)
            }
            Err(WorkflowStartError::AlreadyStarted { .. }) => Ok(Started::AlreadyRunning),
            Err(WorkflowStartError::Rpc(status)) => Err(self.rpc_error(&status)),
            Err(other) => Err(ApiError::Temporal(other.to_string())),
        }
    }

    /// Signals `user_prompt`, starting the conversation first (starter prompt, then this
    /// prompt) when it is not running, like the Python original's signal-with-start.
    pub async fn send_prompt(
        &self,
        id: &WorkflowId,
        prompt: &UserPrompt,
        owner: Option<&UserId>,
    ) -> Result<(), ApiError> {
        let goal = self.goals.choose(None)?;
        let options = self.start_options(id, &goal, owner);
        self.client()?
            .signal_with_start_workflow(
                AgentGoalWorkflow::run,
                AgentWorkflowInput::new_conversation(goal),
                AgentGoalWorkflow::user_prompt,
                prompt.as_str().to_owned(),
                options,
            )
            .await
            .map(drop)
            .map_err(|err| match err {
                WorkflowStartError::Rpc(status) => self.rpc_error(&status),
                other => ApiError::Temporal(other.to_string()),
            })
    }

    /// Runs the `confirm_proposal` update: the waiting proposal runs (with `request`'s edited
    /// arguments, if any) and this returns once its tools did, with their results.
    pub async fn confirm_proposal(
        &self,
        id: &WorkflowId,
        request: ConfirmRequest,
    ) -> Result<ProposalOutcome, ApiError> {
        let handle = self.handle(id)?;
        let start = handle.start_update(
            AgentGoalWorkflow::confirm_proposal,
            request,
            WorkflowStartUpdateOptions::default(),
        );
        // An update needs a worker to accept it; without one the client would wait forever.
        let started = tokio::time::timeout(self.query_timeout * 2, start)
            .await
            .map_err(|_| self.worker_unavailable(id))?
            .map_err(|err| self.update_error(id, err))?;
        tokio::time::timeout(TOOLS_WAIT, started.get_result(Default::default()))
            .await
            .map_err(|_| ApiError::ToolsStillRunning(id.clone()))?
            .map_err(|err| self.update_error(id, err))
    }

    /// Runs the `decline_proposal` update: the waiting proposal is dropped and the planner
    /// told why.
    pub async fn decline_proposal(
        &self,
        id: &WorkflowId,
        request: DeclineRequest,
    ) -> Result<ProposalOutcome, ApiError> {
        let handle = self.handle(id)?;
        let update = handle.execute_update(
            AgentGoalWorkflow::decline_proposal,
            request,
            WorkflowExecuteUpdateOptions::default(),
        );
        tokio::time::timeout(self.query_timeout * 2, update)
            .await
            .map_err(|_| self.worker_unavailable(id))?
            .map_err(|err| self.update_error(id, err))
    }

    /// What a failed update means for the caller: a refusal from the workflow's validator
    /// (409 or 400, with its reason), a conversation that is not running, or no worker.
    fn update_error(&self, id: &WorkflowId, err: WorkflowUpdateError) -> ApiError {
        match err {
            WorkflowUpdateError::NotFound(_) => ApiError::ConversationNotRunning(id.clone()),
            WorkflowUpdateError::Failed(failure) => {
                match ProposalRefused::parse(&failure.message) {
                    Some(refused) if refused.kind == RefusalKind::Invalid => {
                        ApiError::ProposalInvalid(refused.reason)
                    }
                    Some(refused) => ApiError::ProposalConflict(refused.reason),
                    None => ApiError::Temporal(failure.message),
                }
            }
            WorkflowUpdateError::Rpc(status) if is_no_answer(&status) => {
                self.worker_unavailable(id)
            }
            WorkflowUpdateError::Rpc(status) => self.rpc_error(&status),
            other => ApiError::Temporal(other.to_string()),
        }
    }

    /// Signals `end_chat`; 404 unless the conversation is running.
    pub async fn end_chat(&self, id: &WorkflowId) -> Result<(), ApiError> {
        self.handle(id)?
            .signal(
                AgentGoalWorkflow::end_chat,
                (),
                WorkflowSignalOptions::default(),
            )
            .await
            .map_err(|err| self.interaction_error(id, err))
    }

    /// Queries `get_conversation_history`.
    pub async fn history(&self, id: &WorkflowId) -> Result<Read<ConversationHistory>, ApiError> {
        let handle = self.handle(id)?;
        self.read(id, |options| {
            handle.query(AgentGoalWorkflow::get_conversation_history, (), options)
        })
        .await
    }

    /// Queries `get_conversation_usage`.
    pub async fn usage(&self, id: &WorkflowId) -> Result<Read<ConversationUsage>, ApiError> {
        let handle = self.handle(id)?;
        self.read(id, |options| {
            handle.query(AgentGoalWorkflow::get_conversation_usage, (), options)
        })
        .await
    }

    /// Queries `get_latest_tool_data`.
    pub async fn latest_tool_data(
        &self,
        id: &WorkflowId,
    ) -> Result<Read<Option<PlannerDecision>>, ApiError> {
        let handle = self.handle(id)?;
        self.read(id, |options| {
            handle.query(AgentGoalWorkflow::get_latest_tool_data, (), options)
        })
        .await
    }

    /// The latest run of the conversation, or `None` if there is no such workflow.
    pub async fn describe(&self, id: &WorkflowId) -> Result<Option<RunInfo>, ApiError> {
        match self
            .handle(id)?
            .describe(WorkflowDescribeOptions::default())
            .await
        {
            Ok(description) => Ok(Some(RunInfo {
                run_id: description.run_id().to_owned(),
                status: description.status(),
                history_length: description.history_length() as i64,
                retrying: ActivityRetry::from_pending(
                    &description.raw_description.pending_activities,
                ),
                owner: description
                    .raw_description
                    .workflow_execution_info
                    .as_ref()
                    .and_then(|info| info.search_attributes.as_ref())
                    .and_then(|attributes| SearchAttributes::from_proto(attributes).get(&OWNER)),
            })),
            Err(WorkflowInteractionError::NotFound(_)) => Ok(None),
            Err(WorkflowInteractionError::Rpc(status)) => Err(self.rpc_error(&status)),
            Err(other) => Err(ApiError::Temporal(other.to_string())),
        }
    }

    /// The events of one run as they happen: first the existing ones, then each new one as
    /// Temporal appends it (a long poll, no timer). The stream ends when the run closes.
    pub fn follow_events(
        &self,
        id: &WorkflowId,
        run_id: &str,
    ) -> Result<impl Stream<Item = Result<HistoryEvent, ApiError>> + Send + 'static, ApiError> {
        use futures::StreamExt;
        let client = self.client()?;
        let handle = WorkflowHandle::<Client, AgentGoalWorkflow>::new(
            client.clone(),
            WorkflowExecutionInfo::builder()
                .namespace(client.namespace())
                .workflow_id(id.as_str().to_owned())
                .run_id(run_id.to_owned())
                .build(),
        );
        let options = WorkflowFetchHistoryOptions::builder()
            .wait_new_event(true)
            .build();
        let address = self.settings.address.clone();
        Ok(handle.fetch_history(options).map(move |event| {
            event.map_err(|err| match err {
                WorkflowInteractionError::Rpc(status) if status.code() == Code::Unavailable => {
                    ApiError::TemporalUnreachable {
                        address: address.clone(),
                    }
                }
                other => ApiError::Temporal(other.to_string()),
            })
        }))
    }

    pub fn worker_unavailable(&self, id: &WorkflowId) -> ApiError {
        ApiError::WorkerUnavailable {
            id: id.clone(),
            task_queue: self.settings.task_queue.clone(),
        }
    }

    fn unreachable(&self) -> ApiError {
        ApiError::TemporalUnreachable {
            address: self.settings.address.clone(),
        }
    }

    fn handle(
        &self,
        id: &WorkflowId,
    ) -> Result<WorkflowHandle<Client, AgentGoalWorkflow>, ApiError> {
        Ok(self
            .client()?
            .get_workflow_handle::<AgentGoalWorkflow>(id.as_str()))
    }

    fn start_options(
        &self,
        id: &WorkflowId,
        goal: &AgentGoal,
        owner: Option<&UserId>,
    ) -> WorkflowStartOptions {
        WorkflowStartOptions::new(self.settings.task_queue.clone(), id.as_str())
            .static_summary(format!("Conversation: {}", goal.agent_name))
            .maybe_search_attributes(owner_attribute(owner))
            .build()
    }

    /// Queries fail fast when the run closed uncleanly; [`query::query_within`] sets each
    /// attempt's deadline.
    fn query_options(&self) -> WorkflowQueryOptions {
        WorkflowQueryOptions::builder()
            .reject_condition(QueryRejectCondition::NotCompletedCleanly)
            .build()
    }

    /// Runs a query (see [`query::query_within`]) and says what its answer means.
    async fn read<T, Fut>(
        &self,
        id: &WorkflowId,
        query: impl FnMut(WorkflowQueryOptions) -> Fut,
    ) -> Result<Read<T>, ApiError>
    where
        Fut: Future<Output = Result<T, WorkflowQueryError>>,
    {
        let query = query::query_within(self.query_options(), self.query_timeout, query);
        // Each RPC carries the deadline; this guard covers a client that retries past it.
        let answer = tokio::time::timeout(self.query_timeout + Duration::from_secs(1), query)
            .await
            .map_err(|_| self.worker_unavailable(id))?;
        match answer {
            Ok(value) => Ok(Read::Found(value)),
            Err(WorkflowQueryError::Rejected { .. }) => Ok(Read::ClosedUncleanly),
            Err(WorkflowQueryError::NotFound(_)) => Ok(Read::Missing),
            Err(WorkflowQueryError::Rpc(status)) if is_no_answer(&status) => {
                Err(self.worker_unavailable(id))
            }
            Err(WorkflowQueryError::Rpc(status)) => Err(self.rpc_error(&status)),
            Err(other) => Err(ApiError::Temporal(other.to_string())),
        }
    }

    fn interaction_error(&self, id: &WorkflowId, err: WorkflowInteractionError) -> ApiError {
        match err {
            WorkflowInteractionError::NotFound(_) => ApiError::ConversationNotRunning(id.clone()),
            WorkflowInteractionError::Rpc(status) => self.rpc_error(&status),
            other => ApiError::Temporal(other.to_string()),
        }
    }

    fn rpc_error(&self, status: &tonic::Status) -> ApiError {
        match status.code() {
            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => self.unreachable(),
            _ => ApiError::Temporal(status.message().to_owned()),
        }
    }
}

/// A query or update that timed out (client or server side), that the server refused
/// because nobody polls the task queue, or a query still queued behind a workflow task when
/// its time ran out: the worker is missing or stuck, not Temporal.
fn is_no_answer(status: &tonic::Status) -> bool {
    match status.code() {
        Code::DeadlineExceeded | Code::Cancelled => true,
        Code::FailedPrecondition => status.message().contains("poller"),
        Code::ResourceExhausted => query::is_buffer_full(status),
        _ => false,
    }
}

/// The search attribute that records `owner`, if there is one.
fn owner_attribute(owner: Option<&UserId>) -> Option<SearchAttributes> {
    owner.map(|owner| SearchAttributes::new([OWNER.value_set(owner.as_str().to_owned())]))
}

/// Connects with backoff until Temporal answers or the api is gone.
async fn connect_loop(temporal: Weak<Temporal>) {
    let mut delay = Duration::from_millis(200);
    loop {
        let Some(strong) = temporal.upgrade() else {
            return;
        };
        let settings = strong.settings.clone();
        drop(strong);
        match settings.connect(IDENTITY).await {
            Ok(mut client) => {
                // Fail fast when Temporal goes away later: a request answers 503 within a
                // few seconds instead of hanging in the client's retries.
                *client.connection_mut().retry_options_mut() = RetryOptions::builder()
                    .max_interval(Duration::from_secs(1))
                    .max_elapsed_time(Some(Duration::from_secs(3)))
                    .build();
                if let Some(temporal) = temporal.upgrade() {
                    if temporal.records_owners {
                        owners::ensure_attribute(&mut client).await;
                    }
                    *temporal.client.write().expect("client lock") = Some(client);
                    tracing::info!(address = %settings.address, namespace = %settings.namespace, "connected to Temporal");
                }
                return;
            }
            Err(err) => {
                tracing::warn!(error = %err, retry_in = ?delay, "Temporal is not reachable yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_RECONNECT_DELAY);
            }
        }
    }
}
