//! One LLM step as an activity attempt: call the model while heartbeating, parse the answer,
//! and classify whatever went wrong. Shared by the trip agent and the email assistant.

use temporalio_sdk::activities::{ActivityContext, ActivityError};
use tracing::{debug, info};

use crate::{
    failure::{llm_failure, unusable_answer},
    heartbeat::heartbeating,
    llm::{LlmClient, LlmStep},
};

/// Calls the model for `step` and parses its answer with `parse`. An unusable answer is
/// retried through Temporal until `max_invalid_answers` attempts saw one, then reported.
pub(crate) async fn ask_model<T>(
    llm: &LlmClient,
    max_invalid_answers: u32,
    ctx: &ActivityContext,
    step: LlmStep,
    prompt: prompts::ChatPrompt,
    parse: impl FnOnce(&str) -> Result<T, prompts::ParseError>,
) -> Result<T, ActivityError> {
    let info = ctx.info();
    let workflow_id = info.workflow_id.as_deref().unwrap_or_default();
    let attempt = info.attempt;
    info!(
        workflow_id,
        step = step.as_str(),
        attempt,
        "calling the model"
    );
    debug!(workflow_id, system = %prompt.system, user = %prompt.user, "prompt");
    let answer = heartbeating(ctx, llm.complete(step, &prompt))
        .await?
        .map_err(|err| {
            info!(workflow_id, step = step.as_str(), attempt, error = %err, retryable = err.is_retryable(), "model call failed");
            llm_failure(err)
        })?;
    debug!(workflow_id, %answer, "model answer");
    parse(&answer).map_err(|err| {
        info!(workflow_id, step = step.as_str(), attempt, error = %err, "unusable model answer");
        unusable_answer(err, attempt, max_invalid_answers)
    })
}
