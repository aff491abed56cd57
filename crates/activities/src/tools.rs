//! One Temporal activity per tool, each registered under the tool's exact name.
//!
//! The methods are one-liners: the activity type the workflow asked for is the tool's
//! name, and the registry does the rest. Adding a tool means a registry entry plus one
//! method here; the workflow never changes.

use std::sync::Arc;

use serde_json::Value;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use tools::{ToolCall, ToolRegistry};
use tracing::info;

use crate::{failure::tool_failure, heartbeat::heartbeating};

pub struct ToolActivities {
    registry: ToolRegistry,
}

impl ToolActivities {
    pub fn new(registry: ToolRegistry) -> Self {
        Self { registry }
    }

    async fn run(&self, ctx: &ActivityContext, args: Value) -> Result<Value, ActivityError> {
        let info = ctx.info();
        let call = ToolCall {
            workflow_id: info.workflow_id.clone().unwrap_or_default(),
            run_id: info.workflow_run_id.clone().unwrap_or_default(),
            call_id: info.activity_id.clone(),
        };
        let tool = info.activity_type.as_str();
        info!(workflow_id = %call.workflow_id, tool, call_id = %call.call_id, attempt = info.attempt, "running tool");
        heartbeating(ctx, self.registry.run(tool, args, &call))
            .await?
            .map_err(tool_failure)
    }
}

#[activities]
impl ToolActivities {
    #[activity(name = "FindEvents")]
    pub async fn find_events(
        self: Arc<Self>,
        ctx: ActivityContext,
        args: Value,
    ) -> Result<Value, ActivityError> {
        self.run(&ctx, args).await
    }

    #[activity(name = "SearchFlights")]
    pub async fn search_flights(
        self: Arc<Self>,
        ctx: ActivityContext,
        args: Value,
    ) -> Result<Value, ActivityError> {
        self.run(&ctx, args).await
    }

    #[activity(name = "CreateInvoice")]
    pub async fn create_invoice(
        self: Arc<Self>,
        ctx: ActivityContext,
        args: Value,
    ) -> Result<Value, ActivityError> {
        self.run(&ctx, args).await
    }
}
