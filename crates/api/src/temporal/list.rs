//! `GET /conversations`: the conversations of this deployment's task queue, read from
//! Temporal's visibility store. Each conversation describes itself in its workflow's memo
//! ([`ConversationMemo`]), so a page costs one call, not one query per conversation.

use chrono::{DateTime, SecondsFormat, Utc};
use models::{CONVERSATION_MEMO, ConversationMemo, CurrentGoal};
use serde::{Deserialize, Serialize};
use temporalio_client::{NamespacedClient, grpc::WorkflowService, tonic::IntoRequest};
use temporalio_common::protos::temporal::api::{
    enums::v1::WorkflowExecutionStatus, workflow::v1::WorkflowExecutionInfo,
    workflowservice::v1::ListWorkflowExecutionsRequest,
};
use utoipa::ToSchema;

use super::Temporal;
use crate::{
    auth::UserId,
    error::ApiError,
    prices::{PriceTable, UsageReport},
};

/// One conversation as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationSummary {
    pub workflow_id: String,
    /// The first user message, later the model's short summary; null before the user wrote.
    pub title: Option<String>,
    pub status: ConversationStatus,
    /// The agent it talks to now.
    pub goal: Option<CurrentGoal>,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// When it last changed (RFC 3339, UTC).
    pub updated_at: String,
    /// Tokens its model calls used so far.
    pub tokens: Option<u64>,
    /// What they cost in US dollars; null when a model used has no known price.
    pub cost_usd: Option<f64>,
}

/// Where a conversation stands, as Temporal says of its latest run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Running,
    Completed,
    Failed,
    Canceled,
    Terminated,
    TimedOut,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConversationsPage {
    pub conversations: Vec<ConversationSummary>,
    /// Pass it back as `page_token` for the next page; null on the last page.
    pub next_page_token: Option<String>,
}

impl Temporal {
    /// A page of conversations: running ones first (newest first), then finished ones (most
    /// recently finished first), as Temporal's visibility store orders them. Runs that
    /// continued as new are left out: each conversation appears once, as its latest run.
    pub async fn conversations(
        &self,
        prices: &PriceTable,
        page_size: u32,
        page_token: Option<&str>,
        owner: Option<&UserId>,
    ) -> Result<ConversationsPage, ApiError> {
        let next_page_token = page_token
            .map(|token| unhex(token).ok_or(ApiError::BadPageToken))
            .transpose()?
            .unwrap_or_default();
        let mut client = self.client()?;
        let query = format!(
            "WorkflowType = '{}' AND TaskQueue = '{}' AND ExecutionStatus != 'ContinuedAsNew'{}",
            workflows::WORKFLOW_TYPE,
            self.settings.task_queue.replace('\'', ""),
            super::owners::owner_clause(owner),
        );
        let mut request = ListWorkflowExecutionsRequest {
            namespace: client.namespace(),
            page_size: i32::try_from(page_size).unwrap_or(i32::MAX),
            next_page_token,
            query,
        }
        .into_request();
        request.set_timeout(self.query_timeout);
        let answer = WorkflowService::list_workflow_executions(&mut client, request)
            .await
            .map_err(|status| match status.code() {
                temporalio_client::tonic::Code::InvalidArgument => ApiError::BadPageToken,
                _ => self.rpc_error(&status),
            })?
            .into_inner();
        Ok(ConversationsPage {
            conversations: answer
                .executions
                .iter()
                .map(|info| summary(info, prices))
                .collect(),
            next_page_token: (!answer.next_page_token.is_empty())
                .then(|| hex(&answer.next_page_token)),
        })
    }
}

fn summary(info: &WorkflowExecutionInfo, prices: &PriceTable) -> ConversationSummary {
    let memo: ConversationMemo = info
        .memo
        .as_ref()
        .and_then(|memo| memo.fields.get(CONVERSATION_MEMO))
        .and_then(|payload| serde_json::from_slice(&payload.data).ok())
        .unwrap_or_default();
    let started = info
        .start_time
        .as_ref()
        .map(|t| timestamp(t.seconds, t.nanos))
        .unwrap_or_default();
    let changed = match (memo.updated_at_ms, info.close_time.as_ref()) {
        (_, Some(closed)) => Some(timestamp(closed.seconds, closed.nanos)),
        (0, None) => None,
        (ms, None) => DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX)),
    };
    let usage = UsageReport::new(prices, &memo.usage);
    ConversationSummary {
        workflow_id: info
            .execution
            .as_ref()
            .map(|e| e.workflow_id.clone())
            .unwrap_or_default(),
        title: memo.title,
        status: status_of(info.status),
        goal: memo.goal,
        started_at: rfc3339(started),
        updated_at: rfc3339(changed.unwrap_or(started).max(started)),
        tokens: Some(usage.prompt_tokens + usage.completion_tokens),
        cost_usd: usage.cost_usd,
    }
}

fn status_of(status: i32) -> ConversationStatus {
    match WorkflowExecutionStatus::try_from(status) {
        Ok(WorkflowExecutionStatus::Completed) => ConversationStatus::Completed,
        Ok(WorkflowExecutionStatus::Failed) => ConversationStatus::Failed,
        Ok(WorkflowExecutionStatus::Canceled) => ConversationStatus::Canceled,
        Ok(WorkflowExecutionStatus::Terminated) => ConversationStatus::Terminated,
        Ok(WorkflowExecutionStatus::TimedOut) => ConversationStatus::TimedOut,
        _ => ConversationStatus::Running,
    }
}

fn timestamp(seconds: i64, nanos: i32) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, u32::try_from(nanos).unwrap_or(0)).unwrap_or_default()
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Temporal's page token travels in a query string as hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(2) || text.len() > 8192 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_survive_the_query_string_and_garbage_is_refused() {
        let token = [0u8, 1, 127, 200, 255];
        assert_eq!(unhex(&hex(&token)).as_deref(), Some(&token[..]));
        for bad in ["", "abc", "zz", "0g"] {
            assert_eq!(unhex(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_run_without_a_memo_still_lists_with_its_start_time() {
        let mut info = WorkflowExecutionInfo {
            start_time: Some(Default::default()),
            ..Default::default()
        };
        if let Some(start) = info.start_time.as_mut() {
            start.seconds = 1_800_000_000;
        }
        let row = summary(&info, &PriceTable::new(None).unwrap());
        assert_eq!(row.title, None);
        assert_eq!(row.status, ConversationStatus::Running);
        assert_eq!(row.started_at, "2027-01-15T08:00:00.000Z");
        assert_eq!(row.updated_at, row.started_at);
        assert_eq!(row.tokens, Some(0));
    }
}
