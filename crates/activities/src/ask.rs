//! One LLM step as an activity attempt: call the model while heartbeating, parse the answer,
//! and classify whatever went wrong. Shared by the trip agent and the email assistant.

use models::LlmUsage;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use tracing::{debug, info};

use crate::{
    failure::{llm_failure, unusable_answer},
    heartbeat::heartbeating,
    llm::{Completion, LlmClient, LlmError, LlmStep},
};

/// A parsed answer and what the call used.
pub(crate) struct Answer<T> {
    pub value: T,
    pub usage: Option<LlmUsage>,
}

/// Calls the model for `step` and parses its answer with `parse`. An unusable answer is
/// retried through Temporal until `max_invalid_answers` attempts saw one, then reported.
pub(crate) async fn ask_model<T>(
    llm: &LlmClient,
    max_invalid_answers: u32,
    ctx: &ActivityContext,
    step: LlmStep,
    prompt: prompts::ChatPrompt,
    parse: impl FnOnce(&str) -> Result<T, prompts::ParseError>,
) -> Result<Answer<T>, ActivityError> {
    log_call(ctx, step, &prompt);
    let completion = heartbeating(ctx, llm.complete(step, &prompt)).await?;
    finish(llm, ctx, step, max_invalid_answers, completion, parse)
}

/// Like [`ask_model`], with the answer streamed: `on_text` sees each piece as it arrives.
pub(crate) async fn ask_model_streaming<T>(
    llm: &LlmClient,
    max_invalid_answers: u32,
    ctx: &ActivityContext,
    step: LlmStep,
    prompt: prompts::ChatPrompt,
    parse: impl FnOnce(&str) -> Result<T, prompts::ParseError>,
    on_text: impl FnMut(&str) + Send,
) -> Result<Answer<T>, ActivityError> {
    log_call(ctx, step, &prompt);
    let completion = heartbeating(ctx, llm.stream(step, &prompt, on_text)).await?;
    finish(llm, ctx, step, max_invalid_answers, completion, parse)
}

fn log_call(ctx: &ActivityContext, step: LlmStep, prompt: &prompts::ChatPrompt) {
    let info = ctx.info();
    let workflow_id = info.workflow_id.as_deref().unwrap_or_default();
    info!(
        workflow_id,
        step = step.as_str(),
        attempt = info.attempt,
        "calling the model"
    );
    debug!(workflow_id, system = %prompt.system, event = ?prompt.event, user = %prompt.user, "prompt");
}

fn finish<T>(
    llm: &LlmClient,
    ctx: &ActivityContext,
    step: LlmStep,
    max_invalid_answers: u32,
    completion: Result<Completion, LlmError>,
    parse: impl FnOnce(&str) -> Result<T, prompts::ParseError>,
) -> Result<Answer<T>, ActivityError> {
    let info = ctx.info();
    let workflow_id = info.workflow_id.as_deref().unwrap_or_default();
    let attempt = info.attempt;
    let completion = completion.map_err(|err| {
        info!(workflow_id, step = step.as_str(), attempt, error = %err, retryable = err.is_retryable(), "model call failed");
        llm_failure(err)
    })?;
    debug!(workflow_id, answer = %completion.text, "model answer");
    let value = parse(&completion.text).map_err(|err| {
        info!(workflow_id, step = step.as_str(), attempt, error = %err, "unusable model answer");
        unusable_answer(err, attempt, max_invalid_answers)
    })?;
    Ok(Answer {
        value,
        usage: completion.usage.map(|tokens| LlmUsage {
            model: llm.configured_model().to_owned(),
            prompt_tokens: tokens.prompt_tokens,
            completion_tokens: tokens.completion_tokens,
        }),
    })
}
