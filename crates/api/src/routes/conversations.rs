//! Starting, signalling and reading conversations: the endpoints of the Python original,
//! with the same paths, parameters and response shapes.

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use models::{ConversationHistory, PlannerDecision};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{ApiQuery, ConversationParams, MessageResponse, conversation_or_default};
use crate::{
    AppState,
    domain::UserPrompt,
    error::{ApiError, ErrorBody},
    temporal::{Read, Started},
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
    /// `true`: wait until the workflow took the confirmation and say whether a tool was
    /// waiting for it. Default `false`: just send the `confirm` signal.
    pub wait: Option<bool>,
}

/// `/confirm?wait=true`'s answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConfirmedResponse {
    pub message: String,
    /// True when a proposed tool was waiting and will run now; false when nothing waited.
    pub confirmed: bool,
    /// The tool that will run.
    pub tool: Option<String>,
    pub workflow_id: String,
}

/// `/confirm`'s answer: the plain message, or with `wait=true` what was confirmed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConfirmResponse {
    Waited(ConfirmedResponse),
    Sent(MessageResponse),
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
    ApiQuery(params): ApiQuery<StartParams>,
) -> Result<Json<MessageResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    let goal = state.temporal.goals().choose(params.goal.as_deref())?;
    let message = match state.temporal.start(&id, goal).await? {
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
    ApiQuery(params): ApiQuery<PromptParams>,
) -> Result<Json<MessageResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    let prompt = UserPrompt::parse(params.prompt.as_deref())?;
    state.temporal.send_prompt(&id, &prompt).await?;
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
    summary = "Confirm the proposed tool",
    description = "Signals `confirm`. With `wait=true` runs the `confirm_tool` update instead \
        and answers once the workflow took it, saying whether a tool was waiting.",
    params(ConfirmParams),
    responses(
        (status = 200, description = "Confirmation delivered", body = ConfirmResponse),
        (status = 400, description = "Bad workflow_id or wait", body = ErrorBody),
        (status = 404, description = "No such running conversation, or (wait=true) no worker answered", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ConfirmParams>,
) -> Result<Json<ConfirmResponse>, ApiError> {
    let id = conversation_or_default(params.workflow_id.as_deref())?;
    if !params.wait.unwrap_or(false) {
        state.temporal.confirm(&id).await?;
        return Ok(Json(ConfirmResponse::Sent(MessageResponse {
            message: format!("Confirmation sent to conversation {id}."),
            workflow_id: id.to_string(),
        })));
    }
    let outcome = state.temporal.confirm_and_wait(&id).await?;
    let message = match (&outcome.confirmed, &outcome.tool) {
        (true, Some(tool)) => format!("Confirmed {tool} in conversation {id}; it runs now."),
        (true, None) => format!("Confirmed the proposed tool in conversation {id}."),
        (false, _) => format!("Nothing to confirm in conversation {id}: no tool is waiting."),
    };
    Ok(Json(ConfirmResponse::Waited(ConfirmedResponse {
        message,
        confirmed: outcome.confirmed,
        tool: outcome.tool,
        workflow_id: id.to_string(),
    })))
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
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<MessageResponse>, ApiError> {
    let id = params.conversation()?;
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
        cancelled, failed or timed out gives `[]`; a conversation that does not exist is \
        started and gives `[]`. Finished conversations still answer with their final history.",
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
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Response, ApiError> {
    let id = params.conversation()?;
    let history: Read<ConversationHistory> = state.temporal.history(&id).await?;
    Ok(match history {
        Read::Found(history) => Json(history).into_response(),
        Read::ClosedUncleanly => Json(json!([])).into_response(),
        Read::Missing => {
            // The Python original's UI relies on this: opening the page starts the chat.
            let goal = state.temporal.goals().choose(None)?;
            state.temporal.start(&id, goal).await?;
            state.watchers.poke(&id);
            Json(json!([])).into_response()
        }
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
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<Option<PlannerDecision>>, ApiError> {
    let id = params.conversation()?;
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
    ApiQuery(params): ApiQuery<ConversationParams>,
) -> Result<Json<crate::prices::UsageReport>, ApiError> {
    let id = params.conversation()?;
    match state.temporal.usage(&id).await? {
        Read::Found(usage) => Ok(Json(crate::prices::UsageReport::new(
            &state.settings.prices,
            &usage,
        ))),
        Read::ClosedUncleanly | Read::Missing => Err(ApiError::ConversationNotRunning(id)),
    }
}
