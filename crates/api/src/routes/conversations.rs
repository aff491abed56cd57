//! Starting, signalling and reading conversations: the endpoints of the Python original,
//! with the same paths, parameters and response shapes.

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use models::{ConfirmRequest, ConversationHistory, DeclineRequest, PlannerDecision};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiJson, ApiQuery, ConversationParams, MessageResponse, admit_start, conversation_or_default,
};
use crate::{
    AppState,
    auth::Caller,
    domain::{UserPrompt, WorkflowId},
    error::{ApiError, ErrorBody},
    temporal::{Access, Read, Started},
};

/// `/send-prompt`'s parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PromptParams {
    /// The conversation; default `agent-workflow`.
    pub workflow_id: Option<String>,
    /// What the user typed: not blank, at most 8 KiB of UTF-8.
    pub prompt: Option<String>,
}

/// `/confirm`'s parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfirmParams {
    /// The conversation; default `agent-workflow`.
    pub workflow_id: Option<String>,
    /// The proposal the user saw (its `proposal_id`): if a newer one waits, nothing runs
    /// and the answer is 409. Default: whatever proposal waits.
    pub proposal: Option<String>,
}

/// `/confirm`'s optional body: the proposed tool's arguments as the user edited them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// Replaces the proposed tool's arguments: every name must be one of the tool's and
    /// every required argument needs a value (else 400 and nothing runs). Only when a single
    /// tool is proposed.
    #[schema(value_type = std::collections::BTreeMap<String, serde_json::Value>)]
    pub args: serde_json::Map<String, serde_json::Value>,
}

/// `/decline`'s parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeclineParams {
    /// The conversation; default `agent-workflow`.
    pub workflow_id: Option<String>,
    /// The proposal the user saw (its `proposal_id`); as for `/confirm`.
    pub proposal: Option<String>,
    /// Why, in the user's words (at most 8 KiB); the agent hears it.
    pub reason: Option<String>,
}

/// What `/confirm` ran or `/decline` dropped.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProposalResponse {
    pub message: String,
    pub workflow_id: String,
    /// The proposal acted on.
    pub proposal_id: Option<String>,
    /// Each tool with its arguments; after a confirm, with what it returned.
    pub tool_calls: Vec<models::ToolRun>,
}

/// `GET /conversations`' parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Conversations per page: 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
    /// The previous page's `next_page_token`.
    pub page_token: Option<String>,
}

/// `/start-workflow`'s parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartParams {
    /// The conversation; default `agent-workflow`.
    pub workflow_id: Option<String>,
    /// The goal to pursue (an id from `GET /goals`); default `AGENT_GOAL`.
    pub goal: Option<String>,
}

#[utoipa::path(
    post,
    path = "/start-workflow",
    tag = "conversations",
    summary = "Start a conversation",
    description = "Starts the agent with its greeting queued. Without `workflow_id` it starts \
        (or returns) the default conversation, `agent-workflow`, like every other endpoint. A \
        conversation that is already running is left as it is (whatever `goal` says); one that \
        has finished gets a new run.",
    params(StartParams),
    responses(
        (status = 200, description = "Started, or already running", body = MessageResponse),
        (status = 400, description = "Bad workflow_id, or a goal no goal file has", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn start_workflow(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<StartParams>,
) -> Result<Json<MessageResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    let goal = state.temporal.goals().choose(params.goal.as_deref())?;
    admit_start(&state, &caller, &id).await?;
    let message = match state.temporal.start(&id, goal, caller.user()).await? {
        Started::New => format!("Conversation {id} started."),
        Started::AlreadyRunning => {
            format!("Conversation {id} is already running; nothing was changed.")
        }
    };
    state.watchers.poke(&id);
    Ok(Json(MessageResponse {
        message,
        workflow_id: id.to_string(),
    }))
}

#[utoipa::path(
    post,
    path = "/send-prompt",
    tag = "conversations",
    summary = "Send the user's message",
    description = "Signals `user_prompt`. A conversation that is not running is started first \
        (its greeting, then this prompt).",
    params(PromptParams),
    responses(
        (status = 200, description = "Prompt delivered", body = MessageResponse),
        (status = 400, description = "Bad workflow_id, or a missing or blank prompt", body = ErrorBody),
        (status = 413, description = "Prompt longer than 8 KiB", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn send_prompt(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<PromptParams>,
) -> Result<Json<MessageResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    let prompt = UserPrompt::parse(params.prompt.as_deref())?;
    admit_start(&state, &caller, &id).await?;
    state
        .temporal
        .send_prompt(&id, &prompt, caller.user())
        .await?;
    state.watchers.poke(&id);
    Ok(Json(MessageResponse {
        message: format!("Prompt '{}' sent to conversation {id}.", prompt.as_str()),
        workflow_id: id.to_string(),
    }))
}

#[utoipa::path(
    post,
    path = "/confirm",
    tag = "conversations",
    summary = "Run the proposed tools",
    description = "Runs the `confirm_proposal` update: the waiting proposal's tools run \
        (several proposed together run at once) and the answer comes once they finished, with \
        each tool's result. An optional JSON body `{\"args\": {...}}` runs the single proposed \
        tool with edited arguments, checked against its argument list first.",
    params(ConfirmParams),
    request_body(content = Option<ConfirmBody>, description = "Edited arguments (optional)"),
    responses(
        (status = 200, description = "The tools ran", body = ProposalResponse),
        (status = 400, description = "Bad workflow_id or body, or edited arguments that do not fit the tool (nothing ran)", body = ErrorBody),
        (status = 404, description = "No such running conversation, or no worker answered", body = ErrorBody),
        (status = 409, description = "Nothing waits for a confirm, or `proposal` is not the waiting one", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
        (status = 504, description = "Confirmed, but the tools are still running", body = ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ConfirmParams>,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> Result<Json<ProposalResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    running_for(&state, &caller, &id).await?;
    let request = ConfirmRequest {
        proposal_id: params.proposal,
        args: body.map(|body| body.args),
    };
    state.watchers.poke(&id);
    let outcome = state.temporal.confirm_proposal(&id, request).await?;
    let names = outcome.tool_names();
    Ok(Json(ProposalResponse {
        message: format!("Ran {names} in conversation {id}."),
        workflow_id: id.to_string(),
        proposal_id: outcome.proposal_id,
        tool_calls: outcome.tool_calls,
    }))
}

#[utoipa::path(
    post,
    path = "/decline",
    tag = "conversations",
    summary = "Decline the proposed tools",
    description = "Runs the `decline_proposal` update: the waiting proposal does not run; the \
        agent hears that the user declined (and `reason`, if given) and answers.",
    params(DeclineParams),
    responses(
        (status = 200, description = "Declined", body = ProposalResponse),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
        (status = 404, description = "No such running conversation, or no worker answered", body = ErrorBody),
        (status = 409, description = "Nothing waits for a confirm, or `proposal` is not the waiting one", body = ErrorBody),
        (status = 413, description = "Reason longer than 8 KiB", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn decline(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<DeclineParams>,
) -> Result<Json<ProposalResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    running_for(&state, &caller, &id).await?;
    let reason = params
        .reason
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| UserPrompt::parse(Some(r)).map(|p| p.as_str().to_owned()))
        .transpose()?;
    let request = DeclineRequest {
        proposal_id: params.proposal,
        reason,
    };
    let outcome = state.temporal.decline_proposal(&id, request).await?;
    state.watchers.poke(&id);
    let names = outcome.tool_names();
    Ok(Json(ProposalResponse {
        message: format!("Declined {names} in conversation {id}; nothing ran."),
        workflow_id: id.to_string(),
        proposal_id: outcome.proposal_id,
        tool_calls: outcome.tool_calls,
    }))
}

#[utoipa::path(
    get,
    path = "/conversations",
    tag = "conversations",
    summary = "List conversations",
    description = "The conversations on this deployment's task queue, from Temporal's \
        visibility store: running ones first (newest first), then finished ones (most recently \
        finished first). Each appears once, whatever its continue-as-new runs. Paged: pass \
        `next_page_token` back as `page_token`.",
    params(ListParams),
    responses(
        (status = 200, description = "One page", body = crate::temporal::ConversationsPage),
        (status = 400, description = "Bad page_size or page_token", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn list_conversations(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<crate::temporal::ConversationsPage>, ApiError> {
    let page_size = params.page_size.unwrap_or(20);
    if !(1..=100).contains(&page_size) {
        return Err(ApiError::BadQuery(
            "page_size must be between 1 and 100".into(),
        ));
    }
    let page = state
        .temporal
        .conversations(
            &state.settings.prices,
            page_size,
            params.page_token.as_deref(),
            caller.user(),
        )
        .await?;
    Ok(Json(page))
}

#[utoipa::path(
    post,
    path = "/end-chat",
    tag = "conversations",
    summary = "End the conversation",
    description = "Signals `end_chat`; the workflow completes with its history.",
    params(ConversationParams),
    responses(
        (status = 200, description = "End requested", body = MessageResponse),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
        (status = 404, description = "No such running conversation", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn end_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<MessageResponse>, ApiError> {
    let id = params.conversation()?;
    running_for(&state, &caller, &id).await?;
    state.temporal.end_chat(&id).await?;
    Ok(Json(MessageResponse {
        message: format!("Conversation {id} is ending."),
        workflow_id: id.to_string(),
    }))
}

#[utoipa::path(
    get,
    path = "/get-conversation-history",
    tag = "conversations",
    summary = "Read the conversation",
    description = "Queries `get_conversation_history` (5 s timeout). A run that was terminated, \
        cancelled, failed or timed out gives `[]`, and so does a conversation that does not \
        exist (reading never starts one). Finished conversations still answer with their \
        final history.",
    params(ConversationParams),
    responses(
        (status = 200, description = "The history, or `[]`", body = crate::openapi::HistoryReply),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
        (status = 404, description = "No worker answered the query", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn get_conversation_history(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Response, ApiError> {
    let id = params.conversation()?;
    let history: Read<ConversationHistory> =
        match state.temporal.access(&caller, &id, false).await? {
            Access::Visible(_) => state.temporal.history(&id).await?,
            Access::Hidden => Read::Missing,
        };
    Ok(match history {
        Read::Found(history) => Json(history).into_response(),
        // Reading a conversation that does not exist does not start one: a page that is only
        // looked at leaves nothing running. The first message starts it (`/send-prompt`).
        Read::ClosedUncleanly | Read::Missing => Json(json!([])).into_response(),
    })
}

#[utoipa::path(
    get,
    path = "/get-latest-tool-data",
    tag = "conversations",
    summary = "Read the agent's latest decision",
    description = "Queries `get_latest_tool_data`: the planner's latest answer, or null before \
        the first one. Null too for a conversation that does not exist (it is not started) \
        or whose run was terminated, cancelled, failed or timed out.",
    params(ConversationParams),
    responses(
        (status = 200, description = "The latest planner decision, or null", body = Option<models::PlannerDecision>),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
        (status = 404, description = "No worker answered the query", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn get_latest_tool_data(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<Option<PlannerDecision>>, ApiError> {
    let id = params.conversation()?;
    if let Access::Hidden = state.temporal.access(&caller, &id, false).await? {
        return Ok(Json(None));
    }
    Ok(Json(match state.temporal.latest_tool_data(&id).await? {
        Read::Found(tool_data) => tool_data,
        Read::ClosedUncleanly | Read::Missing => None,
    }))
}

#[utoipa::path(
    get,
    path = "/get-conversation-usage",
    tag = "conversations",
    summary = "What the conversation's model calls used and cost",
    description = "Queries `get_conversation_usage`: tokens by step and model, summed across \
        continue-as-new, priced per model (`data/model_prices.json`, `LLM_PRICES`). \
        `cost_usd` is null when a model used has no known price.",
    params(ConversationParams),
    responses(
        (status = 200, description = "Usage and cost", body = crate::prices::UsageReport),
        (status = 400, description = "Bad workflow_id", body = ErrorBody),
        (status = 404, description = "No such conversation, or no worker answered", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn get_conversation_usage(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<crate::prices::UsageReport>, ApiError> {
    let id = params.conversation()?;
    running_for(&state, &caller, &id).await?;
    match state.temporal.usage(&id).await? {
        Read::Found(usage) => Ok(Json(crate::prices::UsageReport::new(
            &state.settings.prices,
            &usage,
        ))),
        Read::ClosedUncleanly | Read::Missing => Err(ApiError::ConversationNotRunning(id)),
    }
}

/// 404, as for an id nobody uses, when the conversation is someone else's.
async fn running_for(state: &AppState, caller: &Caller, id: &WorkflowId) -> Result<(), ApiError> {
    match state.temporal.access(caller, id, false).await? {
        Access::Visible(_) => Ok(()),
        Access::Hidden => Err(ApiError::ConversationNotRunning(id.clone())),
    }
}
