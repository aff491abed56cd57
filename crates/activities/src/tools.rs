//! One Temporal activity per built-in tool, each registered under the tool's exact name.
//!
//! The tool registry is the single list: the activities are generated from it, so adding a
//! tool is a registry entry plus its module and nothing here. The SDK registers an activity
//! per Rust type (a type's name is fixed when it is defined), so each registry position gets
//! one zero-sized type, [`BuiltinTool<I>`], whose name is the tool at position `I`;
//! [`ToolActivities`] registers one for every tool the registry holds. Every activity runs
//! [`ToolRegistry::run`] with the activity's own type name, so the Web UI shows `FindEvents`,
//! `SearchFlights` and `CreateInvoice` as they are.

use std::{marker::PhantomData, sync::Arc, time::Instant};

use futures::future::BoxFuture;
use serde_json::Value;
use temporalio_common::ActivityDefinition;
use temporalio_sdk::activities::{
    ActivityContext, ActivityDefinitions, ActivityError, ActivityImplementer, ExecutableActivity,
};
use tools::{ToolCall, ToolRegistry};
use tracing::info;

use crate::{failure::tool_failure, heartbeat::heartbeating, metrics::AgentMetrics};

pub struct ToolActivities {
    registry: ToolRegistry,
    metrics: AgentMetrics,
}

impl ToolActivities {
    pub fn new(registry: ToolRegistry) -> Self {
        Self {
            registry,
            metrics: AgentMetrics::default(),
        }
    }

    /// Counts and times every run (`agent_tool_runs_total`, `agent_tool_run_seconds`).
    pub fn with_metrics(mut self, metrics: AgentMetrics) -> Self {
        self.metrics = metrics;
        self
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
        let started = Instant::now();
        let ran = heartbeating(ctx, self.registry.run(tool, args, &call)).await;
        let outcome = match &ran {
            Ok(Ok(_)) => "ok",
            Ok(Err(_)) => "error",
            Err(_) => "cancelled",
        };
        self.metrics.tool_run(tool, outcome, started.elapsed());
        ran?.map_err(tool_failure)
    }
}

/// The activity of the built-in tool at registry position `I`.
pub struct BuiltinTool<const I: usize>(PhantomData<()>);

impl<const I: usize> ActivityDefinition for BuiltinTool<I> {
    type Input = Value;
    type Output = Value;

    fn name(&self) -> &str {
        tools::tool_name(I).unwrap_or_default()
    }
}

impl<const I: usize> ExecutableActivity for BuiltinTool<I> {
    type Implementer = ToolActivities;
    const REQUIRES_INSTANCE: bool = true;

    fn definition() -> Self {
        Self(PhantomData)
    }

    fn execute(
        receiver: Option<Arc<ToolActivities>>,
        ctx: ActivityContext,
        input: Value,
    ) -> BoxFuture<'static, Result<Value, ActivityError>> {
        Box::pin(async move {
            let activities = receiver.expect("tool activities are registered with an instance");
            activities.run(&ctx, input).await
        })
    }
}

/// Registers `BuiltinTool<I>` for each listed position the registry fills.
macro_rules! register_positions {
    ($defs:expr, $activities:expr; $($position:literal)*) => {
        $(
            if tools::tool_name($position).is_some() {
                $defs.register_activity::<BuiltinTool<$position>>($activities.clone());
            }
        )*
    };
}

impl ActivityImplementer for ToolActivities {
    fn register_all(self: Arc<Self>, defs: &mut ActivityDefinitions) {
        register_positions!(defs, self; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions `register_all` lists.
    const MAX_BUILTIN_TOOLS: usize = 16;

    #[test]
    fn every_builtin_tool_has_an_activity_position() {
        assert!(tools::tool_names().len() <= MAX_BUILTIN_TOOLS);
        for (position, name) in tools::tool_names().into_iter().enumerate() {
            assert_eq!(tools::tool_name(position), Some(name));
        }
        assert_eq!(BuiltinTool::<0>::definition().name(), "FindEvents");
        assert_eq!(BuiltinTool::<4>::definition().name(), "SwitchAgent");
    }
}
