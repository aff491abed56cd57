//! The email assistant's endpoints, under `/email/`: start an email, ask for changes in
//! words, save the draft being typed, cancel, read and follow it. Each email is one
//! `EmailAgentWorkflow`; every endpoint but `start` names it with `workflow_id`, and the
//! ones that change it answer with the email as it stands afterwards ([`EmailView`]).

use std::time::Duration;

use axum::{Json, extract::State, response::Response};
use models::{ConversationHistory, EmailStatus, EmailView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, admit_start, record_conversation};
use crate::{
    AppState,
    auth::Caller,
    domain::{EmailText, TimeZoneName, WorkflowId},
    error::{ApiError, ErrorBody},
    events,
    temporal::{Access, Read},
};

/// The longest `start` waits for a new email's first answer before it returns what it
/// knows instead.
const FIRST_ANSWER_WAIT: Duration = Duration::from_secs(2);

/// The email a request is about.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmailParams {
    /// The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
    /// with a letter or digit. Required, except by `/email/start`, which makes one up
    /// (`email-...`) when it is missing.
    pub workflow_id: Option<String>,
}

impl EmailParams {
    fn email(&self) -> Result<WorkflowId, ApiError> {
        let raw = self
            .workflow_id
            .as_deref()
            .ok_or_else(|| ApiError::BadQuery("workflow_id is required".into()))?;
        let id = WorkflowId::parse(raw)?;
        record_conversation(&id);
        Ok(id)
    }
}

/// `/email/start`'s optional body.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct StartEmailBody {
    /// The user's IANA time zone (`Europe/Berlin`); times such as "tomorrow 9am" are read
    /// in it. Default `UTC`.
    pub time_zone: Option<String>,
}

/// The body of `/email/request` and `/email/save-draft`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EmailTextBody {
    /// At most 8 KiB of UTF-8. A request must say something; a draft may be empty (which
    /// clears it).
    pub text: String,
}

/// `/email/save-draft`'s answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DraftSaved {
    pub saved: bool,
    /// The saved draft's length in bytes of UTF-8.
    pub bytes: usize,
}

#[utoipa::path(
    post,
    path = "/email/start",
    operation_id = "email_start",
    tag = "email",
    summary = "Start an email",
    description = "Starts the email assistant for one email. Without `workflow_id` a fresh id \
        (`email-...`) is made. An email that is already running is returned unchanged; one \
        that has finished gets a new run. Right after the start the answer may be the \
        `initialized` email, before the workflow has checked how email is delivered.",
    params(EmailParams),
    request_body(content = Option<StartEmailBody>, content_type = "application/json"),
    responses(
        (status = 200, description = "The email", body = models::EmailView),
        (status = 400, description = "Bad workflow_id, body or time_zone", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<EmailParams>,
    ApiJson(body): ApiJson<StartEmailBody>,
) -> Result<Json<EmailView>, ApiError> {
    let id = match params.workflow_id.as_deref() {
        Some(raw) => WorkflowId::parse(raw)?,
        None => WorkflowId::generate_email(),
    };
    record_conversation(&id);
    let time_zone = match body.unwrap_or_default().time_zone {
        Some(raw) => TimeZoneName::parse(&raw)?,
        None => TimeZoneName::utc(),
    };
    admit_start(&state, &caller, &id).await?;
    state
        .temporal
        .start_email(&id, &time_zone, caller.user())
        .await?;
    state.email_watchers.poke(&id);
    let wait = state.temporal.query_timeout().min(FIRST_ANSWER_WAIT);
    let view = match state.temporal.describe_email(&id, wait).await {
        Ok(Read::Found(view)) => view,
        // Started, but not answering yet (no worker, or still busy): say what is known.
        Ok(_) | Err(_) => just_started(&id, &time_zone),
    };
    Ok(Json(view))
}

#[utoipa::path(
    get,
    path = "/email/describe",
    operation_id = "email_describe",
    tag = "email",
    summary = "Read an email",
    description = "Queries `describe`: status, request, draft, recipient, subject, body, send \
        time, the assistant's replies. Finished emails (sent, canceled, failed) answer too.",
    params(EmailParams),
    responses(
        (status = 200, description = "The email", body = models::EmailView),
        (status = 400, description = "Bad or missing workflow_id", body = ErrorBody),
        (status = 404, description = "No such email, or no worker answered", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn describe(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<EmailParams>,
) -> Result<Json<EmailView>, ApiError> {
    let id = email_of(&state, &caller, &params).await?;
    Ok(Json(state.temporal.email_view(&id).await?))
}

#[utoipa::path(
    post,
    path = "/email/request",
    operation_id = "email_request",
    tag = "email",
    summary = "Ask the assistant for a change",
    description = "Runs the `send_request` update: write, revise, translate, reschedule or \
        cancel the email in words (\"write to ana@example.com about lunch, send it tomorrow \
        9am\"). Taken only while the email is waiting or scheduled; a request to a scheduled \
        email stops its timer until the assistant has answered. Answers the email once the \
        workflow has taken the request (status `processing`); follow `/email/events` for the \
        assistant's answer.",
    params(EmailParams),
    request_body(content = EmailTextBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The email, with the request taken", body = models::EmailView),
        (status = 400, description = "Bad workflow_id or body, or blank text", body = ErrorBody),
        (status = 404, description = "No such email, or no worker answered", body = ErrorBody),
        (status = 409, description = "The email takes no request now; the detail says why", body = ErrorBody),
        (status = 413, description = "Text longer than 8 KiB", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn request(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<EmailParams>,
    ApiJson(body): ApiJson<EmailTextBody>,
) -> Result<Json<EmailView>, ApiError> {
    let id = email_of(&state, &caller, &params).await?;
    let text = EmailText::request(&required(body)?.text)?;
    state.temporal.send_email_request(&id, text).await?;
    state.email_watchers.poke(&id);
    Ok(Json(state.temporal.email_view(&id).await?))
}

#[utoipa::path(
    post,
    path = "/email/save-draft",
    operation_id = "email_save_draft",
    tag = "email",
    summary = "Save what the user is typing",
    description = "Runs the `save_draft` update, so a reload finds the request box as it was. \
        An empty text clears the draft. Refused once the email has finished.",
    params(EmailParams),
    request_body(content = EmailTextBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Saved", body = DraftSaved),
        (status = 400, description = "Bad workflow_id or body", body = ErrorBody),
        (status = 404, description = "No such email, or no worker answered", body = ErrorBody),
        (status = 409, description = "The email has finished; the detail says how", body = ErrorBody),
        (status = 413, description = "Text longer than 8 KiB", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn save_draft(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<EmailParams>,
    ApiJson(body): ApiJson<EmailTextBody>,
) -> Result<Json<DraftSaved>, ApiError> {
    let id = email_of(&state, &caller, &params).await?;
    let text = EmailText::draft(&required(body)?.text)?;
    let bytes = state.temporal.save_email_draft(&id, text).await?;
    Ok(Json(DraftSaved { saved: true, bytes }))
}

#[utoipa::path(
    post,
    path = "/email/cancel",
    operation_id = "email_cancel",
    tag = "email",
    summary = "Cancel the email",
    description = "Runs the `cancel` update: the email ends as `canceled` and nothing is sent. \
        Refused once the email is being sent or has finished.",
    params(EmailParams),
    responses(
        (status = 200, description = "The email", body = models::EmailView),
        (status = 400, description = "Bad or missing workflow_id", body = ErrorBody),
        (status = 404, description = "No such email, or no worker answered", body = ErrorBody),
        (status = 409, description = "Too late to cancel; the detail says why", body = ErrorBody),
        (status = 503, description = "Temporal is not reachable", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<EmailParams>,
) -> Result<Json<EmailView>, ApiError> {
    let id = email_of(&state, &caller, &params).await?;
    state.temporal.cancel_email(&id).await?;
    state.email_watchers.poke(&id);
    // The workflow finishes in the same step that takes the cancel, so this reads it as
    // canceled; a short second look covers a worker that answered the update first.
    let mut view = state.temporal.email_view(&id).await?;
    for _ in 0..20 {
        if view.status.is_final() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        view = state.temporal.email_view(&id).await?;
    }
    Ok(Json(view))
}

#[utoipa::path(
    get,
    path = "/email/events",
    operation_id = "email_events",
    tag = "email",
    summary = "Follow an email (Server-Sent Events)",
    description = "A `text/event-stream` of `status` events (data: an EmailStreamStatus) and \
        `email` events (data: the email, as `/email/describe` answers it), each sent on \
        connect and whenever it changes, with keep-alive comments in between.",
    params(EmailParams, events::TicketParam),
    responses(
        (status = 200, description = "The event stream", content_type = "text/event-stream", body = String),
        (status = 400, description = "Bad or missing workflow_id", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<EmailParams>,
) -> Result<Response, ApiError> {
    let id = params.email()?;
    Ok(events::stream_response(
        &state,
        &state.email_watchers,
        &id,
        caller,
    ))
}

/// The email the request names; 404, as for an id nobody uses, when it is someone else's.
async fn email_of(
    state: &AppState,
    caller: &Caller,
    params: &EmailParams,
) -> Result<WorkflowId, ApiError> {
    let id = params.email()?;
    match state.temporal.access(caller, &id, false).await? {
        Access::Visible(_) => Ok(id),
        Access::Hidden => Err(ApiError::EmailNotFound(id)),
    }
}

fn required(body: Option<EmailTextBody>) -> Result<EmailTextBody, ApiError> {
    body.ok_or_else(|| ApiError::BadBody(r#"a JSON body {"text": "..."} is required"#.into()))
}

/// A just-started email, before its workflow has answered a query.
fn just_started(id: &WorkflowId, time_zone: &TimeZoneName) -> EmailView {
    EmailView {
        workflow_id: id.to_string(),
        status: EmailStatus::Initialized,
        request: None,
        draft: String::new(),
        recipient: None,
        subject: None,
        body: None,
        scheduled_at: None,
        scheduled_at_text: None,
        time_zone: time_zone.as_str().to_owned(),
        reply: None,
        messages: ConversationHistory::default(),
        setup: None,
        receipt: None,
        failure: None,
    }
}
